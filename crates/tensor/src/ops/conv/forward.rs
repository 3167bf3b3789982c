//! The forward convolutions: [`Tensor::conv2d`] and [`Tensor::conv1d`].
//!
//! Per image and per band of output rows, the band's column matrix is built by im2col and
//! multiplied by the weight matrix in one GEMM whose large dimension (output positions) is the
//! contiguous one of both the column matrix and the NCHW output:
//! `out[o, p] = Σ_k W[o, k] · col[k, p]`, computed as `outᵀ = colᵀ · Wᵀ`. A pointwise
//! convolution (1×1, stride 1, no padding) multiplies the image itself, with no im2col.

use super::geometry::Geometry;
use super::im2col::im2col_rows;
use super::params::{
    conv_output_len, no_window_reason, window_overflows, Conv1dParams, Conv2dParams,
};
use super::{check_bias, dense, direct, for_each_image, winograd};
use crate::element::Float;
use crate::error::{Result, TensorError};
use crate::ops::matmul::kernel::{gemm_into, MatMut, MatRef};
use crate::tensor::Tensor;

impl<T: Float> Tensor<T> {
    /// 2-D convolution (cross-correlation, the kernel is not flipped, as in the book and
    /// PyTorch) of an `(N, C, H, W)` input with an `(O, C / groups, kH, kW)` weight and an optional
    /// `(O,)` bias, giving `(N, O, OH, OW)` with `OH = (H + 2·pH − dH·(kH − 1) − 1) / sH + 1`
    /// (rounded down) and likewise `OW`:
    ///
    /// `out[n, o, y, x] = bias[o] + Σ_{c, i, j} W[o, c, i, j] · in[n, g·C/groups + c, y·sH − pH + i·dH, x·sW − pW + j·dW]`
    ///
    /// where `g = o / (O / groups)` and positions outside the input read 0.
    ///
    /// ```
    /// use scalpel_tensor::{ops::conv::Conv2dParams, Tensor};
    /// let x = Tensor::<f32>::ones([2, 3, 5, 5]);
    /// let w = Tensor::<f32>::ones([4, 3, 3, 3]);
    /// let p = Conv2dParams { padding: (1, 1), ..Default::default() };
    /// let y = x.conv2d(&w, None, p).unwrap();
    /// assert_eq!(y.dims(), &[2, 4, 5, 5]);
    /// assert_eq!(y.get(&[0, 0, 2, 2]).unwrap(), 27.0); // 3 channels × 9 taps
    /// assert_eq!(y.get(&[0, 0, 0, 0]).unwrap(), 12.0); // a corner sees 2×2 taps
    /// ```
    ///
    /// # Errors
    /// A [`TensorError`] naming the operation and the shapes when the input or weight is not
    /// 4-D, the channels do not match the weight or do not divide into the groups, the bias is
    /// not `(O,)`, the stride, dilation or groups are zero, or the dilated kernel is larger than
    /// the padded input.
    pub fn conv2d(
        &self,
        weight: &Tensor<T>,
        bias: Option<&Tensor<T>>,
        params: Conv2dParams,
    ) -> Result<Tensor<T>> {
        let g = Geometry::conv("conv2d", self.shape(), weight.shape(), &params)?;
        check_bias("conv2d", weight, bias)?;
        Ok(conv2d_forward(&g, self, weight, bias))
    }

    /// 1-D convolution of an `(N, C, L)` input with an `(O, C / groups, K)` weight and an optional
    /// `(O,)` bias, giving `(N, O, (L + 2·p − d·(K − 1) − 1) / s + 1)`: [`conv2d`](Self::conv2d)
    /// over a height of 1.
    ///
    /// # Errors
    /// As for [`conv2d`](Self::conv2d), with 3-D input and weight.
    pub fn conv1d(
        &self,
        weight: &Tensor<T>,
        bias: Option<&Tensor<T>>,
        params: Conv1dParams,
    ) -> Result<Tensor<T>> {
        let op = "conv1d";
        let (x, w) = as_2d(op, self, weight)?;
        check_bias(op, weight, bias)?;
        let p = params;
        let (len, k) = (self.dims()[2], weight.dims()[2]);
        if p.stride == 0 || p.dilation == 0 || p.groups == 0 {
            return Err(TensorError::arg(
                op,
                format!(
                    "stride {}, dilation {} and groups {} must be positive",
                    p.stride, p.dilation, p.groups
                ),
            ));
        }
        if conv_output_len(len, k, p.stride, p.padding, p.dilation).is_none() {
            let (d, pad) = (p.dilation, p.padding);
            let overflows = window_overflows(len, k, pad, d);
            let window = format!("kernel of {k} with dilation {d}");
            let reason = no_window_reason(overflows, &window, &pad.to_string());
            return Err(TensorError::mismatch(
                op,
                self.shape(),
                weight.shape(),
                reason,
            ));
        }
        // What is left to fail are the channel checks, reported with the caller's 3-D shapes.
        let g = Geometry::conv(op, x.shape(), w.shape(), &params.into()).map_err(|e| match e {
            TensorError::ShapeMismatch { op, reason, .. } => {
                TensorError::mismatch(op, self.shape(), weight.shape(), reason)
            }
            e => e,
        })?;
        let y = conv2d_forward(&g, &x, &w, bias);
        let d = y.dims();
        y.reshape([d[0], d[1], d[3]])
    }
}

