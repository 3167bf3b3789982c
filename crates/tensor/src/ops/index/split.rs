//! `split`, `split_with_sizes`, `chunk` and `unbind`: cut a tensor into views along an axis.

use crate::element::Element;
use crate::error::{Result, TensorError};
use crate::shape::resolve_axis;
use crate::tensor::Tensor;

impl<T: Element> Tensor<T> {
    /// Cuts `axis` into pieces of `split_size` elements, the last one smaller when the size does
    /// not divide (`torch.split` with an integer). The pieces are views: nothing is copied.
    /// A dimension of size 0 gives one empty piece.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let x = Tensor::from_vec1((0..5).collect::<Vec<i64>>());
    /// let parts: Vec<Vec<i64>> = x.split(2, 0).unwrap().iter().map(|p| p.to_vec()).collect();
    /// assert_eq!(parts, vec![vec![0, 1], vec![2, 3], vec![4]]);
    /// ```
    ///
    /// # Errors
    /// [`TensorError::AxisOutOfRange`]; [`TensorError::InvalidArgument`] when `split_size` is 0
    /// and the dimension is not empty.
    pub fn split(&self, split_size: usize, axis: isize) -> Result<Vec<Tensor<T>>> {
        let ax = resolve_axis("split", axis, self.rank())?;
        let size = self.dims()[ax];
        if size == 0 {
            return Ok(vec![self.clone()]);
        }
        if split_size == 0 {
            return Err(TensorError::arg(
                "split",
                format!("split size 0 cannot cut axis {ax} of size {size}"),
            ));
        }
        (0..size)
            .step_by(split_size)
            .map(|start| self.narrow(ax as isize, start, split_size.min(size - start)))
            .collect()
    }

    /// Cuts `axis` into consecutive pieces of the given sizes, which must add up to the size of
    /// the axis (`torch.split` with a list). The pieces are views: nothing is copied.
    ///
    /// # Errors
    /// [`TensorError::AxisOutOfRange`]; [`TensorError::InvalidShape`] when the sizes do not add
    /// up to the dimension.
    pub fn split_with_sizes(&self, sizes: &[usize], axis: isize) -> Result<Vec<Tensor<T>>> {
        let ax = resolve_axis("split_with_sizes", axis, self.rank())?;
        let total = sizes.iter().try_fold(0usize, |acc, &s| acc.checked_add(s));
        if total != Some(self.dims()[ax]) {
            return Err(TensorError::shape(
                "split_with_sizes",
                self.shape(),
                format!("sizes {sizes:?} do not add up to axis {ax}"),
            ));
        }
        let mut start = 0;
        let mut out = Vec::with_capacity(sizes.len());
        for &len in sizes {
            out.push(self.narrow(ax as isize, start, len)?);
            start += len;
        }
        Ok(out)
    }

    /// Cuts `axis` into `chunks` views with `torch.chunk`'s rule: each piece has
    /// `ceil(size / chunks)` elements, the last fewer, so fewer than `chunks` pieces come back
    /// when the size does not allow more (size 5 in 4 chunks gives 2, 2, 1). A dimension of size
    /// 0 gives `chunks` empty pieces.
    ///
    /// # Errors
    /// [`TensorError::AxisOutOfRange`]; [`TensorError::InvalidArgument`] when `chunks` is 0.
    pub fn chunk(&self, chunks: usize, axis: isize) -> Result<Vec<Tensor<T>>> {
        let ax = resolve_axis("chunk", axis, self.rank())?;
        if chunks == 0 {
            return Err(TensorError::arg("chunk", "needs at least one chunk"));
        }
        let size = self.dims()[ax];
        if size == 0 {
            return Ok(vec![self.clone(); chunks]);
        }
        self.split(size.div_ceil(chunks), ax as isize)
    }

    /// Every index along `axis`, as views with that axis removed (`torch.unbind`): the inverse
    /// of [`stack`](Self::stack). A dimension of size 0 gives no pieces.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let x = Tensor::from_vec((0..6).collect::<Vec<i64>>(), [2, 3]).unwrap();
    /// let columns: Vec<Vec<i64>> = x.unbind(1).unwrap().iter().map(|c| c.to_vec()).collect();
    /// assert_eq!(columns, vec![vec![0, 3], vec![1, 4], vec![2, 5]]);
    /// ```
    ///
    /// # Errors
    /// [`TensorError::AxisOutOfRange`].
    pub fn unbind(&self, axis: isize) -> Result<Vec<Tensor<T>>> {
        let ax = resolve_axis("unbind", axis, self.rank())?;
        (0..self.dims()[ax])
            .map(|i| self.select(ax as isize, i))
            .collect()
    }
}
