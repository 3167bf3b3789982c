//! [`Conv1d`]: 1-D convolution over sequences `(N, C_in, L)` (book §6.1.2, signal
//! convolution), computed by the 2-D kernels of scalpel-tensor over a height of 1.

use scalpel_autograd::{Result, Var};
use scalpel_tensor::ops::conv::Conv1dParams;
use scalpel_tensor::random::Rng;
use scalpel_tensor::{Float, Tensor, TensorError};

use super::conv_init::{assert_groups, checked_parameters, conv_parameters, named};
use crate::module::Module;

/// 1-D cross-correlation of `(N, C_in, L)` with a weight `(C_out, C_in/groups, k)`, plus a bias
/// `(C_out,)`: `(N, C_in, L)` → `(N, C_out, L_out)` with
/// `L_out = (L + 2·padding − dilation·(k − 1) − 1)/stride + 1`.
///
/// Initialisation is PyTorch's: weight Kaiming uniform with a = √5, bias U(±1/√fan_in) with
/// fan_in = C_in/groups·k.
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_nn::{Conv1d, Module};
/// use scalpel_tensor::{random::Rng, Tensor};
/// let conv: Conv1d = Conv1d::new(3, 8, 5, &mut Rng::seed(0));
/// let y = conv.forward(&Var::constant(Tensor::zeros([2, 3, 20]))).unwrap();
/// assert_eq!(y.dims(), [2, 8, 16]);
/// ```
pub struct Conv1d<T: Float = f32> {
    weight: Var<T>,
    bias: Option<Var<T>>,
    params: Conv1dParams,
}

impl<T: Float> Conv1d<T> {
    /// A convolution with kernel length `kernel`, stride 1, no padding and a bias.
    pub fn new(in_channels: usize, out_channels: usize, kernel: usize, rng: &mut Rng) -> Self {
        Self::with_params(
            in_channels,
            out_channels,
            kernel,
            Conv1dParams::default(),
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
        kernel: usize,
        params: Conv1dParams,
        bias: bool,
        rng: &mut Rng,
    ) -> Self {
        let g = params.groups;
        assert_groups("Conv1d", g, in_channels, out_channels);
        let (weight, bias) = conv_parameters(
            &[out_channels, in_channels / g, kernel],
            out_channels,
            bias,
            rng,
        );
        Conv1d {
            weight,
            bias,
            params,
        }
    }

    /// A convolution with the given weight `(C_out, C_in/groups, k)` and optional bias
    /// `(C_out,)`.
    ///
    /// # Errors
    /// A weight that is not 3-D or a bias that is not `(C_out,)`.
    pub fn from_tensors(
        weight: Tensor<T>,
        bias: Option<Tensor<T>>,
        params: Conv1dParams,
    ) -> Result<Self> {
        let layout = "(C_out, C_in/groups, k)";
        let (weight, bias) =
            checked_parameters("Conv1d", (weight, layout, 3), bias, |d: &[usize]| d[0])?;
        Ok(Conv1d {
            weight,
            bias,
            params,
        })
    }

    /// The weight, `(C_out, C_in/groups, k)`.
    pub fn weight(&self) -> &Var<T> {
        &self.weight
    }
    /// The bias, `(C_out,)`, if any.
    pub fn bias(&self) -> Option<&Var<T>> {
        self.bias.as_ref()
    }
    /// Stride, padding, dilation and groups.
    pub fn params(&self) -> Conv1dParams {
        self.params
    }
}

impl<T: Float> Module<T> for Conv1d<T> {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        if x.rank() != 3 {
            return Err(
                TensorError::shape("Conv1d", &x.shape(), "input must be (N, C_in, L)").into(),
            );
        }
        x.conv1d(&self.weight, self.bias.as_ref(), self.params)
    }
    fn local_parameters(&self) -> Vec<(String, Var<T>)> {
        named(&self.weight, self.bias.as_ref())
    }
}

impl<T: Float> std::fmt::Debug for Conv1d<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.weight.dims();
        write!(
            f,
            "Conv1d({}, {}, kernel_size={}, {:?}, bias={})",
            d[1] * self.params.groups,
            d[0],
            d[2],
            self.params,
            self.bias.is_some()
        )
    }
}
