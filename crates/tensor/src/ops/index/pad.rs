//! `pad`: surround a tensor with a constant.

use super::{checked_shape, copy_into};
use crate::element::Element;
use crate::error::{Result, TensorError};
use crate::layout::Layout;
use crate::tensor::Tensor;

impl<T: Element> Tensor<T> {
    /// Adds `before` elements at the start and `after` at the end of axes, filled with `value`.
    ///
    /// `pads` holds one `(before, after)` pair per axis, in axis order, for the **last**
    /// `pads.len()` axes; earlier axes are left alone. A full list is numpy's `np.pad` with a
    /// constant; a short one aligns to the trailing axes like broadcasting, so
    /// `x.pad(&[(1, 1), (1, 1)], 0.0)` pads the height and width of an `[N, C, H, W]` batch.
    /// (PyTorch's `F.pad` lists pairs from the last axis backwards; this does not.)
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let x = Tensor::from_vec(vec![1, 2, 3, 4], [2, 2]).unwrap();
    /// let p = x.pad(&[(0, 1)], 0).unwrap();
    /// assert_eq!(p.dims(), &[2, 3]);
    /// assert_eq!(p.to_vec(), vec![1, 2, 0, 3, 4, 0]);
    /// ```
    ///
    /// # Errors
    /// [`TensorError::InvalidShape`] when there are more pairs than axes;
    /// [`TensorError::InvalidArgument`] when the padded shape is too large to address.
    pub fn pad(&self, pads: &[(usize, usize)], value: T) -> Result<Tensor<T>> {
        let op = "pad";
        if pads.len() > self.rank() {
            return Err(TensorError::shape(
                op,
                self.shape(),
                format!(
                    "{} (before, after) pairs for {} axes",
                    pads.len(),
                    self.rank()
                ),
            ));
        }
        let lead = self.rank() - pads.len();
        let mut dims = self.dims().to_vec();
        for (d, &(before, after)) in dims[lead..].iter_mut().zip(pads) {
            *d = d
                .checked_add(before)
                .and_then(|d| d.checked_add(after))
                .ok_or_else(|| TensorError::arg(op, format!("padding {pads:?} is too large")))?;
        }
        let shape = checked_shape(op, &dims)?;
        let mut out = vec![value; shape.numel()];
        // The padded output's interior, where `self` goes.
        let mut interior = Layout::contiguous(shape.clone());
        interior.offset = pads
            .iter()
            .zip(&interior.strides[lead..])
            .map(|(&(before, _), &stride)| before * stride as usize)
            .sum();
        interior.shape = self.shape().clone();
        copy_into(&mut out, &interior, &self.storage, &self.layout);
        Ok(Tensor::from_vec_unchecked(out, shape))
    }
}
