//! The one entry point to the `gemm` crate: a bounds-checked strided matrix product.
//!
//! Every matrix product in the crate (matmul, convolution through im2col and Winograd, their
//! backward kernels) goes through [`gemm_into`], or through the crate-internal `gemm_new` when
//! it makes a new buffer. The `gemm` crate is built with its `x86-v4` feature, so it
//! carries AVX-512 kernels and picks AVX-512, AVX2/FMA or SSE at run time by CPU detection.

use gemm::Parallelism;

use crate::element::Float;

/// Multiply-adds (m·n·k) from which a product is split across the rayon pool; the batched matmul
/// also spreads a stack of smaller products over the pool once their total reaches it.
///
/// Measured on 2 cores (AVX-512), serial against 2 threads: 64×128×64 (0.5 M) loses 7% when
/// split, 96×128×96 (1.2 M) gains 1.3×, 128×784×256 (26 M, an MLP layer) 1.7×; a stack of
/// 128 products of 16×16×16 (0.5 M in all) loses 15% when spread, 64 of 32×32×32 (2 M) gains.
pub const PARALLEL_FLOPS: usize = 1 << 20;

/// A strided read-only matrix inside a slice: element (i, j) is
/// `data[offset + i·row_stride + j·col_stride]`.
#[derive(Clone, Copy, Debug)]
pub struct MatRef<'a, T> {
    /// The storage.
    pub data: &'a [T],
    /// Index of element (0, 0).
    pub offset: usize,
    /// Step between rows.
    pub row_stride: isize,
    /// Step between columns.
    pub col_stride: isize,
}

/// A strided writable matrix inside a slice.
#[derive(Debug)]
pub struct MatMut<'a, T> {
    /// The storage.
    pub data: &'a mut [T],
    /// Index of element (0, 0).
    pub offset: usize,
    /// Step between rows.
    pub row_stride: isize,
    /// Step between columns.
    pub col_stride: isize,
}

impl<'a, T> MatRef<'a, T> {
    /// A row-major matrix with `cols` columns starting at `offset`.
    pub fn row_major(data: &'a [T], offset: usize, cols: usize) -> Self {
        MatRef {
            data,
            offset,
            row_stride: cols as isize,
            col_stride: 1,
        }
    }
    /// The transpose (a view).
    pub fn t(self) -> Self {
        MatRef {
            row_stride: self.col_stride,
            col_stride: self.row_stride,
            ..self
        }
    }
}

impl<'a, T> MatMut<'a, T> {
    /// A row-major matrix with `cols` columns starting at `offset`.
    pub fn row_major(data: &'a mut [T], offset: usize, cols: usize) -> Self {
        MatMut {
            data,
            offset,
            row_stride: cols as isize,
            col_stride: 1,
        }
    }
}

/// Smallest and largest storage index an `rows×cols` strided matrix touches.
fn span(offset: usize, rows: usize, cols: usize, rs: isize, cs: isize) -> (isize, isize) {
    let mut lo = offset as isize;
    let mut hi = offset as isize;
    for (n, s) in [(rows, rs), (cols, cs)] {
        let reach = (n as isize - 1) * s;
        if reach < 0 {
            lo += reach;
        } else {
            hi += reach;
        }
    }
    (lo, hi)
}

fn check_bounds(
    what: &str,
    len: usize,
    offset: usize,
    rows: usize,
    cols: usize,
    rs: isize,
    cs: isize,
) {
    if rows == 0 || cols == 0 {
        return;
    }
    let (lo, hi) = span(offset, rows, cols, rs, cs);
    assert!(lo >= 0 && (hi as usize) < len, "gemm: {what} matrix {rows}x{cols} (strides {rs},{cs}) at offset {offset} exceeds storage of {len}");
}

/// `dst = lhs · rhs` (or `dst += lhs · rhs` when `accumulate`), for an m×k `lhs` and k×n
/// `rhs`. Runs on the rayon pool when `parallel` and the product is large enough.
///
/// # Panics
/// When a matrix reaches outside its slice (an internal error: callers compute shapes).
#[allow(clippy::too_many_arguments)]
pub fn gemm_into<T: Float>(
    m: usize,
    n: usize,
    k: usize,
    dst: MatMut<'_, T>,
    lhs: MatRef<'_, T>,
    rhs: MatRef<'_, T>,
    accumulate: bool,
    parallel: bool,
) {
    check_bounds(
        "dst",
        dst.data.len(),
        dst.offset,
        m,
        n,
        dst.row_stride,
        dst.col_stride,
    );
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            for i in 0..m {
                for j in 0..n {
                    let idx = dst.offset as isize
                        + i as isize * dst.row_stride
                        + j as isize * dst.col_stride;
                    dst.data[idx as usize] = T::zero();
                }
            }
        }
        return;
    }
    check_operands(m, n, k, &lhs, &rhs);
    let dst = Strided {
        ptr: dst.data.as_mut_ptr().wrapping_add(dst.offset),
        row_stride: dst.row_stride,
        col_stride: dst.col_stride,
    };
    // SAFETY: the three matrices were checked to lie inside their slices above; `dst` is
    // borrowed mutably, so it cannot alias `lhs` or `rhs`.
    unsafe {
        gemm_checked(
            m,
            n,
            k,
            dst,
            strided(lhs),
            strided(rhs),
            accumulate,
            parallel,
        )
    };
}

