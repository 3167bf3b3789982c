//! The crate's one error type.
//!
//! Constructors check their hyperparameters (as PyTorch does) and name the optimizer or schedule,
//! the argument and its value. `step` checks that every gradient has its parameter's shape.
//! `load_state_dict` checks that the saved state belongs to the same kind of optimizer and to
//! parameters of the same shapes, and names the first one that differs.

use scalpel_autograd::AutogradError;
use scalpel_tensor::{Shape, TensorError};

/// Result alias of the optim crate.
pub type Result<T, E = OptimError> = std::result::Result<T, E>;

/// Everything that can go wrong in an optimizer, a schedule or gradient clipping.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OptimError {
    /// A hyperparameter outside its valid range.
    #[error("{owner}: invalid {name} = {value}: {reason}")]
    InvalidHyperparameter {
        /// The optimizer, schedule or function ("Adam", "StepLR", "clip_grad_norm").
        owner: &'static str,
        /// The argument.
        name: &'static str,
        /// Its value.
        value: f64,
        /// The valid range.
        reason: &'static str,
    },
    /// A parameter list that cannot be optimized (empty, duplicated, not a leaf).
    #[error("{owner}: {reason}")]
    InvalidParams {
        /// The optimizer.
        owner: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A gradient whose shape differs from its parameter's.
    #[error("{owner}.step: group {group}, parameter {index}: gradient shape {grad} differs from parameter shape {param}")]
    GradShape {
        /// The optimizer.
        owner: &'static str,
        /// Index of the parameter group.
        group: usize,
        /// Index of the parameter inside its group.
        index: usize,
        /// The parameter's shape.
        param: Box<Shape>,
        /// The gradient's shape.
        grad: Box<Shape>,
    },
    /// A state dict saved for other parameter shapes.
    #[error("load_state_dict: group {group}, parameter {index}: the state is for shape {saved}, the parameter has shape {param}")]
    StateShape {
        /// Index of the parameter group.
        group: usize,
        /// Index of the parameter inside its group.
        index: usize,
        /// The shape recorded in the state dict.
        saved: Box<Shape>,
        /// The shape of the optimizer's parameter.
        param: Box<Shape>,
    },
    /// A state dict that does not fit this optimizer for another reason (kind, group or parameter
    /// counts, buffer names).
    #[error("load_state_dict: {0}")]
    StateMismatch(String),
    /// An error of the autograd layer (e.g. `set_value` on a non-leaf).
    #[error(transparent)]
    Autograd(#[from] AutogradError),
    /// An error of the tensor layer.
    #[error(transparent)]
    Tensor(#[from] TensorError),
}

/// Checks `ok`, or returns [`OptimError::InvalidHyperparameter`].
pub(crate) fn check(
    ok: bool,
    owner: &'static str,
    name: &'static str,
    value: f64,
    reason: &'static str,
) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(OptimError::InvalidHyperparameter {
            owner,
            name,
            value,
            reason,
        })
    }
}
