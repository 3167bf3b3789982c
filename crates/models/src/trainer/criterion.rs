//! [`Criterion`]: what the [`Trainer`](crate::Trainer) minimises and how it counts correct
//! predictions — the book's `loss_fn(f, y)` protocol with autograd doing the gradient.

use scalpel_autograd::Var;
use scalpel_nn::{binary_cross_entropy_with_logits, cross_entropy, mse_loss, Reduction};
use scalpel_tensor::{Element, Float, Tensor};

use crate::error::Result;

/// A training objective for model outputs of type `T` and targets of type `Y`.
pub trait Criterion<T: Float, Y: Element>: Send + Sync {
    /// The mean loss of a batch: model `output` against `target`, as a variable to
    /// differentiate.
    ///
    /// # Errors
    /// Shapes that do not fit, labels out of range.
    fn loss(&self, output: &Var<T>, target: &Tensor<Y>) -> Result<Var<T>>;

    /// How many samples of the batch are predicted correctly, or `None` when accuracy means
    /// nothing for this objective (regression).
    ///
    /// # Errors
    /// Shapes that do not fit.
    fn correct(&self, output: &Tensor<T>, target: &Tensor<Y>) -> Result<Option<usize>> {
        let _ = (output, target);
        Ok(None)
    }
}

/// Softmax cross-entropy on logits `[n, classes]` with class indices `[n]` (PyTorch's
/// `CrossEntropyLoss`, the book's `cross_entropy_grad_loss`); a sample is correct when the
/// largest logit is at its label.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CrossEntropyLoss;

impl<T: Float> Criterion<T, i64> for CrossEntropyLoss {
    fn loss(&self, output: &Var<T>, target: &Tensor<i64>) -> Result<Var<T>> {
        Ok(cross_entropy(output, target, Reduction::Mean)?)
    }
    fn correct(&self, output: &Tensor<T>, target: &Tensor<i64>) -> Result<Option<usize>> {
        Ok(Some(output.argmax(1, false)?.eq(target)?.count_true()))
    }
}

/// Binary cross-entropy on logits `[n, 1]` (or `[n]`) with targets 0/1 of the same number of
/// elements (PyTorch's `BCEWithLogitsLoss`, the book's `BCE_loss_grad`); a sample is correct
/// when the logit's sign matches the target (σ(z) ≥ 0.5 ⇔ z ≥ 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BCEWithLogitsLoss;

impl<T: Float> Criterion<T, T> for BCEWithLogitsLoss {
    fn loss(&self, output: &Var<T>, target: &Tensor<T>) -> Result<Var<T>> {
        let target = Var::constant(target.reshape(output.shape())?);
        Ok(binary_cross_entropy_with_logits(
            output,
            &target,
            Reduction::Mean,
        )?)
    }
    fn correct(&self, output: &Tensor<T>, target: &Tensor<T>) -> Result<Option<usize>> {
        let half = T::from_f64_lossy(0.5);
        let predicted = output.ge_scalar(T::zero());
        let actual = target.reshape(output.shape().clone())?.ge_scalar(half);
        Ok(Some(predicted.eq(&actual)?.count_true()))
    }
}

/// Mean squared error between outputs and targets of the same number of elements (PyTorch's
/// `MSELoss`); no accuracy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MSELoss;

impl<T: Float> Criterion<T, T> for MSELoss {
    fn loss(&self, output: &Var<T>, target: &Tensor<T>) -> Result<Var<T>> {
        let target = Var::constant(target.reshape(output.shape())?);
        Ok(mse_loss(output, &target, Reduction::Mean)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_entropy_counts_argmax_hits() {
        let out = Tensor::from_rows(&[[0.1f32, 2.0], [3.0, 0.0], [0.0, 1.0]]).unwrap();
        let y = Tensor::from_vec1(vec![1i64, 1, 1]);
        assert_eq!(CrossEntropyLoss.correct(&out, &y).unwrap(), Some(2));
    }

    #[test]
    fn bce_counts_sign_hits_with_column_or_flat_targets() {
        let out = Tensor::from_rows(&[[0.5f32], [-1.0], [2.0]]).unwrap();
        let y = Tensor::from_vec1(vec![1.0f32, 1.0, 1.0]);
        assert_eq!(BCEWithLogitsLoss.correct(&out, &y).unwrap(), Some(2));
        let loss = BCEWithLogitsLoss.loss(&Var::constant(out), &y).unwrap();
        assert!(loss.item().unwrap() > 0.0);
    }

    #[test]
    fn mse_has_no_accuracy() {
        let out = Tensor::from_rows(&[[1.0f64], [3.0]]).unwrap();
        let y = Tensor::from_vec1(vec![0.0, 1.0]);
        assert_eq!(MSELoss.correct(&out, &y).unwrap(), None);
        let l = MSELoss
            .loss(&Var::constant(out), &y)
            .unwrap()
            .item()
            .unwrap();
        assert!((l - 2.5).abs() < 1e-12);
    }
}
