//! `one_hot`: class labels to indicator vectors.

use super::{checked_index, checked_shape};
use crate::element::Numeric;
use crate::error::Result;
use crate::tensor::Tensor;

impl<T: Numeric> Tensor<T> {
    /// `torch.nn.functional.one_hot`: labels of any shape `S` become a tensor of shape
    /// `S + [num_classes]` holding 1 at each label's class and 0 elsewhere.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let y = Tensor::from_vec1(vec![2i64, 0]);
    /// let h = Tensor::<f32>::one_hot(&y, 3).unwrap();
    /// assert_eq!(h.dims(), &[2, 3]);
    /// assert_eq!(h.to_vec(), vec![0.0, 0.0, 1.0, 1.0, 0.0, 0.0]);
    /// ```
    ///
    /// # Errors
    /// [`TensorError::IndexOutOfRange`](crate::TensorError::IndexOutOfRange) for a label outside
    /// `0..num_classes`.
    pub fn one_hot(labels: &Tensor<i64>, num_classes: usize) -> Result<Tensor<T>> {
        let op = "one_hot";
        let mut dims = labels.dims().to_vec();
        dims.push(num_classes);
        let shape = checked_shape(op, &dims)?;
        let mut out = vec![T::zero(); shape.numel()];
        for (row, label) in labels.to_vec().into_iter().enumerate() {
            out[row * num_classes + checked_index(op, label, dims.len() - 1, &shape)?] = T::one();
        }
        Ok(Tensor::from_vec_unchecked(out, shape))
    }
}
