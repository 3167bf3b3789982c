//! Feature engineering of the book's §3.2: polynomial features for linear models.

use scalpel_tensor::{Float, Tensor};

use crate::error::{ModelsError, Result};

/// The powers x, x², …, x^degree of a single feature, as columns: `x` `[n]` or `[n, 1]` gives
/// `[n, degree]` (the book's and Andrew Ng's `polyFeatures`; the bias column is the model's).
/// Standardise the result with the training set's statistics before fitting: the columns differ
/// in scale by orders of magnitude.
///
/// ```
/// use scalpel_models::features::polynomial_features;
/// use scalpel_tensor::Tensor;
/// let p = polynomial_features(&Tensor::from_vec1(vec![2.0f64, -1.0]), 3).unwrap();
/// assert_eq!(p.to_vec(), vec![2.0, 4.0, 8.0, -1.0, 1.0, -1.0]);
/// ```
///
/// # Errors
/// [`ModelsError::InvalidArgument`] when `x` is not one feature or `degree` is 0.
pub fn polynomial_features<T: Float>(x: &Tensor<T>, degree: usize) -> Result<Tensor<T>> {
    let n = match x.dims() {
        [n] | [n, 1] => *n,
        dims => {
            return Err(ModelsError::arg(
                "polynomial_features",
                format!("x must be one feature, [n] or [n, 1]; found {dims:?}"),
            ))
        }
    };
    if degree == 0 {
        return Err(ModelsError::arg(
            "polynomial_features",
            "degree must be at least 1",
        ));
    }
    let values = x.to_vec();
    let mut out = Vec::with_capacity(n * degree);
    for v in values {
        let mut power = v;
        for _ in 0..degree {
            out.push(power);
            power *= v;
        }
    }
    Ok(Tensor::from_vec(out, [n, degree])?)
}
