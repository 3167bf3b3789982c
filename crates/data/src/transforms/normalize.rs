//! [`Normalize`]: per-channel normalisation of image batches, `(x − mean[c]) / std[c]`.

use scalpel_tensor::{Float, Tensor};

use super::image::{batch_dims, row_major};
use crate::error::{DataError, Result};

/// Per-channel normalisation of `(N, C, H, W)` batches with fixed statistics (torchvision's
/// `Normalize`): channel `c` becomes `(x − mean[c]) / std[c]`.
///
/// The statistics are given (a data set's published ones, such as MNIST's 0.1307 and 0.3081)
/// or measured on training images with [`Normalize::fit`].
///
/// ```
/// use scalpel_data::transforms::Normalize;
/// use scalpel_tensor::Tensor;
/// let mnist = Normalize::new(vec![0.1307f32], vec![0.3081]).unwrap();
/// let x = Tensor::full([1, 1, 2, 2], 0.1307f32);
/// assert_eq!(mnist.apply(&x).unwrap().to_vec(), vec![0.0; 4]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Normalize<T: Float = f32> {
    mean: Vec<T>,
    std: Vec<T>,
}

impl<T: Float> Normalize<T> {
    /// Normalisation with one mean and one standard deviation per channel.
    ///
    /// # Errors
    /// [`DataError::InvalidArgument`] when the lengths differ, are zero, or a standard
    /// deviation is not positive and finite.
    pub fn new(mean: Vec<T>, std: Vec<T>) -> Result<Self> {
        let op = "Normalize";
        if mean.len() != std.len() || mean.is_empty() {
            return Err(DataError::arg(
                op,
                format!(
                    "needs as many means as standard deviations, one per channel; got {} and {}",
                    mean.len(),
                    std.len()
                ),
            ));
        }
        if let Some(s) = std
            .iter()
            .find(|s| !(s.to_f64_lossy() > 0.0 && s.to_f64_lossy().is_finite()))
        {
            return Err(DataError::arg(
                op,
                format!("standard deviation {s} is not positive and finite"),
            ));
        }
        Ok(Normalize { mean, std })
    }

    /// The mean and the population standard deviation of each channel of `x` `(N, C, H, W)`,
    /// over its images and pixels. A constant channel gets its value as mean and std 1, so that
    /// it maps to exactly 0.
    ///
    /// # Errors
    /// [`DataError::InvalidArgument`] when `x` is not 4-D or has no pixels.
    pub fn fit(x: &Tensor<T>) -> Result<Self> {
        let [n, c, h, w] = batch_dims("Normalize::fit", x)?;
        let count = n * h * w;
        if count == 0 || c == 0 {
            return Err(DataError::arg(
                "Normalize::fit",
                format!("needs pixels to measure, got shape {}", x.shape()),
            ));
        }
        let data = row_major(x);
        let planes =
            |k: usize| (0..n).flat_map(move |i| ((i * c + k) * h * w)..((i * c + k + 1) * h * w));
        let (mut mean, mut std) = (Vec::with_capacity(c), Vec::with_capacity(c));
        for k in 0..c {
            // Two passes in f64: the mean, then the spread around it.
            let mu = planes(k).map(|i| data[i].to_f64_lossy()).sum::<f64>() / count as f64;
            let var = planes(k)
                .map(|i| (data[i].to_f64_lossy() - mu).powi(2))
                .sum::<f64>()
                / count as f64;
            let sd = var.sqrt();
            let first = data[planes(k).next().unwrap_or(0)];
            if planes(k).all(|i| data[i] == first) {
                // A constant channel: its value exactly, so that it maps to exactly 0 (the
                // rounded mean and spread would give ±1, and other values ±10¹⁴).
                mean.push(first);
                std.push(T::one());
            } else {
                mean.push(T::from_f64_lossy(mu));
                std.push(T::from_f64_lossy(if sd > 0.0 { sd } else { 1.0 }));
            }
        }
        Ok(Normalize { mean, std })
    }

    /// The per-channel means.
    pub fn mean(&self) -> &[T] {
        &self.mean
    }

    /// The per-channel standard deviations.
    pub fn std(&self) -> &[T] {
        &self.std
    }

    /// `(x − mean[c]) / std[c]` for every channel `c` of `x` `(N, C, H, W)`.
    ///
    /// # Errors
    /// [`DataError::InvalidArgument`] when `x` is not 4-D or has another number of channels.
    pub fn apply(&self, x: &Tensor<T>) -> Result<Tensor<T>> {
        let [n, c, h, w] = batch_dims("Normalize", x)?;
        if c != self.mean.len() {
            return Err(DataError::arg(
                "Normalize",
                format!(
                    "statistics for {} channels, but the batch {} has {c}",
                    self.mean.len(),
                    x.shape()
                ),
            ));
        }
        let mut out = row_major(x).into_owned();
        // `max(1)`: empty planes (h or w zero) leave `out` empty, with no chunk to visit.
        for (p, plane) in out.chunks_mut((h * w).max(1)).enumerate() {
            let k = p % c;
            let (m, s) = (self.mean[k], self.std[k]);
            for v in plane {
                *v = (*v - m) / s;
            }
        }
        Ok(Tensor::from_vec(out, [n, c, h, w])?)
    }
}
