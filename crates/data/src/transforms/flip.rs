//! [`RandomHorizontalFlip`]: mirror images left to right at random (book §5.1.1).

use scalpel_tensor::{Element, Rng, Tensor};

use super::image::{batch_dims, row_major};
use crate::error::{DataError, Result};

/// Mirrors each image of a batch left to right with probability `p` (torchvision's
/// `RandomHorizontalFlip`, default p = 0.5), all channels of an image together.
///
/// ```
/// use scalpel_data::transforms::RandomHorizontalFlip;
/// use scalpel_tensor::{Rng, Tensor};
/// let x = Tensor::from_vec(vec![1.0f32, 2.0, 3.0], [1, 1, 1, 3]).unwrap();
/// let always = RandomHorizontalFlip::new(1.0).unwrap();
/// assert_eq!(always.apply(&x, &mut Rng::seed(0)).unwrap().to_vec(), vec![3.0, 2.0, 1.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RandomHorizontalFlip {
    p: f64,
}

impl Default for RandomHorizontalFlip {
    /// Flips half of the images.
    fn default() -> Self {
        RandomHorizontalFlip { p: 0.5 }
    }
}

impl RandomHorizontalFlip {
    /// Flips each image with probability `p`.
    ///
    /// # Errors
    /// [`DataError::InvalidArgument`] when `p` is outside `[0, 1]`.
    pub fn new(p: f64) -> Result<Self> {
        if !(0.0..=1.0).contains(&p) {
            return Err(DataError::arg(
                "RandomHorizontalFlip",
                format!("probability {p} is outside [0, 1]"),
            ));
        }
        Ok(RandomHorizontalFlip { p })
    }

    /// The flip probability.
    pub fn p(&self) -> f64 {
        self.p
    }

    /// Flips each image of `x` `(N, C, H, W)` with probability `p`, drawing one number per
    /// image from `rng`.
    ///
    /// # Errors
    /// [`DataError::InvalidArgument`] when `x` is not 4-D.
    pub fn apply<T: Element>(&self, x: &Tensor<T>, rng: &mut Rng) -> Result<Tensor<T>> {
        let [n, c, h, w] = batch_dims("RandomHorizontalFlip", x)?;
        let mut out = row_major(x).into_owned();
        let image = c * h * w;
        for i in 0..n {
            if rng.next_f64() < self.p && w > 0 {
                for row in out[i * image..(i + 1) * image].chunks_mut(w) {
                    row.reverse();
                }
            }
        }
        Ok(Tensor::from_vec(out, [n, c, h, w])?)
    }
}
