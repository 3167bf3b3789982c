//! Sine waves: a noisy time series, and noisy samples of sin(2πx) for regression.

use std::f64::consts::PI;

use scalpel_tensor::{Rng, Tensor};

use super::gaussian_noise;
use crate::error::{DataError, Result};

/// A time series of `len` steps, `x_t = sin(2π·t / period + phase) + ε_t` for `t = 0..len` with
/// `ε_t ~ N(0, noise_std²)`, as `[len]` — the kind of signal the book's sequence chapter (§7.1)
/// cuts into windows.
///
/// # Errors
/// [`DataError::InvalidArgument`] when `period` is not finite and positive, `phase` is not
/// finite, or `noise_std` is negative or not finite.
pub fn sine_wave(
    len: usize,
    period: f32,
    phase: f32,
    noise_std: f32,
    rng: &mut Rng,
) -> Result<Tensor<f32>> {
    if !(period.is_finite() && period > 0.0 && phase.is_finite()) {
        return Err(DataError::arg(
            "sine_wave",
            format!("period {period} must be finite and > 0, phase {phase} finite"),
        ));
    }
    let eps = gaussian_noise("sine_wave", len, f64::from(noise_std), rng)?;
    let w = 2.0 * PI / f64::from(period);
    let x = eps
        .iter()
        .enumerate()
        .map(|(t, e)| ((w * t as f64 + f64::from(phase)).sin() + e) as f32)
        .collect();
    Ok(Tensor::from_vec1(x))
}

/// `n` regression samples `x ~ U[0, 1)`, `y = sin(2πx) + ε` with `ε ~ N(0, noise_std²)`, as
/// `x [n, 1]` and `y [n, 1]` — the book's curve-fitting and over-fitting example (§3.3).
///
/// # Errors
/// [`DataError::InvalidArgument`] for a negative or non-finite `noise_std`.
pub fn sine_regression(
    n: usize,
    noise_std: f32,
    rng: &mut Rng,
) -> Result<(Tensor<f32>, Tensor<f32>)> {
    let eps = gaussian_noise("sine_regression", n, f64::from(noise_std), rng)?;
    let xs: Vec<f64> = (0..n).map(|_| rng.next_f64()).collect();
    let y = xs
        .iter()
        .zip(&eps)
        .map(|(x, e)| ((2.0 * PI * x).sin() + e) as f32)
        .collect();
    let x = xs.into_iter().map(|v| v as f32).collect();
    Ok((Tensor::from_vec(x, [n, 1])?, Tensor::from_vec(y, [n, 1])?))
}
