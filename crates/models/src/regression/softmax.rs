//! [`SoftmaxRegression`]: P(y = j | x) = softmax(x·W + b)ⱼ, for several classes (book §3.6).

use scalpel_autograd::{no_grad, Var};
use scalpel_nn::{cross_entropy, l2_penalty, Linear, Module, Reduction};
use scalpel_tensor::{Float, Rng, Tensor};

use crate::error::{ModelsError, Result};

/// Softmax regression: logits z = x·W + b for `classes` classes, probabilities softmax(z).
///
/// `forward` returns the logits `[n, classes]`; the loss is the fused softmax cross-entropy
/// ([`CrossEntropyLoss`](crate::CrossEntropyLoss) in the [`Trainer`](crate::Trainer)), plus the book's
/// L2 term reg·ΣW² (no ½, the bias not penalised) when asked for, as in [`loss`](Self::loss).
///
/// The weight is stored `(classes, d)` like PyTorch's `Linear`; the book writes W as
/// `(d, classes)`, so [`from_book_weight`](Self::from_book_weight) takes that layout and the
/// gradient of the book's W is the transpose of `weight`'s.
pub struct SoftmaxRegression<T: Float = f32> {
    linear: Linear<T>,
}

impl<T: Float> SoftmaxRegression<T> {
    /// A model from `in_features` inputs to `classes` classes, with a bias, initialised like
    /// PyTorch's `Linear`.
    pub fn new(in_features: usize, classes: usize, rng: &mut Rng) -> Self {
        SoftmaxRegression {
            linear: Linear::new(in_features, classes, rng),
        }
    }

    /// A model with the book's weight layout `w` `(d, classes)` and an optional bias
    /// `(classes,)`.
    ///
    /// # Errors
    /// When `w` is not 2-D or the bias does not have `classes` entries.
    pub fn from_book_weight(w: &Tensor<T>, bias: Option<Tensor<T>>) -> Result<Self> {
        if w.rank() != 2 {
            return Err(ModelsError::arg(
                "SoftmaxRegression::from_book_weight",
                format!("W must be (d, classes), found {:?}", w.dims()),
            ));
        }
        Ok(SoftmaxRegression {
            linear: Linear::from_tensors(w.t().contiguous(), bias)?,
        })
    }

    /// The weight variable `(classes, d)`.
    pub fn weight(&self) -> &Var<T> {
        self.linear.weight()
    }

    /// The bias variable `(classes,)`, if there is one.
    pub fn bias(&self) -> Option<&Var<T>> {
        self.linear.bias()
    }

    /// The book's regularised loss: mean cross-entropy of softmax(x·W + b) against the labels
    /// `y` `[n]`, plus reg·ΣW² (`loss_softmax` with `reg`, §3.6.6).
    ///
    /// # Errors
    /// Shapes that do not fit; a label outside `0..classes`.
    pub fn loss(&self, x: &Var<T>, y: &Tensor<i64>, reg: f64) -> Result<Var<T>> {
        let data = cross_entropy(&self.forward(x)?, y, Reduction::Mean)?;
        if reg == 0.0 {
            return Ok(data);
        }
        Ok(data.add(&l2_penalty(self, reg)?)?)
    }

    /// Class probabilities `[n, classes]`.
    ///
    /// # Errors
    /// When `x` does not have `d` features.
    pub fn predict_proba(&self, x: &Tensor<T>) -> Result<Tensor<T>> {
        let _g = no_grad();
        Ok(self
            .forward(&Var::constant(x.clone()))?
            .value()
            .softmax(1)?)
    }

    /// The most probable class `[n]` (the book's `predict`: argmax over axis 1).
    ///
    /// # Errors
    /// When `x` does not have `d` features.
    pub fn predict(&self, x: &Tensor<T>) -> Result<Tensor<i64>> {
        let _g = no_grad();
        Ok(self
            .forward(&Var::constant(x.clone()))?
            .value()
            .argmax(1, false)?)
    }
}

impl<T: Float> Module<T> for SoftmaxRegression<T> {
    fn forward(&self, x: &Var<T>) -> scalpel_autograd::Result<Var<T>> {
        self.linear.forward(x)
    }
    fn local_parameters(&self) -> Vec<(String, Var<T>)> {
        self.linear.local_parameters()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_books_softmax_regression_fixture_gives_its_loss_and_gradient() {
        // Book §3.6.6: X = [[2, 3], [4, 5]], y = [2, 1], W = [[0.1, 0.2, 0.3], [0.4, 0.2, 0.8]],
        // reg 0.2, no bias.
        let x = Var::constant(Tensor::from_rows(&[[2.0f64, 3.0], [4.0, 5.0]]).unwrap());
        let y = Tensor::from_vec1(vec![2i64, 1]);
        let w = Tensor::from_rows(&[[0.1, 0.2, 0.3], [0.4, 0.2, 0.8]]).unwrap();
        let model = SoftmaxRegression::from_book_weight(&w, None).unwrap();
        let loss = model.loss(&x, &y, 0.2).unwrap();
        assert!((loss.item().unwrap() - 2.0863049636282662).abs() < 1e-12);
        loss.backward().unwrap();
        // The book's gradient is with respect to W (d, classes): the transpose of weight's.
        let grad = model.weight().grad().unwrap().t().contiguous().to_vec();
        let expected = [
            0.30213245,
            -1.75779321,
            1.69566076,
            0.5254108,
            -2.19194012,
            2.22652932,
        ];
        for (g, e) in grad.iter().zip(expected) {
            assert!((g - e).abs() < 1e-8, "{grad:?}");
        }
    }

    #[test]
    fn predictions_are_the_argmax_of_the_probabilities() {
        let w = Tensor::from_rows(&[[1.0f32, -1.0], [0.0, 0.0]]).unwrap();
        let model = SoftmaxRegression::from_book_weight(&w, None).unwrap();
        let x = Tensor::from_rows(&[[2.0f32, 0.0], [-1.0, 5.0]]).unwrap();
        assert_eq!(model.predict(&x).unwrap().to_vec(), vec![0, 1]);
        let p = model.predict_proba(&x).unwrap().to_vec();
        assert!((p[0] + p[1] - 1.0).abs() < 1e-6);
    }
}
