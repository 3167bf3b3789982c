//! The book's spiral data set (§3.6.1), after CS231n's `gen_spiral_dataset`.

use scalpel_tensor::{Rng, Tensor};

use super::{gaussian_noise, linspace};
use crate::error::Result;

/// The angle noise of the book's spiral.
pub const SPIRAL_NOISE_STD: f32 = 0.2;

/// The book's spiral (`gen_spiral_dataset(N, D=2, K)`): `classes` arms of `points_per_class`
/// points. For arm `j`, `r = linspace(0, 1, N)` and `t = linspace(4j, 4(j+1), N) + ε` with
/// `ε ~ N(0, 0.2²)`; the points are `(r·sin t, r·cos t)` with label `j`. Inputs `[K·N, 2]` arm
/// by arm, labels `[K·N]`.
///
/// ```
/// use scalpel_tensor::Rng;
/// let (x, y) = scalpel_data::synthetic::spiral(100, 3, &mut Rng::seed(0)).unwrap();
/// assert_eq!((x.dims(), y.dims()), (&[300, 2][..], &[300][..]));
/// ```
///
/// # Errors
/// None for these arguments; the `Result` is that of [`spiral_with_noise`].
#[doc(alias = "gen_spiral_dataset")]
pub fn spiral(
    points_per_class: usize,
    classes: usize,
    rng: &mut Rng,
) -> Result<(Tensor<f32>, Tensor<i64>)> {
    spiral_with_noise(points_per_class, classes, SPIRAL_NOISE_STD, rng)
}

/// [`spiral`] with angle noise of standard deviation `noise_std` (0 gives exact spirals).
///
/// # Errors
/// [`DataError::InvalidArgument`](crate::DataError::InvalidArgument) for a negative or
/// non-finite `noise_std`.
pub fn spiral_with_noise(
    points_per_class: usize,
    classes: usize,
    noise_std: f32,
    rng: &mut Rng,
) -> Result<(Tensor<f32>, Tensor<i64>)> {
    let n = points_per_class;
    let mut x = Vec::with_capacity(2 * n * classes);
    let mut y = Vec::with_capacity(n * classes);
    for j in 0..classes {
        let eps = gaussian_noise("spiral", n, f64::from(noise_std), rng)?;
        let start = 4.0 * j as f64;
        let arm = linspace(0.0, 1.0, n).zip(linspace(start, start + 4.0, n));
        for ((r, t), e) in arm.zip(eps) {
            let t = t + e;
            x.push((r * t.sin()) as f32);
            x.push((r * t.cos()) as f32);
            y.push(j as i64);
        }
    }
    Ok((Tensor::from_vec(x, [n * classes, 2])?, Tensor::from_vec1(y)))
}
