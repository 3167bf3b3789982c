//! [`Conv2d`]: the 2-D convolution layer (book §6.2) over the im2col + GEMM kernels of
//! scalpel-tensor.

use scalpel_autograd::{Result, Var};
use scalpel_tensor::ops::conv::Conv2dParams;
use scalpel_tensor::random::Rng;
use scalpel_tensor::{Float, Tensor, TensorError};

use crate::init::{self, FanMode, Nonlinearity};
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
        assert!(
            g > 0 && in_channels % g == 0 && out_channels % g == 0,
            "Conv2d: groups {g} must divide in_channels {in_channels} and out_channels {out_channels}"
        );
        let shape = [out_channels, in_channels / g, kernel.0, kernel.1];
        let weight = init::kaiming_uniform::<T>(
            shape,
            FanMode::FanIn,
            Nonlinearity::LeakyReLU(5f64.sqrt()),
            rng,
        )
        .expect("a 4-D weight has fans and a finite bound");
        let fan_in = in_channels / g * kernel.0 * kernel.1;
        let bound = if fan_in > 0 {
            1.0 / (fan_in as f64).sqrt()
        } else {
            0.0
        };
        let bias = bias.then(|| {
            init::uniform::<T>([out_channels], -bound, bound, rng)
                .expect("±1/√fan_in is a finite, ordered range")
        });
        Conv2d {
            weight: Var::parameter(weight),
            bias: bias.map(Var::parameter),
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
        if weight.rank() != 4 {
            return Err(TensorError::shape(
                "Conv2d",
                weight.shape(),
                "weight must be (C_out, C_in/groups, kH, kW)",
            )
            .into());
        }
        if let Some(b) = &bias {
            if b.dims() != [weight.dims()[0]] {
                return Err(TensorError::mismatch(
                    "Conv2d",
                    weight.shape(),
                    b.shape(),
                    "bias must be (C_out,)",
                )
                .into());
            }
        }
        Ok(Conv2d {
            weight: Var::parameter(weight),
            bias: bias.map(Var::parameter),
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
        let mut p = vec![("weight".to_string(), self.weight.clone())];
        if let Some(b) = &self.bias {
            p.push(("bias".to_string(), b.clone()));
        }
        p
    }
}
