//! [`LinearRegression`]: ŷ = x·w + b, fitted by the normal equation or by gradient descent
//! (book §3.1).

use scalpel_autograd::{no_grad, Var};
use scalpel_nn::{Linear, Module};
use scalpel_optim::{Optimizer, Sgd, SgdConfig};
use scalpel_tensor::{Float, Tensor};

use crate::error::{ModelsError, Result};
use crate::linalg::solve;

/// Linear regression ŷ = x·w + b for inputs `[n, d]` and one target per sample.
///
/// The cost is the book's, with Andrew Ng's L2 term (used by the water example, §3.4):
/// J(w, b) = (1/2m)·Σ(ŷ − y)² + (λ/2m)·Σw², the bias not penalised.
///
/// Two ways to fit it, which agree (the book's §3.1.4 and §3.1.5):
/// - [`fit_normal_equation`](Self::fit_normal_equation): θ solves (XᵀX + λ·I₀)·θ = Xᵀy in f64,
///   where X carries a column of ones for the bias and I₀ is the identity without the bias
///   entry; solved by Gaussian elimination with partial pivoting ([`crate::linalg::solve`]).
/// - [`fit_gradient_descent`](Self::fit_gradient_descent): plain gradient descent on J with
///   gradients from autograd, from w = 0, b = 0, until the largest gradient component falls
///   under a tolerance.
///
/// It is a [`Module`] (parameters `weight` `(1, d)` and `bias` `(1,)`, PyTorch's `Linear(d, 1)`
/// layout), so it can also be trained by the [`Trainer`](crate::Trainer).
///
/// ```
/// use scalpel_models::LinearRegression;
/// use scalpel_tensor::Tensor;
/// let x = Tensor::from_rows(&[[1.0f64], [2.0], [3.0]]).unwrap();
/// let y = Tensor::from_rows(&[[3.0f64], [5.0], [7.0]]).unwrap(); // y = 2x + 1
/// let model = LinearRegression::fit_normal_equation(&x, &y, 0.0).unwrap();
/// assert!((model.weights()[0] - 2.0).abs() < 1e-12 && (model.bias_value() - 1.0).abs() < 1e-12);
/// ```
pub struct LinearRegression<T: Float = f64> {
    linear: Linear<T>,
}

/// Settings of [`LinearRegression::fit_gradient_descent`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GradientDescent {
    /// The learning rate α.
    pub lr: f64,
    /// The most iterations to run.
    pub max_iterations: usize,
    /// Stop when every gradient component is smaller than this (the book's ε).
    pub tolerance: f64,
    /// The L2 strength λ of the cost.
    pub l2: f64,
}

impl Default for GradientDescent {
    /// α = 0.01, at most 10,000 iterations, ε = 1e-8, no regularisation.
    fn default() -> Self {
        GradientDescent {
            lr: 0.01,
            max_iterations: 10_000,
            tolerance: 1e-8,
            l2: 0.0,
        }
    }
}

/// What a gradient-descent fit did.
#[derive(Clone, Debug, PartialEq)]
pub struct GradientDescentReport {
    /// Iterations run.
    pub iterations: usize,
    /// True when the gradient fell under the tolerance (false: stopped at `max_iterations`).
    pub converged: bool,
    /// The cost J before each iteration, and after the last one (`iterations + 1` values).
    pub costs: Vec<f64>,
}

impl<T: Float> LinearRegression<T> {
    /// A model for `in_features` inputs with w = 0 and b = 0 (the book's starting point).
    pub fn new(in_features: usize) -> Self {
        let linear =
            Linear::from_tensors(Tensor::zeros([1, in_features]), Some(Tensor::zeros([1])))
                .expect("a (1, d) weight and a (1,) bias fit together");
        LinearRegression { linear }
    }

    /// A model with the given weights `[d]` and bias.
    pub fn from_parameters(weights: &[T], bias: T) -> Self {
        let w = Tensor::from_vec(weights.to_vec(), [1, weights.len()])
            .expect("d values make a (1, d) weight");
        let linear = Linear::from_tensors(w, Some(Tensor::from_vec1(vec![bias])))
            .expect("a (1, d) weight and a (1,) bias fit together");
        LinearRegression { linear }
    }

