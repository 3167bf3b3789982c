//! `repeat`: tile a tensor along each axis.

use smallvec::SmallVec;

use super::{checked_shape, copy_into};
use crate::element::Element;
use crate::error::{Result, TensorError};
use crate::layout::{Layout, Strides};
use crate::shape::Shape;
use crate::tensor::Tensor;

impl<T: Element> Tensor<T> {
    /// `torch.Tensor.repeat` (numpy's `tile`): the tensor tiled `repeats[i]` times along axis
    /// `i`, so the result has dimensions `repeats[i] * dims[i]`. When `repeats` is longer than
    /// the rank, the tensor is first given leading axes of size 1, as PyTorch does.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let x = Tensor::from_vec1(vec![1, 2]);
    /// let r = x.repeat(&[2, 2]).unwrap();
    /// assert_eq!(r.dims(), &[2, 4]);
    /// assert_eq!(r.to_vec(), vec![1, 2, 1, 2, 1, 2, 1, 2]);
    /// ```
    ///
    /// # Errors
    /// [`TensorError::InvalidShape`] when `repeats` has fewer entries than the rank;
    /// [`TensorError::InvalidArgument`] when the result is too large to address.
    pub fn repeat(&self, repeats: &[usize]) -> Result<Tensor<T>> {
        let op = "repeat";
        if repeats.len() < self.rank() {
            return Err(TensorError::shape(
                op,
                self.shape(),
                format!("{} repeat counts for {} axes", repeats.len(), self.rank()),
            ));
        }
        let lead = repeats.len() - self.rank();
        // View the result as [r0, d0, r1, d1, …]; the source reads it with stride 0 on each r.
        let mut tiled: SmallVec<[usize; 12]> = SmallVec::new();
        let mut src_strides = Strides::new();
        let mut dims = Vec::with_capacity(repeats.len());
        for (i, &r) in repeats.iter().enumerate() {
            let (d, s) = match i.checked_sub(lead) {
                Some(a) => (self.dims()[a], self.strides()[a]),
                None => (1, 0),
            };
            tiled.extend([r, d]);
            src_strides.extend([0, s]);
            dims.push(
                r.checked_mul(d)
                    .ok_or_else(|| TensorError::arg(op, format!("{repeats:?} is too large")))?,
            );
        }
        let shape = checked_shape(op, &dims)?;
        let tiled = Shape::new(&tiled);
        let src = Layout::from_parts(tiled.clone(), src_strides, self.layout.offset);
        let mut out = vec![T::default(); shape.numel()];
        copy_into(&mut out, &Layout::contiguous(tiled), &self.storage, &src);
        Ok(Tensor::from_vec_unchecked(out, shape))
    }
}
