//! Max pooling and its backward kernel.

use rayon::prelude::*;

use super::geometry::PoolGeometry;
use super::{for_each_plane, max_2x2};
use crate::accumulate::zeros_to_accumulate;
use crate::element::Float;
use crate::error::{Result, TensorError};
use crate::ops::elementwise::PARALLEL_THRESHOLD;
use crate::shape::Shape;
use crate::tensor::Tensor;

impl<T: Float> Tensor<T> {
    /// 2-D max pooling of an `(N, C, H, W)` input with a `kernel` window, `stride` and
    /// `padding` (padding acts as −∞, so it is never the maximum). Returns the `(N, C, OH, OW)`
    /// maxima and, for each, the flat index `h·W + w` of the maximum in its input plane, the
    /// indices [`max_pool2d_backward`](Self::max_pool2d_backward) needs. On ties the first
    /// maximum in row-major order wins; a NaN in a window is its maximum, as in PyTorch.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let x = Tensor::from_vec(vec![1.0f32, 5.0, 2.0, 0.0, 3.0, 4.0, 9.0, 8.0], [1, 1, 2, 4]).unwrap();
    /// let (y, idx) = x.max_pool2d((2, 2), (2, 2), (0, 0)).unwrap();
    /// assert_eq!(y.to_vec(), vec![5.0, 9.0]);
    /// assert_eq!(idx.to_vec(), vec![1, 6]);
    /// ```
    ///
    /// # Errors
    /// An input that is not 4-D, a zero kernel or stride, padding above half the kernel, or a
    /// kernel larger than the padded input.
    pub fn max_pool2d(
        &self,
        kernel: (usize, usize),
        stride: (usize, usize),
        padding: (usize, usize),
    ) -> Result<(Tensor<T>, Tensor<i64>)> {
        let g = PoolGeometry::new("max_pool2d", self.shape(), kernel, stride, padding)?;
        let x = self.contiguous();
        let x = x.as_slice().expect("contiguous");
        let (plane, out_plane) = (g.h * g.w, g.oh * g.ow);
        let mut values = crate::buffer_cache::filled(g.planes() * out_plane, T::zero());
        let mut indices = crate::buffer_cache::filled(g.planes() * out_plane, 0i64);
        let halving = g.kernel == (2, 2) && g.stride == (2, 2) && g.padding == (0, 0);
        let pool_plane = |p: usize, v: &mut [T], i: &mut [i64]| {
            let x = &x[p * plane..(p + 1) * plane];
            if halving {
                max_2x2::max_plane_2x2(&g, x, v, i);
            } else {
                max_plane(&g, x, v, i);
            }
        };
        if out_plane > 0 {
            let parallel_from = if halving {
                max_2x2::parallel_from::<T>(&g)
            } else {
                PARALLEL_THRESHOLD
            };
            if x.len() >= parallel_from && rayon::current_num_threads() > 1 {
                crate::parallel::region(|| {
                    values
                        .par_chunks_mut(out_plane)
                        .zip(indices.par_chunks_mut(out_plane))
                        .enumerate()
                        .for_each(|(p, (v, i))| pool_plane(p, v, i))
                });
            } else {
                let planes = values
                    .chunks_mut(out_plane)
                    .zip(indices.chunks_mut(out_plane));
                for (p, (v, i)) in planes.enumerate() {
                    pool_plane(p, v, i);
                }
            }
        }
        Ok((
            Tensor::from_vec_unchecked(values, g.output_shape()),
            Tensor::from_vec_unchecked(indices, g.output_shape()),
        ))
    }

    /// The gradient of [`max_pool2d`](Self::max_pool2d) with respect to its input: `self` is
    /// the gradient of the output, `indices` the argmax indices max_pool2d returned, and
    /// `input_shape` the `(N, C, H, W)` shape of its input. Each output gradient is added to the
    /// input position that was its window's maximum.
    ///
    /// # Errors
    /// `input_shape` not 4-D, `self` and `indices` of different shapes or not `(N, C, _, _)`,
    /// or an index outside its plane ([`TensorError::IndexOutOfRange`], which names axis 2 of
    /// the input's planes `(N, C, H·W)`: the indices are flat within a plane).
    pub fn max_pool2d_backward(
        &self,
        indices: &Tensor<i64>,
        input_shape: impl Into<Shape>,
    ) -> Result<Tensor<T>> {
        let op = "max_pool2d_backward";
        let input_shape = input_shape.into();
        if input_shape.rank() != 4 {
            return Err(TensorError::shape(
                op,
                &input_shape,
                "expected a 4-D input shape (batch, channels, height, width)",
            ));
        }
        if self.shape() != indices.shape() {
            return Err(TensorError::mismatch(
                op,
                self.shape(),
                indices.shape(),
                "the gradient and the indices must have the same shape",
            ));
        }
        if self.rank() != 4 || self.dims()[..2] != input_shape[..2] {
            return Err(TensorError::mismatch(
                op,
                self.shape(),
                &input_shape,
                "the gradient must have the input's batch and channel sizes",
            ));
        }
        let plane = input_shape[2] * input_shape[3];
        let out_plane = self.dims()[2] * self.dims()[3];
        let dy = self.contiguous();
        let dy = dy.as_slice().expect("contiguous");
        let idx = indices.contiguous();
        let idx = idx.as_slice().expect("contiguous");
        if let Some(&bad) = idx.iter().find(|&&i| i < 0 || i as u64 >= plane as u64) {
            let planes = Shape::new(&[input_shape[0], input_shape[1], plane]);
            return Err(TensorError::index(op, bad.into(), 2, &planes));
        }
        let mut dx = zeros_to_accumulate(input_shape.numel(), T::zero());
        for_each_plane(&mut dx, plane, dy.len(), |p, d| {
            let range = p * out_plane..(p + 1) * out_plane;
            for (&i, &gv) in idx[range.clone()].iter().zip(&dy[range]) {
                d[i as usize] += gv;
            }
        });
        Ok(Tensor::from_vec_unchecked(dx, input_shape))
    }
}

/// Max pooling of one plane `x` into its maxima `values` and their flat `indices`.
fn max_plane<T: Float>(g: &PoolGeometry, x: &[T], values: &mut [T], indices: &mut [i64]) {
    let rows = values
        .chunks_exact_mut(g.ow)
        .zip(indices.chunks_exact_mut(g.ow));
    for (y, (row_v, row_i)) in rows.enumerate() {
        let (h0, h1) = g.rows(y);
        for (xo, (ov, oi)) in row_v.iter_mut().zip(row_i.iter_mut()).enumerate() {
            let (w0, w1) = g.cols(xo);
            let mut best = T::neg_infinity();
            let mut at = h0 * g.w + w0;
            for ih in h0..h1 {
                for (iw, &v) in x[ih * g.w + w0..ih * g.w + w1].iter().enumerate() {
                    // PyTorch's rule: a larger value or a NaN takes the place.
                    if v > best || v.is_nan() {
                        best = v;
                        at = ih * g.w + w0 + iw;
                    }
                }
            }
            *ov = best;
            *oi = at as i64;
        }
    }
}
