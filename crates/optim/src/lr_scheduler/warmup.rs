//! [`LinearWarmup`]: a linear ramp up to the initial learning rate, alone or before another
//! schedule.

use scalpel_tensor::Float;

use super::{LrScheduler, SchedulerState};
use crate::error::{check, Result};
use crate::optimizer::Optimizer;

/// Ramps the learning rate linearly from f·lr₀ at epoch 0 up to lr₀ at epoch w
/// (`warmup_iters`), then keeps lr₀ or hands over to a wrapped schedule, which starts its own
/// epoch count at w:
///
/// ```text
/// lr(e) = lr₀·(f + (1 − f)·e / w)      for e < w
/// lr(e) = inner.lr_at(lr₀, e − w)       for e ≥ w  (lr₀ when alone)
/// ```
///
/// Alone it is PyTorch's `LinearLR(start_factor = f, end_factor = 1, total_iters = w)`; wrapping
/// a schedule it is `SequentialLR([LinearLR(…), inner], milestones = [w])`. One difference:
/// f = 0 (a warm-up from zero, as in the example below) is accepted, where `LinearLR` requires
/// 0 < f ≤ 1; the first epoch then leaves the weights as they are.
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_optim::{CosineAnnealingLR, LinearWarmup, LrScheduler, Optimizer, Sgd, SgdConfig};
/// use scalpel_tensor::Tensor;
///
/// let w = Var::parameter(Tensor::<f32>::zeros([3]));
/// let mut opt = Sgd::new([w], SgdConfig { lr: 1.0, ..Default::default() })?;
/// let cosine = CosineAnnealingLR::new(&mut opt, 2, 0.0)?;
/// let mut schedule = LinearWarmup::with_schedule(&mut opt, 0.0, 4, cosine)?;
/// let mut lrs = vec![];
/// for _ in 0..7 {
///     lrs.push(opt.lr());
///     schedule.step(&mut opt);
/// }
/// assert_eq!(lrs, [0.0, 0.25, 0.5, 0.75, 1.0, 0.5, 0.0]);
/// # Ok::<(), scalpel_optim::OptimError>(())
/// ```
pub struct LinearWarmup {
    start_factor: f64,
    warmup_iters: usize,
    inner: Option<Box<dyn LrScheduler + Send + Sync>>,
    state: SchedulerState,
}

impl LinearWarmup {
    /// A warm-up alone, attached to `optimizer` (its current learning rates become lr₀).
    ///
    /// # Errors
    /// [`OptimError::InvalidHyperparameter`](crate::OptimError::InvalidHyperparameter) when
    /// `start_factor` is outside [0, 1].
    pub fn new<T: Float, O: Optimizer<T> + ?Sized>(
        optimizer: &mut O,
        start_factor: f64,
        warmup_iters: usize,
    ) -> Result<Self> {
        Self::build(optimizer, start_factor, warmup_iters, None)
    }

    /// A warm-up followed by `inner`, which must already be attached to `optimizer`; its
    /// initial learning rates are used as lr₀.
    ///
    /// # Errors
    /// As [`new`](Self::new).
    pub fn with_schedule<T: Float, O: Optimizer<T> + ?Sized>(
        optimizer: &mut O,
        start_factor: f64,
        warmup_iters: usize,
        inner: impl LrScheduler + Send + Sync + 'static,
    ) -> Result<Self> {
        Self::build(optimizer, start_factor, warmup_iters, Some(Box::new(inner)))
    }

    fn build<T: Float, O: Optimizer<T> + ?Sized>(
        optimizer: &mut O,
        start_factor: f64,
        warmup_iters: usize,
        inner: Option<Box<dyn LrScheduler + Send + Sync>>,
    ) -> Result<Self> {
        check(
            (0.0..=1.0).contains(&start_factor),
            "LinearWarmup",
            "start_factor",
            start_factor,
            "must be in [0, 1]",
        )?;
        let mut s = LinearWarmup {
            start_factor,
            warmup_iters,
            inner,
            state: SchedulerState::default(),
        };
        match s.inner.as_ref().map(|i| i.state().base_lrs.clone()) {
            Some(base_lrs) if base_lrs.len() == optimizer.num_groups() => {
                s.state.base_lrs = base_lrs;
                s.apply_epoch(optimizer, 0);
            }
            _ => s.attach(optimizer),
        }
        Ok(s)
    }
}

impl LrScheduler for LinearWarmup {
    fn lr_at(&self, base_lr: f64, epoch: usize) -> f64 {
        if epoch < self.warmup_iters {
            let progress = epoch as f64 / self.warmup_iters as f64;
            return base_lr * (self.start_factor + (1.0 - self.start_factor) * progress);
        }
        match &self.inner {
            Some(inner) => inner.lr_at(base_lr, epoch - self.warmup_iters),
            None => base_lr,
        }
    }
    fn state(&self) -> &SchedulerState {
        &self.state
    }
    fn state_mut(&mut self) -> &mut SchedulerState {
        &mut self.state
    }
}

impl std::fmt::Debug for LinearWarmup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinearWarmup")
            .field("start_factor", &self.start_factor)
            .field("warmup_iters", &self.warmup_iters)
            .field("wrapped", &self.inner.is_some())
            .field("state", &self.state)
            .finish()
    }
}