/// The product `lhs · rhs` (`m × k` by `k × n`) as a new row-major `m × n` buffer, from the
/// buffer cache, written by the GEMM directly: unlike [`gemm_into`] on a zero-filled buffer, no
/// pass over the output before the product (which runs on one thread, before the product's
/// threads start).
///
/// # Panics
/// When `lhs` or `rhs` does not lie inside its slice.
pub(crate) fn gemm_new<T: Float>(
    m: usize,
    n: usize,
    k: usize,
    lhs: MatRef<'_, T>,
    rhs: MatRef<'_, T>,
    parallel: bool,
) -> Vec<T> {
    if m == 0 || n == 0 || k == 0 {
        let mut out = crate::buffer_cache::filled(m * n, T::zero());
        gemm_into(
            m,
            n,
            k,
            MatMut::row_major(&mut out, 0, n),
            lhs,
            rhs,
            false,
            parallel,
        );
        return out;
    }
    check_operands(m, n, k, &lhs, &rhs);
    let mut out = crate::buffer_cache::take::<T>(m * n);
    let dst = Strided {
        ptr: out.as_mut_ptr(),
        row_stride: n as isize,
        col_stride: 1,
    };
    // SAFETY: `out` has room for the `m × n` row-major matrix `dst`, a fresh allocation that
    // overlaps nothing; `lhs` and `rhs` were checked to lie inside their slices. With
    // `accumulate` false, gemm writes every element of `dst` and reads none: with `read_dst`
    // false, gemm 0.19.0 (pinned exactly in the workspace manifest for this) sets its `alpha`
    // to zero, and every kernel then stores `beta·(lhs·rhs)` without loading the old value
    // (microkernels, gemv and gevv paths checked; a test hands it a buffer of NaN). So every
    // element is initialised when the length is set.
    unsafe {
        gemm_checked(m, n, k, dst, strided(lhs), strided(rhs), false, parallel);
        out.set_len(m * n);
    }
    out
}

/// Checks that `lhs` (`m × k`) and `rhs` (`k × n`) lie inside their slices.
fn check_operands<T>(m: usize, n: usize, k: usize, lhs: &MatRef<'_, T>, rhs: &MatRef<'_, T>) {
    let (len, offset) = (lhs.data.len(), lhs.offset);
    check_bounds("lhs", len, offset, m, k, lhs.row_stride, lhs.col_stride);
    let (len, offset) = (rhs.data.len(), rhs.offset);
    check_bounds("rhs", len, offset, k, n, rhs.row_stride, rhs.col_stride);
}

/// `x` as a [`Strided`] matrix at its offset.
fn strided<T>(x: MatRef<'_, T>) -> Strided<T> {
    Strided {
        ptr: x.data.as_ptr().wrapping_add(x.offset).cast_mut(),
        row_stride: x.row_stride,
        col_stride: x.col_stride,
    }
}