    /// The model that minimises J with L2 strength `l2`, from the normal equation
    /// (XᵀX + λ·I₀)·θ = Xᵀy solved in f64. `x` is `[n, d]`, `y` is `[n]` or `[n, 1]`.
    ///
    /// # Errors
    /// [`ModelsError::InvalidArgument`] for shapes that do not fit or a negative `l2`;
    /// [`ModelsError::Singular`] when XᵀX + λ·I₀ is singular (for example, fewer distinct samples
    /// than parameters without regularisation).
    pub fn fit_normal_equation(x: &Tensor<T>, y: &Tensor<T>, l2: f64) -> Result<Self> {
        let (_, d) = check_xy("LinearRegression::fit_normal_equation", x, y)?;
        if !(l2 >= 0.0 && l2.is_finite()) {
            return Err(ModelsError::arg(
                "LinearRegression::fit_normal_equation",
                format!("l2 must be finite and >= 0, found {l2}"),
            ));
        }
        let xs: Vec<f64> = x
            .contiguous()
            .to_vec()
            .iter()
            .map(|v| v.to_f64_lossy())
            .collect();
        let ys: Vec<f64> = y
            .contiguous()
            .to_vec()
            .iter()
            .map(|v| v.to_f64_lossy())
            .collect();
        // θ = (w₀ … w_{d−1}, b): the design matrix is [X | 1].
        let p = d + 1;
        let row = |i: usize, j: usize| if j < d { xs[i * d + j] } else { 1.0 };
        let mut a = vec![0.0; p * p];
        let mut b = vec![0.0; p];
        for (i, &yi) in ys.iter().enumerate() {
            for j in 0..p {
                let xij = row(i, j);
                b[j] += xij * yi;
                for k in 0..p {
                    a[j * p + k] += xij * row(i, k);
                }
            }
        }
        for j in 0..d {
            a[j * p + j] += l2;
        }
        let theta = solve(&a, &b, p, 1).map_err(|e| match e {
            ModelsError::Singular { column, pivot, .. } => ModelsError::Singular {
                op: "LinearRegression::fit_normal_equation",
                column,
                pivot,
            },
            other => other,
        })?;
        let weights: Vec<T> = theta[..d].iter().map(|&v| T::from_f64_lossy(v)).collect();
        Ok(Self::from_parameters(&weights, T::from_f64_lossy(theta[d])))
    }

    /// Fits the model in place by plain gradient descent on J (book §3.1.5): θ ← θ − α·∇J, until
    /// every gradient component is under `config.tolerance` or `config.max_iterations` have run.
    /// Start from [`new`](Self::new) for the book's w = 0, b = 0.
    ///
    /// # Errors
    /// Shapes that do not fit; [`ModelsError::InvalidArgument`] for a learning rate that is not
    /// positive; [`ModelsError::NonFinite`] when the cost diverges (α too large).
    pub fn fit_gradient_descent(
        &self,
        x: &Tensor<T>,
        y: &Tensor<T>,
        config: GradientDescent,
    ) -> Result<GradientDescentReport> {
        check_xy("LinearRegression::fit_gradient_descent", x, y)?;
        self.check_features("LinearRegression::fit_gradient_descent", x)?;
        if !(config.lr > 0.0 && config.lr.is_finite()) {
            return Err(ModelsError::arg(
                "LinearRegression::fit_gradient_descent",
                format!("the learning rate must be positive, found {}", config.lr),
            ));
        }
        let (xv, yv) = (Var::constant(x.clone()), Var::constant(column(y)?));
        let mut opt = Sgd::new(
            self.parameters(),
            SgdConfig {
                lr: config.lr,
                ..Default::default()
            },
        )?;
        let mut costs = Vec::new();
        for iteration in 0..=config.max_iterations {
            opt.zero_grad();
            let cost = self.cost_var(&xv, &yv, config.l2)?;
            let value = cost.item()?.to_f64_lossy();
            costs.push(value);
            if !value.is_finite() {
                return Err(ModelsError::NonFinite {
                    op: "LinearRegression::fit_gradient_descent",
                    value,
                    epoch: iteration + 1,
                    batch: 1,
                });
            }
            cost.backward()?;
            let largest = self
                .parameters()
                .iter()
                .filter_map(|p| p.grad())
                .flat_map(|g| g.to_vec())
                .fold(0.0f64, |m, g| m.max(g.to_f64_lossy().abs()));
            if largest < config.tolerance || iteration == config.max_iterations {
                return Ok(GradientDescentReport {
                    iterations: iteration,
                    converged: largest < config.tolerance,
                    costs,
                });
            }
            opt.step()?;
        }
        unreachable!("the loop returns at iteration max_iterations")
    }

