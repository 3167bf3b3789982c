//! Encodings: one-hot labels and pixels scaled to `[0, 1]`.

use scalpel_tensor::{Numeric, Tensor};

use crate::error::Result;

/// Class labels of any shape `S` as one-hot vectors, shape `S + [num_classes]`.
///
/// ```
/// use scalpel_tensor::Tensor;
/// let h = scalpel_data::transforms::one_hot::<f32>(&Tensor::from_vec1(vec![1, 0]), 3).unwrap();
/// assert_eq!(h.to_vec(), vec![0.0, 1.0, 0.0, 1.0, 0.0, 0.0]);
/// ```
///
/// # Errors
/// [`DataError::Tensor`](crate::DataError::Tensor) for a label outside `0..num_classes`.
pub fn one_hot<T: Numeric>(labels: &Tensor<i64>, num_classes: usize) -> Result<Tensor<T>> {
    Ok(Tensor::one_hot(labels, num_classes)?)
}

/// Bytes 0..=255 (pixels) as `f32` in `[0, 1]`: `x / 255`.
pub fn to_unit_interval(pixels: &Tensor<u8>) -> Tensor<f32> {
    pixels.map(|p| f32::from(p) / 255.0)
}
