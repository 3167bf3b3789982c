//! Two interleaving half circles.

use std::f64::consts::PI;

use scalpel_tensor::{Rng, Tensor};

use super::{gaussian_noise, linspace};
use crate::error::Result;

/// Two interleaving half circles of radius 1, `n_per_class` points each, with Gaussian noise
/// of std `noise` added to every coordinate. For `t` evenly spaced over `[0, π]`, class 0 is
/// the upper moon `(cos t, sin t)` and class 1 the lower one `(1 − cos t, ½ − sin t)`.
/// Inputs `[2n, 2]` class by class, labels `[2n]`.
///
/// # Errors
/// [`DataError::InvalidArgument`](crate::DataError::InvalidArgument) for a negative or
/// non-finite `noise`.
pub fn moons(n_per_class: usize, noise: f32, rng: &mut Rng) -> Result<(Tensor<f32>, Tensor<i64>)> {
    let eps = gaussian_noise("moons", 4 * n_per_class, f64::from(noise), rng)?;
    let mut x = Vec::with_capacity(4 * n_per_class);
    let mut y = Vec::with_capacity(2 * n_per_class);
    for class in 0..2 {
        for t in linspace(0.0, PI, n_per_class) {
            let (px, py) = if class == 0 {
                (t.cos(), t.sin())
            } else {
                (1.0 - t.cos(), 0.5 - t.sin())
            };
            x.push((px + eps[x.len()]) as f32);
            x.push((py + eps[x.len()]) as f32);
            y.push(class);
        }
    }
    Ok((
        Tensor::from_vec(x, [2 * n_per_class, 2])?,
        Tensor::from_vec1(y),
    ))
}
