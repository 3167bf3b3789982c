//! Linear data with Gaussian noise.

use scalpel_tensor::{Rng, Tensor};

use super::gaussian_noise;
use crate::error::Result;

/// `n` samples of `y = x·w + b + ε` with features `x ~ N(0, 1)` `[n, d]` (`d = weights.len()`),
/// noise `ε ~ N(0, noise_std²)`, and targets `y [n, 1]` — the setting of the book's linear
/// regression (§3.1) with known true parameters.
///
/// ```
/// use scalpel_tensor::Rng;
/// let (x, y) = scalpel_data::synthetic::linear(100, &[2.0, -3.4], 4.2, 0.01, &mut Rng::seed(0))?;
/// assert_eq!((x.dims(), y.dims()), (&[100, 2][..], &[100, 1][..]));
/// # Ok::<(), scalpel_data::DataError>(())
/// ```
///
/// # Errors
/// [`DataError::InvalidArgument`](crate::DataError::InvalidArgument) for a negative or
/// non-finite `noise_std`.
pub fn linear(
    n: usize,
    weights: &[f32],
    bias: f32,
    noise_std: f32,
    rng: &mut Rng,
) -> Result<(Tensor<f32>, Tensor<f32>)> {
    let d = weights.len();
    let noise = gaussian_noise("linear", n, f64::from(noise_std), rng)?;
    let x = rng.normal([n, d], 0.0f64, 1.0)?.to_vec();
    let y: Vec<f32> = (0..n)
        .map(|i| {
            let row = &x[i * d..(i + 1) * d];
            let dot: f64 = row
                .iter()
                .zip(weights)
                .map(|(&xi, &wi)| xi * f64::from(wi))
                .sum();
            (dot + f64::from(bias) + noise[i]) as f32
        })
        .collect();
    let x = x.into_iter().map(|v| v as f32).collect();
    Ok((Tensor::from_vec(x, [n, d])?, Tensor::from_vec(y, [n, 1])?))
}
