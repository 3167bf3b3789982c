//! [`EarlyStopping`]: stop training when the monitored metric has not improved for `patience`
//! epochs (book §5.4.3, argued from the learning curves of §3.3), and optionally go back to the
//! best weights.

use serde::{Deserialize, Serialize};

/// The metric that early stopping watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Monitor {
    /// Validation loss; lower is better (the default).
    ValLoss,
    /// Validation accuracy; higher is better.
    ValAccuracy,
    /// Training loss; lower is better (for runs without validation data).
    TrainLoss,
}

impl Monitor {
    /// True when larger values are better.
    pub fn higher_is_better(self) -> bool {
        matches!(self, Monitor::ValAccuracy)
    }
    /// The metric's name as in the metrics CSV.
    pub fn name(self) -> &'static str {
        match self {
            Monitor::ValLoss => "val_loss",
            Monitor::ValAccuracy => "val_acc",
            Monitor::TrainLoss => "train_loss",
        }
    }
}

/// Early-stopping settings (Keras's `EarlyStopping` semantics).
///
/// After each epoch the monitored value counts as an improvement when it beats the best so far
/// by more than `min_delta`. Training stops after `patience` epochs in a row without one. With
/// `restore_best`, the model's parameters and buffers go back to those of the best epoch when
/// training ends.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EarlyStopping {
    /// The metric watched.
    pub monitor: Monitor,
    /// Epochs without improvement before stopping: at least 1 (the trainer rejects 0).
    pub patience: usize,
    /// The smallest change that counts as an improvement.
    pub min_delta: f64,
    /// Load the best epoch's weights when training ends.
    pub restore_best: bool,
}

impl EarlyStopping {
    /// Watches the validation loss with the given patience, `min_delta` 0, restoring the best
    /// weights.
    pub fn new(patience: usize) -> Self {
        EarlyStopping {
            monitor: Monitor::ValLoss,
            patience,
            min_delta: 0.0,
            restore_best: true,
        }
    }
    /// Watches `monitor` instead.
    pub fn monitor(mut self, monitor: Monitor) -> Self {
        self.monitor = monitor;
        self
    }
    /// Sets `min_delta`.
    pub fn min_delta(mut self, min_delta: f64) -> Self {
        self.min_delta = min_delta;
        self
    }
    /// Sets `restore_best`.
    pub fn restore_best(mut self, restore_best: bool) -> Self {
        self.restore_best = restore_best;
        self
    }
}

/// The progress of early stopping: saved in checkpoints so that a resumed run stops where the
/// uninterrupted one would.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EarlyStoppingState {
    /// The best value so far.
    pub best: Option<f64>,
    /// The epoch (1-based) of the best value.
    pub best_epoch: Option<usize>,
    /// Epochs in a row without improvement.
    pub bad_epochs: usize,
    /// True once training has stopped early.
    pub stopped: bool,
}

impl EarlyStoppingState {
    /// Records `value` for `epoch` (1-based) and returns true when it is the new best. Sets
    /// `stopped` once `patience` epochs in a row brought no improvement. A NaN is never an
    /// improvement.
    pub fn update(&mut self, rule: &EarlyStopping, epoch: usize, value: f64) -> bool {
        let improved = match self.best {
            None => !value.is_nan(),
            Some(best) if rule.monitor.higher_is_better() => value > best + rule.min_delta,
            Some(best) => value < best - rule.min_delta,
        };
        if improved {
            self.best = Some(value);
            self.best_epoch = Some(epoch);
            self.bad_epochs = 0;
        } else {
            self.bad_epochs += 1;
            if self.bad_epochs >= rule.patience.max(1) {
                self.stopped = true;
            }
        }
        improved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(rule: &EarlyStopping, values: &[f64]) -> (usize, EarlyStoppingState) {
        let mut state = EarlyStoppingState::default();
        for (i, &v) in values.iter().enumerate() {
            state.update(rule, i + 1, v);
            if state.stopped {
                return (i + 1, state);
            }
        }
        (values.len(), state)
    }

    #[test]
    fn stops_after_patience_epochs_without_a_lower_loss() {
        let (stopped_at, s) = run(&EarlyStopping::new(2), &[1.0, 0.8, 0.9, 0.85, 0.7, 0.6]);
        assert_eq!((stopped_at, s.best_epoch, s.best), (4, Some(2), Some(0.8)));
    }

    #[test]
    fn an_improvement_resets_the_count() {
        let (stopped_at, s) = run(&EarlyStopping::new(2), &[1.0, 1.1, 0.9, 1.0, 0.95, 0.99]);
        assert_eq!((stopped_at, s.best_epoch), (5, Some(3)));
    }

    #[test]
    fn accuracy_is_maximised_and_min_delta_ignores_tiny_gains() {
        let rule = EarlyStopping::new(1)
            .monitor(Monitor::ValAccuracy)
            .min_delta(0.01);
        let (stopped_at, s) = run(&rule, &[0.5, 0.7, 0.705]);
        assert_eq!((stopped_at, s.best_epoch), (3, Some(2)));
    }
}
