//! Zero-copy views: reshape (when the layout allows), transpose, permute, narrow, strided slice,
//! squeeze/unsqueeze, expand/broadcast, flip. Each builds a new [`Layout`] over the same storage.

use smallvec::SmallVec;

use crate::element::Element;
use crate::error::{Result, TensorError};
use crate::layout::{Layout, Strides};
use crate::shape::{resolve_axes, resolve_axis, Shape};
use crate::tensor::Tensor;

impl<T: Element> Tensor<T> {
    fn with_layout(&self, layout: Layout) -> Tensor<T> {
        Tensor {
            storage: self.storage.clone(),
            layout,
        }
    }

    /// The same elements in a new shape: a view when the strides allow it (always for contiguous
    /// tensors), otherwise a contiguous copy, like PyTorch's `reshape`.
    ///
    /// # Errors
    /// [`TensorError::ElementCount`] when the element counts differ; [`TensorError::InvalidShape`]
    /// for a shape too large to lay out (see [`Shape::check_addressable`]).
    pub fn reshape(&self, shape: impl Into<Shape>) -> Result<Tensor<T>> {
        let shape = shape.into();
        if shape.numel() == self.numel() {
            shape.check_addressable("reshape")?;
        }
        match self.view(shape.clone()) {
            Ok(v) => Ok(v),
            Err(TensorError::ElementCount { .. }) => Err(TensorError::ElementCount {
                op: "reshape",
                expected: shape.numel(),
                got: self.numel(),
                shape: Box::new(shape),
            }),
            Err(_) => Ok(Tensor::from_vec_unchecked(self.to_vec(), shape)),
        }
    }

    /// Reshape where one dimension may be `-1`, inferred from the element count.
    ///
    /// # Errors
    /// More than one `-1`, another negative size, or a count that does not divide.
    pub fn reshape_infer(&self, dims: &[isize]) -> Result<Tensor<T>> {
        let shape = infer_shape("reshape", self.shape(), dims)?;
        self.reshape(shape)
    }

    /// A view in a new shape, never a copy (PyTorch's `view`).
    ///
    /// # Errors
    /// [`TensorError::ElementCount`] when counts differ, [`TensorError::InvalidShape`] when the
    /// strides of `self` cannot express the new shape (call [`reshape`](Self::reshape) instead).
    pub fn view(&self, shape: impl Into<Shape>) -> Result<Tensor<T>> {
        let shape = shape.into();
        if shape.numel() != self.numel() {
            return Err(TensorError::ElementCount {
                op: "view",
                expected: shape.numel(),
                got: self.numel(),
                shape: Box::new(shape),
            });
        }
        shape.check_addressable("view")?;
        if shape.numel() == 0 {
            // Nothing to address: any strides will do, and an offset of 0 is in every storage.
            let strides = shape.contiguous_strides();
            return Ok(self.with_layout(Layout::from_parts(shape, strides, 0)));
        }
        if self.is_contiguous() {
            let strides = shape.contiguous_strides();
            return Ok(self.with_layout(Layout::from_parts(shape, strides, self.layout.offset)));
        }
        match view_strides(&self.layout, &shape) {
            Some(strides) => {
                Ok(self.with_layout(Layout::from_parts(shape, strides, self.layout.offset)))
            }
            None => Err(TensorError::shape(
                "view",
                self.shape(),
                format!(
                    "strides {:?} cannot be viewed as {shape}; use reshape",
                    self.strides()
                ),
            )),
        }
    }

    /// Flattens dimensions `start..=end` into one (negative axes count from the end).
    ///
    /// # Errors
    /// [`TensorError::AxisOutOfRange`] or `start > end`.
    pub fn flatten(&self, start: isize, end: isize) -> Result<Tensor<T>> {
        if self.rank() == 0 {
            return self.reshape([1]);
        }
        let s = resolve_axis("flatten", start, self.rank())?;
        let e = resolve_axis("flatten", end, self.rank())?;
        if s > e {
            return Err(TensorError::arg(
                "flatten",
                format!("start axis {s} is after end axis {e}"),
            ));
        }
        let d = self.dims();
        let mut dims: Vec<usize> = d[..s].to_vec();
        dims.push(d[s..=e].iter().product());
        dims.extend_from_slice(&d[e + 1..]);
        self.reshape(dims)
    }

