//! Min-max scaling of each feature to `[0, 1]`.

use scalpel_tensor::{Float, Tensor};

use super::check_fit_input;
use crate::error::Result;

/// Per-feature minimum and maximum, fitted on training data: `(x − min) / (max − min)` maps
/// the training range of every feature onto `[0, 1]` (test data may fall outside it).
///
/// The statistics are over the first (sample) axis, as for
/// [`Standardizer`](super::Standardizer). A feature with `max == min` gets range 1, so it maps
/// to 0.
///
/// ```
/// use scalpel_data::transforms::MinMaxScaler;
/// use scalpel_tensor::Tensor;
/// let x = Tensor::from_vec(vec![1.0f64, 5.0, 3.0, 5.0, 5.0, 5.0], [3, 2]).unwrap();
/// let m = MinMaxScaler::fit(&x).unwrap();
/// assert_eq!(m.transform(&x).unwrap().to_vec(), vec![0.0, 0.0, 0.5, 0.0, 1.0, 0.0]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct MinMaxScaler<T: Float = f32> {
    min: Tensor<T>,
    max: Tensor<T>,
    range: Tensor<T>,
}

impl<T: Float> MinMaxScaler<T> {
    /// Fits the statistics of `x [N, …]`.
    ///
    /// # Errors
    /// [`DataError::InvalidArgument`](crate::DataError::InvalidArgument) when `x` is
    /// 0-dimensional or has no samples.
    pub fn fit(x: &Tensor<T>) -> Result<Self> {
        check_fit_input("MinMaxScaler::fit", x)?;
        let min = x.min(&[0], false)?;
        let max = x.max(&[0], false)?;
        let range = max
            .sub(&min)?
            .map(|r| if r > T::zero() { r } else { T::one() });
        Ok(MinMaxScaler { min, max, range })
    }

    /// The per-feature minima.
    pub fn min(&self) -> &Tensor<T> {
        &self.min
    }

    /// The per-feature maxima.
    pub fn max(&self) -> &Tensor<T> {
        &self.max
    }

    /// `(x − min) / (max − min)`.
    ///
    /// # Errors
    /// [`DataError::Tensor`](crate::DataError::Tensor) when `x`'s feature shape does not
    /// broadcast with the statistics.
    pub fn transform(&self, x: &Tensor<T>) -> Result<Tensor<T>> {
        Ok(x.sub(&self.min)?.div(&self.range)?)
    }

    /// `x · (max − min) + min`, undoing [`transform`](Self::transform).
    ///
    /// # Errors
    /// As [`transform`](Self::transform).
    pub fn inverse_transform(&self, x: &Tensor<T>) -> Result<Tensor<T>> {
        Ok(x.mul(&self.range)?.add(&self.min)?)
    }
}
