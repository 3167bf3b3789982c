//! Max pooling of one plane with a 2 × 2 window, stride 2 and no padding — the commonest
//! pooling — without the window bookkeeping of the general loop, and for f32 on CPUs with
//! AVX-512 sixteen windows at a time.

use super::geometry::PoolGeometry;
use crate::element::Float;
use crate::ops::elementwise::PARALLEL_THRESHOLD;
#[cfg(target_arch = "x86_64")]
use crate::ops::f32_slices::{as_f32, as_f32_mut};

/// Input elements from which the AVX-512 kernel splits its planes across the rayon pool: it
/// reads an element in about a quarter of a nanosecond, so waking a second thread pays only for
/// large inputs (measured on 2 cores: 64 × 6 × 28 × 28 inputs, 0.3 M, take 77 µs on one thread
/// and 110 µs on two).
const SIMD_PARALLEL_INPUTS: usize = 1 << 20;

/// Input elements from which [`max_plane_2x2`] of `g` should run on the rayon pool.
pub(super) fn parallel_from<T: Float>(g: &PoolGeometry) -> usize {
    #[cfg(target_arch = "x86_64")]
    if avx512::handles::<T>(g) {
        return SIMD_PARALLEL_INPUTS;
    }
    let _ = g;
    PARALLEL_THRESHOLD
}

/// Max pooling of the plane `x` into its maxima `values` and their flat `indices`, by the same
/// comparisons in the same order as the general loop (so the same winner on ties and NaNs).
pub(super) fn max_plane_2x2<T: Float>(
    g: &PoolGeometry,
    x: &[T],
    values: &mut [T],
    indices: &mut [i64],
) {
    #[cfg(target_arch = "x86_64")]
    if avx512::handles::<T>(g) {
        let (x, values) = (as_f32(x), as_f32_mut(values));
        // SAFETY: `handles` checked that the CPU has AVX-512F.
        return unsafe { avx512::plane(g, x, values, indices) };
    }
    scalar(g, x, values, indices)
}

/// [`max_plane_2x2`] one window at a time, for any element type and CPU.
fn scalar<T: Float>(g: &PoolGeometry, x: &[T], values: &mut [T], indices: &mut [i64]) {
    let w = g.w;
    let rows = values
        .chunks_exact_mut(g.ow)
        .zip(indices.chunks_exact_mut(g.ow));
    for (y, (row_v, row_i)) in rows.enumerate() {
        let top = &x[2 * y * w..2 * y * w + 2 * g.ow];
        let bottom = &x[(2 * y + 1) * w..(2 * y + 1) * w + 2 * g.ow];
        let pairs = top.chunks_exact(2).zip(bottom.chunks_exact(2));
        for (xo, ((t, b), (ov, oi))) in pairs
            .zip(row_v.iter_mut().zip(row_i.iter_mut()))
            .enumerate()
        {
            // Row-major window order: t[0], t[1], b[0], b[1]. The first element starts as the
            // maximum; this matches starting from −∞, which only the first element replaces
            // or, when it is −∞ too, whose place is the first element's anyway.
            let (mut best, mut at) = (t[0], 0);
            for (k, v) in [(1, t[1]), (2, b[0]), (3, b[1])] {
                if v > best || v.is_nan() {
                    best = v;
                    at = k;
                }
            }
            let origin = 2 * y * w + 2 * xo;
            *ov = best;
            *oi = (origin + (at & 1) + (at >> 1) * w) as i64;
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512;