    /// Swaps two axes (a view).
    ///
    /// # Errors
    /// [`TensorError::AxisOutOfRange`].
    pub fn transpose(&self, a: isize, b: isize) -> Result<Tensor<T>> {
        let a = resolve_axis("transpose", a, self.rank())?;
        let b = resolve_axis("transpose", b, self.rank())?;
        let mut l = self.layout.clone();
        l.shape.dims_mut().swap(a, b);
        l.strides.swap(a, b);
        Ok(self.with_layout(l))
    }

    /// The transpose of a matrix, or the last two axes swapped for rank ≥ 2 (a view). Rank 0 and
    /// 1 tensors are returned unchanged.
    pub fn t(&self) -> Tensor<T> {
        if self.rank() < 2 {
            return self.clone();
        }
        self.transpose(-2, -1)
            .expect("rank >= 2 has axes -2 and -1")
    }

    /// Reorders the axes: output axis `i` is input axis `axes[i]` (a view).
    ///
    /// # Errors
    /// When `axes` is not a permutation of `0..rank`.
    pub fn permute(&self, axes: &[isize]) -> Result<Tensor<T>> {
        if axes.len() != self.rank() {
            return Err(TensorError::shape(
                "permute",
                self.shape(),
                format!("{} axes given for rank {}", axes.len(), self.rank()),
            ));
        }
        resolve_axes("permute", axes, self.rank())?;
        let mut dims: SmallVec<[usize; 6]> = SmallVec::new();
        let mut strides = Strides::new();
        for &a in axes {
            let a = resolve_axis("permute", a, self.rank())?;
            dims.push(self.dims()[a]);
            strides.push(self.strides()[a]);
        }
        Ok(self.with_layout(Layout::from_parts(dims.into(), strides, self.layout.offset)))
    }

    /// Elements `start..start+len` along `axis` (a view).
    ///
    /// # Errors
    /// When the range does not fit in the dimension.
    pub fn narrow(&self, axis: isize, start: usize, len: usize) -> Result<Tensor<T>> {
        let ax = resolve_axis("narrow", axis, self.rank())?;
        let size = self.dims()[ax];
        match start.checked_add(len) {
            Some(end) if end <= size => self.slice(axis, start, end, 1),
            _ => Err(TensorError::arg(
                "narrow",
                format!(
                    "{len} elements from {start} do not fit dimension {ax} of size {size} \
                     (shape {:?})",
                    self.dims()
                ),
            )),
        }
    }

    /// Elements `start, start+step, …` below `end` along `axis`, like `x[start:end:step]` (a
    /// view). As in Python, `start` and `end` are clamped to the dimension, and a range with
    /// `start >= end` selects nothing: `x[5:2]` and `x[7:]` of a dimension of 4 are empty.
    /// [`narrow`](Self::narrow) is the strict form.
    ///
    /// # Errors
    /// An axis out of range, or `step == 0`.
    pub fn slice(&self, axis: isize, start: usize, end: usize, step: usize) -> Result<Tensor<T>> {
        let ax = resolve_axis("slice", axis, self.rank())?;
        let size = self.dims()[ax];
        if step == 0 {
            return Err(TensorError::arg(
                "slice",
                format!(
                    "step 0 for range {start}..{end} of dimension {ax} (shape {:?}): the step \
                     must be positive",
                    self.dims()
                ),
            ));
        }
        let end = end.min(size);
        let start = start.min(end);
        let n = (end - start).div_ceil(step);
        let mut l = self.layout.clone();
        let stride = l.strides[ax];
        if n > 0 {
            l.offset = (l.offset as isize + start as isize * stride) as usize;
        }
        l.shape.dims_mut()[ax] = n;
        // With one element or none the stride is never used, and a huge step would overflow it.
        if n > 1 {
            l.strides[ax] = stride * step as isize;
        }
        Ok(self.with_layout(l))
    }

    /// Index `i` along `axis`, removing that axis (a view): `x.select(0, i)` is `x[i]`.
    ///
    /// # Errors
    /// Axis or index out of range.
    pub fn select(&self, axis: isize, index: usize) -> Result<Tensor<T>> {
        let ax = resolve_axis("select", axis, self.rank())?;
        let size = self.dims()[ax];
        if index >= size {
            return Err(TensorError::index(
                "select",
                index as i128,
                ax,
                self.shape(),
            ));
        }
        let mut l = self.layout.clone();
        l.offset = (l.offset as isize + index as isize * l.strides[ax]) as usize;
        l.shape.dims_mut().remove(ax);
        l.strides.remove(ax);
        Ok(self.with_layout(l))
    }

