//! Loss functions (book §4.1.6, §4.3, §5.4.1) with PyTorch's conventions and reductions.
//!
//! Each takes the prediction as a [`Var`] and returns the loss as a `Var`, reduced by a
//! [`Reduction`]; gradients come from autograd (or, for cross-entropy and binary cross-entropy,
//! from a hand-written backward).

mod binary;
mod cross_entropy;
mod cross_entropy_soft;
mod kl;
mod nll;
mod penalty;
mod regression;

use scalpel_autograd::{Result, Var};
use scalpel_tensor::{Float, TensorError};

pub use binary::{
    binary_cross_entropy, binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_with,
    BceWithLogitsOptions,
};
pub use cross_entropy::{cross_entropy, cross_entropy_with, CrossEntropyOptions};
pub use cross_entropy_soft::{cross_entropy_soft, cross_entropy_soft_with};
pub use kl::kl_div;
pub use nll::{nll_loss, nll_loss_with, NllOptions};
pub use penalty::l2_penalty;
pub use regression::{l1_loss, mse_loss};

/// How per-element losses are combined (PyTorch's `reduction`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reduction {
    /// The mean over all elements (or, for class losses, over the counted samples).
    #[default]
    Mean,
    /// The sum.
    Sum,
    /// No reduction: one loss per element (per sample for class losses).
    None,
    /// The sum divided by the size of the first axis (PyTorch's `'batchmean'` of `kl_div`,
    /// which is the true KL divergence per sample).
    BatchMean,
}

/// Reduces per-element losses.
pub(crate) fn reduce<T: Float>(loss: Var<T>, reduction: Reduction) -> Result<Var<T>> {
    match reduction {
        Reduction::None => Ok(loss),
        Reduction::Sum => loss.sum_all(),
        Reduction::Mean => loss.mean_all(),
        Reduction::BatchMean => {
            let batch = loss.dims().first().copied().unwrap_or(1).max(1);
            loss.sum_all()?.div_scalar(T::from_f64_lossy(batch as f64))
        }
    }
}

/// Errors unless prediction and target have the same shape (PyTorch only warns, and then
/// silently broadcasts, a common bug).
pub(crate) fn check_same_shape<T: Float>(
    op: &'static str,
    input: &Var<T>,
    target: &Var<T>,
) -> Result<()> {
    let (a, b) = (input.shape(), target.shape());
    if a != b {
        return Err(
            TensorError::mismatch(op, &a, &b, "input and target must have the same shape").into(),
        );
    }
    Ok(())
}
