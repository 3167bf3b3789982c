//! Runs an update rule over a whole parameter: in one call on the caller's thread, or, for large
//! parameters only, in one contiguous part per thread of the rayon pool.

use rayon::prelude::*;

use scalpel_tensor::Float;

use super::{StepInfo, UpdateRule};

/// Elements from which an update is split across threads.
///
/// The split gains most by where the data already is, not by the arithmetic. On 2 cores, reading
/// a parameter and its gradient from the other core's cache costs more than updating them: the
/// serial update of all of benchmark W2's parameters, half of whose gradients the other core
/// wrote, took 100 µs, where on one thread with everything local it took 55 µs. Split in halves,
/// each core updating the rows it wrote (see [`apply`]), it took 40 µs. W2's 128×256 weight
/// (32,768 elements) gains too, hence a threshold below it. Measured with the pool kept awake
/// between kernels (`scalpel_tensor::parallel::region`).
const PARALLEL_THRESHOLD: usize = 1 << 14;

/// One chunk's share of the parameter, the gradient and every buffer.
type Task<'a, T> = (&'a mut [T], &'a [T], Vec<&'a mut [T]>);

/// Applies `rule` to `param`, `grad` and `buffers` (all of one length).
///
/// A large parameter is cut into one contiguous part per thread, in order, the first run by the
/// calling thread: the same cut as scalpel-tensor's matrix products make of a weight `(out, in)`
/// in a linear layer's forward product and its weight gradient (whole rows, the first band on
/// the calling thread). So each core updates the rows whose gradient it wrote and whose values
/// it reads next, instead of pulling them from the other core's cache.
pub(crate) fn apply<R: UpdateRule, T: Float>(
    rule: &R,
    info: &StepInfo,
    param: &mut [T],
    grad: &[T],
    buffers: &mut [Vec<T>],
) {
    if param.len() < PARALLEL_THRESHOLD || rayon::current_num_threads() < 2 {
        let mut views: Vec<&mut [T]> = buffers.iter_mut().map(Vec::as_mut_slice).collect();
        rule.update(info, param, grad, &mut views);
        return;
    }
    let chunk = param
        .len()
        .div_ceil(rayon::current_num_threads())
        .next_multiple_of(16);
    let mut tasks: Vec<Task<'_, T>> = param
        .chunks_mut(chunk)
        .zip(grad.chunks(chunk))
        .map(|(p, g)| (p, g, Vec::with_capacity(buffers.len())))
        .collect();
    for buffer in buffers.iter_mut() {
        for (task, chunk) in tasks.iter_mut().zip(buffer.chunks_mut(chunk)) {
            task.2.push(chunk);
        }
    }
    scalpel_tensor::parallel::region(|| {
        tasks
            .into_par_iter()
            .for_each(|(p, g, mut b)| rule.update(info, p, g, &mut b))
    });
}
