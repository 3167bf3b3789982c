//! [`NaiveConv2d`]: the book's readable starting point for convolution (§6.2.3–6.2.4), direct
//! loops forward and backward, before im2row (§6.3) and index-based fast convolution (§6.4).
//!
//! It computes what [`Conv2d`](crate::Conv2d) computes, only much more slowly; the tests use it
//! as the oracle for the fast kernels, and the `conv_speedup` example times the two.

mod loops;

use std::borrow::Cow;

use scalpel_autograd::{is_grad_enabled, CustomOp, Result, Var};
use scalpel_tensor::ops::conv::{conv_output_len, Conv2dParams};
use scalpel_tensor::random::Rng;
use scalpel_tensor::{Float, Tensor, TensorError};

use super::conv_init::{conv_parameters, named};
use crate::module::Module;
use loops::Geometry;

/// 2-D cross-correlation of `(N, C, H, W)` with a weight `(F, C, kH, kW)` and an optional bias
/// `(F,)`, with stride and zero padding, written as the book's direct loops: a forward pass of
/// six nested loops and a hand-written backward pass over the same loops.
///
/// Same parameters, initialisation and results as a [`Conv2d`](crate::Conv2d) without dilation
/// or groups (up to rounding); tens of times slower.
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_nn::{Module, NaiveConv2d};
/// use scalpel_tensor::{random::Rng, Tensor};
/// let conv: NaiveConv2d = NaiveConv2d::new(1, 2, (3, 3), &mut Rng::seed(0));
/// let y = conv.forward(&Var::constant(Tensor::ones([1, 1, 5, 5]))).unwrap();
/// assert_eq!(y.dims(), [1, 2, 3, 3]);
/// ```
pub struct NaiveConv2d<T: Float = f32> {
    weight: Var<T>,
    bias: Option<Var<T>>,
    stride: (usize, usize),
    padding: (usize, usize),
}

impl<T: Float> NaiveConv2d<T> {
    /// A convolution with stride 1, no padding and a bias, initialised as PyTorch's `Conv2d`.
    pub fn new(
        in_channels: usize,
        out_channels: usize,
        kernel: (usize, usize),
        rng: &mut Rng,
    ) -> Self {
        Self::with_params(in_channels, out_channels, kernel, (1, 1), (0, 0), true, rng)
    }

    /// A convolution with the given stride and padding, with or without bias.
    pub fn with_params(
        in_channels: usize,
        out_channels: usize,
        kernel: (usize, usize),
        stride: (usize, usize),
        padding: (usize, usize),
        bias: bool,
        rng: &mut Rng,
    ) -> Self {
        let shape = [out_channels, in_channels, kernel.0, kernel.1];
        let (weight, bias) = conv_parameters(&shape, out_channels, bias, rng);
        NaiveConv2d {
            weight,
            bias,
            stride,
            padding,
        }
    }

    /// A convolution with the given weight `(F, C, kH, kW)`, optional bias `(F,)`, stride and
    /// padding — for example the parameters of a [`Conv2d`](crate::Conv2d), to compare the two.
    ///
    /// # Errors
    /// A weight that is not 4-D or a bias that is not `(F,)`.
    pub fn from_tensors(
        weight: Tensor<T>,
        bias: Option<Tensor<T>>,
        stride: (usize, usize),
        padding: (usize, usize),
    ) -> Result<Self> {
        check_parameters(weight.shape(), bias.as_ref().map(Tensor::shape))?;
        Ok(NaiveConv2d {
            weight: Var::parameter(weight),
            bias: bias.map(Var::parameter),
            stride,
            padding,
        })
    }

    /// The weight, `(F, C, kH, kW)`.
    pub fn weight(&self) -> &Var<T> {
        &self.weight
    }
    /// The bias, `(F,)`, if any.
    pub fn bias(&self) -> Option<&Var<T>> {
        self.bias.as_ref()
    }
    /// The stride and padding as the [`Conv2dParams`] of the equivalent fast convolution.
    pub fn params(&self) -> Conv2dParams {
        Conv2dParams {
            stride: self.stride,
            padding: self.padding,
            ..Default::default()
        }
    }
}

impl<T: Float> Module<T> for NaiveConv2d<T> {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        naive_conv2d(
            x,
            &self.weight,
            self.bias.as_ref(),
            self.stride,
            self.padding,
        )
    }
    fn local_parameters(&self) -> Vec<(String, Var<T>)> {
        named(&self.weight, self.bias.as_ref())
    }
}

fn check_parameters(
    weight: &scalpel_tensor::Shape,
    bias: Option<&scalpel_tensor::Shape>,
) -> Result<()> {
    if weight.rank() != 4 {
        return Err(
            TensorError::shape("naive_conv2d", weight, "weight must be (F, C, kH, kW)").into(),
        );
    }
    match bias {
        Some(b) if b.dims() != [weight.dims()[0]] => {
            Err(TensorError::mismatch("naive_conv2d", weight, b, "bias must be (F,)").into())
        }
        _ => Ok(()),
    }
}