/// Views a 3-D `(N, C, L)` input and `(O, C/g, K)` weight as 4-D with a height of 1.
pub(crate) fn as_2d<T: Float>(
    op: &'static str,
    input: &Tensor<T>,
    weight: &Tensor<T>,
) -> Result<(Tensor<T>, Tensor<T>)> {
    if input.rank() != 3 {
        return Err(TensorError::shape(
            op,
            input.shape(),
            "expected a 3-D input (batch, channels, length)",
        ));
    }
    if weight.rank() != 3 {
        return Err(TensorError::mismatch(
            op,
            input.shape(),
            weight.shape(),
            "expected a 3-D weight (out_channels, in_channels / groups, kernel)",
        ));
    }
    Ok((input.unsqueeze(2)?, weight.unsqueeze(2)?))
}

/// conv2d on operands already checked against `g`.
pub(crate) fn conv2d_forward<T: Float>(
    g: &Geometry,
    input: &Tensor<T>,
    weight: &Tensor<T>,
    bias: Option<&Tensor<T>>,
) -> Tensor<T> {
    let x = dense(input);
    let w = dense(weight);
    let b = bias.map(|b| b.to_vec());
    let (x, w) = (
        x.as_slice().expect("contiguous"),
        w.as_slice().expect("contiguous"),
    );
    if winograd::applies(g) {
        let out = winograd::conv2d(g, x, w, b.as_deref());
        return Tensor::from_vec_unchecked(out, g.output_shape());
    }
    if direct::applies::<T>(g) {
        let out = direct::conv2d(g, x, w, b.as_deref());
        return Tensor::from_vec_unchecked(out, g.output_shape());
    }
    let out = for_each_image(
        g,
        g.scratch_len(),
        g.out_image(),
        |i, out, scratch, parallel| {
            let image = &x[i * g.in_image()..(i + 1) * g.in_image()];
            forward_image(g, image, w, b.as_deref(), out, scratch, parallel);
        },
    );
    Tensor::from_vec_unchecked(out, g.output_shape())
}

/// The convolution of one image `x` (`c × h × w`) into `out` (`o × oh × ow`), band by band.
/// `scratch` holds [`Geometry::scratch_len`] elements.
pub(crate) fn forward_image<T: Float>(
    g: &Geometry,
    x: &[T],
    w: &[T],
    bias: Option<&[T]>,
    out: &mut [T],
    scratch: &mut [T],
    parallel: bool,
) {
    let (k, og, cg) = (g.rows(), g.og(), g.cg());
    let (in_plane, out_plane) = (g.h * g.w, g.oh * g.ow);
    for (r0, r1) in g.tiles() {
        let m = (r1 - r0) * g.ow;
        for gi in 0..g.groups {
            let cols = if g.is_pointwise() {
                // The image itself is the column matrix: colᵀ[p, c] = x[c, p].
                MatRef {
                    data: x,
                    offset: gi * cg * in_plane + r0 * g.ow,
                    row_stride: 1,
                    col_stride: in_plane as isize,
                }
            } else {
                im2col_rows(x, g, (gi * cg, cg), (r0, r1), scratch);
                MatRef {
                    data: &*scratch,
                    offset: 0,
                    row_stride: 1,
                    col_stride: m as isize,
                }
            };
            // Wᵀ[k, o] = W[o, k]: the weight's rows are contiguous along k.
            let weights = MatRef {
                data: w,
                offset: gi * og * k,
                row_stride: 1,
                col_stride: k as isize,
            };
            let dst = MatMut {
                data: &mut *out,
                offset: gi * og * out_plane + r0 * g.ow,
                row_stride: 1,
                col_stride: out_plane as isize,
            };
            gemm_into(m, og, k, dst, cols, weights, false, parallel);
        }
        if let Some(b) = bias {
            for (o, &bo) in b.iter().enumerate() {
                for v in &mut out[o * out_plane + r0 * g.ow..][..m] {
                    *v += bo;
                }
            }
        }
    }
}
