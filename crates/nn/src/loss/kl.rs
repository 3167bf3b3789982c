//! Kullback–Leibler divergence with PyTorch's conventions (for the VAE, book §8.3).

use scalpel_autograd::{Result, Var};
use scalpel_tensor::{Float, Tensor};

use super::{check_same_shape, reduce, Reduction};

/// Point-wise KL divergence t·(ln t − input) with `input` the *log*-probabilities of the model
/// and `target` t the probabilities of the reference (PyTorch's `kl_div`), reduced; terms with
/// t = 0 count 0, and a negative or NaN target gives NaN (not a silent 0), as in PyTorch. With
/// `log_target` the target is given as log-probabilities too:
/// eᵗ·(t − input).
///
/// Use `Reduction::BatchMean` for the divergence per sample (`Mean` divides by every element,
/// as PyTorch's `'mean'` does).
///
/// # Errors
/// Shapes that differ.
pub fn kl_div<T: Float>(
    input: &Var<T>,
    target: &Var<T>,
    reduction: Reduction,
    log_target: bool,
) -> Result<Var<T>> {
    check_same_shape("kl_div", input, target)?;
    let pointwise = if log_target {
        target.exp()?.mul(&target.sub(input)?)?
    } else {
        let nonzero = target.value().ne_scalar(T::zero());
        let one = Var::constant(Tensor::scalar(T::one()));
        let zero = Var::constant(Tensor::scalar(T::zero()));
        // ln of 1 where t = 0, so that neither the value nor the gradient sees ln 0
        let safe_target = Var::where_(&nonzero, target, &one)?;
        let terms = target.mul(&safe_target.ln()?.sub(input)?)?;
        Var::where_(&nonzero, &terms, &zero)?
    };
    reduce(pointwise, reduction)
}