    /// The cost J = (1/2m)·Σ(ŷ − y)² + (λ/2m)·Σw² as a variable, for gradients.
    ///
    /// # Errors
    /// Shapes that do not fit.
    pub fn cost_var(&self, x: &Var<T>, y: &Var<T>, l2: f64) -> Result<Var<T>> {
        let m = x.dims().first().copied().unwrap_or(0).max(1) as f64;
        let residual = self.forward(x)?.sub(y)?;
        let data = residual
            .square()?
            .mean_all()?
            .mul_scalar(T::from_f64_lossy(0.5))?;
        if l2 == 0.0 {
            return Ok(data);
        }
        let penalty = self
            .linear
            .weight()
            .square()?
            .sum_all()?
            .mul_scalar(T::from_f64_lossy(l2 / (2.0 * m)))?;
        Ok(data.add(&penalty)?)
    }

    /// The cost J on `x` `[n, d]` and `y` `[n]` or `[n, 1]`, computed without recording a graph.
    ///
    /// # Errors
    /// Shapes that do not fit.
    pub fn cost(&self, x: &Tensor<T>, y: &Tensor<T>, l2: f64) -> Result<f64> {
        check_xy("LinearRegression::cost", x, y)?;
        let _g = no_grad();
        let j = self.cost_var(&Var::constant(x.clone()), &Var::constant(column(y)?), l2)?;
        Ok(j.item()?.to_f64_lossy())
    }

    /// Predictions ŷ `[n, 1]` for inputs `[n, d]`.
    ///
    /// # Errors
    /// When `x` does not have `d` features.
    pub fn predict(&self, x: &Tensor<T>) -> Result<Tensor<T>> {
        self.check_features("LinearRegression::predict", x)?;
        let _g = no_grad();
        Ok(self.forward(&Var::constant(x.clone()))?.value())
    }

    /// The weights w as `d` numbers.
    pub fn weights(&self) -> Vec<T> {
        self.linear.weight().value().to_vec()
    }

    /// The bias b.
    pub fn bias_value(&self) -> T {
        self.linear
            .bias()
            .expect("LinearRegression always has a bias")
            .value()
            .to_vec()[0]
    }

    /// Number of input features d.
    pub fn in_features(&self) -> usize {
        self.linear.in_features()
    }

    fn check_features(&self, op: &'static str, x: &Tensor<T>) -> Result<()> {
        match x.dims() {
            [_, d] if *d == self.in_features() => Ok(()),
            dims => Err(ModelsError::arg(
                op,
                format!("inputs must be [n, {}], found {dims:?}", self.in_features()),
            )),
        }
    }
}

/// Checks `x [n, d]` and `y [n]` or `[n, 1]`; returns `(n, d)`.
pub(crate) fn check_xy<T: Float>(
    op: &'static str,
    x: &Tensor<T>,
    y: &Tensor<T>,
) -> Result<(usize, usize)> {
    let (n, d) = match x.dims() {
        [n, d] if *n > 0 && *d > 0 => (*n, *d),
        dims => {
            return Err(ModelsError::arg(
                op,
                format!("inputs must be [n, d] with n, d > 0, found {dims:?}"),
            ))
        }
    };
    match y.dims() {
        [m] | [m, 1] if *m == n => Ok((n, d)),
        dims => Err(ModelsError::arg(
            op,
            format!("targets must be [{n}] or [{n}, 1] for inputs [{n}, {d}], found {dims:?}"),
        )),
    }
}

/// `y` as a column `[n, 1]`.
fn column<T: Float>(y: &Tensor<T>) -> Result<Tensor<T>> {
    Ok(y.reshape([y.numel(), 1])?)
}

impl<T: Float> Module<T> for LinearRegression<T> {
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
    use scalpel_tensor::Rng;

