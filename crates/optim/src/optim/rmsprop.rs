//! RMSProp: steps divided by a running RMS of the gradient, optionally centred and with momentum.

use serde::{Deserialize, Serialize};

use scalpel_tensor::Float;

use super::{scalar, RuleOptimizer, StepInfo, UpdateRule};
use crate::error::{check, Result};

/// RMSProp (PyTorch's `torch.optim.RMSprop`); hyperparameters in [`RmsPropConfig`].
#[doc(alias = "RMSprop")]
#[doc(alias = "RMSProp")]
pub type RmsProp<T = f32> = RuleOptimizer<RmsPropConfig, T>;

/// Hyperparameters of [`RmsProp`]. With gradient g, parameter θ, learning rate γ, smoothing α,
/// momentum μ and weight decay λ, each step is
///
/// ```text
/// g ← g + λ·θ                       (when λ ≠ 0)
/// v ← α·v + (1 − α)·g²
/// centered:  ḡ ← α·ḡ + (1 − α)·g,  d = √(v − ḡ²) + ε
/// otherwise: d = √v + ε
/// μ > 0:     b ← μ·b + g/d,  θ ← θ − γ·b
/// otherwise: θ ← θ − γ·g/d
/// ```
///
/// Uncentred and without momentum this is the book's §2.3.4 (and its class `RMSprop`), with
/// v starting at 0 (the book's function starts it at 1, a quirk not copied here). State:
/// `square_avg` (v), `momentum_buffer` (b, when μ > 0), `grad_avg` (ḡ, when centered).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RmsPropConfig {
    /// Learning rate γ (default 1e-2).
    pub lr: f64,
    /// Smoothing constant α (default 0.99; the book's β).
    pub alpha: f64,
    /// ε added to the denominator (default 1e-8).
    pub eps: f64,
    /// L2 penalty λ added to the gradient (default 0).
    pub weight_decay: f64,
    /// Momentum factor μ (default 0).
    pub momentum: f64,
    /// Normalise by an estimate of the gradient's variance instead of its second moment
    /// (default false).
    pub centered: bool,
}

impl Default for RmsPropConfig {
    fn default() -> Self {
        RmsPropConfig {
            lr: 1e-2,
            alpha: 0.99,
            eps: 1e-8,
            weight_decay: 0.0,
            momentum: 0.0,
            centered: false,
        }
    }
}

impl UpdateRule for RmsPropConfig {
    const NAME: &'static str = "RMSprop";

    fn default_lr(&self) -> f64 {
        self.lr
    }

    fn default_weight_decay(&self) -> f64 {
        self.weight_decay
    }

    fn validate(&self) -> Result<()> {
        let name = Self::NAME;
        check(self.lr >= 0.0, name, "lr", self.lr, "must be >= 0")?;
        check(self.alpha >= 0.0, name, "alpha", self.alpha, "must be >= 0")?;
        check(self.eps >= 0.0, name, "eps", self.eps, "must be >= 0")?;
        check(
            self.weight_decay >= 0.0,
            name,
            "weight_decay",
            self.weight_decay,
            "must be >= 0",
        )?;
        check(
            self.momentum >= 0.0,
            name,
            "momentum",
            self.momentum,
            "must be >= 0",
        )
    }

    fn buffers(&self) -> Vec<&'static str> {
        let mut names = vec!["square_avg"];
        if self.momentum > 0.0 {
            names.push("momentum_buffer");
        }
        if self.centered {
            names.push("grad_avg");
        }
        names
    }

    fn update<T: Float>(
        &self,
        s: &StepInfo,
        param: &mut [T],
        grad: &[T],
        buffers: &mut [&mut [T]],
    ) {
        let (square_avg, rest) = buffers
            .split_first_mut()
            .unwrap_or_else(|| unreachable!("RMSprop always keeps square_avg"));
        let (momentum_buffer, rest) = if self.momentum > 0.0 {
            let (b, rest) = rest
                .split_first_mut()
                .unwrap_or_else(|| unreachable!("momentum_buffer follows square_avg"));
            (Some(b), rest)
        } else {
            (None, rest)
        };
        let grad_avg = rest.first_mut();
        let k = Kernel {
            lr: scalar(s.lr),
            wd: scalar(s.weight_decay),
            decay: s.weight_decay != 0.0,
            alpha: scalar(self.alpha),
            one_minus_alpha: scalar(1.0 - self.alpha),
            eps: scalar(self.eps),
            mu: scalar(self.momentum),
        };
        // One loop per variant, so that each stays free of per-element branches.
        match (momentum_buffer, grad_avg) {
            (None, None) => {
                for ((p, &g), v) in param.iter_mut().zip(grad).zip(square_avg.iter_mut()) {
                    let g = k.decayed(g, *p);
                    let d = k.second_moment(v, g).sqrt() + k.eps;
                    *p -= k.lr * (g / d);
                }
            }
            (Some(buf), None) => {
                for (((p, &g), v), b) in param
                    .iter_mut()
                    .zip(grad)
                    .zip(square_avg.iter_mut())
                    .zip(buf.iter_mut())
                {
                    let g = k.decayed(g, *p);
                    let d = k.second_moment(v, g).sqrt() + k.eps;
                    *b = *b * k.mu + g / d;
                    *p -= k.lr * *b;
                }
            }
            (None, Some(avg)) => {
                for (((p, &g), v), a) in param
                    .iter_mut()
                    .zip(grad)
                    .zip(square_avg.iter_mut())
                    .zip(avg.iter_mut())
                {
                    let g = k.decayed(g, *p);
                    let d = k.centred(v, a, g);
                    *p -= k.lr * (g / d);
                }
            }
            (Some(buf), Some(avg)) => {
                for ((((p, &g), v), b), a) in param
                    .iter_mut()
                    .zip(grad)
                    .zip(square_avg.iter_mut())
                    .zip(buf.iter_mut())
                    .zip(avg.iter_mut())
                {
                    let g = k.decayed(g, *p);
                    let d = k.centred(v, a, g);
                    *b = *b * k.mu + g / d;
                    *p -= k.lr * *b;
                }
            }
        }
    }
}

/// The scalars of one RMSprop step, as the element type.
struct Kernel<T> {
    lr: T,
    wd: T,
    decay: bool,
    alpha: T,
    one_minus_alpha: T,
    eps: T,
    mu: T,
}

impl<T: Float> Kernel<T> {
    /// g + λ·θ.
    #[inline(always)]
    fn decayed(&self, g: T, p: T) -> T {
        if self.decay {
            g + self.wd * p
        } else {
            g
        }
    }
    /// v ← α·v + (1 − α)·g², returning the new v.
    #[inline(always)]
    fn second_moment(&self, v: &mut T, g: T) -> T {
        *v = *v * self.alpha + self.one_minus_alpha * g * g;
        *v
    }
    /// Updates v and ḡ, returning √(v − ḡ²) + ε.
    #[inline(always)]
    fn centred(&self, v: &mut T, a: &mut T, g: T) -> T {
        let v = self.second_moment(v, g);
        *a += self.one_minus_alpha * (g - *a);
        (v - *a * *a).sqrt() + self.eps
    }
}
