//! Views of variables: reshape, transpose, permute, slicing, squeeze/unsqueeze, expand, flip.
//! Forward they copy nothing (they are tensor views); backward they move the gradient back into
//! the input's shape.

use scalpel_tensor::{Float, Shape, Tensor, TensorError};

use crate::error::Result;
use crate::op::Op;
use crate::var::Var;

fn axis(op: &'static str, axis: isize, rank: usize) -> Result<usize> {
    Ok(scalpel_tensor::shape::resolve_axis(op, axis, rank)?)
}

impl<T: Float> Var<T> {
    /// The same elements in a new shape.
    ///
    /// # Errors
    /// Element counts that differ.
    pub fn reshape(&self, shape: impl Into<Shape>) -> Result<Var<T>> {
        Var::from_op(
            self.value().reshape(shape)?,
            Op::Reshape,
            vec![self.clone()],
        )
    }
    /// Flattens axes `start..=end` into one.
    ///
    /// # Errors
    /// Axes out of range or out of order.
    pub fn flatten(&self, start: isize, end: isize) -> Result<Var<T>> {
        Var::from_op(
            self.value().flatten(start, end)?,
            Op::Reshape,
            vec![self.clone()],
        )
    }
    /// Reorders the axes: output axis `i` is input axis `axes[i]`.
    ///
    /// # Errors
    /// When `axes` is not a permutation.
    pub fn permute(&self, axes: &[isize]) -> Result<Var<T>> {
        let v = self.value().permute(axes)?;
        let rank = self.rank();
        let resolved = axes
            .iter()
            .map(|&a| axis("permute", a, rank))
            .collect::<Result<Vec<_>>>()?;
        Var::from_op(v, Op::Permute(resolved), vec![self.clone()])
    }
    /// Swaps two axes.
    ///
    /// # Errors
    /// Axes out of range.
    pub fn transpose(&self, a: isize, b: isize) -> Result<Var<T>> {
        let rank = self.rank();
        let (a, b) = (axis("transpose", a, rank)?, axis("transpose", b, rank)?);
        let mut perm: Vec<isize> = (0..rank as isize).collect();
        perm.swap(a, b);
        self.permute(&perm)
    }
    /// The last two axes swapped (the matrix transpose); rank < 2 unchanged.
    ///
    /// # Errors
    /// Only anomaly mode.
    pub fn t(&self) -> Result<Var<T>> {
        if self.rank() < 2 {
            return Ok(self.clone());
        }
        self.transpose(-2, -1)
    }
    /// Elements `start, start+step, …` below `end` along `axis`, like `x[start:end:step]`:
    /// both ends are clamped to the dimension, and `start >= end` selects nothing (see
    /// [`Tensor::slice`]).
    ///
    /// # Errors
    /// Axis out of range, or `step == 0`.
    pub fn slice(&self, axis_: isize, start: usize, end: usize, step: usize) -> Result<Var<T>> {
        let v = self.value().slice(axis_, start, end, step)?;
        let ax = axis("slice", axis_, self.rank())?;
        // Where the selection starts once clamped, for the backward pass.
        let start = start.min(end).min(self.dims()[ax]);
        Var::from_op(
            v,
            Op::Slice {
                axis: ax,
                start,
                step,
            },
            vec![self.clone()],
        )
    }
    /// Elements `start..start+len` along `axis`.
    ///
    /// # Errors
    /// When the range does not fit (see [`Tensor::narrow`]).
    pub fn narrow(&self, axis_: isize, start: usize, len: usize) -> Result<Var<T>> {
        // The strict range check, and its error, are the tensor's; the view costs no copy.
        self.value().narrow(axis_, start, len)?;
        self.slice(axis_, start, start + len, 1)
    }
    /// Index `index` along `axis`, removing the axis.
    ///
    /// # Errors
    /// Axis or index out of range.
    pub fn select(&self, axis_: isize, index: usize) -> Result<Var<T>> {
        let v = self.value().select(axis_, index)?;
        let ax = axis("select", axis_, self.rank())?;
        Var::from_op(v, Op::Select { axis: ax, index }, vec![self.clone()])
    }
    /// Removes a size-1 axis.
    ///
    /// # Errors
    /// Axis out of range or not of size 1.
    pub fn squeeze(&self, axis_: isize) -> Result<Var<T>> {
        let v = self.value().squeeze(axis_)?;
        let ax = axis("squeeze", axis_, self.rank())?;
        Var::from_op(v, Op::Squeeze(ax), vec![self.clone()])
    }
    /// Inserts a size-1 axis at `axis` (`-1` appends).
    ///
    /// # Errors
    /// Axis out of range.
    pub fn unsqueeze(&self, axis_: isize) -> Result<Var<T>> {
        let v = self.value().unsqueeze(axis_)?;
        let ax = axis("unsqueeze", axis_, self.rank() + 1)?;
        Var::from_op(v, Op::Unsqueeze(ax), vec![self.clone()])
    }
    /// Broadcasts to `shape` (numpy rules); the gradient is summed back.
    ///
    /// # Errors
    /// Shapes that are not broadcast-compatible.
    pub fn broadcast_to(&self, shape: impl Into<Shape>) -> Result<Var<T>> {
        let shape = shape.into();
        if shape == self.shape() {
            return Ok(self.clone());
        }
        Var::from_op(
            self.value().broadcast_to(shape)?,
            Op::Expand,
            vec![self.clone()],
        )
    }
    /// PyTorch's name for [`broadcast_to`](Self::broadcast_to).
    ///
    /// # Errors
    /// As `broadcast_to`.
    pub fn expand(&self, shape: impl Into<Shape>) -> Result<Var<T>> {
        self.broadcast_to(shape)
    }
    /// Reverses the order along each of `axes`.
    ///
    /// # Errors
    /// Axes out of range or repeated.
    pub fn flip(&self, axes: &[isize]) -> Result<Var<T>> {
        Var::from_op(
            self.value().flip(axes)?,
            Op::Flip(axes.to_vec()),
            vec![self.clone()],
        )
    }
    /// The adjoint of [`slice`](Self::slice): a tensor of `shape` that is zero except along
    /// `axis` at `start, start+step, …`, where it holds `self`. Used by the backward of slicing and
    /// indexing, and differentiable itself.
    ///
    /// # Errors
    /// When `self` does not fit into `shape` that way.
    pub fn slice_grad(
        &self,
        shape: &Shape,
        axis_: usize,
        start: usize,
        step: usize,
    ) -> Result<Var<T>> {
        let v = slice_scatter(&self.value(), shape, axis_, start, step)?;
        Var::from_op(
            v,
            Op::SliceGrad {
                axis: axis_,
                start,
                step,
            },
            vec![self.clone()],
        )
    }
}

