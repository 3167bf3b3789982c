//! Standardisation: zero mean and unit variance per feature.

use scalpel_tensor::{Float, Tensor};

use super::check_fit_input;
use crate::error::Result;

/// Per-feature mean and standard deviation, fitted on training data and applied to any data
/// of the same feature shape: `(x − mean) / std` (book §3.2.2, §5.1.2).
///
/// The statistics are over the first (sample) axis, so for `x [N, D]` they are `[D]`, and for
/// images `[N, C, H, W]` they are `[C, H, W]`. The standard deviation is the population one
/// (divide by N, as numpy's `std`). A constant feature (its minimum equals its maximum) gets
/// its value as mean and std 1, so it maps to exactly 0 instead of NaN, and other values of it
/// (in test data) move by their plain difference: the rounding of a computed mean and spread
/// would otherwise give ±1 on the training data and ±10¹⁴ on test data.
///
/// ```
/// use scalpel_data::transforms::Standardizer;
/// use scalpel_tensor::Tensor;
/// let train = Tensor::from_vec(vec![1.0f32, 10.0, 3.0, 30.0], [2, 2]).unwrap();
/// let s = Standardizer::fit(&train).unwrap();
/// assert_eq!(s.mean().to_vec(), vec![2.0, 20.0]);
/// assert_eq!(s.transform(&train).unwrap().to_vec(), vec![-1.0, -1.0, 1.0, 1.0]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Standardizer<T: Float = f32> {
    mean: Tensor<T>,
    std: Tensor<T>,
}

impl<T: Float> Standardizer<T> {
    /// Fits the statistics of `x [N, …]`.
    ///
    /// # Errors
    /// [`DataError::InvalidArgument`](crate::DataError::InvalidArgument) when `x` is
    /// 0-dimensional or has no samples.
    pub fn fit(x: &Tensor<T>) -> Result<Self> {
        check_fit_input("Standardizer::fit", x)?;
        let mut mean = x.mean(&[0], false)?.to_vec();
        let mut std = x.std(&[0], 0, false)?.to_vec();
        let min = x.min(&[0], false)?.to_vec();
        let max = x.max(&[0], false)?.to_vec();
        for (f, (lo, hi)) in min.into_iter().zip(max).enumerate() {
            if lo == hi {
                mean[f] = lo;
                std[f] = T::one();
            } else if std[f] == T::zero() {
                // A spread so small that its square underflowed.
                std[f] = T::one();
            }
        }
        let features = &x.dims()[1..];
        Ok(Standardizer {
            mean: Tensor::from_vec(mean, features)?,
            std: Tensor::from_vec(std, features)?,
        })
    }

    /// Statistics given directly (e.g. a data set's published ones).
    pub fn from_stats(mean: Tensor<T>, std: Tensor<T>) -> Self {
        Standardizer { mean, std }
    }

    /// The per-feature means.
    pub fn mean(&self) -> &Tensor<T> {
        &self.mean
    }

    /// The per-feature standard deviations (1 where a feature had no spread).
    pub fn std(&self) -> &Tensor<T> {
        &self.std
    }

    /// `(x − mean) / std`, broadcasting the statistics over the samples of `x`.
    ///
    /// # Errors
    /// [`DataError::Tensor`](crate::DataError::Tensor) when `x`'s feature shape does not
    /// broadcast with the statistics.
    pub fn transform(&self, x: &Tensor<T>) -> Result<Tensor<T>> {
        Ok(x.sub(&self.mean)?.div(&self.std)?)
    }

    /// `x · std + mean`, undoing [`transform`](Self::transform).
    ///
    /// # Errors
    /// As [`transform`](Self::transform).
    pub fn inverse_transform(&self, x: &Tensor<T>) -> Result<Tensor<T>> {
        Ok(x.mul(&self.std)?.add(&self.mean)?)
    }
}

/// Standardises `x [N, …]` with its own statistics, returning them for use on test data.
///
/// # Errors
/// As [`Standardizer::fit`].
pub fn standardize<T: Float>(x: &Tensor<T>) -> Result<(Tensor<T>, Standardizer<T>)> {
    let s = Standardizer::fit(x)?;
    Ok((s.transform(x)?, s))
}
