//! Convolutions of variables. conv2d is bilinear in (input, weight); its two backward kernels
//! are recorded as operations themselves, so convolutions have second derivatives.

use scalpel_tensor::ops::conv::{Conv1dParams, Conv2dParams, ConvTranspose2dParams};
use scalpel_tensor::{Float, Shape};

use crate::error::Result;
use crate::op::Op;
use crate::var::Var;

impl<T: Float> Var<T> {
    /// 2-D cross-correlation of an `(N, C, H, W)` input with an `(O, C/groups, kH, kW)` weight,
    /// plus an optional `(O,)` bias.
    ///
    /// # Errors
    /// Shapes that do not fit (named by the tensor kernel); anomaly mode.
    pub fn conv2d(
        &self,
        weight: &Var<T>,
        bias: Option<&Var<T>>,
        params: Conv2dParams,
    ) -> Result<Var<T>> {
        // The bias is added by the kernel as it writes the output: no second pass, no copy.
        let v = self
            .value()
            .conv2d(&weight.value(), bias.map(Var::value).as_ref(), params)?;
        let mut inputs = vec![self.clone(), weight.clone()];
        inputs.extend(bias.cloned());
        Var::from_op(v, Op::Conv2d(params), inputs)
    }

    /// 1-D cross-correlation of an `(N, C, L)` input with an `(O, C/groups, k)` weight, plus an
    /// optional bias; computed as a 2-D convolution of height 1.
    ///
    /// # Errors
    /// Shapes that do not fit; anomaly mode.
    pub fn conv1d(
        &self,
        weight: &Var<T>,
        bias: Option<&Var<T>>,
        params: Conv1dParams,
    ) -> Result<Var<T>> {
        let y = self
            .unsqueeze(2)?
            .conv2d(&weight.unsqueeze(2)?, bias, params.into())?;
        y.squeeze(2)
    }

    /// Transposed convolution of an `(N, C_in, H, W)` input with a `(C_in, C_out/groups, kH, kW)`
    /// weight (the adjoint of conv2d with respect to its input), plus an optional bias.
    ///
    /// # Errors
    /// Shapes that do not fit; anomaly mode.
    pub fn conv_transpose2d(
        &self,
        weight: &Var<T>,
        bias: Option<&Var<T>>,
        params: ConvTranspose2dParams,
    ) -> Result<Var<T>> {
        let v = self
            .value()
            .conv_transpose2d(&weight.value(), None, params)?;
        let y = Var::from_op(
            v,
            Op::Conv2dGradInput(params.forward()),
            vec![self.clone(), weight.clone()],
        )?;
        add_channel_bias(y, bias)
    }

    /// The gradient of conv2d with respect to its input, as a differentiable operation: `self`
    /// is the output gradient `(N, O, OH, OW)`.
    ///
    /// # Errors
    /// Shapes that do not fit; anomaly mode.
    pub fn conv2d_grad_input(
        &self,
        weight: &Var<T>,
        input_shape: &Shape,
        params: Conv2dParams,
    ) -> Result<Var<T>> {
        let v = self
            .value()
            .conv2d_backward_input(&weight.value(), input_shape.clone(), params)?;
        Var::from_op(
            v,
            Op::Conv2dGradInput(params),
            vec![self.clone(), weight.clone()],
        )
    }

    /// The gradient of conv2d with respect to its weight, as a differentiable operation: `self`
    /// is the convolution's input, `grad_out` its output gradient.
    ///
    /// # Errors
    /// Shapes that do not fit; anomaly mode.
    pub fn conv2d_grad_weight(
        &self,
        grad_out: &Var<T>,
        weight_shape: &Shape,
        params: Conv2dParams,
    ) -> Result<Var<T>> {
        let v =
            self.value()
                .conv2d_backward_weight(&grad_out.value(), weight_shape.clone(), params)?;
        Var::from_op(
            v,
            Op::Conv2dGradWeight(params),
            vec![self.clone(), grad_out.clone()],
        )
    }
}

/// `y + bias` with the bias broadcast over `(N, ·, H, W)`.
fn add_channel_bias<T: Float>(y: Var<T>, bias: Option<&Var<T>>) -> Result<Var<T>> {
    let Some(b) = bias else { return Ok(y) };
    let mut shape = vec![1usize; y.rank()];
    shape[1] = b.shape().numel();
    y.add(&b.reshape(shape)?)
}
