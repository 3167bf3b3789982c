//! [`ExponentialLR`]: decay by γ every epoch.

use scalpel_tensor::Float;

use super::{LrScheduler, SchedulerState};
use crate::optimizer::Optimizer;

/// Multiplies the learning rate by γ every epoch: lr = lr₀·γ^e (PyTorch's `ExponentialLR`).
#[derive(Clone, Debug)]
pub struct ExponentialLR {
    gamma: f64,
    state: SchedulerState,
}

impl ExponentialLR {
    /// Attaches to `optimizer`, taking its current learning rates as lr₀.
    pub fn new<T: Float, O: Optimizer<T> + ?Sized>(optimizer: &mut O, gamma: f64) -> Self {
        let mut s = ExponentialLR {
            gamma,
            state: SchedulerState::default(),
        };
        s.attach(optimizer);
        s
    }
}

impl LrScheduler for ExponentialLR {
    fn lr_at(&self, base_lr: f64, epoch: usize) -> f64 {
        base_lr * self.gamma.powf(epoch as f64)
    }
    fn state(&self) -> &SchedulerState {
        &self.state
    }
    fn state_mut(&mut self) -> &mut SchedulerState {
        &mut self.state
    }
}
