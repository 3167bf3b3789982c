//! [`CosineAnnealingLR`]: half a cosine from lr₀ down to η_min.

use std::f64::consts::PI;

use scalpel_tensor::Float;

use super::{LrScheduler, SchedulerState};
use crate::error::{check, Result};
use crate::optimizer::Optimizer;

/// Anneals the learning rate along a cosine from lr₀ at epoch 0 to η_min at epoch `t_max`:
/// lr = η_min + (lr₀ − η_min)·(1 + cos(π·e / T_max)) / 2 (PyTorch's `CosineAnnealingLR`, whose
/// values past `t_max` follow the same cosine back up; no restarts).
#[derive(Clone, Debug)]
pub struct CosineAnnealingLR {
    t_max: usize,
    eta_min: f64,
    state: SchedulerState,
}

impl CosineAnnealingLR {
    /// Attaches to `optimizer`, taking its current learning rates as lr₀.
    ///
    /// # Errors
    /// [`OptimError::InvalidHyperparameter`](crate::OptimError::InvalidHyperparameter) when
    /// `t_max` is 0.
    pub fn new<T: Float, O: Optimizer<T> + ?Sized>(
        optimizer: &mut O,
        t_max: usize,
        eta_min: f64,
    ) -> Result<Self> {
        check(
            t_max > 0,
            "CosineAnnealingLR",
            "t_max",
            t_max as f64,
            "must be >= 1",
        )?;
        let mut s = CosineAnnealingLR {
            t_max,
            eta_min,
            state: SchedulerState::default(),
        };
        s.attach(optimizer);
        Ok(s)
    }
}

impl LrScheduler for CosineAnnealingLR {
    fn lr_at(&self, base_lr: f64, epoch: usize) -> f64 {
        let phase = PI * epoch as f64 / self.t_max as f64;
        self.eta_min + (base_lr - self.eta_min) * (1.0 + phase.cos()) / 2.0
    }
    fn state(&self) -> &SchedulerState {
        &self.state
    }
    fn state_mut(&mut self) -> &mut SchedulerState {
        &mut self.state
    }
}
