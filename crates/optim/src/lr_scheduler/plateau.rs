//! [`ReduceLROnPlateau`]: cut the learning rate when a metric stops improving.

use serde::{Deserialize, Serialize};

use scalpel_tensor::Float;

use crate::error::{check, OptimError, Result};
use crate::optimizer::Optimizer;

/// Whether the watched metric should go down (a loss) or up (an accuracy).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlateauMode {
    /// Lower is better.
    #[default]
    Min,
    /// Higher is better.
    Max,
}

/// How much better a metric must be than the best so far to count as an improvement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThresholdMode {
    /// By a fraction of the best: below best·(1 − threshold) (mode min) or above
    /// best·(1 + threshold) (mode max).
    #[default]
    Rel,
    /// By an amount: below best − threshold (min) or above best + threshold (max).
    Abs,
}

/// Settings of [`ReduceLROnPlateau`]; the defaults are PyTorch's.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlateauConfig {
    /// Whether the metric should decrease or increase (default [`PlateauMode::Min`]).
    pub mode: PlateauMode,
    /// Factor the learning rate is multiplied by (default 0.1; must be < 1).
    pub factor: f64,
    /// Epochs without improvement tolerated; the rate drops on the next one (default 10).
    pub patience: usize,
    /// Minimal improvement (default 1e-4), read according to `threshold_mode`.
    pub threshold: f64,
    /// Relative or absolute threshold (default [`ThresholdMode::Rel`]).
    pub threshold_mode: ThresholdMode,
    /// Epochs after a reduction during which bad epochs are not counted (default 0).
    pub cooldown: usize,
    /// Lower bound of every group's learning rate (default 0).
    pub min_lr: f64,
    /// A reduction smaller than this is not applied (default 1e-8).
    pub eps: f64,
}

impl Default for PlateauConfig {
    fn default() -> Self {
        PlateauConfig {
            mode: PlateauMode::Min,
            factor: 0.1,
            patience: 10,
            threshold: 1e-4,
            threshold_mode: ThresholdMode::Rel,
            cooldown: 0,
            min_lr: 0.0,
            eps: 1e-8,
        }
    }
}

/// Multiplies every group's learning rate by `factor` (down to `min_lr`) when the metric given
/// to [`step`](Self::step) has not improved for more than `patience` epochs, then waits
/// `cooldown` epochs before counting again (PyTorch's `ReduceLROnPlateau`, same rules and
/// defaults).
///
/// Unlike the other schedules it reads the optimizer's current learning rates rather than a
/// closed form. It is serialisable as a whole, for checkpoints.
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_optim::{Optimizer, PlateauConfig, ReduceLROnPlateau, Sgd, SgdConfig};
/// use scalpel_tensor::Tensor;
///
/// let w = Var::parameter(Tensor::<f32>::zeros([3]));
/// let mut opt = Sgd::new([w], SgdConfig { lr: 1.0, ..Default::default() })?;
/// let config = PlateauConfig { patience: 1, factor: 0.5, ..Default::default() };
/// let mut plateau = ReduceLROnPlateau::new(&opt, config)?;
/// for loss in [1.0, 0.9, 0.95, 0.95] {
///     plateau.step(&mut opt, loss);
/// }
/// assert_eq!(opt.lr(), 0.5); // two epochs without improvement > patience 1
/// # Ok::<(), scalpel_optim::OptimError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReduceLROnPlateau {
    config: PlateauConfig,
    /// The best metric so far (`None` before the first step).
    best: Option<f64>,
    num_bad_epochs: usize,
    cooldown_counter: usize,
    last_epoch: usize,
    last_lr: Vec<f64>,
}

impl ReduceLROnPlateau {
    /// A schedule for `optimizer`.
    ///
    /// # Errors
    /// [`OptimError::InvalidHyperparameter`] when `factor` is outside [0, 1) or `threshold`,
    /// `min_lr` or `eps` is negative.
    pub fn new<T: Float, O: Optimizer<T> + ?Sized>(
        optimizer: &O,
        config: PlateauConfig,
    ) -> Result<Self> {
        let name = "ReduceLROnPlateau";
        check(
            (0.0..1.0).contains(&config.factor),
            name,
            "factor",
            config.factor,
            "must be in [0, 1)",
        )?;
        check(
            config.threshold >= 0.0,
            name,
            "threshold",
            config.threshold,
            "must be >= 0",
        )?;
        check(
            config.min_lr >= 0.0,
            name,
            "min_lr",
            config.min_lr,
            "must be >= 0",
        )?;
        check(config.eps >= 0.0, name, "eps", config.eps, "must be >= 0")?;
        Ok(ReduceLROnPlateau {
            config,
            best: None,
            num_bad_epochs: 0,
            cooldown_counter: 0,
            last_epoch: 0,
            last_lr: lrs(optimizer),
        })
    }

