//! Pairwise summation: accurate sums of long runs without wider accumulators.
//!
//! Adding n numbers left to right lets the rounding error grow like n·ε; halving the run
//! recursively and adding the two halves' sums makes it grow like log₂(n)·ε. Runs of at most
//! [`BLOCK`] elements are added directly, over eight independent accumulators that the compiler
//! keeps in vector registers.

use rayon::prelude::*;

use crate::element::Numeric;
use crate::ops::elementwise::PARALLEL_THRESHOLD;

/// Longest run summed directly.
const BLOCK: usize = 128;

/// Independent accumulators of a direct sum.
const LANES: usize = 8;

/// Elements per parallel task of a long sum (a power of two, so tasks split like the recursion).
const TASK: usize = 1 << 14;

/// Σ f(v) over `x`, pairwise; in parallel when `x` is long.
pub(super) fn pairwise_sum<T: Numeric>(x: &[T], f: &(impl Fn(T) -> T + Sync)) -> T {
    if x.len() >= PARALLEL_THRESHOLD {
        let parts: Vec<T> =
            crate::parallel::region(|| x.par_chunks(TASK).map(|c| sum_serial(c, f)).collect());
        return sum_serial(&parts, &|v| v);
    }
    sum_serial(x, f)
}

fn sum_serial<T: Numeric>(x: &[T], f: &impl Fn(T) -> T) -> T {
    if x.len() > BLOCK {
        let mid = x.len() / 2;
        return sum_serial(&x[..mid], f) + sum_serial(&x[mid..], f);
    }
    let mut acc = [T::zero(); LANES];
    let mut chunks = x.chunks_exact(LANES);
    for c in &mut chunks {
        for (a, &v) in acc.iter_mut().zip(c) {
            *a += f(v);
        }
    }
    let mut tail = T::zero();
    for &v in chunks.remainder() {
        tail += f(v);
    }
    let [a0, a1, a2, a3, a4, a5, a6, a7] = acc;
    ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + tail
}

/// Column sums, pairwise down the rows: `out[j] = Σ_r f(x[r·stride + j], j)` for `r < rows`.
pub(super) fn pairwise_sum_cols<T: Numeric>(
    x: &[T],
    rows: usize,
    stride: usize,
    out: &mut [T],
    f: &impl Fn(T, usize) -> T,
) {
    if rows > BLOCK {
        let half = rows / 2;
        pairwise_sum_cols(x, half, stride, out, f);
        let mut rest = vec![T::zero(); out.len()];
        pairwise_sum_cols(&x[half * stride..], rows - half, stride, &mut rest, f);
        for (o, r) in out.iter_mut().zip(rest) {
            *o += r;
        }
        return;
    }
    out.fill(T::zero());
    for r in 0..rows {
        let row = &x[r * stride..];
        for (j, (o, &v)) in out.iter_mut().zip(row).enumerate() {
            *o += f(v, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_f32_sum_keeps_its_accuracy() {
        // 0.1f32 is 0.100000001490116…; a left-to-right f32 sum of 10⁶ of them is off by ~1%.
        let x = vec![0.1f32; 1_000_000];
        let exact = 1_000_000.0 * f64::from(0.1f32);
        let s = f64::from(pairwise_sum(&x, &|v| v));
        assert!((s - exact).abs() / exact < 1e-6, "{s}");
    }

    #[test]
    fn long_f32_column_sum_keeps_its_accuracy() {
        let (rows, cols) = (100_000, 3);
        let x = vec![0.1f32; rows * cols];
        let mut out = vec![0.0f32; cols];
        pairwise_sum_cols(&x, rows, cols, &mut out, &|v, _| v);
        let exact = rows as f64 * f64::from(0.1f32);
        for s in out {
            assert!((f64::from(s) - exact).abs() / exact < 1e-6, "{s}");
        }
    }
}