    /// Removes axis `axis`, which must have size 1 (a view).
    ///
    /// # Errors
    /// Axis out of range or of size ≠ 1.
    pub fn squeeze(&self, axis: isize) -> Result<Tensor<T>> {
        let ax = resolve_axis("squeeze", axis, self.rank())?;
        if self.dims()[ax] != 1 {
            return Err(TensorError::shape(
                "squeeze",
                self.shape(),
                format!("axis {ax} has size {}", self.dims()[ax]),
            ));
        }
        let mut l = self.layout.clone();
        l.shape.dims_mut().remove(ax);
        l.strides.remove(ax);
        Ok(self.with_layout(l))
    }

    /// Removes every axis of size 1 (a view).
    pub fn squeeze_all(&self) -> Tensor<T> {
        let mut l = self.layout.clone();
        let keep: Vec<usize> = (0..self.rank()).filter(|&i| self.dims()[i] != 1).collect();
        l.shape = Shape::new(&keep.iter().map(|&i| self.dims()[i]).collect::<Vec<_>>());
        l.strides = keep.iter().map(|&i| self.strides()[i]).collect();
        self.with_layout(l)
    }

    /// Inserts an axis of size 1 at position `axis` (`-1` appends) (a view).
    ///
    /// # Errors
    /// Axis outside `-(rank+1)..=rank`.
    pub fn unsqueeze(&self, axis: isize) -> Result<Tensor<T>> {
        let ax = resolve_axis("unsqueeze", axis, self.rank() + 1)?;
        let mut l = self.layout.clone();
        let stride = if ax < self.rank() {
            l.strides[ax] * self.dims()[ax] as isize
        } else {
            1
        };
        l.shape.dims_mut().insert(ax, 1);
        l.strides.insert(ax, stride);
        Ok(self.with_layout(l))
    }

