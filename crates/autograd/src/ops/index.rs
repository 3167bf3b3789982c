//! Joining, splitting and indexing of variables: concat, stack, split, chunk, unbind, roll,
//! gather, scatter_add, index_select, index_add, pad, repeat.

use scalpel_tensor::ops::index::roll::roll_parts;
use scalpel_tensor::shape::resolve_axis;
use scalpel_tensor::{Float, Tensor, TensorError};

use crate::error::Result;
use crate::op::Op;
use crate::var::Var;

impl<T: Float> Var<T> {
    /// Joins variables along an existing axis.
    ///
    /// # Errors
    /// No inputs, or shapes that differ off the axis.
    pub fn concat(vars: &[&Var<T>], axis: isize) -> Result<Var<T>> {
        let values: Vec<Tensor<T>> = vars.iter().map(|v| v.value()).collect();
        let refs: Vec<&Tensor<T>> = values.iter().collect();
        let v = Tensor::concat(&refs, axis)?;
        let ax = resolve_axis("concat", axis, v.rank())?;
        let sizes = values.iter().map(|t| t.dims()[ax]).collect();
        Var::from_op(
            v,
            Op::Concat { axis: ax, sizes },
            vars.iter().map(|v| (*v).clone()).collect(),
        )
    }
    /// Joins variables along a new axis.
    ///
    /// # Errors
    /// No inputs, or shapes that differ.
    pub fn stack(vars: &[&Var<T>], axis: isize) -> Result<Var<T>> {
        let first = vars
            .first()
            .ok_or_else(|| TensorError::arg("stack", "no variables to stack"))?;
        let ax = resolve_axis("stack", axis, first.rank() + 1)? as isize;
        let expanded = vars
            .iter()
            .map(|v| v.unsqueeze(ax))
            .collect::<Result<Vec<_>>>()?;
        Var::concat(&expanded.iter().collect::<Vec<_>>(), ax)
    }
    /// Splits into pieces of `size` along `axis` (the last may be smaller).
    ///
    /// # Errors
    /// Axis out of range or `size == 0`.
    pub fn split(&self, size: usize, axis: isize) -> Result<Vec<Var<T>>> {
        let ax = resolve_axis("split", axis, self.rank())?;
        if size == 0 {
            return Err(TensorError::arg("split", "split size must be positive").into());
        }
        let n = self.dims()[ax];
        (0..n)
            .step_by(size)
            .map(|s| self.narrow(ax as isize, s, size.min(n - s)))
            .collect()
    }
    /// Splits into `chunks` nearly equal pieces along `axis` (torch.chunk).
    ///
    /// # Errors
    /// Axis out of range or `chunks == 0`.
    pub fn chunk(&self, chunks: usize, axis: isize) -> Result<Vec<Var<T>>> {
        let ax = resolve_axis("chunk", axis, self.rank())?;
        if chunks == 0 {
            return Err(TensorError::arg("chunk", "number of chunks must be positive").into());
        }
        let size = self.dims()[ax].div_ceil(chunks).max(1);
        self.split(size, axis)
    }
    /// Every index along `axis`, as variables with that axis removed (torch.unbind); the
    /// inverse of [`stack`](Self::stack).
    ///
    /// # Errors
    /// Axis out of range.
    pub fn unbind(&self, axis: isize) -> Result<Vec<Var<T>>> {
        let ax = resolve_axis("unbind", axis, self.rank())?;
        (0..self.dims()[ax])
            .map(|i| self.select(ax as isize, i))
            .collect()
    }
    /// Shifts elements by `shifts[i]` places along `axes[i]`, wrapping around, as
    /// [`Tensor::roll`]; the gradient is rolled back.
    ///
    /// ```
    /// use scalpel_autograd::Var;
    /// use scalpel_tensor::Tensor;
    /// let x = Var::parameter(Tensor::from_vec((0..6).map(f64::from).collect(), [2, 3]).unwrap());
    /// let y = x.roll(&[-1, 1], &[1, 0]).unwrap();
    /// assert_eq!(y.value().to_vec(), vec![4.0, 5.0, 3.0, 1.0, 2.0, 0.0]);
    /// ```
    ///
    /// # Errors
    /// `shifts` and `axes` of different lengths, or an axis out of range or repeated.
    pub fn roll(&self, shifts: &[isize], axes: &[isize]) -> Result<Var<T>> {
        let mut out = self.clone();
        for (axis, keep) in roll_parts("roll", &self.dims(), shifts, axes)? {
            let (n, ax) = (out.dims()[axis], axis as isize);
            let (tail, head) = (out.narrow(ax, keep, n - keep)?, out.narrow(ax, 0, keep)?);
            out = Var::concat(&[&tail, &head], ax)?;
        }
        Ok(out)
    }
    /// `out[…i…] = self[…index[…i…]…]` along `axis` (torch.gather).
    ///
    /// # Errors
    /// Shapes or indices out of range.
    pub fn gather(&self, axis: isize, index: &Tensor<i64>) -> Result<Var<T>> {
        let v = self.value().gather(axis, index)?;
        let ax = resolve_axis("gather", axis, self.rank())?;
        Var::from_op(
            v,
            Op::Gather {
                axis: ax,
                index: index.clone(),
            },
            vec![self.clone()],
        )
    }
    /// `self` plus `src` added at `index` along `axis`; duplicates accumulate (`np.add.at`).
    ///
    /// # Errors
    /// Shapes or indices out of range.
    pub fn scatter_add(&self, axis: isize, index: &Tensor<i64>, src: &Var<T>) -> Result<Var<T>> {
        let v = self.value().scatter_add(axis, index, &src.value())?;
        let ax = resolve_axis("scatter_add", axis, self.rank())?;
        Var::from_op(
            v,
            Op::ScatterAdd {
                axis: ax,
                index: index.clone(),
            },
            vec![self.clone(), src.clone()],
        )
    }
    /// The slices at `indices` (1-D) along `axis`, e.g. embedding rows.
    ///
    /// # Errors
    /// Indices out of range.
    pub fn index_select(&self, axis: isize, indices: &Tensor<i64>) -> Result<Var<T>> {
        let v = self.value().index_select(axis, indices)?;
        let ax = resolve_axis("index_select", axis, self.rank())?;
        Var::from_op(
            v,
            Op::IndexSelect {
                axis: ax,
                index: indices.clone(),
            },
            vec![self.clone()],
        )
    }
    /// `self` with the slices of `src` added at `indices` (1-D) along `axis`.
    ///
    /// # Errors
    /// Shapes or indices out of range.
    pub fn index_add(&self, axis: isize, indices: &Tensor<i64>, src: &Var<T>) -> Result<Var<T>> {
        let v = self.value().index_add(axis, indices, &src.value())?;
        let ax = resolve_axis("index_add", axis, self.rank())?;
        Var::from_op(
            v,
            Op::IndexAdd {
                axis: ax,
                index: indices.clone(),
            },
            vec![self.clone(), src.clone()],
        )
    }
    /// Pads the last `pads.len()` axes with the constant `value` (pairs in axis order).
    ///
    /// # Errors
    /// More pairs than axes.
    pub fn pad(&self, pads: &[(usize, usize)], value: T) -> Result<Var<T>> {
        let v = self.value().pad(pads, value)?;
        Var::from_op(
            v,
            Op::Pad {
                widths: pads.to_vec(),
            },
            vec![self.clone()],
        )
    }
    /// Tiles the variable `repeats[i]` times along axis `i` (torch.repeat / numpy.tile);
    /// built from reshape and broadcast, so its gradient sums the tiles.
    ///
    /// # Errors
    /// Fewer repeats than axes.
    pub fn repeat(&self, repeats: &[usize]) -> Result<Var<T>> {
        if repeats.len() < self.rank() {
            return Err(TensorError::shape(
                "repeat",
                &self.shape(),
                format!("{} repeats for rank {}", repeats.len(), self.rank()),
            )
            .into());
        }
        let mut dims = vec![1usize; repeats.len() - self.rank()];
        dims.extend(self.dims());
        let interleaved: Vec<usize> = dims.iter().flat_map(|&d| [1, d]).collect();
        let expanded: Vec<usize> = dims
            .iter()
            .zip(repeats)
            .flat_map(|(&d, &r)| [r, d])
            .collect();
        let out: Vec<usize> = dims.iter().zip(repeats).map(|(&d, &r)| d * r).collect();
        self.reshape(interleaved)?
            .broadcast_to(expanded)?
            .reshape(out)
    }
}
