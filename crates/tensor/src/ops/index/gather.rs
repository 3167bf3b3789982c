//! `gather`: pick one element along an axis for every position of an index tensor.

use super::checked_index;
use crate::element::Element;
use crate::error::{Result, TensorError};
use crate::layout::for_each_row;
use crate::shape::{resolve_axis, Shape};
use crate::tensor::Tensor;

impl<T: Element> Tensor<T> {
    /// `torch.gather`: the result has the shape of `index`, and along axis `a`
    /// `out[i₀, …, iₐ, …] = self[i₀, …, index[i₀, …, iₐ, …], …]`.
    ///
    /// `index` has the rank of `self` and, on every axis but `axis`, a size no larger than
    /// `self`'s. When `self` is contiguous, `axis` is 0 and `index` holds one value per row
    /// (shape `[n, 1, …]` expanded to full rows), whole rows are copied.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let x = Tensor::from_vec(vec![1, 2, 3, 4], [2, 2]).unwrap();
    /// let i = Tensor::from_vec(vec![0i64, 0, 1, 0], [2, 2]).unwrap();
    /// assert_eq!(x.gather(1, &i).unwrap().to_vec(), vec![1, 1, 4, 3]);
    /// ```
    ///
    /// # Errors
    /// [`TensorError::AxisOutOfRange`]; [`TensorError::ShapeMismatch`] for a wrong rank or an
    /// index dimension too large; [`TensorError::IndexOutOfRange`] for an index outside
    /// `0..self.dims()[axis]` (negative ones included).
    pub fn gather(&self, axis: isize, index: &Tensor<i64>) -> Result<Tensor<T>> {
        let op = "gather";
        let ax = resolve_axis(op, axis, self.rank())?;
        check_index_shape(op, self, index, ax)?;
        if index.numel() == 0 {
            // No index to read or check, whatever the index's strides.
            return Ok(Tensor::from_vec_unchecked(
                Vec::new(),
                index.shape().clone(),
            ));
        }
        let size = self.dims()[ax];
        if let (Some(data), true) = (self.as_slice(), reads_whole_rows(self, index, ax)) {
            return gather_rows(data, index, self.shape());
        }
        let axis_stride = self.strides()[ax];
        // Where each index position reads from when its index is 0; the index adds the rest.
        let mut base = self.layout.clone();
        base.shape = index.shape().clone();
        base.strides[ax] = 0;
        let (src, idx) = (&self.storage[..], &index.storage[..]);
        let mut out = Vec::with_capacity(index.numel());
        let mut bad = None;
        for_each_row([&index.layout, &base], |[io, bo], len, [is, bs]| {
            let (mut pi, mut pb) = (io as isize, bo as isize);
            for _ in 0..len {
                let i = idx[pi as usize];
                if (0..size as i64).contains(&i) {
                    out.push(src[(pb + i as isize * axis_stride) as usize]);
                } else {
                    bad.get_or_insert(i);
                    out.push(T::default());
                }
                pi += is;
                pb += bs;
            }
        });
        if let Some(i) = bad {
            return Err(TensorError::index(op, i.into(), ax, self.shape()));
        }
        Ok(Tensor::from_vec_unchecked(out, index.shape().clone()))
    }
}

/// Checks `torch.gather`/`scatter_add`'s shape rule: `index` has the rank of `target` and no
/// larger size on any axis but `axis`.
pub(super) fn check_index_shape<T: Element>(
    op: &'static str,
    target: &Tensor<T>,
    index: &Tensor<i64>,
    axis: usize,
) -> Result<()> {
    if index.rank() != target.rank() {
        return Err(TensorError::mismatch(
            op,
            target.shape(),
            index.shape(),
            "index must have the rank of the tensor",
        ));
    }
    if let Some(d) = (0..index.rank()).find(|&d| d != axis && index.dims()[d] > target.dims()[d]) {
        return Err(TensorError::mismatch(
            op,
            target.shape(),
            index.shape(),
            format!("index is larger than the tensor on axis {d}"),
        ));
    }
    Ok(())
}

/// True when `gather` along `axis` reads whole rows of `src`: `axis` is 0 and the index covers
/// every column with one value per row (size 1 or stride 0 on the other axes).
fn reads_whole_rows<T: Element>(src: &Tensor<T>, index: &Tensor<i64>, axis: usize) -> bool {
    axis == 0
        && src.rank() > 1
        && index.dims()[1..] == src.dims()[1..]
        && (1..index.rank()).all(|d| index.dims()[d] == 1 || index.strides()[d] == 0)
}

/// `gather` along axis 0 of the contiguous `data` (of shape `shape`), copying one row per row
/// of `index`.
fn gather_rows<T: Element>(data: &[T], index: &Tensor<i64>, shape: &Shape) -> Result<Tensor<T>> {
    let rows = index.dims()[0];
    let row_len: usize = index.dims()[1..].iter().product();
    let mut out = Vec::with_capacity(rows * row_len);
    let (idx, start, stride) = (&index.storage[..], index.layout.offset, index.strides()[0]);
    for r in 0..rows {
        let i = checked_index(
            "gather",
            idx[(start as isize + r as isize * stride) as usize],
            0,
            shape,
        )?;
        out.extend_from_slice(&data[i * row_len..(i + 1) * row_len]);
    }
    Ok(Tensor::from_vec_unchecked(out, index.shape().clone()))
}
