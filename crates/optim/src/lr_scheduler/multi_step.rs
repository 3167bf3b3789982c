//! [`MultiStepLR`]: decay by γ at chosen epochs.

use scalpel_tensor::Float;

use super::{LrScheduler, SchedulerState};
use crate::optimizer::Optimizer;

/// Multiplies the learning rate by γ at each milestone epoch:
/// lr = lr₀·γ^(number of milestones ≤ e) (PyTorch's `MultiStepLR`; a milestone listed twice
/// decays twice).
#[derive(Clone, Debug)]
pub struct MultiStepLR {
    milestones: Vec<usize>,
    gamma: f64,
    state: SchedulerState,
}

impl MultiStepLR {
    /// Attaches to `optimizer`, taking its current learning rates as lr₀. The milestones may be
    /// given in any order.
    pub fn new<T: Float, O: Optimizer<T> + ?Sized>(
        optimizer: &mut O,
        milestones: impl IntoIterator<Item = usize>,
        gamma: f64,
    ) -> Self {
        let mut milestones: Vec<usize> = milestones.into_iter().collect();
        milestones.sort_unstable();
        let mut s = MultiStepLR {
            milestones,
            gamma,
            state: SchedulerState::default(),
        };
        s.attach(optimizer);
        s
    }
}

impl LrScheduler for MultiStepLR {
    fn lr_at(&self, base_lr: f64, epoch: usize) -> f64 {
        let passed = self.milestones.partition_point(|&m| m <= epoch);
        base_lr * self.gamma.powf(passed as f64)
    }
    fn state(&self) -> &SchedulerState {
        &self.state
    }
    fn state_mut(&mut self) -> &mut SchedulerState {
        &mut self.state
    }
}
