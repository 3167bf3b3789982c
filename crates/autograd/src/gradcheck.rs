//! Gradient checking: analytic gradients against central finite differences, in f64.
//!
//! The book verifies every layer this way (§2.4, §4.3.3); here it is public API and the backbone
//! of CI (`cargo xtask gradcheck`). A function of several tensors is checked through a random
//! projection of its output, L(x) = Σ r ⊙ f(x) with r fixed and seeded (each weight ±[0.5, 1.5)):
//! the backward pass gives ∇L, and each component is compared with
//! (L(x + ε·eᵢ) − L(x − ε·eᵢ)) / 2ε.

use std::fmt;

use scalpel_tensor::{Tensor, TensorError};

use crate::engine::grad;
use crate::error::Result;
use crate::var::Var;

/// A function of several variables, as gradcheck takes it.
pub type Function<'a> = dyn Fn(&[Var<f64>]) -> Result<Var<f64>> + 'a;

/// Tolerances of a check: an element passes when |analytic − numeric| ≤ atol + rtol·|numeric|.
/// A NaN or an infinity on either side fails, unless both sides are the same infinity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GradcheckOptions {
    /// Finite-difference step.
    pub eps: f64,
    /// Absolute tolerance.
    pub atol: f64,
    /// Relative tolerance.
    pub rtol: f64,
    /// Seed of the projection vectors.
    pub seed: u64,
}

impl Default for GradcheckOptions {
    /// eps 1e-6, atol 1e-5, rtol 1e-3 (PyTorch's defaults).
    fn default() -> Self {
        GradcheckOptions {
            eps: 1e-6,
            atol: 1e-5,
            rtol: 1e-3,
            seed: 0x05ca_19e1,
        }
    }
}

/// The result for one input.
#[derive(Clone, Debug, PartialEq)]
pub struct InputReport {
    /// Position of the input in the argument list.
    pub input: usize,
    /// The input's shape, as passed to the check: the one [`worst_index`](Self::worst_index)
    /// indexes.
    pub shape: Vec<usize>,
    /// Largest |analytic − numeric| over the input's elements (infinite where either side is NaN
    /// or only one is infinite; 0 for the same infinity on both sides).
    pub max_abs_error: f64,
    /// Largest |analytic − numeric| / max(|numeric|, 1e-12) (infinite likewise).
    pub max_rel_error: f64,
    /// Multi-index of the element whose error exceeds its tolerance by the most; on a passing
    /// input, the one closest to its tolerance.
    pub worst_index: Vec<usize>,
    /// Analytic and numeric values there.
    pub worst_values: (f64, f64),
    /// True when every element is within tolerance.
    pub passed: bool,
}

/// The result of a gradient check, one entry per input.
#[derive(Clone, Debug, PartialEq)]
pub struct GradcheckReport {
    /// Per input.
    pub inputs: Vec<InputReport>,
}

impl GradcheckReport {
    /// True when every input passed.
    pub fn passed(&self) -> bool {
        self.inputs.iter().all(|r| r.passed)
    }
    /// The largest relative error over all inputs.
    pub fn max_rel_error(&self) -> f64 {
        self.inputs
            .iter()
            .map(|r| r.max_rel_error)
            .fold(0.0, f64::max)
    }
    /// The largest absolute error over all inputs.
    pub fn max_abs_error(&self) -> f64 {
        self.inputs
            .iter()
            .map(|r| r.max_abs_error)
            .fold(0.0, f64::max)
    }
}

impl fmt::Display for GradcheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for r in &self.inputs {
            writeln!(
                f,
                "input {}: {} max abs {:.3e}, max rel {:.3e}, worst at {:?} of {:?} (analytic {:.10e}, numeric {:.10e})",
                r.input,
                if r.passed { "ok" } else { "FAILED" },
                r.max_abs_error,
                r.max_rel_error,
                r.worst_index,
                r.shape,
                r.worst_values.0,
                r.worst_values.1
            )?;
        }
        Ok(())
    }
}

