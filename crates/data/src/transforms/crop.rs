//! [`RandomCrop`]: the translation augmentation of book §5.1.1 — pad each image with zeros,
//! then cut a window of the original size at a random place.

use scalpel_tensor::{Numeric, Rng, Tensor};

use super::image::{batch_dims, row_major, uniform_index};
use crate::error::{DataError, Result};

/// Random crops of `size = (height, width)` from images padded with `padding` zeros on every
/// side (torchvision's `RandomCrop(size, padding)`), each image of a batch at its own offset,
/// the same for all its channels.
///
/// With `padding = 4` and `size` equal to the image size, this shifts each image by up to 4
/// pixels in each direction — the usual CIFAR and Fashion-MNIST augmentation.
///
/// ```
/// use scalpel_data::transforms::RandomCrop;
/// use scalpel_tensor::{Rng, Tensor};
/// let batch = Tensor::<f32>::ones([8, 1, 28, 28]);
/// let crop = RandomCrop::new((28, 28), 4);
/// let shifted = crop.apply(&batch, &mut Rng::seed(0)).unwrap();
/// assert_eq!(shifted.dims(), [8, 1, 28, 28]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RandomCrop {
    size: (usize, usize),
    padding: usize,
}

impl RandomCrop {
    /// Crops of `size = (height, width)` after `padding` zeros on every side.
    pub fn new(size: (usize, usize), padding: usize) -> Self {
        RandomCrop { size, padding }
    }

    /// The crop size `(height, width)`.
    pub fn size(&self) -> (usize, usize) {
        self.size
    }

    /// The zero padding added on each side before cropping.
    pub fn padding(&self) -> usize {
        self.padding
    }

    /// Crops every image of `x` `(N, C, H, W)` at an offset drawn from `rng`, giving
    /// `(N, C, height, width)`. The offsets are uniform over every window of the padded image.
    ///
    /// # Errors
    /// [`DataError::InvalidArgument`] when `x` is not 4-D or the crop is larger than the padded
    /// image.
    pub fn apply<T: Numeric>(&self, x: &Tensor<T>, rng: &mut Rng) -> Result<Tensor<T>> {
        let op = "RandomCrop";
        let [n, c, h, w] = batch_dims(op, x)?;
        let (ch, cw) = self.size;
        let p = self.padding;
        let (ph, pw) = (h + 2 * p, w + 2 * p);
        if ch > ph || cw > pw || ch == 0 || cw == 0 {
            return Err(DataError::arg(
                op,
                format!("a {ch}x{cw} crop does not fit a {h}x{w} image padded by {p} ({ph}x{pw})"),
            ));
        }
        let src = row_major(x);
        let mut out = vec![T::zero(); n * c * ch * cw];
        for i in 0..n {
            // The window's top-left corner in padded coordinates.
            let top = uniform_index(rng, ph - ch);
            let left = uniform_index(rng, pw - cw);
            for k in 0..c {
                let plane = &src[(i * c + k) * h * w..][..h * w];
                let dst = &mut out[(i * c + k) * ch * cw..][..ch * cw];
                for r in 0..ch {
                    // Padded row top + r is image row top + r − p, if inside the image.
                    let Some(row) = (top + r).checked_sub(p).filter(|&row| row < h) else {
                        continue;
                    };
                    for col in 0..cw {
                        if let Some(x_col) = (left + col).checked_sub(p).filter(|&j| j < w) {
                            dst[r * cw + col] = plane[row * w + x_col];
                        }
                    }
                }
            }
        }
        Ok(Tensor::from_vec(out, [n, c, ch, cw])?)
    }
}