    #[test]
    fn normal_equation_recovers_an_exact_plane() {
        // y = 3·x₀ − 2·x₁ + 5 with no noise.
        let x = Tensor::from_rows(&[[0.0f64, 0.0], [1.0, 0.0], [0.0, 1.0], [2.0, 3.0]]).unwrap();
        let y = Tensor::from_vec1(vec![5.0, 8.0, 3.0, 5.0]);
        let m = LinearRegression::fit_normal_equation(&x, &y, 0.0).unwrap();
        let w = m.weights();
        assert!(
            (w[0] - 3.0).abs() < 1e-12 && (w[1] + 2.0).abs() < 1e-12,
            "{w:?}"
        );
        assert!((m.bias_value() - 5.0).abs() < 1e-12);
    }

    #[test]
    fn normal_equation_and_gradient_descent_agree_on_noisy_synthetic_data() {
        let (x, y) =
            scalpel_data::synthetic::linear(200, &[2.0, -3.4], 4.2, 0.1, &mut Rng::seed(3))
                .unwrap();
        let (x, y) = (x.cast::<f64>(), y.cast::<f64>());
        let exact = LinearRegression::fit_normal_equation(&x, &y, 0.0).unwrap();
        let gd = LinearRegression::<f64>::new(2);
        let report = gd
            .fit_gradient_descent(
                &x,
                &y,
                GradientDescent {
                    lr: 0.1,
                    max_iterations: 5000,
                    tolerance: 1e-10,
                    l2: 0.0,
                },
            )
            .unwrap();
        assert!(report.converged, "{} iterations", report.iterations);
        for (a, b) in exact.weights().iter().zip(gd.weights()) {
            assert!((a - b).abs() < 1e-8, "{a} vs {b}");
        }
        assert!((exact.bias_value() - gd.bias_value()).abs() < 1e-8);
        // And both are near the true parameters.
        assert!((exact.weights()[0] - 2.0).abs() < 0.05);
        assert!((exact.bias_value() - 4.2).abs() < 0.05);
        // The cost only goes down.
        assert!(report.costs.windows(2).all(|w| w[1] <= w[0] + 1e-15));
    }

    #[test]
    fn regularised_normal_equation_and_gradient_descent_agree() {
        let (x, y) =
            scalpel_data::synthetic::linear(50, &[1.5], -0.5, 0.3, &mut Rng::seed(9)).unwrap();
        let (x, y) = (x.cast::<f64>(), y.cast::<f64>());
        let exact = LinearRegression::fit_normal_equation(&x, &y, 10.0).unwrap();
        let gd = LinearRegression::<f64>::new(1);
        let config = GradientDescent {
            lr: 0.2,
            max_iterations: 20_000,
            tolerance: 1e-11,
            l2: 10.0,
        };
        assert!(gd.fit_gradient_descent(&x, &y, config).unwrap().converged);
        assert!((exact.weights()[0] - gd.weights()[0]).abs() < 1e-8);
        assert!((exact.bias_value() - gd.bias_value()).abs() < 1e-8);
        // λ shrinks the weight below the unregularised one.
        let plain = LinearRegression::fit_normal_equation(&x, &y, 0.0).unwrap();
        assert!(exact.weights()[0].abs() < plain.weights()[0].abs());
    }

    #[test]
    fn a_constant_feature_makes_the_normal_equation_singular() {
        let x = Tensor::from_rows(&[[1.0], [1.0], [1.0]]).unwrap();
        let y = Tensor::from_vec1(vec![1.0, 2.0, 3.0]);
        let e = LinearRegression::fit_normal_equation(&x, &y, 0.0)
            .err()
            .unwrap();
        assert!(matches!(e, ModelsError::Singular { .. }), "{e}");
    }

    #[test]
    fn shapes_are_checked() {
        let x = Tensor::<f64>::zeros([3, 2]);
        let e = LinearRegression::fit_normal_equation(&x, &Tensor::zeros([4]), 0.0)
            .err()
            .unwrap();
        assert!(e.to_string().contains("[3] or [3, 1]"), "{e}");
        let m = LinearRegression::<f64>::new(3);
        assert!(m.predict(&x).is_err());
    }

    #[test]
    fn divergence_is_a_typed_error() {
        let x = Tensor::from_rows(&[[10.0f64], [20.0], [30.0]]).unwrap();
        let y = Tensor::from_vec1(vec![1.0, 2.0, 3.0]);
        let m = LinearRegression::<f64>::new(1);
        let config = GradientDescent {
            lr: 10.0,
            ..Default::default()
        };
        let e = m.fit_gradient_descent(&x, &y, config).unwrap_err();
        assert!(matches!(e, ModelsError::NonFinite { .. }), "{e}");
    }
}
