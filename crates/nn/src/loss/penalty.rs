//! The book's L2 weight penalty (§3.4, §5.4.1).

use scalpel_autograd::{Result, Var};
use scalpel_tensor::{Float, Tensor};

use crate::module::Module;

/// reg·ΣW² over the weights of `module` — every parameter of rank 2 or more (Linear and
/// convolution weights) — and not over biases or normalisation scales and shifts (1-D), as
/// the book's `reg_loss` (no ½; its gradient is 2·reg·W). Add it to the data loss.
///
/// ```
/// use scalpel_nn::{l2_penalty, Linear};
/// use scalpel_tensor::{random::Rng, Tensor};
/// let layer: Linear<f64> = Linear::from_tensors(
///     Tensor::from_rows(&[[1.0, 2.0]]).unwrap(), Some(Tensor::from_vec1(vec![5.0]))).unwrap();
/// assert_eq!(l2_penalty(&layer, 0.1).unwrap().item().unwrap(), 0.1 * 5.0);
/// ```
///
/// # Errors
/// Only anomaly mode.
pub fn l2_penalty<T: Float, M: Module<T> + ?Sized>(module: &M, reg: f64) -> Result<Var<T>> {
    let mut total = Var::constant(Tensor::scalar(T::zero()));
    for p in module.parameters() {
        if p.rank() >= 2 {
            total = total.add(&p.square()?.sum_all()?)?;
        }
    }
    total.mul_scalar(T::from_f64_lossy(reg))
}
