//! The backward kernels of conv2d: gradients with respect to the input, the weight and the bias
//! (the book's §6.2.3 and §6.3, "2-D backward" with row2im).
//!
//! With the column matrix `col` of an image and the weight `W` as an `O × C·kH·kW` matrix, the
//! forward pass is `Y = W · col`, so
//! - `dcol = Wᵀ · dY`, folded back into `dX` by col2im (it sums the overlapping windows);
//! - `dW = Σ_images dY · colᵀ`;
//! - `db[o] = Σ_{n, y, x} dY[n, o, y, x]`.

use super::geometry::Geometry;
use super::im2col::{col2im_rows, im2col_rows};
use super::params::Conv2dParams;
use super::{dense, direct, for_each_image, sum_over_images, winograd};
use crate::element::Float;
use crate::error::{Result, TensorError};
use crate::ops::matmul::kernel::{gemm_into, MatMut, MatRef};
use crate::shape::Shape;
use crate::tensor::Tensor;

impl<T: Float> Tensor<T> {
    /// The gradient of [`conv2d`](Self::conv2d) with respect to its input: `self` is the
    /// gradient of the output, `(N, O, OH, OW)`; the result has `input_shape`, `(N, C, H, W)`.
    /// It is the adjoint of the convolution as a linear map of its input,
    /// `⟨conv2d(x, w), g⟩ = ⟨x, g.conv2d_backward_input(w, x.shape(), p)⟩`, and is the
    /// transposed convolution of `self`.
    ///
    /// # Errors
    /// Those of [`conv2d`](Self::conv2d) for an input of `input_shape`, and a
    /// [`TensorError::ShapeMismatch`] when `self` is not the shape conv2d would output.
    pub fn conv2d_backward_input(
        &self,
        weight: &Tensor<T>,
        input_shape: impl Into<Shape>,
        params: Conv2dParams,
    ) -> Result<Tensor<T>> {
        let op = "conv2d_backward_input";
        let input_shape = input_shape.into();
        let g = Geometry::conv(op, &input_shape, weight.shape(), &params)?;
        check_grad_out(op, self, &g)?;
        Ok(backward_input(&g, self, weight))
    }

    /// The gradient of [`conv2d`](Self::conv2d) with respect to its weight: `self` is the
    /// input `(N, C, H, W)`, `grad_out` the gradient of the output `(N, O, OH, OW)`; the result
    /// has `weight_shape`, `(O, C / groups, kH, kW)`, summed over the batch.
    ///
    /// # Errors
    /// Those of [`conv2d`](Self::conv2d) for a weight of `weight_shape`, and a
    /// [`TensorError::ShapeMismatch`] when `grad_out` is not the shape conv2d would output.
    pub fn conv2d_backward_weight(
        &self,
        grad_out: &Tensor<T>,
        weight_shape: impl Into<Shape>,
        params: Conv2dParams,
    ) -> Result<Tensor<T>> {
        let op = "conv2d_backward_weight";
        let g = Geometry::conv(op, self.shape(), &weight_shape.into(), &params)?;
        check_grad_out(op, grad_out, &g)?;
        Ok(backward_weight(&g, self, grad_out))
    }

    /// The gradient of [`conv2d`](Self::conv2d) (or [`conv1d`](Self::conv1d)) with respect to
    /// its bias: `self` is the gradient of the output, `(N, O, …)`; the result is `(O,)`, each
    /// channel summed over the batch and every position.
    ///
    /// # Errors
    /// [`TensorError::InvalidShape`] when `self` has fewer than two dimensions.
    pub fn conv2d_backward_bias(&self) -> Result<Tensor<T>> {
        if self.rank() < 2 {
            return Err(TensorError::shape(
                "conv2d_backward_bias",
                self.shape(),
                "expected the gradient of a convolution output (batch, channels, ...)",
            ));
        }
        let (n, o) = (self.dims()[0], self.dims()[1]);
        let plane: usize = self.dims()[2..].iter().product();
        let dy = dense(self);
        let dy = dy.as_slice().expect("contiguous");
        let mut db = vec![T::zero(); o];
        for i in 0..n {
            for (c, d) in db.iter_mut().enumerate() {
                let start = (i * o + c) * plane;
                *d += dy[start..start + plane].iter().copied().sum::<T>();
            }
        }
        Ok(Tensor::from_vec1(db))
    }
}

/// Checks that `grad_out` has the output shape of `g`.
pub(crate) fn check_grad_out<T: Float>(
    op: &'static str,
    grad_out: &Tensor<T>,
    g: &Geometry,
) -> Result<()> {
    let expected = g.output_shape();
    if grad_out.shape() != &expected {
        return Err(TensorError::mismatch(
            op,
            grad_out.shape(),
            &expected,
            "the output gradient must have the convolution's output shape",
        ));
    }
    Ok(())
}

