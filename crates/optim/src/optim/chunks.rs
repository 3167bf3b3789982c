//! Runs an update rule over a whole parameter: in one call on the caller's thread, or, for large
//! parameters only, on consecutive chunks across the rayon pool.

use rayon::prelude::*;

use scalpel_tensor::Float;

use super::{StepInfo, UpdateRule};

/// Elements from which an update is split across threads. With the pool kept awake between
/// kernels (`scalpel_tensor::parallel::region`), splitting the 784×256 weight of benchmark W2
/// (200,704 elements) raised its step rate by about 8 % on 2 cores; when every split paid a
/// worker's wake-up, only updates above 2¹⁹ elements gained.
const PARALLEL_THRESHOLD: usize = 1 << 16;

/// Elements per parallel chunk.
const CHUNK: usize = 1 << 16;

/// One chunk's share of the parameter, the gradient and every buffer.
type Task<'a, T> = (&'a mut [T], &'a [T], Vec<&'a mut [T]>);

/// Applies `rule` to `param`, `grad` and `buffers` (all of one length).
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
    let mut tasks: Vec<Task<'_, T>> = param
        .chunks_mut(CHUNK)
        .zip(grad.chunks(CHUNK))
        .map(|(p, g)| (p, g, Vec::with_capacity(buffers.len())))
        .collect();
    for buffer in buffers.iter_mut() {
        for (task, chunk) in tasks.iter_mut().zip(buffer.chunks_mut(CHUNK)) {
            task.2.push(chunk);
        }
    }
    scalpel_tensor::parallel::region(|| {
        tasks
            .into_par_iter()
            .for_each(|(p, g, mut b)| rule.update(info, p, g, &mut b))
    });
}
