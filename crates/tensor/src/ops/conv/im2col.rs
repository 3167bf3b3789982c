//! im2col and col2im (the book's im2row and row2im, §6.3–6.4): unfolding the receptive fields
//! of a convolution into the columns of a matrix, so that the convolution becomes one matrix
//! product, and folding such a matrix back by summing overlaps.
//!
//! The layout of the column matrix is described in the [module docs](crate::ops::conv).
//!
//! The kernels here fill or fold a band of output rows `r0..r1` at a time (a tile), which is how
//! the convolution drivers keep the column matrix in cache.

use super::geometry::Geometry;
use super::params::Conv2dParams;
use crate::accumulate::zeros_to_accumulate;
use crate::element::Float;
use crate::error::{Result, TensorError};
use crate::shape::Shape;
use crate::tensor::Tensor;

/// The output positions `lo..hi` (out of `out`) whose input position `q·stride + offset − pad`
/// lies inside `0..input`.
#[inline]
fn valid_range(
    out: usize,
    input: usize,
    stride: usize,
    pad: usize,
    offset: usize,
) -> (usize, usize) {
    let lo = if offset >= pad {
        0
    } else {
        (pad - offset).div_ceil(stride)
    };
    let hi = if input + pad > offset {
        (input + pad - offset).div_ceil(stride)
    } else {
        0
    };
    let hi = hi.min(out);
    (lo.min(hi), hi)
}

/// The input row read by output row `r` through kernel row `i`, if it is not padding.
#[inline]
fn input_row(g: &Geometry, r: usize, i: usize) -> Option<usize> {
    (r * g.stride.0 + i * g.dilation.0)
        .checked_sub(g.padding.0)
        .filter(|&ih| ih < g.h)
}

/// Fills `col` with the column matrix of channels `c0..c0 + nc` of one image `x` (`c × h × w`,
/// contiguous) for output rows `r0..r1`: `nc·kh·kw` rows of `(r1 − r0)·ow` columns, row-major.
pub(crate) fn im2col_rows<T: Float>(
    x: &[T],
    g: &Geometry,
    (c0, nc): (usize, usize),
    (r0, r1): (usize, usize),
    col: &mut [T],
) {
    let plane = g.h * g.w;
    let cols = (r1 - r0) * g.ow;
    let (sw, pw, dw) = (g.stride.1, g.padding.1, g.dilation.1);
    // With unit strides and an output as wide as the input, the valid part of a column-matrix
    // row is one contiguous run of the input plane (the input rows follow each other): one copy
    // for the band instead of one per output row.
    let runs = g.stride == (1, 1) && g.ow == g.w;
    let mut rows = col[..nc * g.kh * g.kw * cols].chunks_exact_mut(cols.max(1));
    for c in c0..c0 + nc {
        let src = &x[c * plane..(c + 1) * plane];
        for i in 0..g.kh {
            for j in 0..g.kw {
                let Some(row) = rows.next() else { return };
                let (lo, hi) = valid_range(g.ow, g.w, sw, pw, j * dw);
                if runs {
                    copy_run(src, g, (r0, r1), (i, j), (lo, hi), row);
                    continue;
                }
                for (r, seg) in (r0..r1).zip(row.chunks_exact_mut(g.ow)) {
                    let Some(ih) = input_row(g, r, i) else {
                        seg.fill(T::zero());
                        continue;
                    };
                    seg[..lo].fill(T::zero());
                    seg[hi..].fill(T::zero());
                    if lo == hi {
                        continue;
                    }
                    let start = ih * g.w + lo * sw + j * dw - pw;
                    if sw == 1 {
                        seg[lo..hi].copy_from_slice(&src[start..start + hi - lo]);
                    } else {
                        for (d, s) in seg[lo..hi].iter_mut().zip(src[start..].iter().step_by(sw)) {
                            *d = *s;
                        }
                    }
                }
            }
        }
    }
}