    /// Broadcasts to `shape` under numpy's rules with stride-0 axes (a view, no copy).
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`] when the shapes are not broadcast-compatible this way.
    pub fn broadcast_to(&self, shape: impl Into<Shape>) -> Result<Tensor<T>> {
        let shape = shape.into();
        Ok(self.with_layout(broadcast_layout("broadcast_to", &self.layout, &shape)?))
    }

    /// [`broadcast_to`](Self::broadcast_to) under PyTorch's name; its errors name `expand`.
    ///
    /// # Errors
    /// As for `broadcast_to`.
    pub fn expand(&self, shape: impl Into<Shape>) -> Result<Tensor<T>> {
        let shape = shape.into();
        Ok(self.with_layout(broadcast_layout("expand", &self.layout, &shape)?))
    }

    /// Reverses the order of elements along each of `axes` (a view with negative strides).
    ///
    /// # Errors
    /// Axis out of range or repeated.
    pub fn flip(&self, axes: &[isize]) -> Result<Tensor<T>> {
        let axes = resolve_axes("flip", axes, self.rank())?;
        let mut l = self.layout.clone();
        for &a in &axes {
            let n = l.shape[a];
            if n > 0 {
                l.offset = (l.offset as isize + (n as isize - 1) * l.strides[a]) as usize;
            }
            l.strides[a] = -l.strides[a];
        }
        Ok(self.with_layout(l))
    }
}

/// The layout of `src` broadcast to `shape` (stride 0 on new or size-1 axes).
pub(crate) fn broadcast_layout(op: &'static str, src: &Layout, shape: &Shape) -> Result<Layout> {
    shape.check_addressable(op)?;
    let (r, sr) = (shape.rank(), src.shape.rank());
    let fail = || {
        TensorError::mismatch(
            op,
            &src.shape,
            shape,
            "cannot broadcast the first shape to the second",
        )
    };
    if sr > r {
        return Err(fail());
    }
    let mut strides: Strides = SmallVec::from_elem(0, r);
    for i in 0..sr {
        let (d, s) = (src.shape[sr - 1 - i], src.strides[sr - 1 - i]);
        let target = shape[r - 1 - i];
        strides[r - 1 - i] = if d == target {
            s
        } else if d == 1 {
            0
        } else {
            return Err(fail());
        };
    }
    Ok(Layout::from_parts(shape.clone(), strides, src.offset))
}

/// Resolves a shape with at most one `-1` against an element count.
pub(crate) fn infer_shape(op: &'static str, from: &Shape, dims: &[isize]) -> Result<Shape> {
    let known = dims
        .iter()
        .filter(|&&d| d >= 0)
        .try_fold(1usize, |acc, &d| acc.checked_mul(d as usize))
        .ok_or_else(|| {
            TensorError::arg(op, format!("{dims:?}: the sizes multiply past usize::MAX"))
        })?;
    let infer: Vec<usize> = (0..dims.len()).filter(|&i| dims[i] < 0).collect();
    if infer.len() > 1 || dims.iter().any(|&d| d < -1) {
        return Err(TensorError::arg(
            op,
            format!("{dims:?}: only one dimension may be -1"),
        ));
    }
    let mut out: Vec<usize> = dims.iter().map(|&d| d.max(0) as usize).collect();
    if let Some(&i) = infer.first() {
        if known == 0 || !from.numel().is_multiple_of(known) {
            return Err(TensorError::shape(
                op,
                from,
                format!("cannot infer -1 in {dims:?}"),
            ));
        }
        out[i] = from.numel() / known;
    }
    Ok(Shape::new(&out))
}

/// Strides that view `layout`'s elements in row-major order as `shape`, if any exist
/// (the algorithm of PyTorch's `computeStride`: match runs of old dimensions that are
/// contiguous with each other against runs of new dimensions with the same element count).
fn view_strides(layout: &Layout, shape: &Shape) -> Option<Strides> {
    let old_dims = layout.shape.dims();
    let old_strides = layout.strides();
    let mut new_strides: Strides = SmallVec::from_elem(0, shape.rank());
    if old_dims.is_empty() {
        return Some(shape.contiguous_strides());
    }
    let mut view_d = shape.rank() as isize - 1;
    let mut chunk_base_stride = *old_strides.last().unwrap();
    let mut tensor_numel = 1usize;
    let mut view_numel = 1usize;
    for tensor_d in (0..old_dims.len()).rev() {
        tensor_numel *= old_dims[tensor_d];
        let chunk_ends = tensor_d == 0
            || (old_dims[tensor_d - 1] != 1
                && old_strides[tensor_d - 1] != tensor_numel as isize * chunk_base_stride);
        if chunk_ends {
            while view_d >= 0 && (view_numel < tensor_numel || shape[view_d as usize] == 1) {
                new_strides[view_d as usize] = view_numel as isize * chunk_base_stride;
                view_numel *= shape[view_d as usize];
                view_d -= 1;
            }
            if view_numel != tensor_numel {
                return None;
            }
            if tensor_d > 0 {
                chunk_base_stride = old_strides[tensor_d - 1];
                tensor_numel = 1;
                view_numel = 1;
            }
        }
    }
    if view_d != -1 {
        return None;
    }
    Some(new_strides)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(n: usize, dims: &[usize]) -> Tensor<i64> {
        Tensor::from_vec((0..n as i64).collect(), dims).unwrap()
    }

    #[test]
    fn transpose_then_reshape_copies_in_logical_order() {
        let x = t(6, &[2, 3]).t();
        assert_eq!(x.to_vec(), vec![0, 3, 1, 4, 2, 5]);
        assert!(x.view([6]).is_err());
        assert_eq!(x.reshape([6]).unwrap().to_vec(), vec![0, 3, 1, 4, 2, 5]);
    }

    #[test]
    fn view_of_a_narrowed_tensor_splits_a_dimension_without_copy() {
        let x = t(24, &[4, 6]).narrow(0, 1, 2).unwrap(); // rows 1..3, still row-contiguous
        let v = x.view([2, 2, 3]).unwrap();
        assert!(v.shares_storage_with(&x));
        assert_eq!(v.to_vec(), (6..18).collect::<Vec<_>>());
    }

    #[test]
    fn an_empty_view_of_any_strides_views_as_any_empty_shape() {
        let x = t(6, &[2, 3]).narrow(1, 1, 0).unwrap().flip(&[0]).unwrap();
        assert!(!x.is_contiguous());
        for shape in [vec![0usize, 1], vec![3, 0, 2], vec![0]] {
            assert_eq!(x.view(shape.as_slice()).unwrap().dims(), shape.as_slice());
        }
        // Column 1 of a (0, 2) tensor starts past its empty storage, and reads as empty.
        let column = Tensor::<f32>::zeros([0, 2]).select(1, 1).unwrap();
        assert_eq!(column.as_slice(), Some(&[][..]));
        assert_eq!(column.view([0, 5]).unwrap().to_vec(), Vec::<f32>::new());
        assert_eq!((column.sum_all(), column.contiguous().numel()), (0.0, 0));
    }

    #[test]
    fn a_wrong_element_count_names_the_shape_asked_for() {
        let x = t(6, &[2, 3]);
        let e = x.reshape([4]).unwrap_err().to_string();
        assert_eq!(e, "reshape: shape [4] needs 4 elements, got 6");
        let e = x.view([2, 2]).unwrap_err().to_string();
        assert_eq!(e, "view: shape [2, 2] needs 4 elements, got 6");
    }

    #[test]
    fn narrow_past_the_end_is_an_error_not_a_shorter_view() {
        let x = t(4, &[4]);
        assert_eq!(x.narrow(0, 3, 1).unwrap().to_vec(), vec![3]);
        assert_eq!(x.narrow(0, 4, 0).unwrap().numel(), 0);
        for (start, len) in [(3, 2), (4, 1), (5, 0), (1, usize::MAX)] {
            let e = x.narrow(0, start, len).unwrap_err().to_string();
            assert!(e.starts_with("narrow:") && e.contains("size 4"), "{e}");
        }
        // slice, unlike narrow, clamps its range as Python does: x[2:10], x[5:10], x[3:1]
        assert_eq!(x.slice(0, 2, 10, 1).unwrap().to_vec(), vec![2, 3]);
        // x[1::huge] and x[0::2⁶²] pick one element; the step never enters a stride, where
        // with the row stride 3 of m it would overflow
        assert_eq!(x.slice(0, 1, 4, usize::MAX).unwrap().to_vec(), vec![1]);
        assert_eq!(
            x.slice(0, 0, usize::MAX, 1 << 62).unwrap().to_vec(),
            vec![0]
        );
        let m = t(12, &[4, 3]);
        assert_eq!(m.slice(0, 1, 4, 1 << 62).unwrap().to_vec(), vec![3, 4, 5]);
        assert_eq!(x.slice(0, 5, 10, 1).unwrap().dims(), &[0]);
        assert_eq!(x.slice(0, 3, 1, 1).unwrap().dims(), &[0]);
        let e = x.slice(0, 1, 3, 0).unwrap_err().to_string();
        assert_eq!(
            e,
            "slice: step 0 for range 1..3 of dimension 0 (shape [4]): the step must be positive"
        );
    }

    #[test]
    fn slice_with_step_and_flip_match_python_indexing() {
        let x = t(10, &[10]);
        assert_eq!(x.slice(0, 1, 10, 3).unwrap().to_vec(), vec![1, 4, 7]);
        assert_eq!(
            x.flip(&[0]).unwrap().to_vec(),
            (0..10).rev().collect::<Vec<_>>()
        );
        let m = t(6, &[2, 3]).flip(&[1]).unwrap();
        assert_eq!(m.to_vec(), vec![2, 1, 0, 5, 4, 3]);
    }

    #[test]
    fn expand_repeats_through_zero_strides() {
        let x = t(3, &[3, 1]).expand([3, 4]).unwrap();
        assert_eq!(x.strides(), &[1, 0]);
        assert_eq!(x.to_vec(), vec![0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
        assert!(t(3, &[3]).expand([4, 2]).is_err());
    }

    #[test]
    fn squeeze_unsqueeze_permute_select() {
        let x = t(6, &[1, 2, 3]);
        assert_eq!(x.squeeze(0).unwrap().dims(), &[2, 3]);
        assert!(x.squeeze(1).is_err());
        assert_eq!(x.unsqueeze(-1).unwrap().dims(), &[1, 2, 3, 1]);
        let p = x.permute(&[2, 0, 1]).unwrap();
        assert_eq!(p.dims(), &[3, 1, 2]);
        assert_eq!(p.to_vec(), vec![0, 3, 1, 4, 2, 5]);
        assert_eq!(x.select(1, 1).unwrap().to_vec(), vec![3, 4, 5]);
        assert!(x.permute(&[0, 0, 1]).is_err());
    }

    #[test]
    fn reshape_infers_minus_one() {
        assert_eq!(
            t(12, &[12]).reshape_infer(&[3, -1]).unwrap().dims(),
            &[3, 4]
        );
        assert!(t(12, &[12]).reshape_infer(&[5, -1]).is_err());
        assert!(t(12, &[12]).reshape([5]).is_err());
    }
}
