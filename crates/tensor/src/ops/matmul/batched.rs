//! The batched product behind every matmul form: broadcast batch dimensions walked through
//! their strides, one `gemm` call per matrix (or one call for the whole stack when it folds).

use rayon::prelude::*;

use super::kernel::{gemm_into, gemm_new, MatMut, MatRef, PARALLEL_FLOPS};
use crate::element::Float;
use crate::layout::{for_each_row, Layout};
use crate::shape::Shape;
use crate::tensor::Tensor;
use crate::view::broadcast_layout;

/// `a · b` for `a` of shape `[..a, m, k]` and `b` of shape `[..b, k, n]` whose batch dimensions
/// broadcast to `batch`: the contiguous elements of the `[batch.., m, n]` result.
///
/// The caller has checked the shapes; nothing is copied from either operand.
pub(super) fn product<T: Float>(a: &Tensor<T>, b: &Tensor<T>, batch: &Shape) -> Vec<T> {
    let (ra, rb) = (a.rank(), b.rank());
    let (m, k, n) = (a.dims()[ra - 2], a.dims()[ra - 1], b.dims()[rb - 1]);
    let count = batch.numel();
    if count * m * n == 0 {
        return Vec::new();
    }
    let la = batch_layout(a, batch);
    let lb = batch_layout(b, batch);
    let lhs = |offset| MatRef {
        data: a.storage(),
        offset,
        row_stride: a.strides()[ra - 2],
        col_stride: a.strides()[ra - 1],
    };
    let rhs = |offset| MatRef {
        data: b.storage(),
        offset,
        row_stride: b.strides()[rb - 2],
        col_stride: b.strides()[rb - 1],
    };

    // One matrix shared by the whole batch on the right, and a left stack whose rows follow each
    // other with one stride: the stack is a single tall matrix, and gemm sees one big product.
    if lb.strides().iter().all(|&s| s == 0) {
        if let Some(row_stride) = folded_row_stride(a, &la) {
            let tall = MatRef {
                row_stride,
                ..lhs(la.offset())
            };
            return gemm_new(count * m, n, k, tall, rhs(lb.offset()), true);
        }
    }
    let mut out = crate::buffer_cache::filled(count * m * n, T::zero());

    let mut offsets = Vec::with_capacity(count);
    for_each_row([&la, &lb], |[oa, ob], len, [sa, sb]| {
        for i in 0..len as isize {
            offsets.push((
                (oa as isize + i * sa) as usize,
                (ob as isize + i * sb) as usize,
            ));
        }
    });
    let flops = m * n * k;
    let spread_batches = count > 1
        && flops < PARALLEL_FLOPS
        && count * flops >= PARALLEL_FLOPS
        && rayon::current_num_threads() > 1;
    if spread_batches {
        crate::parallel::region(|| {
            out.par_chunks_mut(m * n)
                .zip(offsets.par_iter())
                .for_each(|(c, &(oa, ob))| {
                    let dst = MatMut::row_major(c, 0, n);
                    gemm_into(m, n, k, dst, lhs(oa), rhs(ob), false, false);
                })
        });
    } else {
        for (c, &(oa, ob)) in out.chunks_mut(m * n).zip(&offsets) {
            let dst = MatMut::row_major(c, 0, n);
            gemm_into(m, n, k, dst, lhs(oa), rhs(ob), false, true);
        }
    }
    out
}

/// The layout of `x`'s batch dimensions broadcast to `batch` (stride 0 where `x` repeats); its
/// offset is that of `x`.
fn batch_layout<T: Float>(x: &Tensor<T>, batch: &Shape) -> Layout {
    let r = x.rank();
    let own = Layout::from_parts(
        Shape::new(&x.dims()[..r - 2]),
        x.strides()[..r - 2].into(),
        x.layout().offset(),
    );
    broadcast_layout("matmul", &own, batch).expect("batch shape was checked by the caller")
}

/// When the `[batch.., m]` rows of the left operand lie at a single stride from one another, that
/// stride: the stack can then be read as one `(batch·m) × k` matrix.
fn folded_row_stride<T: Float>(a: &Tensor<T>, la: &Layout) -> Option<isize> {
    let r = a.rank();
    let rows = (a.dims()[r - 2], a.strides()[r - 2]);
    let batch = la.shape().iter().copied().zip(la.strides().iter().copied());
    // Innermost first: each dimension must step over everything inside it.
    let mut run: Option<(usize, isize)> = None;
    for (d, s) in std::iter::once(rows).chain(batch.rev()) {
        if d == 1 {
            continue;
        }
        run = match run {
            None => Some((d, s)),
            Some((inside, stride)) if s == stride * inside as isize => Some((inside * d, stride)),
            Some(_) => return None,
        };
    }
    Some(run.map_or(rows.1, |(_, stride)| stride))
}
