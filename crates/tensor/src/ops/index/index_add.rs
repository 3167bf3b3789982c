//! `index_add`: the adjoint of `index_select`, accumulating repeated indices.

use super::{checked_index, zip_into};
use crate::element::Numeric;
use crate::error::{Result, TensorError};
use crate::layout::Layout;
use crate::shape::{resolve_axis, Shape};
use crate::tensor::Tensor;

impl<T: Numeric> Tensor<T> {
    /// `torch.index_add`: a copy of `self` where slice `k` of `src` along `axis` is added to
    /// slice `indices[k]`; repeated indices accumulate. This is the backward pass of
    /// [`index_select`](Self::index_select) (and of an embedding lookup).
    ///
    /// `indices` is 1-D; `src` has `self`'s shape except `indices.numel()` along `axis`.
    ///
    /// # Errors
    /// [`TensorError::AxisOutOfRange`]; [`TensorError::InvalidShape`] when `indices` is not 1-D;
    /// [`TensorError::ShapeMismatch`] when `src` has the wrong shape;
    /// [`TensorError::IndexOutOfRange`] for an index outside `0..self.dims()[axis]`.
    pub fn index_add(
        &self,
        axis: isize,
        indices: &Tensor<i64>,
        src: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        let op = "index_add";
        let ax = resolve_axis(op, axis, self.rank())?;
        if indices.rank() != 1 {
            return Err(TensorError::shape(
                op,
                indices.shape(),
                "indices must be 1-D",
            ));
        }
        let mut expected = self.dims().to_vec();
        expected[ax] = indices.numel();
        if src.dims() != expected {
            return Err(TensorError::mismatch(
                op,
                self.shape(),
                src.shape(),
                format!(
                    "src must be {} (the tensor's shape, axis {ax} as long as the {} indices)",
                    Shape::new(&expected),
                    indices.numel()
                ),
            ));
        }
        let rows = indices
            .to_vec()
            .into_iter()
            .map(|i| checked_index(op, i, ax, self.shape()))
            .collect::<Result<Vec<_>>>()?;
        let mut out = self.to_vec();
        let out_layout = Layout::contiguous(self.shape().clone());
        for (k, &i) in rows.iter().enumerate() {
            let mut dst = out_layout.clone();
            dst.offset = i * out_layout.strides[ax] as usize;
            dst.shape.dims_mut().remove(ax);
            dst.strides.remove(ax);
            let slice = src.select(ax as isize, k)?;
            zip_into(&mut out, &dst, &src.storage, &slice.layout, |o, x| *o += x);
        }
        Ok(Tensor::from_vec_unchecked(out, self.shape().clone()))
    }
}
