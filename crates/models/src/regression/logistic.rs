//! [`LogisticRegression`]: P(y = 1 | x) = σ(x·w + b), for two classes (book §3.5).

use scalpel_autograd::{no_grad, Var};
use scalpel_nn::{Linear, Module};
use scalpel_tensor::{Float, Rng, Tensor};

use crate::error::{ModelsError, Result};

/// Logistic regression: the logit z = x·w + b, the probability σ(z) of class 1.
///
/// `forward` returns the logits `[n, 1]`, so the loss is
/// [`binary_cross_entropy_with_logits`](scalpel_nn::binary_cross_entropy_with_logits) (the
/// book's `BCE_loss_grad`, stable for large |z|) — the [`BCEWithLogitsLoss`](crate::BCEWithLogitsLoss)
/// criterion of the [`Trainer`](crate::Trainer), which also counts accuracy. Parameters:
/// `weight` `(1, d)` and `bias` `(1,)`.
///
/// ```
/// use scalpel_models::LogisticRegression;
/// use scalpel_tensor::{Rng, Tensor};
/// let model: LogisticRegression = LogisticRegression::new(2, &mut Rng::seed(0));
/// let p = model.predict_proba(&Tensor::zeros([5, 2])).unwrap();
/// assert_eq!(p.dims(), &[5, 1]);
/// ```
pub struct LogisticRegression<T: Float = f32> {
    linear: Linear<T>,
}

impl<T: Float> LogisticRegression<T> {
    /// A model for `in_features` inputs, initialised like PyTorch's `Linear(d, 1)`.
    pub fn new(in_features: usize, rng: &mut Rng) -> Self {
        LogisticRegression {
            linear: Linear::new(in_features, 1, rng),
        }
    }

    /// A model with w = 0 and b = 0 (the book's starting point; logistic regression's cost is
    /// convex, so the start does not matter).
    pub fn zeros(in_features: usize) -> Self {
        let linear =
            Linear::from_tensors(Tensor::zeros([1, in_features]), Some(Tensor::zeros([1])))
                .expect("a (1, d) weight and a (1,) bias fit together");
        LogisticRegression { linear }
    }

    /// P(y = 1 | x) `[n, 1]` for inputs `[n, d]`.
    ///
    /// # Errors
    /// When `x` is not `[n, d]`.
    pub fn predict_proba(&self, x: &Tensor<T>) -> Result<Tensor<T>> {
        self.check("LogisticRegression::predict_proba", x)?;
        let _g = no_grad();
        Ok(self.forward(&Var::constant(x.clone()))?.value().sigmoid())
    }

    /// The predicted class `[n]`: 1 where σ(z) ≥ 0.5 (z ≥ 0), else 0.
    ///
    /// # Errors
    /// When `x` is not `[n, d]`.
    pub fn predict(&self, x: &Tensor<T>) -> Result<Tensor<i64>> {
        self.check("LogisticRegression::predict", x)?;
        let _g = no_grad();
        let z = self.forward(&Var::constant(x.clone()))?.value();
        Ok(z.map(|v| i64::from(v >= T::zero()))
            .reshape([x.dims()[0]])?)
    }

    /// The weights w as `d` numbers.
    pub fn weights(&self) -> Vec<T> {
        self.linear.weight().value().to_vec()
    }

    /// The bias b.
    pub fn bias_value(&self) -> T {
        self.linear
            .bias()
            .expect("always has a bias")
            .value()
            .to_vec()[0]
    }

    fn check(&self, op: &'static str, x: &Tensor<T>) -> Result<()> {
        match x.dims() {
            [_, d] if *d == self.linear.in_features() => Ok(()),
            dims => Err(ModelsError::arg(
                op,
                format!(
                    "inputs must be [n, {}], found {dims:?}",
                    self.linear.in_features()
                ),
            )),
        }
    }
}

impl<T: Float> Module<T> for LogisticRegression<T> {
    fn forward(&self, x: &Var<T>) -> scalpel_autograd::Result<Var<T>> {
        self.linear.forward(x)
    }
    fn local_parameters(&self) -> Vec<(String, Var<T>)> {
        self.linear.local_parameters()
    }
}
