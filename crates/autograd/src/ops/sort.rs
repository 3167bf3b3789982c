//! Sorting of variables: `sort` and `topk`. Each picks elements by index, so its values are a
//! [`gather`](Var::gather) of the input and its gradient is scattered back to where they came
//! from; the indices are plain tensors.

use scalpel_tensor::{Float, Tensor};

use crate::error::Result;
use crate::var::Var;

impl<T: Float> Var<T> {
    /// The elements sorted along `axis` and the indices they came from, as
    /// [`Tensor::sort`] (stable; NaN the largest).
    ///
    /// ```
    /// use scalpel_autograd::Var;
    /// use scalpel_tensor::Tensor;
    /// let x = Var::parameter(Tensor::from_vec1(vec![3.0f64, 1.0, 2.0]));
    /// let (sorted, indices) = x.sort(0, true).unwrap();
    /// assert_eq!(indices.to_vec(), vec![0, 2, 1]);
    /// // Weighting the sorted values by rank weighs each input by its place.
    /// let w = Var::constant(Tensor::from_vec1(vec![1.0, 10.0, 100.0]));
    /// sorted.mul(&w).unwrap().sum_all().unwrap().backward().unwrap();
    /// assert_eq!(x.grad().unwrap().to_vec(), vec![1.0, 100.0, 10.0]);
    /// ```
    ///
    /// # Errors
    /// An axis out of range; anomaly mode.
    pub fn sort(&self, axis: isize, descending: bool) -> Result<(Var<T>, Tensor<i64>)> {
        let indices = self.value().argsort(axis, descending)?;
        Ok((self.take_along(axis, &indices)?, indices))
    }

    /// The `k` largest (or smallest) elements along `axis` and their indices, as
    /// [`Tensor::topk`].
    ///
    /// # Errors
    /// An axis out of range, `k` larger than the axis; anomaly mode.
    pub fn topk(&self, k: usize, axis: isize, largest: bool) -> Result<(Var<T>, Tensor<i64>)> {
        let (_, indices) = self.value().topk(k, axis, largest)?;
        Ok((self.take_along(axis, &indices)?, indices))
    }

    /// The elements at `indices` along `axis`; a 0-d variable is its own single pick.
    fn take_along(&self, axis: isize, indices: &Tensor<i64>) -> Result<Var<T>> {
        if self.rank() == 0 {
            return Ok(self.clone());
        }
        self.gather(axis, indices)
    }
}
