//! Adam: bias-corrected running first and second moments of the gradient; the update kernel that
//! AdamW shares.

use serde::{Deserialize, Serialize};

use scalpel_tensor::Float;

use super::{scalar, RuleOptimizer, StepInfo, UpdateRule};
use crate::error::{check, Result};

/// Adam (PyTorch's `torch.optim.Adam`); hyperparameters in [`AdamConfig`].
pub type Adam<T = f32> = RuleOptimizer<AdamConfig, T>;

/// Hyperparameters of [`Adam`]. With gradient g, parameter θ, learning rate γ, decays β₁ and β₂,
/// weight decay λ and step t (from 1), each step is
///
/// ```text
/// g ← g + λ·θ                       (when λ ≠ 0: L2 penalty; see AdamW for decoupled decay)
/// m ← β₁·m + (1 − β₁)·g
/// v ← β₂·v + (1 − β₂)·g²
/// v̂ ← max(v̂, v)                     (AMSGrad only; then v̂ replaces v below)
/// θ ← θ − γ/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
///
/// This is the book's §2.3.5 and its class `Adam`, with bias correction counted from t = 1 (the
/// book's function uses t + 2, a quirk not copied here). State: `exp_avg` (m), `exp_avg_sq` (v),
/// `max_exp_avg_sq` (v̂, with AMSGrad).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdamConfig {
    /// Learning rate γ (default 1e-3).
    pub lr: f64,
    /// Decays (β₁, β₂) of the first and second moments (default (0.9, 0.999)).
    pub betas: (f64, f64),
    /// ε added to the denominator (default 1e-8).
    pub eps: f64,
    /// L2 penalty λ added to the gradient (default 0).
    pub weight_decay: f64,
    /// Use the maximum of past second moments (AMSGrad, default false).
    pub amsgrad: bool,
}

impl Default for AdamConfig {
    fn default() -> Self {
        AdamConfig {
            lr: 1e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0.0,
            amsgrad: false,
        }
    }
}

impl UpdateRule for AdamConfig {
    const NAME: &'static str = "Adam";

    fn default_lr(&self) -> f64 {
        self.lr
    }

    fn default_weight_decay(&self) -> f64 {
        self.weight_decay
    }

    fn validate(&self) -> Result<()> {
        validate(Self::NAME, self.lr, self.betas, self.eps, self.weight_decay)
    }

    fn buffers(&self) -> Vec<&'static str> {
        buffers(self.amsgrad)
    }

    fn update<T: Float>(
        &self,
        s: &StepInfo,
        param: &mut [T],
        grad: &[T],
        buffers: &mut [&mut [T]],
    ) {
        update(self.betas, self.eps, false, s, param, grad, buffers);
    }
}

/// Checks the hyperparameters shared by Adam and AdamW.
pub(super) fn validate(
    name: &'static str,
    lr: f64,
    betas: (f64, f64),
    eps: f64,
    weight_decay: f64,
) -> Result<()> {
    check(lr >= 0.0, name, "lr", lr, "must be >= 0")?;
    check(
        (0.0..1.0).contains(&betas.0),
        name,
        "betas.0",
        betas.0,
        "must be in [0, 1)",
    )?;
    check(
        (0.0..1.0).contains(&betas.1),
        name,
        "betas.1",
        betas.1,
        "must be in [0, 1)",
    )?;
    check(eps >= 0.0, name, "eps", eps, "must be >= 0")?;
    check(
        weight_decay >= 0.0,
        name,
        "weight_decay",
        weight_decay,
        "must be >= 0",
    )
}

/// The buffers of Adam and AdamW.
pub(super) fn buffers(amsgrad: bool) -> Vec<&'static str> {
    if amsgrad {
        vec!["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]
    } else {
        vec!["exp_avg", "exp_avg_sq"]
    }
}

/// One Adam step over a chunk; `decoupled` selects AdamW's θ ← θ·(1 − γλ) over the L2 gradient
/// term.
pub(super) fn update<T: Float>(
    betas: (f64, f64),
    eps: f64,
    decoupled: bool,
    s: &StepInfo,
    param: &mut [T],
    grad: &[T],
    buffers: &mut [&mut [T]],
) {
    let t = s.step as f64;
    let bias_correction1 = 1.0 - betas.0.powf(t);
    let bias_correction2 = 1.0 - betas.1.powf(t);
    let k = Kernel {
        step_size: scalar(s.lr / bias_correction1),
        bc2_sqrt: scalar(bias_correction2.sqrt()),
        one_minus_b1: scalar(1.0 - betas.0),
        b2: scalar(betas.1),
        one_minus_b2: scalar(1.0 - betas.1),
        eps: scalar(eps),
        l2: scalar(s.weight_decay),
        use_l2: !decoupled && s.weight_decay != 0.0,
        shrink: scalar(1.0 - s.lr * s.weight_decay),
        use_shrink: decoupled && s.weight_decay != 0.0,
    };
    match buffers {
        [m, v] => {
            for (((p, &g), m), v) in param
                .iter_mut()
                .zip(grad)
                .zip(m.iter_mut())
                .zip(v.iter_mut())
            {
                let g = k.start(p, g);
                let v = k.moments(m, v, g);
                *p -= k.step_size * (*m / k.denom(v));
            }
        }
        [m, v, vmax] => {
            for ((((p, &g), m), v), vmax) in param
                .iter_mut()
                .zip(grad)
                .zip(m.iter_mut())
                .zip(v.iter_mut())
                .zip(vmax.iter_mut())
            {
                let g = k.start(p, g);
                let v = k.moments(m, v, g);
                *vmax = vmax.max(v);
                *p -= k.step_size * (*m / k.denom(*vmax));
            }
        }
        _ => unreachable!("Adam keeps two or three buffers"),
    }
}

/// The scalars of one Adam step, as the element type.
struct Kernel<T> {
    step_size: T,
    bc2_sqrt: T,
    one_minus_b1: T,
    b2: T,
    one_minus_b2: T,
    eps: T,
    l2: T,
    use_l2: bool,
    shrink: T,
    use_shrink: bool,
}

impl<T: Float> Kernel<T> {
    /// Applies the weight decay: shrinks θ (AdamW) or returns g + λ·θ (Adam).
    #[inline(always)]
    fn start(&self, p: &mut T, g: T) -> T {
        if self.use_shrink {
            *p *= self.shrink;
        }
        if self.use_l2 {
            g + self.l2 * *p
        } else {
            g
        }
    }
    /// Updates m and v, returning the new v.
    #[inline(always)]
    fn moments(&self, m: &mut T, v: &mut T, g: T) -> T {
        *m += self.one_minus_b1 * (g - *m);
        *v = *v * self.b2 + self.one_minus_b2 * g * g;
        *v
    }
    /// √v / √(1 − β₂ᵗ) + ε.
    #[inline(always)]
    fn denom(&self, v: T) -> T {
        v.sqrt() / self.bc2_sqrt + self.eps
    }
}
