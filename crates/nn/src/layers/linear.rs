//! [`Linear`]: the fully connected layer (the book's `Dense`, §4.3), y = x·Wᵀ + b.

use scalpel_autograd::{Result, Var};
use scalpel_tensor::random::Rng;
use scalpel_tensor::{Float, Tensor, TensorError};

use crate::init::{self, FanMode, Nonlinearity};
use crate::module::Module;

/// y = x·Wᵀ + b over the last axis of `x`: `(…, in)` → `(…, out)`.
///
/// The weight is stored `(out, in)` as in PyTorch, so PyTorch weights load unchanged; the
/// product uses a transposed view of it (no copy). Initialisation is PyTorch's: weight Kaiming
/// uniform with a = √5, i.e. U(±1/√in), and bias U(±1/√in).
pub struct Linear<T: Float = f32> {
    weight: Var<T>,
    bias: Option<Var<T>>,
}

/// The functional form of [`Linear`]: `x·weightᵀ + bias` with `weight` `(out, in)` and `bias`
/// `(out,)` (PyTorch's `F.linear`).
///
/// # Errors
/// When the last axis of `x` is not `in`.
pub fn linear<T: Float>(x: &Var<T>, weight: &Var<T>, bias: Option<&Var<T>>) -> Result<Var<T>> {
    let (xs, ws) = (x.shape(), weight.shape());
    if ws.rank() != 2 || xs.rank() == 0 || xs.dims()[xs.rank() - 1] != ws.dims()[1] {
        return Err(TensorError::mismatch(
            "linear",
            &xs,
            &ws,
            "the input's last axis must equal the weight's in_features (weight is (out, in))",
        )
        .into());
    }
    let y = x.matmul(&weight.t()?)?;
    match bias {
        Some(b) => y.add(b),
        None => Ok(y),
    }
}

impl<T: Float> Linear<T> {
    /// A layer from `in_features` to `out_features` with a bias, initialised from `rng`.
    pub fn new(in_features: usize, out_features: usize, rng: &mut Rng) -> Self {
        Self::with_bias(in_features, out_features, true, rng)
    }

    /// A layer with or without a bias.
    pub fn with_bias(in_features: usize, out_features: usize, bias: bool, rng: &mut Rng) -> Self {
        let weight = init::kaiming_uniform::<T>(
            [out_features, in_features],
            FanMode::FanIn,
            Nonlinearity::LeakyReLU(5f64.sqrt()),
            rng,
        )
        .expect("a 2-D weight has fans and a finite bound");
        let bound = if in_features > 0 {
            1.0 / (in_features as f64).sqrt()
        } else {
            0.0
        };
        let bias = bias.then(|| {
            init::uniform::<T>([out_features], -bound, bound, rng)
                .expect("±1/√in is a finite, ordered range")
        });
        Linear {
            weight: Var::parameter(weight),
            bias: bias.map(Var::parameter),
        }
    }

    /// A layer with the given weight `(out, in)` and optional bias `(out,)`.
    ///
    /// # Errors
    /// A weight that is not 2-D, or a bias that is not `(out,)`.
    pub fn from_tensors(weight: Tensor<T>, bias: Option<Tensor<T>>) -> Result<Self> {
        if weight.rank() != 2 {
            return Err(
                TensorError::shape("Linear", weight.shape(), "weight must be (out, in)").into(),
            );
        }
        if let Some(b) = &bias {
            if b.dims() != [weight.dims()[0]] {
                return Err(TensorError::mismatch(
                    "Linear",
                    weight.shape(),
                    b.shape(),
                    "bias must be (out,)",
                )
                .into());
            }
        }
        Ok(Linear {
            weight: Var::parameter(weight),
            bias: bias.map(Var::parameter),
        })
    }

    /// The weight, `(out, in)`.
    pub fn weight(&self) -> &Var<T> {
        &self.weight
    }
    /// The bias, `(out,)`, if the layer has one.
    pub fn bias(&self) -> Option<&Var<T>> {
        self.bias.as_ref()
    }
    /// Number of input features.
    pub fn in_features(&self) -> usize {
        self.weight.dims()[1]
    }
    /// Number of output features.
    pub fn out_features(&self) -> usize {
        self.weight.dims()[0]
    }
}

impl<T: Float> Module<T> for Linear<T> {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        linear(x, &self.weight, self.bias.as_ref())
    }
    fn local_parameters(&self) -> Vec<(String, Var<T>)> {
        let mut p = vec![("weight".to_string(), self.weight.clone())];
        if let Some(b) = &self.bias {
            p.push(("bias".to_string(), b.clone()));
        }
        p
    }
}

impl<T: Float> std::fmt::Debug for Linear<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Linear(in_features={}, out_features={}, bias={})",
            self.in_features(),
            self.out_features(),
            self.bias.is_some()
        )
    }
}
