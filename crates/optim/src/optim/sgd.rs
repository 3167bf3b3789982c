//! Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay.

use serde::{Deserialize, Serialize};

use scalpel_tensor::Float;

use super::{scalar, RuleOptimizer, StepInfo, UpdateRule};
use crate::error::{check, Result};

/// Stochastic gradient descent (PyTorch's `torch.optim.SGD`); hyperparameters in [`SgdConfig`].
#[doc(alias = "SGD")]
pub type Sgd<T = f32> = RuleOptimizer<SgdConfig, T>;

/// Hyperparameters of [`Sgd`]. With gradient g, parameter θ, learning rate γ, momentum μ,
/// dampening τ and weight decay λ, each step is
///
/// ```text
/// g ← g + λ·θ                       (when λ ≠ 0)
/// b ← g                             on the first step, when μ ≠ 0
/// b ← μ·b + (1 − τ)·g               on later steps
/// g ← g + μ·b  (Nesterov)  or  g ← b
/// θ ← θ − γ·g
/// ```
///
/// Plain gradient descent (μ = 0) is the book's §2.2, x ← x − α·∇f. The momentum form is §2.3.1
/// with the learning rate moved out of the velocity: the book keeps v ← μ·v + γ·g, θ ← θ − v,
/// which takes the same steps while γ is constant. State: `momentum_buffer` (when μ ≠ 0).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SgdConfig {
    /// Learning rate γ (default 1e-3).
    pub lr: f64,
    /// Momentum factor μ (default 0).
    pub momentum: f64,
    /// Dampening τ of the momentum (default 0).
    pub dampening: f64,
    /// Nesterov momentum (default false; needs μ > 0 and τ = 0).
    pub nesterov: bool,
    /// L2 penalty λ added to the gradient (default 0).
    pub weight_decay: f64,
}

impl Default for SgdConfig {
    fn default() -> Self {
        SgdConfig {
            lr: 1e-3,
            momentum: 0.0,
            dampening: 0.0,
            nesterov: false,
            weight_decay: 0.0,
        }
    }
}

impl UpdateRule for SgdConfig {
    const NAME: &'static str = "SGD";

    fn default_lr(&self) -> f64 {
        self.lr
    }

    fn default_weight_decay(&self) -> f64 {
        self.weight_decay
    }

    fn validate(&self) -> Result<()> {
        check(self.lr >= 0.0, "SGD", "lr", self.lr, "must be >= 0")?;
        check(
            self.momentum >= 0.0,
            "SGD",
            "momentum",
            self.momentum,
            "must be >= 0",
        )?;
        check(
            self.weight_decay >= 0.0,
            "SGD",
            "weight_decay",
            self.weight_decay,
            "must be >= 0",
        )?;
        if self.nesterov {
            check(
                self.momentum > 0.0,
                "SGD",
                "momentum",
                self.momentum,
                "Nesterov momentum needs momentum > 0",
            )?;
            check(
                self.dampening == 0.0,
                "SGD",
                "dampening",
                self.dampening,
                "Nesterov momentum needs zero dampening",
            )?;
        }
        Ok(())
    }

    fn buffers(&self) -> Vec<&'static str> {
        if self.momentum != 0.0 {
            vec!["momentum_buffer"]
        } else {
            Vec::new()
        }
    }

    fn update<T: Float>(
        &self,
        s: &StepInfo,
        param: &mut [T],
        grad: &[T],
        buffers: &mut [&mut [T]],
    ) {
        let lr: T = scalar(s.lr);
        let wd: T = scalar(s.weight_decay);
        let decay = s.weight_decay != 0.0;
        match buffers {
            [] if !decay => {
                for (p, &g) in param.iter_mut().zip(grad) {
                    *p -= lr * g;
                }
            }
            [] => {
                for (p, &g) in param.iter_mut().zip(grad) {
                    *p -= lr * (g + wd * *p);
                }
            }
            [buf] => {
                let mu: T = scalar(self.momentum);
                let keep: T = scalar(1.0 - self.dampening);
                let first = s.step == 1;
                let nesterov = self.nesterov;
                for ((p, &g), b) in param.iter_mut().zip(grad).zip(buf.iter_mut()) {
                    let g = if decay { g + wd * *p } else { g };
                    *b = if first { g } else { mu * *b + keep * g };
                    let d = if nesterov { g + mu * *b } else { *b };
                    *p -= lr * d;
                }
            }
            _ => unreachable!("SGD keeps at most one buffer"),
        }
    }
}