/// A small deterministic generator for projection vectors (SplitMix64): each weight has a random
/// sign and a magnitude uniform in [0.5, 1.5). Magnitudes away from 0 keep every output's
/// derivative at about its own scale, so the tolerances mean what they say: with weights near 0
/// (a scalar output drawn at 0.01, say) an error would shrink below `atol` with the derivative.
fn projection(seed: u64, n: usize) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            let magnitude = 0.5 + (z >> 11) as f64 / (1u64 << 53) as f64;
            if z & 1 == 0 {
                magnitude
            } else {
                -magnitude
            }
        })
        .collect()
}

/// The seed of projection stream `stream` (1, 2, …) derived from `seed`; stream 0 is `seed`.
fn stream_seed(seed: u64, stream: u64) -> u64 {
    seed ^ stream.wrapping_mul(0x1234_5678_9abc)
}

/// L(x) = Σ r ⊙ f(x) as a variable.
fn projected(f: &Function<'_>, xs: &[Var<f64>], seed: u64) -> Result<Var<f64>> {
    let out = f(xs)?;
    let r = Tensor::from_vec(projection(seed, out.shape().numel()), out.shape())?;
    out.mul(&Var::constant(r))?.sum_all()
}

/// Checks the gradients of `f` at `inputs` against central differences.
///
/// `f` receives one variable per input tensor (each requiring a gradient) and returns a variable
/// of any shape.
///
/// # Errors
/// Errors raised by `f` or by the backward pass; an analytic gradient whose shape is not its
/// input's (the engine checks the shapes of built-in rules only in debug builds).
pub fn gradcheck(
    f: impl Fn(&[Var<f64>]) -> Result<Var<f64>>,
    inputs: &[Tensor<f64>],
    options: GradcheckOptions,
) -> Result<GradcheckReport> {
    check(&f, inputs, options)
}

fn check(
    f: &Function<'_>,
    inputs: &[Tensor<f64>],
    options: GradcheckOptions,
) -> Result<GradcheckReport> {
    let xs: Vec<Var<f64>> = inputs
        .iter()
        .map(|t| Var::parameter(t.contiguous()))
        .collect();
    let loss = projected(f, &xs, options.seed)?;
    let analytic = grad(&[loss], None, &xs, false)?;
    let mut reports = Vec::with_capacity(inputs.len());
    for (k, input) in inputs.iter().enumerate() {
        let shape = input.shape().clone();
        let a: Vec<f64> = match &analytic[k] {
            // A rule's gradient of another shape could still hold the right number of values.
            Some(g) if g.shape() != shape => {
                return Err(TensorError::mismatch(
                    "gradcheck",
                    &g.shape(),
                    &shape,
                    format!("the gradient of input {k} has another shape than the input"),
                )
                .into())
            }
            Some(g) => g.value().to_vec(),
            None => vec![0.0; shape.numel()],
        };
        let base = input.to_vec();
        let mut report = InputReport {
            input: k,
            shape: shape.dims().to_vec(),
            max_abs_error: 0.0,
            max_rel_error: 0.0,
            worst_index: vec![],
            worst_values: (0.0, 0.0),
            passed: true,
        };
        let mut worst_excess = f64::NEG_INFINITY;
        for i in 0..base.len() {
            let eval = |delta: f64| -> Result<f64> {
                let mut v = base.clone();
                v[i] += delta;
                let mut args: Vec<Var<f64>> =
                    inputs.iter().map(|t| Var::constant(t.clone())).collect();
                args[k] = Var::constant(Tensor::from_vec(v, shape.clone())?);
                let _g = crate::no_grad();
                projected(f, &args, options.seed)?.item()
            };
            let numeric = (eval(options.eps)? - eval(-options.eps)?) / (2.0 * options.eps);
            let (err, rel, excess) = if a[i] == numeric && !numeric.is_finite() {
                // The same infinity on both sides (its tolerance, 0·∞ with rtol 0, is NaN).
                (0.0, 0.0, f64::NEG_INFINITY)
            } else if a[i].is_finite() && numeric.is_finite() {
                let err = (a[i] - numeric).abs();
                let tolerance = options.atol + options.rtol * numeric.abs();
                (err, err / numeric.abs().max(1e-12), err - tolerance)
            } else {
                // A NaN compares false with everything: without this it would pass.
                (f64::INFINITY, f64::INFINITY, f64::INFINITY)
            };
            report.max_abs_error = report.max_abs_error.max(err);
            report.max_rel_error = report.max_rel_error.max(rel);
            if excess > 0.0 {
                report.passed = false;
            }
            if i == 0 || excess > worst_excess {
                worst_excess = excess;
                report.worst_index = unravel(i, shape.dims());
                report.worst_values = (a[i], numeric);
            }
        }
        reports.push(report);
    }
    Ok(GradcheckReport { inputs: reports })
}

