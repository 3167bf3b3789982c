//! Transposed convolution (the book's §8.8, used by DCGAN's generator): the adjoint of conv2d
//! with respect to its input, computed by the same kernel as conv2d's input gradient.

use super::backward::backward_input;
use super::check_bias_len;
use super::geometry::Geometry;
use super::params::ConvTranspose2dParams;
use crate::element::Float;
use crate::error::{Result, TensorError};
use crate::shape::Shape;
use crate::tensor::Tensor;

impl<T: Float> Tensor<T> {
    /// 2-D transposed convolution of an `(N, C_in, H, W)` input with a
    /// `(C_in, C_out / groups, kH, kW)` weight and an optional `(C_out,)` bias, giving
    /// `(N, C_out, OH, OW)` with `OH = (H − 1)·sH − 2·pH + dH·(kH − 1) + opH + 1` and likewise
    /// `OW` (PyTorch's `conv_transpose2d`).
    ///
    /// Without bias it is exactly [`conv2d_backward_input`](Self::conv2d_backward_input) of
    /// `self` for a conv2d with the same weight, stride, padding, dilation and groups whose input
    /// is `(N, C_out, OH, OW)`: each input pixel scatters a weighted copy of the kernel into the
    /// output, overlaps summed.
    ///
    /// ```
    /// use scalpel_tensor::{ops::conv::ConvTranspose2dParams, Tensor};
    /// let x = Tensor::<f32>::ones([1, 1, 2, 2]);
    /// let w = Tensor::<f32>::ones([1, 1, 2, 2]);
    /// let p = ConvTranspose2dParams { stride: (2, 2), ..Default::default() };
    /// let y = x.conv_transpose2d(&w, None, p).unwrap();
    /// assert_eq!(y.dims(), &[1, 1, 4, 4]); // each pixel paints a 2×2 block
    /// assert_eq!(y.to_vec(), vec![1.0; 16]);
    /// ```
    ///
    /// # Errors
    /// A [`TensorError`] naming the shapes when the input or weight is not 4-D, the weight's
    /// first dimension is not `C_in`, `C_in` is not divisible by the groups, the bias is not
    /// `(C_out,)`, the stride, dilation or groups are zero, an output padding is not smaller than
    /// its stride or dilation, or the output would be empty.
    pub fn conv_transpose2d(
        &self,
        weight: &Tensor<T>,
        bias: Option<&Tensor<T>>,
        params: ConvTranspose2dParams,
    ) -> Result<Tensor<T>> {
        let op = "conv_transpose2d";
        let fwd_input = transposed_output_shape(op, self, weight, &params)?;
        let mut g = Geometry::conv(op, &fwd_input, weight.shape(), &params.forward())?;
        // With an output padding of at least the stride (allowed when below the dilation), the
        // forward convolution of the output would have more rows than the input: this one is its
        // adjoint restricted to the first `H × W` outputs.
        (g.oh, g.ow) = (self.dims()[2], self.dims()[3]);
        let cout = g.c;
        check_bias_len(op, weight, bias, cout)?;
        let out = backward_input(&g, self, weight);
        let Some(b) = bias else { return Ok(out) };
        let mut data = out.to_vec();
        let plane = g.h * g.w;
        let b = b.to_vec();
        if plane > 0 {
            for (i, chunk) in data.chunks_mut(plane).enumerate() {
                let bc = b[i % cout];
                for v in chunk {
                    *v += bc;
                }
            }
        }
        Ok(Tensor::from_vec_unchecked(data, fwd_input))
    }
}

/// The output shape of a transposed convolution, checking everything but the kernel fit.
fn transposed_output_shape<T: Float>(
    op: &'static str,
    input: &Tensor<T>,
    weight: &Tensor<T>,
    p: &ConvTranspose2dParams,
) -> Result<Shape> {
    let fail = |reason: String| {
        Err(TensorError::mismatch(
            op,
            input.shape(),
            weight.shape(),
            reason,
        ))
    };
    if input.rank() != 4 {
        return Err(TensorError::shape(
            op,
            input.shape(),
            "expected a 4-D input (batch, channels, height, width)",
        ));
    }
    if weight.rank() != 4 {
        return fail(
            "expected a 4-D weight (in_channels, out_channels / groups, kernel_h, kernel_w)".into(),
        );
    }
    let (s, d, op_) = (p.stride, p.dilation, p.output_padding);
    if s.0 == 0 || s.1 == 0 || d.0 == 0 || d.1 == 0 || p.groups == 0 {
        return Err(TensorError::arg(
            op,
            format!(
                "stride {s:?}, dilation {d:?} and groups {} must be positive",
                p.groups
            ),
        ));
    }
    if op_.0 >= s.0.max(d.0) || op_.1 >= s.1.max(d.1) {
        return Err(TensorError::arg(
            op,
            format!("output padding {op_:?} must be smaller than the stride {s:?} or the dilation {d:?}"),
        ));
    }
    let (n, cin, h, w) = (
        input.dims()[0],
        input.dims()[1],
        input.dims()[2],
        input.dims()[3],
    );
    let (wc, cout_g, kh, kw) = (
        weight.dims()[0],
        weight.dims()[1],
        weight.dims()[2],
        weight.dims()[3],
    );
    if wc != cin {
        return fail(format!(
            "weight has {wc} input channels, the input has {cin}"
        ));
    }
    if cin % p.groups != 0 {
        return fail(format!(
            "{cin} input channels are not divisible by {} groups",
            p.groups
        ));
    }
    // (x − 1)·s + d·(k − 1) + extra + 1 − 2·pad, None when it is not positive or overflows.
    let len = |x: usize, s: usize, pad: usize, d: usize, k: usize, extra: usize| {
        let full = x
            .checked_sub(1)?
            .checked_mul(s)?
            .checked_add(d.checked_mul(k.checked_sub(1)?)?)?
            .checked_add(extra)?
            .checked_add(1)?
            .checked_sub(pad.checked_mul(2)?)?;
        (full > 0).then_some(full)
    };
    match (
        len(h, s.0, p.padding.0, d.0, kh, op_.0),
        len(w, s.1, p.padding.1, d.1, kw, op_.1),
    ) {
        (Some(oh), Some(ow)) => Ok(Shape::new(&[n, cout_g * p.groups, oh, ow])),
        _ => fail(format!(
            "an input of {h}×{w} with padding {:?} gives an empty output (or one too large to compute)",
            p.padding
        )),
    }
}