/// One row of the column matrix (kernel tap `(i, j)`, output rows `r0..r1`) when the strides
/// are 1 and the output is as wide as the input (`ow == w`): output position `(r, q)` reads
/// input `(r + i·dh − ph, q + j·dw − pw)`, so within the valid rows the whole band is the
/// input plane shifted by a constant. It is copied at once; then the columns outside
/// `lo..hi`, which picked up values of the neighbouring rows, and the padding rows are zeroed.
fn copy_run<T: Float>(
    src: &[T],
    g: &Geometry,
    (r0, r1): (usize, usize),
    (i, j): (usize, usize),
    (lo, hi): (usize, usize),
    row: &mut [T],
) {
    let w = g.w;
    if w == 0 {
        return;
    }
    let (ka, kb) = valid_range(r1 - r0, g.h, 1, g.padding.0, r0 + i * g.dilation.0);
    row[..ka * w].fill(T::zero());
    row[kb * w..].fill(T::zero());
    if ka == kb {
        return;
    }
    if lo < hi {
        // Input row of band row `ka`; the first copied element is its column lo + j·dw − pw.
        let ih = r0 + ka + i * g.dilation.0 - g.padding.0;
        let (d0, d1) = (ka * w + lo, (kb - 1) * w + hi);
        let s0 = ih * w + lo + j * g.dilation.1 - g.padding.1;
        row[d0..d1].copy_from_slice(&src[s0..s0 + (d1 - d0)]);
    }
    if lo > 0 || hi < w {
        for seg in row[ka * w..kb * w].chunks_exact_mut(w) {
            for v in &mut seg[..lo] {
                *v = T::zero();
            }
            for v in &mut seg[hi..] {
                *v = T::zero();
            }
        }
    }
}

/// Adds the column matrix `col` of channels `c0..c0 + nc` and output rows `r0..r1` (laid out as
/// [`im2col_rows`] writes it) back into the image `dx` (`c × h × w`), each entry to the input
/// position it was read from: the adjoint of [`im2col_rows`].
pub(crate) fn col2im_rows<T: Float>(
    col: &[T],
    g: &Geometry,
    (c0, nc): (usize, usize),
    (r0, r1): (usize, usize),
    dx: &mut [T],
) {
    let plane = g.h * g.w;
    let cols = (r1 - r0) * g.ow;
    let (sw, pw, dw) = (g.stride.1, g.padding.1, g.dilation.1);
    let mut rows = col[..nc * g.kh * g.kw * cols].chunks_exact(cols.max(1));
    for c in c0..c0 + nc {
        let dst = &mut dx[c * plane..(c + 1) * plane];
        for i in 0..g.kh {
            for j in 0..g.kw {
                let Some(row) = rows.next() else { return };
                let (lo, hi) = valid_range(g.ow, g.w, sw, pw, j * dw);
                if lo == hi {
                    continue;
                }
                for (r, seg) in (r0..r1).zip(row.chunks_exact(g.ow)) {
                    let Some(ih) = input_row(g, r, i) else {
                        continue;
                    };
                    let start = ih * g.w + lo * sw + j * dw - pw;
                    if sw == 1 {
                        for (d, &s) in dst[start..start + hi - lo].iter_mut().zip(&seg[lo..hi]) {
                            *d += s;
                        }
                    } else {
                        for (d, &s) in dst[start..].iter_mut().step_by(sw).zip(&seg[lo..hi]) {
                            *d += s;
                        }
                    }
                }
            }
        }
    }
}

