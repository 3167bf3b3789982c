//! The optimizers: one [`RuleOptimizer`] that keeps parameter groups and per-parameter state,
//! and one [`UpdateRule`] per algorithm that says how a parameter moves — the book's separation of
//! the optimizer class from the update strategy (§2.5).
//!
//! | optimizer | update rule | book |
//! |---|---|---|
//! | [`Sgd`] | [`SgdConfig`]: momentum, dampening, Nesterov, weight decay | §2.2, §2.3.1 |
//! | [`Adagrad`] | [`AdagradConfig`]: learning-rate decay, initial accumulator | §2.3.2 |
//! | [`Adadelta`] | [`AdadeltaConfig`] | §2.3.3 |
//! | [`RmsProp`] | [`RmsPropConfig`]: momentum, centered | §2.3.4 |
//! | [`Adam`] | [`AdamConfig`]: AMSGrad, L2 weight decay | §2.3.5 |
//! | [`AdamW`] | [`AdamWConfig`]: decoupled weight decay | – |
//!
//! Each rule follows PyTorch's `torch.optim` update exactly; the formulas are on the config types.
//! An update is one fused loop over the parameter's contiguous elements and its state buffers,
//! which are plain contiguous vectors updated in place.

mod adadelta;
mod adagrad;
mod adam;
mod adamw;
mod chunks;
mod rmsprop;
mod rule_optimizer;
mod sgd;

use scalpel_tensor::Float;

use crate::error::Result;

pub use adadelta::{Adadelta, AdadeltaConfig};
pub use adagrad::{Adagrad, AdagradConfig};
pub use adam::{Adam, AdamConfig};
pub use adamw::{AdamW, AdamWConfig};
pub use rmsprop::{RmsProp, RmsPropConfig};
pub use rule_optimizer::RuleOptimizer;
pub use sgd::{Sgd, SgdConfig};

/// How one algorithm updates one parameter; [`RuleOptimizer`] turns a rule into an
/// [`Optimizer`](crate::Optimizer). Implement it for a new algorithm and get parameter groups,
/// state dicts and resuming for free.
///
/// A rule is its hyperparameters (the `…Config` types). Its per-parameter state is a step count
/// and a fixed list of buffers of the parameter's size, named by [`buffers`](Self::buffers).
pub trait UpdateRule: Send + Sync {
    /// The optimizer's name, recorded in state dicts ("SGD", "Adam", …).
    const NAME: &'static str;

    /// The learning rate of groups that do not set their own.
    fn default_lr(&self) -> f64;

    /// The weight decay of groups that do not set their own.
    fn default_weight_decay(&self) -> f64;

    /// Checks the hyperparameters.
    ///
    /// # Errors
    /// [`OptimError::InvalidHyperparameter`](crate::OptimError::InvalidHyperparameter) naming
    /// the first one out of range.
    fn validate(&self) -> Result<()>;

    /// The names of the per-parameter buffers, in the order [`update`](Self::update) receives
    /// them (PyTorch's state keys, e.g. `["exp_avg", "exp_avg_sq"]`).
    fn buffers(&self) -> Vec<&'static str>;

    /// The value every element of buffer `name` starts at (0 unless the rule says otherwise).
    fn initial_value(&self, name: &str) -> f64 {
        let _ = name;
        0.0
    }

    /// Updates `param` in place from `grad`, and the buffers (same length, in the order of
    /// [`buffers`](Self::buffers)). It may be called on consecutive chunks of one parameter, so
    /// it must treat every element independently.
    fn update<T: Float>(
        &self,
        step: &StepInfo,
        param: &mut [T],
        grad: &[T],
        buffers: &mut [&mut [T]],
    );
}

/// What a rule needs to know about the current step of one parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepInfo {
    /// The learning rate of the parameter's group.
    pub lr: f64,
    /// The weight decay of the parameter's group.
    pub weight_decay: f64,
    /// How many updates this parameter has had, this one included (1 on the first).
    pub step: u64,
}

/// `x` as the element type.
#[inline]
pub(crate) fn scalar<T: Float>(x: f64) -> T {
    T::from_f64_lossy(x)
}
