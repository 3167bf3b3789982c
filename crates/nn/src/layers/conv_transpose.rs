//! [`ConvTranspose2d`]: the transposed ("fractionally strided") convolution of the book's
//! §8.8.2 (`Conv_transpose`), which DCGAN generators use to upsample.

use scalpel_autograd::{Result, Var};
use scalpel_tensor::ops::conv::ConvTranspose2dParams;
use scalpel_tensor::random::Rng;
use scalpel_tensor::{Float, Tensor};

use super::conv_init::{assert_groups, checked_parameters, conv_parameters, named};
use crate::module::Module;

/// Transposed convolution of `(N, C_in, H, W)` with a weight `(C_in, C_out/groups, kH, kW)`, plus
/// a bias `(C_out,)`: the adjoint of a [`Conv2d`](crate::Conv2d) with the same stride, padding,
/// dilation and groups. The output height is
/// `(H − 1)·stride − 2·padding + dilation·(kH − 1) + output_padding + 1` (the book's
/// S(H − 1) + k − 2P for dilation 1 and no output padding), and likewise for the width.
///
/// Initialisation is PyTorch's: weight Kaiming uniform with a = √5, bias U(±1/√fan_in), where
/// fan_in = C_out/groups·kH·kW (PyTorch computes it from the weight's second axis).
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_nn::{ConvTranspose2d, Module};
/// use scalpel_tensor::ops::conv::ConvTranspose2dParams;
/// use scalpel_tensor::{random::Rng, Tensor};
/// // DCGAN's upsampling step: 4 × 4 kernel, stride 2, padding 1 doubles the size.
/// let p = ConvTranspose2dParams { stride: (2, 2), padding: (1, 1), ..Default::default() };
/// let up: ConvTranspose2d = ConvTranspose2d::with_params(8, 4, (4, 4), p, true, &mut Rng::seed(0));
/// let y = up.forward(&Var::constant(Tensor::zeros([1, 8, 7, 7]))).unwrap();
/// assert_eq!(y.dims(), [1, 4, 14, 14]);
/// ```
pub struct ConvTranspose2d<T: Float = f32> {
    weight: Var<T>,
    bias: Option<Var<T>>,
    params: ConvTranspose2dParams,
}

impl<T: Float> ConvTranspose2d<T> {
    /// A transposed convolution with stride 1, no padding and a bias.
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
            ConvTranspose2dParams::default(),
            true,
            rng,
        )
    }

    /// A transposed convolution with the given stride, padding, output padding, dilation and
    /// groups, with or without bias.
    ///
    /// # Panics
    /// When `groups` is zero or does not divide both channel counts.
    pub fn with_params(
        in_channels: usize,
        out_channels: usize,
        kernel: (usize, usize),
        params: ConvTranspose2dParams,
        bias: bool,
        rng: &mut Rng,
    ) -> Self {
        let g = params.groups;
        assert_groups("ConvTranspose2d", g, in_channels, out_channels);
        let shape = [in_channels, out_channels / g, kernel.0, kernel.1];
        let (weight, bias) = conv_parameters(&shape, out_channels, bias, rng);
        ConvTranspose2d {
            weight,
            bias,
            params,
        }
    }

    /// A transposed convolution with the given weight `(C_in, C_out/groups, kH, kW)` and optional
    /// bias `(C_out,)`.
    ///
    /// # Errors
    /// A weight that is not 4-D or a bias that is not `(C_out,)`.
    pub fn from_tensors(
        weight: Tensor<T>,
        bias: Option<Tensor<T>>,
        params: ConvTranspose2dParams,
    ) -> Result<Self> {
        let layout = "(C_in, C_out/groups, kH, kW)";
        let groups = params.groups;
        let (weight, bias) = checked_parameters(
            "ConvTranspose2d",
            (weight, layout, 4),
            bias,
            |d: &[usize]| d[1] * groups,
        )?;
        Ok(ConvTranspose2d {
            weight,
            bias,
            params,
        })
    }

    /// The weight, `(C_in, C_out/groups, kH, kW)`.
    pub fn weight(&self) -> &Var<T> {
        &self.weight
    }
    /// The bias, `(C_out,)`, if any.
    pub fn bias(&self) -> Option<&Var<T>> {
        self.bias.as_ref()
    }
    /// Stride, padding, output padding, dilation and groups.
    pub fn params(&self) -> ConvTranspose2dParams {
        self.params
    }
}

impl<T: Float> Module<T> for ConvTranspose2d<T> {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        x.conv_transpose2d(&self.weight, self.bias.as_ref(), self.params)
    }
    fn local_parameters(&self) -> Vec<(String, Var<T>)> {
        named(&self.weight, self.bias.as_ref())
    }
}

impl<T: Float> std::fmt::Debug for ConvTranspose2d<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.weight.dims();
        write!(
            f,
            "ConvTranspose2d({}, {}, kernel_size=({}, {}), {:?}, bias={})",
            d[0],
            d[1] * self.params.groups,
            d[2],
            d[3],
            self.params,
            self.bias.is_some()
        )
    }
}
