//! AdamW: Adam with weight decay decoupled from the gradient.

use serde::{Deserialize, Serialize};

use scalpel_tensor::Float;

use super::adam;
use super::{RuleOptimizer, StepInfo, UpdateRule};
use crate::error::Result;

/// AdamW (PyTorch's `torch.optim.AdamW`); hyperparameters in [`AdamWConfig`].
pub type AdamW<T = f32> = RuleOptimizer<AdamWConfig, T>;

/// Hyperparameters of [`AdamW`] (Loshchilov & Hutter, "Decoupled weight decay
/// regularization"). With the notation of [`AdamConfig`](crate::AdamConfig), each step is
///
/// ```text
/// θ ← θ·(1 − γ·λ)                   (decay applied to the weights, not added to g)
/// m ← β₁·m + (1 − β₁)·g
/// v ← β₂·v + (1 − β₂)·g²
/// v̂ ← max(v̂, v)                     (AMSGrad only; then v̂ replaces v below)
/// θ ← θ − γ/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
///
/// Not in the book. State: `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq` (with AMSGrad).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdamWConfig {
    /// Learning rate γ (default 1e-3).
    pub lr: f64,
    /// Decays (β₁, β₂) of the first and second moments (default (0.9, 0.999)).
    pub betas: (f64, f64),
    /// ε added to the denominator (default 1e-8).
    pub eps: f64,
    /// Decoupled weight decay λ (default 1e-2).
    pub weight_decay: f64,
    /// Use the maximum of past second moments (AMSGrad, default false).
    pub amsgrad: bool,
}

impl Default for AdamWConfig {
    fn default() -> Self {
        AdamWConfig {
            lr: 1e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 1e-2,
            amsgrad: false,
        }
    }
}

impl UpdateRule for AdamWConfig {
    const NAME: &'static str = "AdamW";

    fn default_lr(&self) -> f64 {
        self.lr
    }

    fn default_weight_decay(&self) -> f64 {
        self.weight_decay
    }

    fn validate(&self) -> Result<()> {
        adam::validate(Self::NAME, self.lr, self.betas, self.eps, self.weight_decay)
    }

    fn buffers(&self) -> Vec<&'static str> {
        adam::buffers(self.amsgrad)
    }

    fn update<T: Float>(
        &self,
        s: &StepInfo,
        param: &mut [T],
        grad: &[T],
        buffers: &mut [&mut [T]],
    ) {
        adam::update(self.betas, self.eps, true, s, param, grad, buffers);
    }
}
