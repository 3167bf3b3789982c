//! [`Dropout`]: inverted dropout (book §5.4.2), the identity in evaluation mode.

use std::sync::Mutex;

use scalpel_autograd::{Result, Var};
use scalpel_tensor::random::Rng;
use scalpel_tensor::{Float, Tensor, TensorError};

use crate::module::{mode_switches, Module, TrainingFlag};

/// Inverted dropout: in training, each element is zeroed with probability `p` and the kept ones
/// are scaled by 1/(1 − p), so that the expected activation is unchanged and evaluation needs no
/// rescaling; in evaluation mode it is the identity (the book's network never switched it off:
/// here [`Module::eval`] does).
///
/// The layer draws its masks from its own seeded generator, behind a mutex so that `forward`
/// takes `&self`.
#[derive(Debug)]
pub struct Dropout {
    p: f64,
    rng: Mutex<Rng>,
    training: TrainingFlag,
}

impl Dropout {
    /// Dropout with drop probability `p`, drawing from a generator forked from `rng`.
    ///
    /// # Panics
    /// When `p` is outside `[0, 1]`.
    pub fn new(p: f64, rng: &mut Rng) -> Self {
        Self::from_rng(p, rng.fork())
    }

    /// Dropout drawing from a generator seeded with `seed`.
    ///
    /// # Panics
    /// When `p` is outside `[0, 1]`.
    pub fn with_seed(p: f64, seed: u64) -> Self {
        Self::from_rng(p, Rng::seed(seed))
    }

    fn from_rng(p: f64, rng: Rng) -> Self {
        assert!(
            (0.0..=1.0).contains(&p),
            "Dropout: drop probability {p} is outside [0, 1]"
        );
        Dropout {
            p,
            rng: Mutex::new(rng),
            training: TrainingFlag::new(),
        }
    }

    /// The drop probability.
    pub fn p(&self) -> f64 {
        self.p
    }
}

/// The functional form of [`Dropout`]: zeroes elements of `x` with probability `p` and scales
/// the rest by 1/(1 − p) when `training`; returns `x` unchanged otherwise.
///
/// # Errors
/// `p` outside `[0, 1]`.
pub fn dropout<T: Float>(x: &Var<T>, p: f64, training: bool, rng: &mut Rng) -> Result<Var<T>> {
    if !(0.0..=1.0).contains(&p) {
        return Err(
            TensorError::arg("dropout", format!("drop probability {p} is outside [0, 1]")).into(),
        );
    }
    if !training || p == 0.0 {
        return Ok(x.clone());
    }
    let mask: Tensor<T> = rng.bernoulli(x.shape(), 1.0 - p)?;
    let scale = if p < 1.0 { 1.0 / (1.0 - p) } else { 0.0 };
    let mask = mask.mul_scalar(T::from_f64_lossy(scale));
    x.mul(&Var::constant(mask))
}

mode_switches!(Dropout);

impl<T: Float> Module<T> for Dropout {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        dropout(x, self.p, self.training.get(), &mut rng)
    }
    fn training_flag(&self) -> Option<&TrainingFlag> {
        Some(&self.training)
    }
}
