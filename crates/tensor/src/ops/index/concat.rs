//! `concat` and `stack`: join tensors along an existing or a new axis.

use super::copy_into;
use crate::element::Element;
use crate::error::{Result, TensorError};
use crate::layout::Layout;
use crate::shape::{resolve_axis, Shape};
use crate::tensor::Tensor;

impl<T: Element> Tensor<T> {
    /// Joins `tensors` along `axis` (`torch.cat`): every tensor has the same rank and the same
    /// dimensions except along `axis`, where the result has the sum of their sizes. Always
    /// returns a new contiguous tensor.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let a = Tensor::from_vec(vec![1, 2, 3, 4], [2, 2]).unwrap();
    /// let b = Tensor::from_vec(vec![5, 6], [2, 1]).unwrap();
    /// let c = Tensor::concat(&[&a, &b], 1).unwrap();
    /// assert_eq!(c.to_vec(), vec![1, 2, 5, 3, 4, 6]);
    /// ```
    ///
    /// # Errors
    /// [`TensorError::InvalidArgument`] for an empty list, [`TensorError::AxisOutOfRange`], and
    /// [`TensorError::ShapeMismatch`] naming the first tensor's shape and the first that differs.
    pub fn concat(tensors: &[&Tensor<T>], axis: isize) -> Result<Tensor<T>> {
        let op = "concat";
        let first = tensors
            .first()
            .ok_or_else(|| TensorError::arg(op, "needs at least one tensor"))?;
        let ax = resolve_axis(op, axis, first.rank())?;
        let mut dims = first.dims().to_vec();
        dims[ax] = 0;
        for t in tensors {
            if t.rank() != first.rank() {
                return Err(TensorError::mismatch(
                    op,
                    first.shape(),
                    t.shape(),
                    format!("ranks differ ({} and {})", first.rank(), t.rank()),
                ));
            }
            let fits = (0..t.rank()).all(|d| d == ax || t.dims()[d] == first.dims()[d]);
            if !fits {
                return Err(TensorError::mismatch(
                    op,
                    first.shape(),
                    t.shape(),
                    format!("shapes must agree on every axis but {ax}"),
                ));
            }
            dims[ax] = dims[ax].checked_add(t.dims()[ax]).ok_or_else(|| {
                TensorError::arg(op, format!("the sizes along axis {ax} add past usize::MAX"))
            })?;
        }
        let shape = Shape::new(&dims);
        shape.check_addressable(op)?;
        let out_layout = Layout::contiguous(shape.clone());
        let mut out = vec![T::default(); shape.numel()];
        // Each input fills a slab of the output: the output layout narrowed along `axis`.
        let mut start = 0;
        for t in tensors {
            let mut slab = out_layout.clone();
            slab.shape = t.shape().clone();
            slab.offset = start * out_layout.strides[ax] as usize;
            copy_into(&mut out, &slab, &t.storage, &t.layout);
            start += t.dims()[ax];
        }
        Ok(Tensor::from_vec_unchecked(out, shape))
    }

    /// Joins tensors of one shape along a new axis `axis` (`torch.stack`); `axis` ranges over
    /// `-(rank+1)..=rank`. Equivalent to unsqueezing each tensor at `axis` and concatenating.
    ///
    /// # Errors
    /// [`TensorError::InvalidArgument`] for an empty list, [`TensorError::AxisOutOfRange`], and
    /// [`TensorError::ShapeMismatch`] when the shapes differ.
    pub fn stack(tensors: &[&Tensor<T>], axis: isize) -> Result<Tensor<T>> {
        let op = "stack";
        let first = tensors
            .first()
            .ok_or_else(|| TensorError::arg(op, "needs at least one tensor"))?;
        let ax = resolve_axis(op, axis, first.rank() + 1)? as isize;
        let mut views = Vec::with_capacity(tensors.len());
        for t in tensors {
            if t.shape() != first.shape() {
                return Err(TensorError::mismatch(
                    op,
                    first.shape(),
                    t.shape(),
                    "every tensor must have the same shape",
                ));
            }
            views.push(t.unsqueeze(ax)?);
        }
        let refs: Vec<&Tensor<T>> = views.iter().collect();
        Tensor::concat(&refs, ax)
    }
}
