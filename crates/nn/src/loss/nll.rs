//! Negative log-likelihood of class indices, for inputs that are already log-probabilities.

use scalpel_autograd::{Result, Var};
use scalpel_tensor::{Float, Tensor};

use super::cross_entropy::{class_rows, class_weights, kept_rows, on_kept_rows};
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
    nll_loss_with(
        input,
        target,
        &NllOptions {
            reduction,
            ..Default::default()
        },
    )
}

/// Options of [`nll_loss_with`] (PyTorch's `NLLLoss`); the default is the mean, no ignored
/// class and no class weights.
#[derive(Clone, Debug, PartialEq)]
pub struct NllOptions<T: Float> {
    /// How the per-sample losses are combined; `Mean` divides the sum by the total weight of
    /// the samples not ignored (their count without class weights), as PyTorch does.
    pub reduction: Reduction,
    /// Samples whose target is this class contribute no loss and no gradient (padding).
    pub ignore_index: Option<i64>,
    /// A weight per class, shape `(C,)`: a sample of class y counts w\[y\] times.
    pub weight: Option<Tensor<T>>,
}

impl<T: Float> Default for NllOptions<T> {
    fn default() -> Self {
        NllOptions {
            reduction: Reduction::Mean,
            ignore_index: None,
            weight: None,
        }
    }
}

/// [`nll_loss`] with an ignored class and class weights: −w\[y\]·input\[y\] per sample, and the
/// mean divided by Σ w\[y\] over the samples not ignored. `log_softmax` followed by
/// `nll_loss_with` equals [`cross_entropy_with`](crate::cross_entropy_with) with the same
/// weights and ignored class.
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_nn::{nll_loss_with, NllOptions};
/// use scalpel_tensor::Tensor;
/// let log_p = Var::constant(Tensor::from_rows(&[[-1.0f32, -2.0], [-3.0, -4.0]]).unwrap());
/// let options = NllOptions {
///     weight: Some(Tensor::from_vec1(vec![1.0, 3.0])),
///     ..Default::default()
/// };
/// let loss = nll_loss_with(&log_p, &Tensor::from_vec1(vec![1i64, 0]), &options).unwrap();
/// assert_eq!(loss.item().unwrap(), (3.0 * 2.0 + 1.0 * 3.0) / 4.0);
/// ```
///
/// # Errors
/// As [`nll_loss`]; class weights whose shape is not `(C,)`.
pub fn nll_loss_with<T: Float>(
    input: &Var<T>,
    target: &Tensor<i64>,
    options: &NllOptions<T>,
) -> Result<Var<T>> {
    let rows = class_rows("nll_loss", input, target, options.ignore_index)?;
    let class_weights = class_weights("nll_loss", options.weight.as_ref(), rows.classes)?;
    let kept = kept_rows(&rows.targets, options.ignore_index);
    let picks: Vec<i64> = kept.iter().map(|&i| rows.targets[i as usize]).collect();
    let k = kept.len();
    // w[y] of each sample not ignored, when there are class weights.
    let sample_weights: Option<Vec<T>> =
        class_weights.map(|w| picks.iter().map(|&y| w[y as usize]).collect());
    let total_weight: T = match &sample_weights {
        Some(w) => w.iter().copied().sum(),
        None => T::from_f64_lossy(k as f64),
    };
    let picks = Tensor::from_vec(picks, [k, 1])?;
    // −w[y]·input[y] of the rows not ignored (−input[y] without weights); the others are 0.
    let per_sample = on_kept_rows(&rows.logits, &kept, |rows| {
        let picked = rows.gather(1, &picks)?;
        match sample_weights {
            Some(w) => picked
                .mul(&Var::constant(Tensor::from_vec(w, [k, 1])?))?
                .neg(),
            None => picked.neg(),
        }
    })?;
    let per_sample = per_sample.reshape(rows.target_shape)?;
    match options.reduction {
        Reduction::Mean => per_sample.sum_all()?.div_scalar(total_weight),
        other => reduce(per_sample, other),
    }
}
