//! Weight initialisation (book §5.2.1), with PyTorch's formulas and defaults.
//!
//! Each function draws a new tensor of the given shape from an explicit, seeded
//! [`Rng`]; [`Init`] names a scheme so that it can be chosen at run time and applied to a
//! variable. Fans follow PyTorch: a 2-D weight `(out, in)` has fan_in = in and fan_out = out; a
//! convolution weight `(out, in/groups, k…)` multiplies both by the receptive field ∏k.
//!
//! ```
//! use scalpel_nn::init::{self, FanMode, Nonlinearity};
//! use scalpel_tensor::random::Rng;
//! let w = init::kaiming_uniform::<f32>([256, 784], FanMode::FanIn, Nonlinearity::ReLU,
//!                                      &mut Rng::seed(0)).unwrap();
//! let bound = (2.0f32).sqrt() * (3.0f32 / 784.0).sqrt();
//! assert!(w.to_vec().iter().all(|v| v.abs() <= bound));
//! ```

use scalpel_autograd::Var;
use scalpel_tensor::random::Rng;
use scalpel_tensor::{Float, Result, Shape, Tensor, TensorError};

/// Which fan the Kaiming schemes preserve the variance of: `FanIn` keeps the forward pass's
/// activations at unit variance, `FanOut` the backward pass's gradients.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FanMode {
    /// Number of inputs of each output unit.
    #[default]
    FanIn,
    /// Number of outputs each input unit feeds.
    FanOut,
}

/// The non-linearity that follows a layer, which sets the gain of its initialisation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Nonlinearity {
    /// No activation (gain 1).
    Linear,
    /// A convolution with no activation (gain 1).
    Conv,
    /// Logistic sigmoid (gain 1).
    Sigmoid,
    /// Hyperbolic tangent (gain 5/3).
    Tanh,
    /// ReLU (gain √2).
    ReLU,
    /// Leaky ReLU with this negative slope (gain √(2 / (1 + slope²))). PyTorch's default
    /// Linear and Conv initialisation is Kaiming uniform with slope √5.
    LeakyReLU(f64),
}

/// The recommended gain for a non-linearity (PyTorch's `calculate_gain`): linear, conv and
/// sigmoid 1, tanh 5/3, ReLU √2, leaky ReLU √(2 / (1 + slope²)).
pub fn calculate_gain(nonlinearity: Nonlinearity) -> f64 {
    match nonlinearity {
        Nonlinearity::Linear | Nonlinearity::Conv | Nonlinearity::Sigmoid => 1.0,
        Nonlinearity::Tanh => 5.0 / 3.0,
        Nonlinearity::ReLU => std::f64::consts::SQRT_2,
        Nonlinearity::LeakyReLU(slope) => (2.0 / (1.0 + slope * slope)).sqrt(),
    }
}

/// `(fan_in, fan_out)` of a weight: `(dims[1]·r, dims[0]·r)` with r the product of the
/// dimensions after the second (1 for a matrix).
///
/// # Errors
/// [`TensorError::InvalidShape`] for fewer than 2 dimensions.
pub fn fan_in_and_fan_out(shape: &Shape) -> Result<(usize, usize)> {
    let dims = shape.dims();
    if dims.len() < 2 {
        return Err(TensorError::shape(
            "fan_in_and_fan_out",
            shape,
            "fans need a weight of at least 2 dimensions",
        ));
    }
    let receptive: usize = dims[2..].iter().product();
    Ok((dims[1] * receptive, dims[0] * receptive))
}

/// Zeros.
pub fn zeros<T: Float>(shape: impl Into<Shape>) -> Tensor<T> {
    Tensor::zeros(shape)
}

/// Every element `value`.
pub fn constant<T: Float>(shape: impl Into<Shape>, value: f64) -> Tensor<T> {
    Tensor::full(shape, T::from_f64_lossy(value))
}

/// Uniform on `[low, high)`.
///
/// # Errors
/// Bounds that are not finite or not ordered.
pub fn uniform<T: Float>(
    shape: impl Into<Shape>,
    low: f64,
    high: f64,
    rng: &mut Rng,
) -> Result<Tensor<T>> {
    rng.uniform(shape, T::from_f64_lossy(low), T::from_f64_lossy(high))
}

/// Normal N(`mean`, `std`²).
///
/// # Errors
/// A negative or non-finite `std`, a non-finite `mean`.
pub fn normal<T: Float>(
    shape: impl Into<Shape>,
    mean: f64,
    std: f64,
    rng: &mut Rng,
) -> Result<Tensor<T>> {
    rng.normal(shape, T::from_f64_lossy(mean), T::from_f64_lossy(std))
}