impl<T: Float> Tensor<T> {
    /// Unfolds the receptive fields of a convolution: for an `(N, C, H, W)` input and a
    /// `kernel = (kH, kW)` window, the `(N, C·kH·kW, OH·OW)` stack of column matrices described in
    /// the [module docs](crate::ops::conv#the-column-matrix) (the book's im2row, transposed).
    /// `params.groups` is ignored: the rows of each group are a contiguous block.
    ///
    /// ```
    /// use scalpel_tensor::{ops::conv::Conv2dParams, Tensor};
    /// let x = Tensor::from_vec((1..=9).map(|v| v as f32).collect(), [1, 1, 3, 3]).unwrap();
    /// let cols = x.im2col((2, 2), Conv2dParams::default()).unwrap();
    /// assert_eq!(cols.dims(), &[1, 4, 4]);
    /// // Row (i, j) = (0, 0) holds the top-left tap of each of the four 2×2 windows.
    /// assert_eq!(cols.get(&[0, 0, 3]).unwrap(), 5.0);
    /// ```
    ///
    /// # Errors
    /// A non-4-D input, a zero stride or dilation, an empty kernel, or a kernel larger than the
    /// padded input.
    pub fn im2col(&self, kernel: (usize, usize), params: Conv2dParams) -> Result<Tensor<T>> {
        let params = Conv2dParams {
            groups: 1,
            ..params
        };
        let g = Geometry::window("im2col", self.shape(), kernel, &params)?;
        let x = self.contiguous();
        let x = x.as_slice().expect("contiguous");
        let (rows, cols) = (g.c * g.kh * g.kw, g.oh * g.ow);
        let mut out = crate::buffer_cache::filled(g.n * rows * cols, T::zero());
        if !out.is_empty() {
            for (i, col) in out.chunks_exact_mut(rows * cols).enumerate() {
                let image = &x[i * g.in_image()..(i + 1) * g.in_image()];
                im2col_rows(image, &g, (0, g.c), (0, g.oh), col);
            }
        }
        Ok(Tensor::from_vec_unchecked(
            out,
            Shape::new(&[g.n, rows, cols]),
        ))
    }

    /// Folds a stack of column matrices back into images, summing the entries that came from the
    /// same input position: the adjoint of [`im2col`](Self::im2col) (the book's row2im).
    /// `self` is `(N, C·kH·kW, OH·OW)`; `input_shape` is the `(N, C, H, W)` shape of the images.
    ///
    /// # Errors
    /// The errors of [`im2col`](Self::im2col) for `input_shape`, and a [`TensorError`] naming
    /// both shapes when `self` is not the column-matrix shape of `input_shape`.
    pub fn col2im(
        &self,
        input_shape: impl Into<Shape>,
        kernel: (usize, usize),
        params: Conv2dParams,
    ) -> Result<Tensor<T>> {
        let input_shape = input_shape.into();
        let params = Conv2dParams {
            groups: 1,
            ..params
        };
        let g = Geometry::window("col2im", &input_shape, kernel, &params)?;
        let (rows, cols) = (g.c * g.kh * g.kw, g.oh * g.ow);
        if self.dims() != [g.n, rows, cols] {
            return Err(TensorError::mismatch(
                "col2im",
                self.shape(),
                &input_shape,
                format!("expected columns of shape [{}, {rows}, {cols}]", g.n),
            ));
        }
        let col = self.contiguous();
        let col = col.as_slice().expect("contiguous");
        let mut out = zeros_to_accumulate(g.n * g.in_image(), T::zero());
        for i in 0..g.n {
            let dx = &mut out[i * g.in_image()..(i + 1) * g.in_image()];
            let c = &col[i * rows * cols..(i + 1) * rows * cols];
            col2im_rows(c, &g, (0, g.c), (0, g.oh), dx);
        }
        Ok(Tensor::from_vec_unchecked(out, input_shape))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_range_excludes_padding_on_both_sides() {
        // w = 5, pad 1, stride 1, tap offset 0: ow 0 reads column −1.
        assert_eq!(valid_range(5, 5, 1, 1, 0), (1, 5));
        // tap offset 2: ow 4 reads column 5.
        assert_eq!(valid_range(5, 5, 1, 1, 2), (0, 4));
        // stride 2, pad 2, offset 0 over 7 columns: ow 1..=3 read 0, 2, 4; ow 4 reads 6.
        assert_eq!(valid_range(5, 7, 2, 2, 0), (1, 5));
        // A tap that only ever sees padding.
        assert_eq!(valid_range(3, 1, 1, 3, 0), (3, 3));
    }
}
