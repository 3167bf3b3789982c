//! [`clip_grad_norm`]: rescale gradients to a maximum global norm.

use scalpel_autograd::Var;
use scalpel_tensor::{Float, Tensor};

use crate::error::{check, Result};

/// Rescales the gradients of `params` (any iterator of `&Var`: a slice, `&Vec`, `[&a, &b]`) so that their global norm is at most `max_norm`, and
/// returns the norm they had (PyTorch's `clip_grad_norm_`).
///
/// The norm is taken over all gradients as if they were one vector:
/// ‖g‖ₚ = (Σ|gᵢ|ᵖ)^(1/p), or max|gᵢ| for `norm_type = f64::INFINITY`. When
/// c = max_norm / (‖g‖ + 1e-6) is below 1, every gradient is multiplied by c; otherwise they
/// are left as they are. The sum is accumulated in f64. A non-finite norm makes c NaN or 0, and
/// the gradients NaN or 0, as in PyTorch. Returns 0 when no parameter has a gradient.
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_optim::clip_grad_norm;
/// use scalpel_tensor::Tensor;
///
/// let w = Var::parameter(Tensor::<f64>::zeros([2]));
/// w.set_grad(Some(Tensor::from_vec1(vec![3.0, 4.0])))?;
/// let norm = clip_grad_norm([&w], 1.0, 2.0)?;
/// assert_eq!(norm, 5.0);
/// let g = w.grad().unwrap().to_vec();
/// assert!((g[0] - 0.6).abs() < 1e-6 && (g[1] - 0.8).abs() < 1e-6);
/// # Ok::<(), scalpel_optim::OptimError>(())
/// ```
///
/// # Errors
/// [`OptimError::InvalidHyperparameter`](crate::OptimError::InvalidHyperparameter) when
/// `max_norm` is negative or NaN, or `norm_type` is not positive.
pub fn clip_grad_norm<'a, T: Float>(
    params: impl IntoIterator<Item = &'a Var<T>>,
    max_norm: f64,
    norm_type: f64,
) -> Result<f64> {
    let name = "clip_grad_norm";
    check(max_norm >= 0.0, name, "max_norm", max_norm, "must be >= 0")?;
    check(
        norm_type > 0.0,
        name,
        "norm_type",
        norm_type,
        "must be > 0 (or infinity)",
    )?;
    let grads: Vec<(&Var<T>, Tensor<T>)> = params
        .into_iter()
        .filter_map(|p| p.grad().map(|g| (p, g)))
        .collect();
    if grads.is_empty() {
        return Ok(0.0);
    }
    let total = if norm_type == f64::INFINITY {
        grads
            .iter()
            .map(|(_, g)| fold(g, 0.0, |acc, x| max_nan(acc, x.abs())))
            .fold(0.0, max_nan)
    } else {
        let sum: f64 = grads.iter().map(|(_, g)| power_sum(g, norm_type)).sum();
        sum.powf(1.0 / norm_type)
    };
    let coef = max_norm / (total + 1e-6);
    if coef.is_nan() || coef < 1.0 {
        let c = T::from_f64_lossy(coef);
        for (p, g) in grads {
            p.set_grad(Some(g.map(|x| x * c)))?;
        }
    }
    Ok(total)
}

/// Σ|x|ᵖ over the elements of `g`, in f64.
fn power_sum<T: Float>(g: &Tensor<T>, p: f64) -> f64 {
    if p == 2.0 {
        fold(g, 0.0, |acc, x| acc + x * x)
    } else if p == 1.0 {
        fold(g, 0.0, |acc, x| acc + x.abs())
    } else {
        fold(g, 0.0, |acc, x| acc + x.abs().powf(p))
    }
}

/// Folds `f` over the elements of `g` converted to f64.
fn fold<T: Float>(g: &Tensor<T>, init: f64, f: impl Fn(f64, f64) -> f64) -> f64 {
    match g.as_slice() {
        Some(s) => s.iter().fold(init, |acc, &x| f(acc, x.to_f64_lossy())),
        None => g
            .to_vec()
            .iter()
            .fold(init, |acc, &x| f(acc, x.to_f64_lossy())),
    }
}

/// `max` that keeps a NaN (an infinity norm over a NaN gradient is NaN, as in PyTorch).
fn max_nan(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}