/// Zeros of `shape` with `src` written at `start, start+step, …` along `axis`.
fn slice_scatter<T: Float>(
    src: &Tensor<T>,
    shape: &Shape,
    axis: usize,
    start: usize,
    step: usize,
) -> Result<Tensor<T>> {
    let misfit = || {
        TensorError::mismatch(
            "slice_grad",
            src.shape(),
            shape,
            format!("does not fit at {start} step {step} along axis {axis}"),
        )
    };
    let (dims, rank) = (shape.dims(), shape.rank());
    let fits_off_axis = step > 0
        && axis < rank
        && src.rank() == rank
        && (0..rank).all(|i| i == axis || src.dims()[i] == dims[i]);
    if !fits_off_axis {
        return Err(misfit().into());
    }
    let zeros = Tensor::<T>::zeros(shape.clone());
    let Some(last) = src.dims()[axis].checked_sub(1) else {
        // An empty slice takes nothing, so gives nothing back, from anywhere up to the end.
        return if start <= dims[axis] {
            Ok(zeros)
        } else {
            Err(misfit().into())
        };
    };
    // Just past the last element picked, saturating: `step · n` overflows for a huge step.
    let end = start
        .saturating_add(last.saturating_mul(step))
        .saturating_add(1);
    let window = zeros.slice(axis as isize, start, end, step)?;
    if window.shape() != src.shape() {
        return Err(misfit().into());
    }
    let mut data = zeros.to_vec();
    for (o, v) in window.layout().offsets().into_iter().zip(src.to_vec()) {
        data[o] = v;
    }
    Ok(Tensor::from_vec(data, shape.clone())?)
}
