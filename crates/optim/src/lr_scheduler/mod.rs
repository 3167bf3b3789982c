//! Learning-rate schedules: each sets the learning rate of every parameter group of an optimizer,
//! once per epoch (or per iteration — a schedule only counts calls to `step`).
//!
//! | schedule | lr at epoch e, for a group whose initial lr is lr₀ |
//! |---|---|
//! | [`StepLR`] | lr₀·γ^⌊e / step_size⌋ |
//! | [`MultiStepLR`] | lr₀·γ^(number of milestones ≤ e) |
//! | [`ExponentialLR`] | lr₀·γ^e |
//! | [`CosineAnnealingLR`] | η_min + (lr₀ − η_min)·(1 + cos(π·e / T_max)) / 2 |
//! | [`LinearWarmup`] | lr₀·(f + (1 − f)·e / w) for e < w, then lr₀ or the wrapped schedule at e − w |
//! | [`ReduceLROnPlateau`] | multiplied by a factor when a metric stops improving |
//!
//! The values are PyTorch's (`torch.optim.lr_scheduler`), computed in closed form from the
//! initial learning rates, so a schedule overrides any learning rate set by hand in between.
//! The book's only schedule is the step decay of its `SGD(decay_every, decay)`, which is
//! [`StepLR`].
//!
//! ```
//! use scalpel_autograd::Var;
//! use scalpel_optim::{LrScheduler, Optimizer, Sgd, SgdConfig, StepLR};
//! use scalpel_tensor::Tensor;
//!
//! let w = Var::parameter(Tensor::<f32>::zeros([3]));
//! let mut opt = Sgd::new([w], SgdConfig { lr: 0.1, ..Default::default() })?;
//! let mut schedule = StepLR::new(&mut opt, 2, 0.5)?;
//! let mut lrs = vec![];
//! for _epoch in 0..5 {
//!     lrs.push(opt.lr());
//!     // … train one epoch: zero_grad, backward, opt.step() …
//!     schedule.step(&mut opt);
//! }
//! assert_eq!(lrs, [0.1, 0.1, 0.05, 0.05, 0.025]);
//! # Ok::<(), scalpel_optim::OptimError>(())
//! ```

mod cosine;
mod exponential;
mod multi_step;
mod plateau;
mod step;
mod warmup;

use serde::{Deserialize, Serialize};

use scalpel_tensor::Float;

use crate::error::{OptimError, Result};
use crate::optimizer::Optimizer;

pub use cosine::CosineAnnealingLR;
pub use exponential::ExponentialLR;
pub use multi_step::MultiStepLR;
pub use plateau::{PlateauConfig, PlateauMode, ReduceLROnPlateau, ThresholdMode};
pub use step::StepLR;
pub use warmup::LinearWarmup;

/// A schedule whose learning rate is a function of the epoch and the initial learning rate.
///
/// A schedule is built from an optimizer (`StepLR::new(&mut opt, …)`): it records every group's
/// learning rate as that group's initial rate lr₀ and sets the rate of epoch 0. Each
/// [`step`](Self::step) advances one epoch and sets every group's rate to
/// [`lr_at`](Self::lr_at)`(lr₀, epoch)`.
pub trait LrScheduler {
    /// The learning rate at `epoch` (0 when the schedule is built) of a group whose initial
    /// learning rate is `base_lr`.
    fn lr_at(&self, base_lr: f64, epoch: usize) -> f64;

    /// The schedule's progress: initial learning rates and epoch count.
    fn state(&self) -> &SchedulerState;

    /// Mutable access to the progress (used by the provided methods).
    fn state_mut(&mut self) -> &mut SchedulerState;

    /// Number of [`step`](Self::step) calls so far.
    fn last_epoch(&self) -> usize {
        self.state().last_epoch
    }

    /// The learning rate of each group as last set by the schedule (PyTorch's `get_last_lr`).
    fn last_lr(&self) -> &[f64] {
        &self.state().last_lr
    }

    /// Advances one epoch and sets the learning rate of every group of `optimizer`.
    ///
    /// # Panics
    /// When `optimizer` has fewer groups than when the schedule was built.
    fn step<T: Float, O: Optimizer<T> + ?Sized>(&mut self, optimizer: &mut O)
    where
        Self: Sized,
    {
        let epoch = self.state().last_epoch + 1;
        self.apply_epoch(optimizer, epoch);
    }

    /// Records the learning rates of `optimizer` as the initial ones and sets the rates of
    /// epoch 0. Constructors call it; call it again only to restart the schedule.
    fn attach<T: Float, O: Optimizer<T> + ?Sized>(&mut self, optimizer: &mut O)
    where
        Self: Sized,
    {
        let base_lrs = (0..optimizer.num_groups())
            .map(|g| optimizer.group_lr(g))
            .collect();
        self.state_mut().base_lrs = base_lrs;
        self.apply_epoch(optimizer, 0);
    }

    /// Sets every group's learning rate to its value at `epoch`, and records the epoch.
    ///
    /// # Panics
    /// When `optimizer` has fewer groups than the schedule has initial learning rates.
    fn apply_epoch<T: Float, O: Optimizer<T> + ?Sized>(&mut self, optimizer: &mut O, epoch: usize)
    where
        Self: Sized,
    {
        let lrs: Vec<f64> = self
            .state()
            .base_lrs
            .iter()
            .map(|&base| self.lr_at(base, epoch))
            .collect();
        for (g, &lr) in lrs.iter().enumerate() {
            optimizer.set_group_lr(g, lr);
        }
        let state = self.state_mut();
        state.last_epoch = epoch;
        state.last_lr = lrs;
    }

    /// The progress, to save with a checkpoint.
    fn state_dict(&self) -> SchedulerState {
        self.state().clone()
    }

    /// Restores progress saved by [`state_dict`](Self::state_dict) and sets the learning rates
    /// of `optimizer` to the saved epoch's, whatever was loaded or built before.
    ///
    /// # Errors
    /// [`OptimError::StateMismatch`] when the saved state has a different number of groups.
    fn load_state_dict<T: Float, O: Optimizer<T> + ?Sized>(
        &mut self,
        optimizer: &mut O,
        state: &SchedulerState,
    ) -> Result<()>
    where
        Self: Sized,
    {
        if state.base_lrs.len() != optimizer.num_groups() {
            return Err(OptimError::StateMismatch(format!(
                "the schedule state has {} parameter groups, the optimizer has {}",
                state.base_lrs.len(),
                optimizer.num_groups()
            )));
        }
        *self.state_mut() = state.clone();
        self.apply_epoch(optimizer, state.last_epoch);
        Ok(())
    }
}

impl<S: LrScheduler + ?Sized> LrScheduler for Box<S> {
    fn lr_at(&self, base_lr: f64, epoch: usize) -> f64 {
        (**self).lr_at(base_lr, epoch)
    }
    fn state(&self) -> &SchedulerState {
        (**self).state()
    }
    fn state_mut(&mut self) -> &mut SchedulerState {
        (**self).state_mut()
    }
}

/// The progress of a schedule: serialisable, for checkpoints.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SchedulerState {
    /// Each group's learning rate when the schedule was built (lr₀).
    pub base_lrs: Vec<f64>,
    /// Number of `step` calls so far.
    pub last_epoch: usize,
    /// The learning rates set by the last call.
    pub last_lr: Vec<f64>,
}
