//! Gaussian blobs: one isotropic cloud of points per class.

use scalpel_tensor::{Rng, Tensor};

use super::gaussian_noise;
use crate::error::{DataError, Result};

/// `n_per_class` points around each of `centers` (all of one dimension `d`), each coordinate
/// drawn from N(center, `std`²): inputs `[k·n, d]` class by class, labels `[k·n]` where class
/// `j` is the blob around `centers[j]`.
///
/// The book's logistic-regression example (§3.5) is `blobs(100, &[[10.0, 12.0], [5.0, 6.0]],
/// 2.0, rng)`.
///
/// # Errors
/// [`DataError::InvalidArgument`] when `centers` is empty, the centers differ in dimension, or
/// `std` is negative or not finite.
pub fn blobs<C: AsRef<[f32]>>(
    n_per_class: usize,
    centers: &[C],
    std: f32,
    rng: &mut Rng,
) -> Result<(Tensor<f32>, Tensor<i64>)> {
    let d = centers
        .first()
        .ok_or_else(|| DataError::arg("blobs", "needs at least one center"))?
        .as_ref()
        .len();
    if let Some(c) = centers.iter().find(|c| c.as_ref().len() != d) {
        return Err(DataError::arg(
            "blobs",
            format!("centers differ in dimension: {d} and {}", c.as_ref().len()),
        ));
    }
    let k = centers.len();
    let noise = gaussian_noise("blobs", k * n_per_class * d, f64::from(std), rng)?;
    let mut x = Vec::with_capacity(noise.len());
    let mut y = Vec::with_capacity(k * n_per_class);
    for (j, c) in centers.iter().enumerate() {
        for _ in 0..n_per_class {
            for &ci in c.as_ref() {
                x.push((f64::from(ci) + noise[x.len()]) as f32);
            }
            y.push(j as i64);
        }
    }
    Ok((
        Tensor::from_vec(x, [k * n_per_class, d])?,
        Tensor::from_vec1(y),
    ))
}
