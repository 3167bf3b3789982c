//! [`StepLR`]: decay by γ every `step_size` epochs.

use scalpel_tensor::Float;

use super::{LrScheduler, SchedulerState};
use crate::error::{check, Result};
use crate::optimizer::Optimizer;

/// Multiplies the learning rate by γ every `step_size` epochs: lr = lr₀·γ^⌊e / step_size⌋
/// (PyTorch's `StepLR`; the book's `SGD(decay_every = step_size, decay = γ)`).
#[derive(Clone, Debug)]
pub struct StepLR {
    step_size: usize,
    gamma: f64,
    state: SchedulerState,
}

impl StepLR {
    /// Attaches to `optimizer`, taking its current learning rates as lr₀.
    ///
    /// # Errors
    /// [`OptimError::InvalidHyperparameter`](crate::OptimError::InvalidHyperparameter) when
    /// `step_size` is 0.
    pub fn new<T: Float, O: Optimizer<T> + ?Sized>(
        optimizer: &mut O,
        step_size: usize,
        gamma: f64,
    ) -> Result<Self> {
        check(
            step_size > 0,
            "StepLR",
            "step_size",
            step_size as f64,
            "must be >= 1",
        )?;
        let mut s = StepLR {
            step_size,
            gamma,
            state: SchedulerState::default(),
        };
        s.attach(optimizer);
        Ok(s)
    }
}

impl LrScheduler for StepLR {
    fn lr_at(&self, base_lr: f64, epoch: usize) -> f64 {
        base_lr * self.gamma.powf((epoch / self.step_size) as f64)
    }
    fn state(&self) -> &SchedulerState {
        &self.state
    }
    fn state_mut(&mut self) -> &mut SchedulerState {
        &mut self.state
    }
}
