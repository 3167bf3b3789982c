//! AdaDelta: steps scaled by the ratio of running RMS of updates and of gradients.

use serde::{Deserialize, Serialize};

use scalpel_tensor::Float;

use super::{scalar, RuleOptimizer, StepInfo, UpdateRule};
use crate::error::{check, Result};

/// AdaDelta (PyTorch's `torch.optim.Adadelta`); hyperparameters in [`AdadeltaConfig`].
#[doc(alias = "AdaDelta")]
pub type Adadelta<T = f32> = RuleOptimizer<AdadeltaConfig, T>;

/// Hyperparameters of [`Adadelta`]. With gradient g, parameter θ, learning rate γ, decay ρ and
/// weight decay λ, each step is
///
/// ```text
/// g ← g + λ·θ                       (when λ ≠ 0)
/// E[g²] ← ρ·E[g²] + (1 − ρ)·g²
/// Δ = √(E[Δ²] + ε) / √(E[g²] + ε) · g
/// E[Δ²] ← ρ·E[Δ²] + (1 − ρ)·Δ²
/// θ ← θ − γ·Δ
/// ```
///
/// This is the book's §2.3.3, `Δ = √((E[Δ²]+ε)/(E[g²]+ε))·g`, with both averages starting at 0
/// (the book's function starts them at 1, a quirk not copied here). State: `square_avg`
/// (`E[g²]`) and `acc_delta` (`E[Δ²]`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdadeltaConfig {
    /// Learning rate γ scaling Δ (default 1.0).
    pub lr: f64,
    /// Decay ρ of the running averages (default 0.9).
    pub rho: f64,
    /// ε inside the square roots (default 1e-6).
    pub eps: f64,
    /// L2 penalty λ added to the gradient (default 0).
    pub weight_decay: f64,
}

impl Default for AdadeltaConfig {
    fn default() -> Self {
        AdadeltaConfig {
            lr: 1.0,
            rho: 0.9,
            eps: 1e-6,
            weight_decay: 0.0,
        }
    }
}

impl UpdateRule for AdadeltaConfig {
    const NAME: &'static str = "Adadelta";

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
            (0.0..=1.0).contains(&self.rho),
            name,
            "rho",
            self.rho,
            "must be in [0, 1]",
        )?;
        check(self.eps >= 0.0, name, "eps", self.eps, "must be >= 0")?;
        check(
            self.weight_decay >= 0.0,
            name,
            "weight_decay",
            self.weight_decay,
            "must be >= 0",
        )
    }

    fn buffers(&self) -> Vec<&'static str> {
        vec!["square_avg", "acc_delta"]
    }

    fn update<T: Float>(
        &self,
        s: &StepInfo,
        param: &mut [T],
        grad: &[T],
        buffers: &mut [&mut [T]],
    ) {
        let [square_avg, acc_delta] = buffers else {
            unreachable!("Adadelta keeps two buffers")
        };
        let lr: T = scalar(s.lr);
        let wd: T = scalar(s.weight_decay);
        let decay = s.weight_decay != 0.0;
        let rho: T = scalar(self.rho);
        let one_minus_rho: T = scalar(1.0 - self.rho);
        let eps: T = scalar(self.eps);
        for (((p, &g), sq), acc) in param
            .iter_mut()
            .zip(grad)
            .zip(square_avg.iter_mut())
            .zip(acc_delta.iter_mut())
        {
            let g = if decay { g + wd * *p } else { g };
            *sq = *sq * rho + one_minus_rho * g * g;
            let std = (*sq + eps).sqrt();
            let delta = (*acc + eps).sqrt() / std * g;
            *acc = *acc * rho + one_minus_rho * delta * delta;
            *p -= lr * delta;
        }
    }
}