/// Checks second derivatives: the first-order gradient ∇ₓ Σ v ⊙ f(x), computed with
/// `create_graph` for a random output gradient `v`, is itself gradchecked through a second
/// random projection, against finite differences in each input **and in `v`**, as PyTorch's
/// `gradgradcheck` checks both (it compares whole Jacobians; this compares projections).
///
/// A double backward that treats the incoming gradient as a constant (a detached `g`) has the
/// right first derivatives but the wrong dependence on `v`, which is what Hessian-vector
/// products and gradient penalties need: the entry for `v` catches it.
///
/// The report has one entry per input and then one for `v` (input `inputs.len()`, the shape of
/// `f`'s output).
///
/// # Errors
/// Errors raised by `f` or by either backward pass.
pub fn gradgradcheck(
    f: impl Fn(&[Var<f64>]) -> Result<Var<f64>>,
    inputs: &[Tensor<f64>],
    options: GradcheckOptions,
) -> Result<GradcheckReport> {
    let output_shape = {
        let _g = crate::no_grad();
        let args: Vec<Var<f64>> = inputs.iter().map(|t| Var::constant(t.clone())).collect();
        f(&args)?.shape()
    };
    // Its own stream: the outer check projects with `options.seed`, each input's gradient with
    // stream 1 + its position, and `v` with the stream after those.
    let n = inputs.len();
    let v_seed = stream_seed(options.seed, n as u64 + 1);
    let v = Tensor::from_vec(projection(v_seed, output_shape.numel()), output_shape)?;
    let first_order = |args: &[Var<f64>]| -> Result<Var<f64>> {
        let (xs, v) = (&args[..n], &args[n]);
        let _record = crate::set_grad_enabled(true);
        let xs_tracked: Vec<Var<f64>> = xs
            .iter()
            .map(|x| {
                if x.requires_grad() {
                    x.clone()
                } else {
                    Var::parameter(x.value())
                }
            })
            .collect();
        let loss = f(&xs_tracked)?.mul(v)?.sum_all()?;
        let grads = grad(&[loss], None, &xs_tracked, true)?;
        let mut total: Option<Var<f64>> = None;
        for (k, g) in grads.into_iter().enumerate() {
            let Some(g) = g else { continue };
            let u = Tensor::from_vec(
                projection(stream_seed(options.seed, k as u64 + 1), g.shape().numel()),
                g.shape(),
            )?;
            let term = g.mul(&Var::constant(u))?.sum_all()?;
            total = Some(match total {
                Some(t) => t.add(&term)?,
                None => term,
            });
        }
        match total {
            Some(t) => Ok(t),
            None => Ok(Var::constant(Tensor::scalar(0.0))),
        }
    };
    let mut with_v = inputs.to_vec();
    with_v.push(v);
    check(&first_order, &with_v, options)
}

fn unravel(mut i: usize, dims: &[usize]) -> Vec<usize> {
    let mut idx = vec![0; dims.len()];
    for d in (0..dims.len()).rev() {
        idx[d] = i % dims[d].max(1);
        i /= dims[d].max(1);
    }
    idx
}