/// `dst (+)= lhs · rhs` for non-empty matrices (`k > 0`), split across the pool when
/// `parallel` and large enough.
///
/// # Safety
/// All three matrices lie inside live allocations and `dst` overlaps neither input.
#[allow(clippy::too_many_arguments)]
unsafe fn gemm_checked<T: Float>(
    m: usize,
    n: usize,
    k: usize,
    dst: Strided<T>,
    lhs: Strided<T>,
    rhs: Strided<T>,
    accumulate: bool,
    parallel: bool,
) {
    let threads = rayon::current_num_threads();
    let parts = if parallel && threads > 1 && m * n * k >= PARALLEL_FLOPS {
        threads
    } else {
        1
    };
    if parts == 1 {
        // SAFETY: the caller's contract.
        unsafe { serial_gemm(m, n, k, dst, lhs, rhs, accumulate) };
        return;
    }
    // Each thread takes a band of the output and multiplies it serially; bands are multiples of
    // 16 so that each fills whole vector tiles, and the first band runs on the calling thread.
    //
    // The bands follow an operand stored transposed, where there is one: a linear layer's weight
    // `W (out, in)` enters its forward product as `x·Wᵀ` and its weight gradient as `gᵀ·x`, and
    // cutting along `W`'s rows in both (columns of `x·Wᵀ`, rows of `gᵀ·x`) keeps each row of `W`
    // and of its gradient on one core from step to step, as does the optimizer's split of the
    // update (scalpel-optim). Data another core wrote is slow to read here: on W2 (benchmark),
    // cutting the weight gradient along its columns instead cost 4 % of the step. But each
    // thread reads (and `gemm` packs) the whole operand that is not cut, so thin bands lose: a
    // side shorter than 32 per thread, or more than 4 times shorter than the other, is not cut
    // for this (a 48×2048 weight gradient took 434 µs in bands of 32 and 16 rows, 280 µs in
    // columns; a 128×32 product 250 µs in bands of 16 columns, 200 µs in rows). Otherwise the
    // longer side is cut.
    let lhs_transposed = lhs.row_stride == 1 && lhs.col_stride != 1;
    let rhs_transposed = rhs.row_stride == 1 && rhs.col_stride != 1;
    let along_rows = if lhs_transposed && m >= 32 * parts && 4 * m >= n {
        true
    } else if rhs_transposed && n >= 32 * parts && 4 * n >= m {
        false
    } else {
        m >= n
    };
    let len = if along_rows { m } else { n };
    let band = len.div_ceil(parts).next_multiple_of(16);
    let bands = len.div_ceil(band);
    use rayon::prelude::*;
    crate::parallel::region(|| {
        (0..bands).into_par_iter().for_each(|b| {
            let start = b * band;
            let size = band.min(len - start);
            // SAFETY: each band is a disjoint block of rows (or columns) of `dst`, inside the
            // caller's matrix, and of the matching rows of `lhs` (or columns of `rhs`).
            unsafe {
                if along_rows {
                    serial_gemm(
                        size,
                        n,
                        k,
                        dst.shifted(start as isize * dst.row_stride),
                        lhs.shifted(start as isize * lhs.row_stride),
                        rhs,
                        accumulate,
                    );
                } else {
                    serial_gemm(
                        m,
                        size,
                        k,
                        dst.shifted(start as isize * dst.col_stride),
                        lhs,
                        rhs.shifted(start as isize * rhs.col_stride),
                        accumulate,
                    );
                }
            }
        })
    });
}

/// A strided matrix by raw pointer, so that disjoint bands of one output can go to different
/// threads.
#[derive(Clone, Copy)]
struct Strided<T> {
    ptr: *mut T,
    row_stride: isize,
    col_stride: isize,
}

// SAFETY: a `Strided` is only read (lhs, rhs) or written in bands no two threads share (dst).
unsafe impl<T: Send> Send for Strided<T> {}
// SAFETY: as above.
unsafe impl<T: Sync> Sync for Strided<T> {}

impl<T> Strided<T> {
    /// The same matrix moved by `elements`.
    fn shifted(self, elements: isize) -> Self {
        Strided {
            ptr: self.ptr.wrapping_offset(elements),
            ..self
        }
    }
}

/// `dst (+)= lhs · rhs` on the calling thread.
///
/// # Safety
/// All three matrices lie inside live allocations, and `dst` overlaps neither input nor any
/// matrix another thread writes.
unsafe fn serial_gemm<T: Float>(
    m: usize,
    n: usize,
    k: usize,
    dst: Strided<T>,
    lhs: Strided<T>,
    rhs: Strided<T>,
    accumulate: bool,
) {
    // SAFETY: the caller's contract. T is f32 or f64, both supported by `gemm`.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.ptr,
            dst.col_stride,
            dst.row_stride,
            accumulate,
            lhs.ptr,
            lhs.col_stride,
            lhs.row_stride,
            rhs.ptr,
            rhs.col_stride,
            rhs.row_stride,
            T::one(),
            T::one(),
            false,
            false,
            false,
            Parallelism::None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_product_and_accumulate_match_hand_values() {
        let a = [1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0]; // 2x3
        let b = [7.0f64, 8.0, 9.0, 10.0, 11.0, 12.0]; // 3x2
        let mut c = [1.0f64; 4];
        gemm_into(
            2,
            2,
            3,
            MatMut::row_major(&mut c, 0, 2),
            MatRef::row_major(&a, 0, 3),
            MatRef::row_major(&b, 0, 2),
            false,
            false,
        );
        assert_eq!(c, [58.0, 64.0, 139.0, 154.0]);
        gemm_into(
            2,
            2,
            3,
            MatMut::row_major(&mut c, 0, 2),
            MatRef::row_major(&a, 0, 3),
            MatRef::row_major(&b, 0, 2),
            true,
            false,
        );
        assert_eq!(c, [116.0, 128.0, 278.0, 308.0]);
    }

    #[test]
    fn transposed_operands_need_no_copy() {
        let a = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0]; // stored 3x2, used as its transpose 2x3
        let b = [7.0f32, 8.0, 9.0, 10.0, 11.0, 12.0];
        let mut c = [0.0f32; 4];
        gemm_into(
            2,
            2,
            3,
            MatMut::row_major(&mut c, 0, 2),
            MatRef::row_major(&a, 0, 2).t(),
            MatRef::row_major(&b, 0, 2),
            false,
            false,
        );
        // aᵀ = [[1,3,5],[2,4,6]]
        assert_eq!(c, [89.0, 98.0, 116.0, 128.0]);
    }
}
