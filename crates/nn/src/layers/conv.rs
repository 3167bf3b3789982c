//! [`Conv2d`]: the 2-D convolution layer (book §6.2) over the im2col + GEMM kernels of
//! scalpel-tensor.

use scalpel_autograd::{Result, Var};
use scalpel_tensor::ops::conv::Conv2dParams;
use scalpel_tensor::random::Rng;
use scalpel_tensor::{Float, Tensor};

use super::conv_init::{assert_groups, checked_parameters, conv_parameters, named};
use crate::module::Module;

/// 2-D cross-correlation of `(N, C_in, H, W)` with a weight `(C_out, C_in/groups, kH, kW)`, plus
/// a bias `(C_out,)`; stride, padding, dilation and groups in [`Conv2dParams`].
///
/// Initialisation is PyTorch's: weight Kaiming uniform with a = √5, bias U(±1/√fan_in) with
/// fan_in = C_in/groups·kH·kW.
pub struct Conv2d<T: Float = f32> {
    weight: Var<T>,
    bias: Option<Var<T>>,
    params: Conv2dParams,
}

impl<T: Float> Conv2d<T> {
    /// A convolution with stride 1, no padding and a bias.
    ///
    /// # Panics
    /// As [`with_params`](Self::with_params).
    pub fn new(
        in_channels: usize,
        out_channels: usize,
        kernel: (usize, usize),
        rng: &mut Rng,
    ) -> Self {
        Self::with_params(
            in_channels,
            out_channels,
            kernel,
            Conv2dParams::default(),
            true,
            rng,
        )
    }

    /// A convolution with the given stride, padding, dilation and groups, with or without bias.
    ///
    /// # Panics
    /// When `groups` is zero or does not divide both channel counts.
    pub fn with_params(
        in_channels: usize,
        out_channels: usize,
        kernel: (usize, usize),
        params: Conv2dParams,
        bias: bool,
        rng: &mut Rng,
    ) -> Self {
        let g = params.groups;
        assert_groups("Conv2d", g, in_channels, out_channels);
        let shape = [out_channels, in_channels / g, kernel.0, kernel.1];
        let (weight, bias) = conv_parameters(&shape, out_channels, bias, rng);
        Conv2d {
            weight,
            bias,
            params,
        }
    }

    /// A convolution with the given weight `(C_out, C_in/groups, kH, kW)` and optional bias.
    ///
    /// # Errors
    /// A weight that is not 4-D or a bias that is not `(C_out,)`.
    pub fn from_tensors(
        weight: Tensor<T>,
        bias: Option<Tensor<T>>,
        params: Conv2dParams,
    ) -> Result<Self> {
        let layout = "(C_out, C_in/groups, kH, kW)";
        let (weight, bias) =
            checked_parameters("Conv2d", (weight, layout, 4), bias, |d: &[usize]| d[0])?;
        Ok(Conv2d {
            weight,
            bias,
            params,
        })
    }

    /// The weight, `(C_out, C_in/groups, kH, kW)`.
    pub fn weight(&self) -> &Var<T> {
        &self.weight
    }
    /// The bias, `(C_out,)`, if any.
    pub fn bias(&self) -> Option<&Var<T>> {
        self.bias.as_ref()
    }
    /// Stride, padding, dilation and groups.
    pub fn params(&self) -> Conv2dParams {
        self.params
    }
}

impl<T: Float> Module<T> for Conv2d<T> {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        x.conv2d(&self.weight, self.bias.as_ref(), self.params)
    }
    fn local_parameters(&self) -> Vec<(String, Var<T>)> {
        named(&self.weight, self.bias.as_ref())
    }
}
