//! # scalpel-optim
//!
//! Optimizers, learning-rate schedules and gradient clipping over any set of
//! [`Var`](scalpel_autograd::Var)s — layers or not. The book's chapter 2 (gradient descent,
//! momentum, AdaGrad, AdaDelta, RMSprop, Adam, and the optimizer class separated from the update
//! strategy, §2.5), with PyTorch's update rules, names and defaults.
//!
//! ```
//! use scalpel_autograd::Var;
//! use scalpel_optim::{Adam, AdamConfig, Optimizer};
//! use scalpel_tensor::Tensor;
//!
//! // Minimise the bowl f(x, y) = x²/16 + 9y² of the book's chapter 2.
//! let p = Var::parameter(Tensor::from_vec1(vec![-2.4f64, 0.2]));
//! let a = Var::constant(Tensor::from_vec1(vec![1.0 / 16.0, 9.0]));
//! let mut opt = Adam::new([p.clone()], AdamConfig { lr: 0.05, ..Default::default() })?;
//! for _ in 0..1000 {
//!     opt.zero_grad();
//!     let f = p.mul(&p)?.mul(&a)?.sum_all()?;
//!     f.backward()?;
//!     opt.step()?;
//! }
//! assert!(p.value().to_vec().iter().all(|x| x.abs() < 1e-6));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! - [`Optimizer`]: `step`, `zero_grad`, per-group learning rate and weight decay, and
//!   `state_dict` / `load_state_dict` for exact resuming ([`OptimizerState`], serde).
//! - [`optim`]: [`Sgd`], [`Adagrad`], [`Adadelta`], [`RmsProp`], [`Adam`], [`AdamW`] — each an
//!   [`UpdateRule`] run by [`RuleOptimizer`].
//! - [`lr_scheduler`]: [`StepLR`], [`MultiStepLR`], [`ExponentialLR`], [`CosineAnnealingLR`],
//!   [`LinearWarmup`], [`ReduceLROnPlateau`].
//! - [`grad_clipping`]: [`clip_grad_norm`], [`clip_grad_value`].
//! - Errors: [`OptimError`], see [`error`].

#![warn(missing_docs)]

pub mod error;
pub mod grad_clipping;
pub mod lr_scheduler;
pub mod optim;
mod optimizer;
pub mod state;

pub use error::{OptimError, Result};
pub use grad_clipping::{clip_grad_norm, clip_grad_value};
pub use lr_scheduler::{
    CosineAnnealingLR, ExponentialLR, LinearWarmup, LrScheduler, MultiStepLR, PlateauConfig,
    PlateauMode, ReduceLROnPlateau, SchedulerState, StepLR, ThresholdMode,
};
pub use optim::{
    Adadelta, AdadeltaConfig, Adagrad, AdagradConfig, Adam, AdamConfig, AdamW, AdamWConfig,
    RmsProp, RmsPropConfig, RuleOptimizer, Sgd, SgdConfig, StepInfo, UpdateRule,
};
pub use optimizer::{Optimizer, ParamGroup};
pub use state::{GroupState, OptimizerState, ParamState};

/// The README's code blocks, compiled and run as doc tests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
