//! [`clip_grad_value`]: clamp every gradient element.

use scalpel_autograd::Var;
use scalpel_tensor::Float;

use crate::error::{check, Result};

/// Clamps every element of the gradients of `params` (any iterator of `&Var`) to `[-clip_value, clip_value]`
/// (PyTorch's `clip_grad_value_`). NaN elements stay NaN.
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_optim::clip_grad_value;
/// use scalpel_tensor::Tensor;
///
/// let w = Var::parameter(Tensor::<f32>::zeros([3]));
/// w.set_grad(Some(Tensor::from_vec1(vec![-3.0, 0.5, 7.0])))?;
/// clip_grad_value([&w], 1.0)?;
/// assert_eq!(w.grad().unwrap().to_vec(), vec![-1.0, 0.5, 1.0]);
/// # Ok::<(), scalpel_optim::OptimError>(())
/// ```
///
/// # Errors
/// [`OptimError::InvalidHyperparameter`](crate::OptimError::InvalidHyperparameter) when
/// `clip_value` is negative or NaN.
pub fn clip_grad_value<'a, T: Float>(
    params: impl IntoIterator<Item = &'a Var<T>>,
    clip_value: f64,
) -> Result<()> {
    check(
        clip_value >= 0.0,
        "clip_grad_value",
        "clip_value",
        clip_value,
        "must be >= 0",
    )?;
    let hi = T::from_f64_lossy(clip_value);
    let lo = -hi;
    for p in params {
        if let Some(g) = p.grad() {
            p.set_grad(Some(g.map(|x| {
                if x > hi {
                    hi
                } else if x < lo {
                    lo
                } else {
                    x
                }
            })))?;
        }
    }
    Ok(())
}
