//! The crate's one error type.
//!
//! # Error policy
//! Everything that can fail returns [`Result`] with a [`ModelsError`]: the errors of the layers
//! beneath (tensor shapes, autograd, optimizers, data files, state dicts) pass through unchanged
//! inside their own variant, so a missing MNIST file still says which file and where to get it.
//! Errors of this crate name the operation and say what was expected and what was found.

use std::path::PathBuf;

use scalpel_autograd::AutogradError;
use scalpel_data::DataError;
use scalpel_nn::StateError;
use scalpel_optim::OptimError;
use scalpel_tensor::TensorError;

/// Result alias of the models crate.
pub type Result<T, E = ModelsError> = std::result::Result<T, E>;

/// Everything that can go wrong while building, fitting, evaluating or checkpointing a model.
#[derive(Debug, thiserror::Error)]
pub enum ModelsError {
    /// A tensor kernel rejected its inputs.
    #[error(transparent)]
    Tensor(#[from] TensorError),
    /// A forward or backward pass failed.
    #[error(transparent)]
    Autograd(#[from] AutogradError),
    /// An optimizer or schedule failed (for example, a checkpoint for other parameters).
    #[error(transparent)]
    Optim(#[from] OptimError),
    /// Loading data failed (a missing or corrupt file names the file and where to get it).
    #[error(transparent)]
    Data(#[from] DataError),
    /// Saving or loading a state dict failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// The operating system could not read or write a file.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A JSON file of a checkpoint could not be written or read.
    #[error("{path}: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: serde_json::Error,
    },
    /// A linear system whose matrix is singular (or numerically so).
    #[error("{op}: the matrix is singular: no usable pivot in column {column} (largest |a| = {pivot:e})")]
    Singular {
        /// The operation ("solve", "LinearRegression::fit_normal_equation").
        op: &'static str,
        /// The column (0-based) in which elimination found no pivot.
        column: usize,
        /// The largest absolute value available as pivot.
        pivot: f64,
    },
    /// An argument outside its valid range, or inputs of the wrong shape for a model.
    #[error("{op}: {reason}")]
    InvalidArgument {
        /// The operation.
        op: &'static str,
        /// What is wrong, with the values found.
        reason: String,
    },
    /// A checkpoint that does not belong to this training run (other loader, other model).
    #[error("checkpoint {path}: {reason}")]
    Checkpoint {
        /// The checkpoint folder.
        path: PathBuf,
        /// What differs.
        reason: String,
    },
    /// A value became NaN or infinite during training.
    #[error(
        "{op}: the loss became {value} at epoch {epoch}, batch {batch}: lower the learning rate"
    )]
    NonFinite {
        /// The operation ("Trainer::fit").
        op: &'static str,
        /// The loss value.
        value: f64,
        /// The epoch (1-based).
        epoch: usize,
        /// The batch within the epoch (1-based).
        batch: usize,
    },
}

impl ModelsError {
    /// An [`InvalidArgument`](ModelsError::InvalidArgument) error.
    pub fn arg(op: &'static str, reason: impl Into<String>) -> Self {
        ModelsError::InvalidArgument {
            op,
            reason: reason.into(),
        }
    }

    /// An [`Io`](ModelsError::Io) error for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ModelsError::Io {
            path: path.into(),
            source,
        }
    }
}
