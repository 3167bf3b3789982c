//! [`LayerNorm`]: normalisation over the trailing axes of each sample.

use scalpel_autograd::{Result, Var};
use scalpel_tensor::{Float, Shape, Tensor, TensorError};

use crate::module::Module;

/// Normalises each sample over its last axes `normalized_shape` with their mean and biased
/// variance, y = (x − μ)/√(σ² + eps)·γ + β, with element-wise `weight` γ (ones) and `bias` β
/// (zeros) of shape `normalized_shape`. The same in training and evaluation.
pub struct LayerNorm<T: Float = f32> {
    normalized_shape: Vec<usize>,
    eps: f64,
    weight: Option<Var<T>>,
    bias: Option<Var<T>>,
}

impl<T: Float> LayerNorm<T> {
    /// A layer over the trailing axes `normalized_shape`, eps 1e-5, with weight and bias.
    pub fn new(normalized_shape: &[usize]) -> Self {
        Self::with_options(normalized_shape, 1e-5, true)
    }
    /// A layer with the given eps, with or without the element-wise affine parameters.
    pub fn with_options(normalized_shape: &[usize], eps: f64, elementwise_affine: bool) -> Self {
        let shape = normalized_shape.to_vec();
        LayerNorm {
            weight: elementwise_affine.then(|| Var::parameter(Tensor::ones(shape.clone()))),
            bias: elementwise_affine.then(|| Var::parameter(Tensor::zeros(shape.clone()))),
            normalized_shape: shape,
            eps,
        }
    }
    /// The scale γ, when affine.
    pub fn weight(&self) -> Option<&Var<T>> {
        self.weight.as_ref()
    }
    /// The shift β, when affine.
    pub fn bias(&self) -> Option<&Var<T>> {
        self.bias.as_ref()
    }
}

/// The functional form of [`LayerNorm`] (PyTorch's `F.layer_norm`): normalises over the last
/// `normalized_shape.len()` axes, which must equal `normalized_shape`; `weight` and `bias`
/// have that shape.
///
/// # Errors
/// When the trailing axes of `x` are not `normalized_shape`, or `weight` or `bias` has another
/// shape.
pub fn layer_norm<T: Float>(
    x: &Var<T>,
    normalized_shape: &[usize],
    weight: Option<&Var<T>>,
    bias: Option<&Var<T>>,
    eps: f64,
) -> Result<Var<T>> {
    let dims = x.dims();
    let k = normalized_shape.len();
    if k == 0 || dims.len() < k || dims[dims.len() - k..] != *normalized_shape {
        return Err(TensorError::mismatch(
            "layer_norm",
            &x.shape(),
            &Shape::from(normalized_shape),
            "the input's trailing axes must equal normalized_shape",
        )
        .into());
    }
    for (name, affine) in [("weight", weight), ("bias", bias)] {
        if let Some(a) = affine.filter(|a| a.dims() != normalized_shape) {
            return Err(TensorError::mismatch(
                "layer_norm",
                &a.shape(),
                &Shape::from(normalized_shape),
                format!("{name} must have shape normalized_shape"),
            )
            .into());
        }
    }
    let axes: Vec<isize> = (dims.len() - k..dims.len()).map(|a| a as isize).collect();
    let centred = x.sub(&x.mean(&axes, true)?)?;
    let var = centred.square()?.mean(&axes, true)?;
    let y = centred.mul(&var.add_scalar(T::from_f64_lossy(eps))?.sqrt()?.recip()?)?;
    let y = match weight {
        Some(w) => y.mul(w)?,
        None => y,
    };
    match bias {
        Some(b) => y.add(b),
        None => Ok(y),
    }
}

impl<T: Float> Module<T> for LayerNorm<T> {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        layer_norm(
            x,
            &self.normalized_shape,
            self.weight.as_ref(),
            self.bias.as_ref(),
            self.eps,
        )
    }
    fn local_parameters(&self) -> Vec<(String, Var<T>)> {
        let mut p = Vec::new();
        if let Some(w) = &self.weight {
            p.push(("weight".to_string(), w.clone()));
        }
        if let Some(b) = &self.bias {
            p.push(("bias".to_string(), b.clone()));
        }
        p
    }
}
