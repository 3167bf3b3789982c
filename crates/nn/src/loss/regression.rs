//! Regression losses: mean squared error and mean absolute error.

use scalpel_autograd::{Result, Var};
use scalpel_tensor::Float;

use super::{check_same_shape, reduce, Reduction};

/// (input − target)², reduced (PyTorch's `mse_loss`; the mean is over every element, where the
/// book's `mse_loss_grad` divided by the number of rows).
///
/// # Errors
/// Shapes that differ.
pub fn mse_loss<T: Float>(input: &Var<T>, target: &Var<T>, reduction: Reduction) -> Result<Var<T>> {
    check_same_shape("mse_loss", input, target)?;
    reduce(input.sub(target)?.square()?, reduction)
}

/// |input − target|, reduced (PyTorch's `l1_loss`; the gradient at equality is 0).
///
/// # Errors
/// Shapes that differ.
pub fn l1_loss<T: Float>(input: &Var<T>, target: &Var<T>, reduction: Reduction) -> Result<Var<T>> {
    check_same_shape("l1_loss", input, target)?;
    reduce(input.sub(target)?.abs()?, reduction)
}