/// The input gradient for operands already checked against `g`.
pub(crate) fn backward_input<T: Float>(
    g: &Geometry,
    grad_out: &Tensor<T>,
    weight: &Tensor<T>,
) -> Tensor<T> {
    let dy = dense(grad_out);
    let w = dense(weight);
    let (dy, w) = (
        dy.as_slice().expect("contiguous"),
        w.as_slice().expect("contiguous"),
    );
    if let Some(dx) = winograd::backward_input(g, dy, w) {
        return Tensor::from_vec_unchecked(dx, g.input_shape());
    }
    if let Some(dx) = direct::backward_input(g, dy, w) {
        return Tensor::from_vec_unchecked(dx, g.input_shape());
    }
    let dx = for_each_image(
        g,
        g.scratch_len(),
        g.in_image(),
        |i, dx, scratch, parallel| {
            let dy = &dy[i * g.out_image()..(i + 1) * g.out_image()];
            backward_input_image(g, dy, w, dx, scratch, parallel);
        },
    );
    Tensor::from_vec_unchecked(dx, g.input_shape())
}

/// `dx += col2im(Wᵀ · dy)` for one image, band by band; `dx` starts at zero.
fn backward_input_image<T: Float>(
    g: &Geometry,
    dy: &[T],
    w: &[T],
    dx: &mut [T],
    scratch: &mut [T],
    parallel: bool,
) {
    let (k, og, cg) = (g.rows(), g.og(), g.cg());
    let (in_plane, out_plane) = (g.h * g.w, g.oh * g.ow);
    for (r0, r1) in g.tiles() {
        let m = (r1 - r0) * g.ow;
        for gi in 0..g.groups {
            // dYᵀ[p, o], contiguous along the output positions p.
            let grad = MatRef {
                data: dy,
                offset: gi * og * out_plane + r0 * g.ow,
                row_stride: 1,
                col_stride: out_plane as isize,
            };
            let weights = MatRef::row_major(w, gi * og * k, k);
            if g.is_pointwise() {
                // Each input position feeds exactly one output position: dXᵀ = dYᵀ · W.
                let dst = MatMut {
                    data: &mut *dx,
                    offset: gi * cg * in_plane + r0 * g.ow,
                    row_stride: 1,
                    col_stride: in_plane as isize,
                };
                gemm_into(m, cg, og, dst, grad, weights, false, parallel);
            } else {
                let dst = MatMut {
                    data: &mut *scratch,
                    offset: 0,
                    row_stride: 1,
                    col_stride: m as isize,
                };
                gemm_into(m, k, og, dst, grad, weights, false, parallel);
                col2im_rows(scratch, g, (gi * cg, cg), (r0, r1), dx);
            }
        }
    }
}

/// The weight gradient for operands already checked against `g`.
pub(crate) fn backward_weight<T: Float>(
    g: &Geometry,
    input: &Tensor<T>,
    grad_out: &Tensor<T>,
) -> Tensor<T> {
    let x = dense(input);
    let dy = dense(grad_out);
    let (x, dy) = (
        x.as_slice().expect("contiguous"),
        dy.as_slice().expect("contiguous"),
    );
    if winograd::applies(g) {
        return Tensor::from_vec_unchecked(winograd::backward_weight(g, x, dy), g.weight_shape());
    }
    if let Some(dw) = direct::backward_weight(g, x, dy) {
        return Tensor::from_vec_unchecked(dw, g.weight_shape());
    }
    let dw = sum_over_images(
        g,
        g.scratch_len(),
        g.o * g.rows(),
        |i, dw, scratch, parallel| {
            let x = &x[i * g.in_image()..(i + 1) * g.in_image()];
            let dy = &dy[i * g.out_image()..(i + 1) * g.out_image()];
            backward_weight_image(g, x, dy, dw, scratch, parallel);
        },
    );
    Tensor::from_vec_unchecked(dw, g.weight_shape())
}

/// `dw += dy · colᵀ` for one image, band by band.
fn backward_weight_image<T: Float>(
    g: &Geometry,
    x: &[T],
    dy: &[T],
    dw: &mut [T],
    scratch: &mut [T],
    parallel: bool,
) {
    let (k, og, cg) = (g.rows(), g.og(), g.cg());
    let (in_plane, out_plane) = (g.h * g.w, g.oh * g.ow);
    for (r0, r1) in g.tiles() {
        let m = (r1 - r0) * g.ow;
        for gi in 0..g.groups {
            let cols = if g.is_pointwise() {
                MatRef {
                    data: x,
                    offset: gi * cg * in_plane + r0 * g.ow,
                    row_stride: in_plane as isize,
                    col_stride: 1,
                }
            } else {
                im2col_rows(x, g, (gi * cg, cg), (r0, r1), scratch);
                MatRef::row_major(&*scratch, 0, m)
            };
            // dYᵀ[p, o].
            let grad = MatRef {
                data: dy,
                offset: gi * og * out_plane + r0 * g.ow,
                row_stride: 1,
                col_stride: out_plane as isize,
            };
            // dWᵀ[k, o] = dW[o, k], contiguous along k.
            let dst = MatMut {
                data: &mut *dw,
                offset: gi * og * k,
                row_stride: 1,
                col_stride: k as isize,
            };
            gemm_into(k, og, m, dst, cols, grad, true, parallel);
        }
    }
}
