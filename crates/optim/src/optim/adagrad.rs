//! AdaGrad: per-element learning rates from the sum of squared gradients.

use serde::{Deserialize, Serialize};

use scalpel_tensor::Float;

use super::{scalar, RuleOptimizer, StepInfo, UpdateRule};
use crate::error::{check, Result};

/// AdaGrad (PyTorch's `torch.optim.Adagrad`); hyperparameters in [`AdagradConfig`].
#[doc(alias = "AdaGrad")]
pub type Adagrad<T = f32> = RuleOptimizer<AdagradConfig, T>;

/// Hyperparameters of [`Adagrad`]. With gradient g, parameter θ, learning rate γ, learning-rate
/// decay η, weight decay λ and step t (from 1), each step is
///
/// ```text
/// g ← g + λ·θ                       (when λ ≠ 0)
/// γₜ = γ / (1 + (t − 1)·η)
/// s ← s + g²                        (s starts at initial_accumulator_value)
/// θ ← θ − γₜ·g / (√s + ε)
/// ```
///
/// This is the book's class `AdaGrad` (§2.3.2) with η = 0 and s starting at 0; the book's
/// function form starts s at 1, a quirk not copied here. State: `sum`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdagradConfig {
    /// Learning rate γ (default 1e-2).
    pub lr: f64,
    /// Learning-rate decay η (default 0).
    pub lr_decay: f64,
    /// L2 penalty λ added to the gradient (default 0).
    pub weight_decay: f64,
    /// The value s starts at (default 0).
    pub initial_accumulator_value: f64,
    /// ε added to √s (default 1e-10).
    pub eps: f64,
}

impl Default for AdagradConfig {
    fn default() -> Self {
        AdagradConfig {
            lr: 1e-2,
            lr_decay: 0.0,
            weight_decay: 0.0,
            initial_accumulator_value: 0.0,
            eps: 1e-10,
        }
    }
}

impl UpdateRule for AdagradConfig {
    const NAME: &'static str = "Adagrad";

    fn default_lr(&self) -> f64 {
        self.lr
    }

    fn default_weight_decay(&self) -> f64 {
        self.weight_decay
    }

    fn validate(&self) -> Result<()> {
        let name = Self::NAME;
        check(self.lr >= 0.0, name, "lr", self.lr, "must be >= 0")?;
        check(
            self.lr_decay >= 0.0,
            name,
            "lr_decay",
            self.lr_decay,
            "must be >= 0",
        )?;
        check(
            self.weight_decay >= 0.0,
            name,
            "weight_decay",
            self.weight_decay,
            "must be >= 0",
        )?;
        check(
            self.initial_accumulator_value >= 0.0,
            name,
            "initial_accumulator_value",
            self.initial_accumulator_value,
            "must be >= 0",
        )?;
        check(self.eps >= 0.0, name, "eps", self.eps, "must be >= 0")
    }

    fn buffers(&self) -> Vec<&'static str> {
        vec!["sum"]
    }

    fn initial_value(&self, _name: &str) -> f64 {
        self.initial_accumulator_value
    }

    fn update<T: Float>(
        &self,
        s: &StepInfo,
        param: &mut [T],
        grad: &[T],
        buffers: &mut [&mut [T]],
    ) {
        let [sum] = buffers else {
            unreachable!("Adagrad keeps one buffer")
        };
        let clr: T = scalar(s.lr / (1.0 + (s.step - 1) as f64 * self.lr_decay));
        let wd: T = scalar(s.weight_decay);
        let decay = s.weight_decay != 0.0;
        let eps: T = scalar(self.eps);
        for ((p, &g), acc) in param.iter_mut().zip(grad).zip(sum.iter_mut()) {
            let g = if decay { g + wd * *p } else { g };
            *acc += g * g;
            *p -= clr * (g / (acc.sqrt() + eps));
        }
    }
}
