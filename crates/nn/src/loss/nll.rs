//! Negative log-likelihood of class indices, for inputs that are already log-probabilities.

use scalpel_autograd::{Result, Var};
use scalpel_tensor::{Float, Tensor};

use super::cross_entropy::class_rows;
use super::{reduce, Reduction};

/// −input\[y\] per sample for log-probabilities `input` (e.g. from
/// [`log_softmax`](crate::log_softmax)) and class indices `target`, reduced. Shapes as
/// [`cross_entropy`](crate::cross_entropy); `log_softmax` followed by `nll_loss` equals
/// `cross_entropy`.
///
/// # Errors
/// Shapes that do not fit, or a class index outside `0..C`.
pub fn nll_loss<T: Float>(
    input: &Var<T>,
    target: &Tensor<i64>,
    reduction: Reduction,
) -> Result<Var<T>> {
    let rows = class_rows("nll_loss", input, target, None)?;
    let index = Tensor::from_vec(rows.targets.clone(), [rows.targets.len(), 1])?;
    let picked = rows.logits.gather(1, &index)?.neg()?;
    reduce(picked.reshape(rows.target_shape)?, reduction)
}
