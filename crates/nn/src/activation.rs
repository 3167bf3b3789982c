//! Activations (book §4.1.2), as functions and as layers for a
//! [`Sequential`](crate::Sequential) (the book's `Relu`, `Sigmoid`, `Tanh`, `Leaky_relu`).
//!
//! The layers hold no parameters and no element type, so one `ReLU` works in an `f32` and an
//! `f64` network alike.

use scalpel_autograd::{Result, Var};
use scalpel_tensor::Float;

use crate::module::Module;

/// max(x, 0).
///
/// # Errors
/// Anomaly mode.
pub fn relu<T: Float>(x: &Var<T>) -> Result<Var<T>> {
    x.relu()
}

/// x for x > 0, `negative_slope`·x otherwise.
///
/// # Errors
/// Anomaly mode.
pub fn leaky_relu<T: Float>(x: &Var<T>, negative_slope: f64) -> Result<Var<T>> {
    x.leaky_relu(T::from_f64_lossy(negative_slope))
}

/// x for x > 0, α·(eˣ − 1) otherwise.
///
/// # Errors
/// Anomaly mode.
pub fn elu<T: Float>(x: &Var<T>, alpha: f64) -> Result<Var<T>> {
    x.elu(T::from_f64_lossy(alpha))
}

/// GELU with the exact Gaussian CDF, x·Φ(x).
///
/// # Errors
/// Anomaly mode.
pub fn gelu<T: Float>(x: &Var<T>) -> Result<Var<T>> {
    x.gelu()
}

/// GELU's tanh approximation, x/2·(1 + tanh(√(2/π)·(x + 0.044715x³))) (PyTorch's
/// `approximate='tanh'`, as in GPT-2 and BERT); within 5e-4 of [`gelu`] everywhere.
///
/// # Errors
/// Anomaly mode.
pub fn gelu_tanh<T: Float>(x: &Var<T>) -> Result<Var<T>> {
    x.gelu_tanh()
}

/// Logistic sigmoid 1/(1 + e⁻ˣ).
///
/// # Errors
/// Anomaly mode.
pub fn sigmoid<T: Float>(x: &Var<T>) -> Result<Var<T>> {
    x.sigmoid()
}

/// Hyperbolic tangent.
///
/// # Errors
/// Anomaly mode.
pub fn tanh<T: Float>(x: &Var<T>) -> Result<Var<T>> {
    x.tanh()
}

/// SiLU (swish), x·σ(x), as in PyTorch's `nn.SiLU`.
///
/// # Errors
/// Anomaly mode.
pub fn silu<T: Float>(x: &Var<T>) -> Result<Var<T>> {
    x.silu()
}

/// Softplus, ln(1 + eˣ), a smooth ReLU (PyTorch's `nn.Softplus` with β = 1), computed without
/// overflow for large x.
///
/// # Errors
/// Anomaly mode.
pub fn softplus<T: Float>(x: &Var<T>) -> Result<Var<T>> {
    x.softplus()
}

/// Softmax along `dim`, computed stably.
///
/// # Errors
/// `dim` out of range.
pub fn softmax<T: Float>(x: &Var<T>, dim: isize) -> Result<Var<T>> {
    x.softmax(dim)
}

/// log(softmax) along `dim`, computed stably.
///
/// # Errors
/// `dim` out of range.
pub fn log_softmax<T: Float>(x: &Var<T>, dim: isize) -> Result<Var<T>> {
    x.log_softmax(dim)
}

macro_rules! unit_activation {
    ($($(#[$doc:meta])* $name:ident => $f:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct $name;

        impl<T: Float> Module<T> for $name {
            fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
                $f(x)
            }
        }
    )*};
}

unit_activation! {
    /// The layer form of [`relu`].
    ReLU => relu;
    /// The layer form of [`sigmoid`].
    Sigmoid => sigmoid;
    /// The layer form of [`tanh`].
    Tanh => tanh;
    /// The layer form of [`silu`].
    SiLU => silu;
    /// The layer form of [`softplus`].
    Softplus => softplus;
}

/// Which form of GELU a [`GELU`] layer computes (PyTorch's `approximate`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GeluApproximation {
    /// x·Φ(x) with the exact Gaussian CDF, [`gelu`] (PyTorch's `'none'`).
    #[default]
    Exact,
    /// The tanh approximation, [`gelu_tanh`] (PyTorch's `'tanh'`).
    Tanh,
}

/// The layer form of [`gelu`], or of [`gelu_tanh`] when built with [`GELU::tanh`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GELU {
    /// The exact form (the default) or the tanh approximation.
    pub approximate: GeluApproximation,
}

impl GELU {
    /// The exact GELU, x·Φ(x).
    pub fn new() -> Self {
        Self::default()
    }

    /// GELU's tanh approximation (PyTorch's `nn.GELU(approximate='tanh')`).
    pub fn tanh() -> Self {
        GELU {
            approximate: GeluApproximation::Tanh,
        }
    }
}

impl<T: Float> Module<T> for GELU {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        match self.approximate {
            GeluApproximation::Exact => gelu(x),
            GeluApproximation::Tanh => gelu_tanh(x),
        }
    }
}

/// The layer form of [`leaky_relu`]; the default slope is PyTorch's 0.01 (the book uses 0.2).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeakyReLU {
    /// Slope for negative inputs.
    pub negative_slope: f64,
}

impl LeakyReLU {
    /// A leaky ReLU with the given negative slope.
    pub fn new(negative_slope: f64) -> Self {
        LeakyReLU { negative_slope }
    }
}

impl Default for LeakyReLU {
    fn default() -> Self {
        Self::new(0.01)
    }
}

impl<T: Float> Module<T> for LeakyReLU {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        leaky_relu(x, self.negative_slope)
    }
}

/// The layer form of [`elu`]; the default α is 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ELU {
    /// Scale of the negative branch.
    pub alpha: f64,
}

impl ELU {
    /// An ELU with the given α.
    pub fn new(alpha: f64) -> Self {
        ELU { alpha }
    }
}

impl Default for ELU {
    fn default() -> Self {
        Self::new(1.0)
    }
}

impl<T: Float> Module<T> for ELU {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        elu(x, self.alpha)
    }
}

/// The layer form of [`softmax`] along `dim`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Softmax {
    /// The axis the probabilities sum to 1 along.
    pub dim: isize,
}

impl Softmax {
    /// Softmax along `dim`.
    pub fn new(dim: isize) -> Self {
        Softmax { dim }
    }
}

impl<T: Float> Module<T> for Softmax {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        softmax(x, self.dim)
    }
}

/// The layer form of [`log_softmax`] along `dim`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogSoftmax {
    /// The axis normalised along.
    pub dim: isize,
}

impl LogSoftmax {
    /// log(softmax) along `dim`.
    pub fn new(dim: isize) -> Self {
        LogSoftmax { dim }
    }
}

impl<T: Float> Module<T> for LogSoftmax {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        log_softmax(x, self.dim)
    }
}
