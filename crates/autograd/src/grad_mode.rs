//! Switches that apply to the current thread: whether operations record a graph (`no_grad`)
//! and whether non-finite values are errors (anomaly mode).

use std::cell::Cell;

thread_local! {
    static GRAD_ENABLED: Cell<bool> = const { Cell::new(true) };
    static ANOMALY: Cell<bool> = const { Cell::new(false) };
}

/// True when operations on this thread record graph nodes (the default).
pub fn is_grad_enabled() -> bool {
    GRAD_ENABLED.with(Cell::get)
}

/// True when anomaly detection is on for this thread.
pub fn is_anomaly_enabled() -> bool {
    ANOMALY.with(Cell::get)
}

/// Restores the previous grad mode when dropped. Made by [`no_grad`] and [`set_grad_enabled`].
#[must_use = "grad mode is restored as soon as the guard is dropped"]
pub struct GradModeGuard {
    previous: bool,
}

impl Drop for GradModeGuard {
    fn drop(&mut self) {
        GRAD_ENABLED.with(|g| g.set(self.previous));
    }
}

/// Turns graph recording on or off for the current thread until the guard drops.
pub fn set_grad_enabled(enabled: bool) -> GradModeGuard {
    let previous = GRAD_ENABLED.with(|g| g.replace(enabled));
    GradModeGuard { previous }
}

/// While the guard lives, operations build no graph nodes at all (evaluation, optimizer updates).
///
/// ```
/// use scalpel_autograd::{no_grad, Var};
/// use scalpel_tensor::Tensor;
/// let w = Var::parameter(Tensor::<f32>::ones([2]));
/// let y = {
///     let _g = no_grad();
///     w.mul_scalar(2.0).unwrap()
/// };
/// assert!(!y.requires_grad());
/// ```
pub fn no_grad() -> GradModeGuard {
    set_grad_enabled(false)
}

/// Runs `f` with graph recording off.
pub fn with_no_grad<R>(f: impl FnOnce() -> R) -> R {
    let _g = no_grad();
    f()
}

/// Restores the previous anomaly mode when dropped.
#[must_use = "anomaly mode is restored as soon as the guard is dropped"]
pub struct AnomalyGuard {
    previous: bool,
}

impl Drop for AnomalyGuard {
    fn drop(&mut self) {
        ANOMALY.with(|a| a.set(self.previous));
    }
}

/// Anomaly mode for the current thread until the guard drops: the first NaN or infinity produced
/// by a forward operation or a backward rule is returned as
/// [`AutogradError::Anomaly`](crate::AutogradError::Anomaly), naming the operation and the labels
/// of the variables involved. It costs a scan of every result, so it is for debugging.
pub fn detect_anomaly() -> AnomalyGuard {
    set_anomaly_enabled(true)
}

/// Sets anomaly mode for the current thread until the guard drops.
pub(crate) fn set_anomaly_enabled(on: bool) -> AnomalyGuard {
    let previous = ANOMALY.with(|a| a.replace(on));
    AnomalyGuard { previous }
}