/// Xavier/Glorot uniform: U(±gain·√(6 / (fan_in + fan_out))).
///
/// # Errors
/// Fewer than 2 dimensions.
pub fn xavier_uniform<T: Float>(
    shape: impl Into<Shape>,
    gain: f64,
    rng: &mut Rng,
) -> Result<Tensor<T>> {
    let shape = shape.into();
    let (fan_in, fan_out) = fan_in_and_fan_out(&shape)?;
    let bound = gain * (6.0 / (fan_in + fan_out).max(1) as f64).sqrt();
    uniform(shape, -bound, bound, rng)
}

/// Xavier/Glorot normal: N(0, (gain·√(2 / (fan_in + fan_out)))²).
///
/// # Errors
/// Fewer than 2 dimensions.
pub fn xavier_normal<T: Float>(
    shape: impl Into<Shape>,
    gain: f64,
    rng: &mut Rng,
) -> Result<Tensor<T>> {
    let shape = shape.into();
    let (fan_in, fan_out) = fan_in_and_fan_out(&shape)?;
    let std = gain * (2.0 / (fan_in + fan_out).max(1) as f64).sqrt();
    normal(shape, 0.0, std, rng)
}

/// The standard deviation Kaiming initialisation aims for: gain / √fan.
fn kaiming_std(shape: &Shape, mode: FanMode, nonlinearity: Nonlinearity) -> Result<f64> {
    let (fan_in, fan_out) = fan_in_and_fan_out(shape)?;
    let fan = match mode {
        FanMode::FanIn => fan_in,
        FanMode::FanOut => fan_out,
    };
    // A zero fan only happens for a weight with no elements, where any value will do.
    Ok(calculate_gain(nonlinearity) / (fan.max(1) as f64).sqrt())
}

/// Kaiming/He uniform: U(±√3·gain/√fan).
///
/// # Errors
/// Fewer than 2 dimensions.
pub fn kaiming_uniform<T: Float>(
    shape: impl Into<Shape>,
    mode: FanMode,
    nonlinearity: Nonlinearity,
    rng: &mut Rng,
) -> Result<Tensor<T>> {
    let shape = shape.into();
    let bound = 3f64.sqrt() * kaiming_std(&shape, mode, nonlinearity)?;
    uniform(shape, -bound, bound, rng)
}

/// Kaiming/He normal: N(0, (gain/√fan)²).
///
/// # Errors
/// Fewer than 2 dimensions.
pub fn kaiming_normal<T: Float>(
    shape: impl Into<Shape>,
    mode: FanMode,
    nonlinearity: Nonlinearity,
    rng: &mut Rng,
) -> Result<Tensor<T>> {
    let shape = shape.into();
    let std = kaiming_std(&shape, mode, nonlinearity)?;
    normal(shape, 0.0, std, rng)
}

/// An initialisation scheme chosen at run time (the book's `init_method` argument, dispatched
/// correctly: each variant draws from its own distribution).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Init {
    /// [`zeros`].
    Zeros,
    /// [`constant`].
    Constant(f64),
    /// [`uniform`] on `[low, high)`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound (excluded).
        high: f64,
    },
    /// [`normal`].
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        std: f64,
    },
    /// [`xavier_uniform`] with this gain.
    XavierUniform(f64),
    /// [`xavier_normal`] with this gain.
    XavierNormal(f64),
    /// [`kaiming_uniform`].
    KaimingUniform(FanMode, Nonlinearity),
    /// [`kaiming_normal`].
    KaimingNormal(FanMode, Nonlinearity),
}

impl Init {
    /// A tensor of `shape` drawn from the scheme.
    ///
    /// # Errors
    /// As the scheme's function.
    pub fn tensor<T: Float>(&self, shape: impl Into<Shape>, rng: &mut Rng) -> Result<Tensor<T>> {
        let shape = shape.into();
        match *self {
            Init::Zeros => Ok(zeros(shape)),
            Init::Constant(v) => Ok(constant(shape, v)),
            Init::Uniform { low, high } => uniform(shape, low, high, rng),
            Init::Normal { mean, std } => normal(shape, mean, std, rng),
            Init::XavierUniform(gain) => xavier_uniform(shape, gain, rng),
            Init::XavierNormal(gain) => xavier_normal(shape, gain, rng),
            Init::KaimingUniform(mode, nl) => kaiming_uniform(shape, mode, nl, rng),
            Init::KaimingNormal(mode, nl) => kaiming_normal(shape, mode, nl, rng),
        }
    }

    /// Re-initialises a parameter in place (book §5.2.1, `apply(init_fn)`).
    ///
    /// # Errors
    /// As the scheme's function; a non-leaf variable.
    pub fn apply<T: Float>(&self, var: &Var<T>, rng: &mut Rng) -> scalpel_autograd::Result<()> {
        var.set_value(self.tensor(var.shape(), rng)?)
    }
}
