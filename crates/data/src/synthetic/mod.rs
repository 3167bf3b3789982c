//! Synthetic data sets drawn from a seeded [`Rng`], for examples and tests
//! that need no files: linear data with noise, Gaussian blobs, two moons, the book's spiral, and
//! sine waves.
//!
//! Every generator takes the caller's generator, so the same seed gives the same data; values
//! are computed in f64 and returned as f32 (the training type), labels as i64.

mod blobs;
mod linear;
mod moons;
mod sine;
mod spiral;

pub use blobs::blobs;
pub use linear::linear;
pub use moons::moons;
pub use sine::{sine_regression, sine_wave};
pub use spiral::{spiral, spiral_with_noise, SPIRAL_NOISE_STD};

use scalpel_tensor::Rng;

use crate::error::{DataError, Result};

/// `n` evenly spaced values from `start` to `end` inclusive (`numpy.linspace`).
fn linspace(start: f64, end: f64, n: usize) -> impl Iterator<Item = f64> {
    let step = if n > 1 {
        (end - start) / (n - 1) as f64
    } else {
        0.0
    };
    (0..n).map(move |i| {
        if i + 1 == n && n > 1 {
            end
        } else {
            start + step * i as f64
        }
    })
}

/// `n` draws of N(0, `std`²) in f64.
fn gaussian_noise(op: &'static str, n: usize, std: f64, rng: &mut Rng) -> Result<Vec<f64>> {
    check_std(op, std)?;
    Ok(rng.normal([n], 0.0f64, std)?.to_vec())
}

/// Checks that a noise level is finite and not negative.
fn check_std(op: &'static str, std: f64) -> Result<()> {
    if std.is_finite() && std >= 0.0 {
        Ok(())
    } else {
        Err(DataError::arg(
            op,
            format!("noise standard deviation {std} must be finite and >= 0"),
        ))
    }
}