    /// Records this epoch's `metric` and, after more than `patience` epochs without
    /// improvement, reduces the learning rate of every group of `optimizer`. A NaN metric is
    /// never an improvement.
    pub fn step<T: Float, O: Optimizer<T> + ?Sized>(&mut self, optimizer: &mut O, metric: f64) {
        self.last_epoch += 1;
        if self.is_better(metric) {
            self.best = Some(metric);
            self.num_bad_epochs = 0;
        } else {
            self.num_bad_epochs += 1;
        }
        if self.cooldown_counter > 0 {
            self.cooldown_counter -= 1;
            self.num_bad_epochs = 0;
        }
        if self.num_bad_epochs > self.config.patience {
            self.reduce(optimizer);
            self.cooldown_counter = self.config.cooldown;
            self.num_bad_epochs = 0;
        }
        self.last_lr = lrs(optimizer);
    }

    /// Whether `metric` improves on the best so far by more than the threshold.
    fn is_better(&self, metric: f64) -> bool {
        let c = &self.config;
        let best = self.best.unwrap_or(match c.mode {
            PlateauMode::Min => f64::INFINITY,
            PlateauMode::Max => f64::NEG_INFINITY,
        });
        match (c.mode, c.threshold_mode) {
            (PlateauMode::Min, ThresholdMode::Rel) => metric < best * (1.0 - c.threshold),
            (PlateauMode::Min, ThresholdMode::Abs) => metric < best - c.threshold,
            (PlateauMode::Max, ThresholdMode::Rel) => metric > best * (1.0 + c.threshold),
            (PlateauMode::Max, ThresholdMode::Abs) => metric > best + c.threshold,
        }
    }

    /// lr ← max(lr·factor, min_lr) for every group, skipping changes smaller than eps.
    fn reduce<T: Float, O: Optimizer<T> + ?Sized>(&self, optimizer: &mut O) {
        for g in 0..optimizer.num_groups() {
            let old = optimizer.group_lr(g);
            let new = (old * self.config.factor).max(self.config.min_lr);
            if old - new > self.config.eps {
                optimizer.set_group_lr(g, new);
            }
        }
    }

    /// The settings.
    pub fn config(&self) -> &PlateauConfig {
        &self.config
    }

    /// The best metric so far (`None` before the first step).
    pub fn best(&self) -> Option<f64> {
        self.best
    }

    /// Consecutive epochs without improvement, as counted now.
    pub fn num_bad_epochs(&self) -> usize {
        self.num_bad_epochs
    }

    /// True while bad epochs are not being counted after a reduction.
    pub fn in_cooldown(&self) -> bool {
        self.cooldown_counter > 0
    }

    /// Number of `step` calls so far.
    pub fn last_epoch(&self) -> usize {
        self.last_epoch
    }

    /// Each group's learning rate after the last step.
    pub fn last_lr(&self) -> &[f64] {
        &self.last_lr
    }

    /// Restores a saved schedule (e.g. deserialised from a checkpoint) and sets the learning
    /// rates of `optimizer` to the saved ones.
    ///
    /// # Errors
    /// [`OptimError::StateMismatch`] when the saved schedule has a different number of groups.
    pub fn load_state_dict<T: Float, O: Optimizer<T> + ?Sized>(
        &mut self,
        optimizer: &mut O,
        saved: &ReduceLROnPlateau,
    ) -> Result<()> {
        if saved.last_lr.len() != optimizer.num_groups() {
            return Err(OptimError::StateMismatch(format!(
                "the schedule state has {} parameter groups, the optimizer has {}",
                saved.last_lr.len(),
                optimizer.num_groups()
            )));
        }
        *self = saved.clone();
        for (g, &lr) in self.last_lr.iter().enumerate() {
            optimizer.set_group_lr(g, lr);
        }
        Ok(())
    }
}

/// The learning rate of every group.
fn lrs<T: Float, O: Optimizer<T> + ?Sized>(optimizer: &O) -> Vec<f64> {
    (0..optimizer.num_groups())
        .map(|g| optimizer.group_lr(g))
        .collect()
}
