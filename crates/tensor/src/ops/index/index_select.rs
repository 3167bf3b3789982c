//! `index_select`: pick whole slices along an axis by a list of indices.

use super::{checked_index, copy_into};
use crate::element::Element;
use crate::error::{Result, TensorError};
use crate::layout::Layout;
use crate::shape::{resolve_axis, Shape};
use crate::tensor::Tensor;

impl<T: Element> Tensor<T> {
    /// `torch.index_select`: slice `indices[k]` of `self` along `axis` becomes slice `k` of the
    /// result, whose shape is `self`'s with `indices.numel()` along `axis`. Indices may repeat.
    /// An embedding lookup is `table.index_select(0, &ids)`; on a contiguous tensor each slice
    /// is copied as whole rows.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let table = Tensor::from_vec(vec![0, 1, 10, 11, 20, 21], [3, 2]).unwrap();
    /// let ids = Tensor::from_vec1(vec![2i64, 0, 2]);
    /// assert_eq!(table.index_select(0, &ids).unwrap().to_vec(), vec![20, 21, 0, 1, 20, 21]);
    /// ```
    ///
    /// # Errors
    /// [`TensorError::AxisOutOfRange`]; [`TensorError::InvalidShape`] when `indices` is not
    /// 1-D; [`TensorError::IndexOutOfRange`] for an index outside `0..self.dims()[axis]`
    /// (negative ones included).
    pub fn index_select(&self, axis: isize, indices: &Tensor<i64>) -> Result<Tensor<T>> {
        let op = "index_select";
        let ax = resolve_axis(op, axis, self.rank())?;
        if indices.rank() != 1 {
            return Err(TensorError::shape(
                op,
                indices.shape(),
                "indices must be 1-D",
            ));
        }
        let picks = indices
            .to_vec()
            .into_iter()
            .map(|i| checked_index(op, i, ax, self.shape()))
            .collect::<Result<Vec<_>>>()?;
        let mut dims = self.dims().to_vec();
        dims[ax] = picks.len();
        let shape = Shape::new(&dims);
        if let Some(data) = self.as_slice() {
            return Ok(select_contiguous(data, self.dims(), ax, &picks, shape));
        }
        let mut out = vec![T::default(); shape.numel()];
        let out_layout = Layout::contiguous(shape.clone());
        for (k, &i) in picks.iter().enumerate() {
            let mut dst = out_layout.clone();
            dst.offset = k * out_layout.strides[ax] as usize;
            dst.shape.dims_mut().remove(ax);
            dst.strides.remove(ax);
            let slice = self.select(ax as isize, i)?;
            copy_into(&mut out, &dst, &self.storage, &slice.layout);
        }
        Ok(Tensor::from_vec_unchecked(out, shape))
    }
}

/// `index_select` on row-major `data` of shape `dims`: each pick copies one contiguous block of
/// the trailing axes per position of the leading ones.
fn select_contiguous<T: Element>(
    data: &[T],
    dims: &[usize],
    axis: usize,
    picks: &[usize],
    shape: Shape,
) -> Tensor<T> {
    let outer: usize = dims[..axis].iter().product();
    let inner: usize = dims[axis + 1..].iter().product();
    let block = dims[axis] * inner;
    let mut out = Vec::with_capacity(shape.numel());
    for o in 0..outer {
        let src = &data[o * block..(o + 1) * block];
        for &i in picks {
            out.extend_from_slice(&src[i * inner..(i + 1) * inner]);
        }
    }
    Tensor::from_vec_unchecked(out, shape)
}