/// The geometry of `x` `(N, C, H, W)` convolved with `w` `(F, C, kH, kW)`.
fn geometry(
    x: &scalpel_tensor::Shape,
    w: &scalpel_tensor::Shape,
    stride: (usize, usize),
    padding: (usize, usize),
) -> Result<Geometry> {
    let op = "naive_conv2d";
    if x.rank() != 4 {
        return Err(TensorError::shape(op, x, "input must be (N, C, H, W)").into());
    }
    let (xd, wd) = (x.dims(), w.dims());
    if xd[1] != wd[1] {
        return Err(TensorError::mismatch(
            op,
            x,
            w,
            format!(
                "input channels {} != weight channels {} (weight is (F, C, kH, kW))",
                xd[1], wd[1]
            ),
        )
        .into());
    }
    let oh = conv_output_len(xd[2], wd[2], stride.0, padding.0, 1);
    let ow = conv_output_len(xd[3], wd[3], stride.1, padding.1, 1);
    let (Some(oh), Some(ow)) = (oh, ow) else {
        return Err(TensorError::mismatch(
            op,
            x,
            w,
            format!(
                "a {}x{} kernel with stride {stride:?} does not fit a {}x{} input padded by {padding:?}",
                wd[2], wd[3], xd[2], xd[3]
            ),
        )
        .into());
    };
    Ok(Geometry {
        n: xd[0],
        c: xd[1],
        h: xd[2],
        w: xd[3],
        f: wd[0],
        kh: wd[2],
        kw: wd[3],
        oh,
        ow,
        stride,
        padding,
    })
}

/// The elements of `t` in row-major order, borrowed when `t` is contiguous.
fn row_major<T: Float>(t: &Tensor<T>) -> Cow<'_, [T]> {
    match t.as_slice() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(t.to_vec()),
    }
}

/// The functional form of [`NaiveConv2d`]: `x` `(N, C, H, W)` convolved with `weight`
/// `(F, C, kH, kW)`, plus `bias` `(F,)`, by direct loops; differentiable through a hand-written
/// backward pass.
///
/// # Errors
/// Inputs that are not 4-D, channel counts that differ, a bias that is not `(F,)`, or a kernel
/// larger than the padded input.
pub fn naive_conv2d<T: Float>(
    x: &Var<T>,
    weight: &Var<T>,
    bias: Option<&Var<T>>,
    stride: (usize, usize),
    padding: (usize, usize),
) -> Result<Var<T>> {
    let bias_shape = bias.map(Var::shape);
    check_parameters(&weight.shape(), bias_shape.as_ref())?;
    let g = geometry(&x.shape(), &weight.shape(), stride, padding)?;
    let (xv, wv) = (x.value(), weight.value());
    let bv = bias.map(Var::value);
    let b = bv.as_ref().map(row_major);
    let y = loops::forward(&g, &row_major(&xv), &row_major(&wv), b.as_deref());
    let mut inputs = vec![x.clone(), weight.clone()];
    inputs.extend(bias.cloned());
    let out = Tensor::from_vec(y, [g.n, g.f, g.oh, g.ow])?;
    Var::from_custom(out, &inputs, NaiveConvOp { geometry: g })
}

/// The recorded convolution: inputs `[x, weight, bias?]`.
struct NaiveConvOp {
    geometry: Geometry,
}

impl<T: Float> CustomOp<T> for NaiveConvOp {
    fn name(&self) -> &'static str {
        "naive_conv2d"
    }

    fn backward(
        &self,
        inputs: &[Var<T>],
        _output: &Var<T>,
        grad: &Var<T>,
    ) -> Result<Vec<Option<Var<T>>>> {
        let g = &self.geometry;
        let has_bias = inputs.len() == 3;
        if is_grad_enabled() {
            // A recorded backward (create_graph) must itself be differentiable: the same
            // gradients through the library's recorded convolution-gradient operations.
            let params = Conv2dParams {
                stride: g.stride,
                padding: g.padding,
                ..Default::default()
            };
            let (x, w) = (&inputs[0], &inputs[1]);
            let mut grads = vec![
                Some(grad.conv2d_grad_input(w, &x.shape(), params)?),
                Some(x.conv2d_grad_weight(grad, &w.shape(), params)?),
            ];
            if has_bias {
                grads.push(Some(grad.sum(&[0, 2, 3], false)?));
            }
            return Ok(grads);
        }
        let (xv, wv, dyv) = (inputs[0].value(), inputs[1].value(), grad.value());
        let (dx, dw, db) = loops::backward(g, &row_major(&xv), &row_major(&wv), &row_major(&dyv));
        let mut grads = vec![
            Some(Var::constant(Tensor::from_vec(dx, xv.shape().clone())?)),
            Some(Var::constant(Tensor::from_vec(dw, wv.shape().clone())?)),
        ];
        if has_bias {
            grads.push(Some(Var::constant(Tensor::from_vec1(db))));
        }
        Ok(grads)
    }
}
