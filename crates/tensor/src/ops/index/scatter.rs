//! `scatter_add`: the adjoint of `gather`, accumulating duplicates (numpy's `np.add.at`).

use super::gather::check_index_shape;
use crate::element::Numeric;
use crate::error::{Result, TensorError};
use crate::layout::{for_each_row, Layout};
use crate::shape::resolve_axis;
use crate::tensor::Tensor;

impl<T: Numeric> Tensor<T> {
    /// `torch.scatter_add`: a copy of `self` to which every element of `src` at a position of
    /// `index` is added, along axis `a`, at `out[i₀, …, index[i₀, …, iₐ, …], …]`. Positions that
    /// receive several elements accumulate all of them, as numpy's `np.add.at` does; this is the
    /// backward pass of [`gather`](Self::gather): `⟨gather(x, a, i), y⟩ = ⟨x,
    /// zeros.scatter_add(a, i, y)⟩`.
    ///
    /// `self`, `index` and `src` have one rank; `index` is no larger than `src` on any axis and
    /// no larger than `self` on any axis but `axis`. Only the part of `src` that `index` covers
    /// is read.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let acc = Tensor::<f32>::zeros([3]);
    /// let i = Tensor::from_vec1(vec![0i64, 2, 0]);
    /// let v = Tensor::from_vec1(vec![1.0f32, 2.0, 3.0]);
    /// assert_eq!(acc.scatter_add(0, &i, &v).unwrap().to_vec(), vec![4.0, 0.0, 2.0]);
    /// ```
    ///
    /// # Errors
    /// [`TensorError::AxisOutOfRange`]; [`TensorError::ShapeMismatch`] when the ranks differ or
    /// `index` is too large; [`TensorError::IndexOutOfRange`] for an index outside
    /// `0..self.dims()[axis]`.
    pub fn scatter_add(
        &self,
        axis: isize,
        index: &Tensor<i64>,
        src: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        let op = "scatter_add";
        let ax = resolve_axis(op, axis, self.rank())?;
        check_index_shape(op, self, index, ax)?;
        let fits =
            src.rank() == index.rank() && index.dims().iter().zip(src.dims()).all(|(i, s)| i <= s);
        if !fits {
            return Err(TensorError::mismatch(
                op,
                src.shape(),
                index.shape(),
                "index must have the rank of src and be no larger on any axis",
            ));
        }
        let size = self.dims()[ax];
        let mut out = self.to_vec();
        let out_layout = Layout::contiguous(self.shape().clone());
        let axis_stride = out_layout.strides[ax];
        // Where each index position lands when its index is 0; the index adds the rest.
        let mut base = out_layout.clone();
        base.shape = index.shape().clone();
        base.strides[ax] = 0;
        // The part of `src` that `index` covers.
        let mut covered = src.layout.clone();
        covered.shape = index.shape().clone();
        let (idx, s) = (&index.storage[..], &src.storage[..]);
        let mut bad = None;
        for_each_row(
            [&index.layout, &covered, &base],
            |[io, so, bo], len, [is, ss, bs]| {
                let (mut pi, mut ps, mut pb) = (io as isize, so as isize, bo as isize);
                for _ in 0..len {
                    let i = idx[pi as usize];
                    if (0..size as i64).contains(&i) {
                        out[(pb + i as isize * axis_stride) as usize] += s[ps as usize];
                    } else {
                        bad.get_or_insert(i);
                    }
                    pi += is;
                    ps += ss;
                    pb += bs;
                }
            },
        );
        if let Some(i) = bad {
            return Err(TensorError::index(op, i.into(), ax, self.shape()));
        }
        Ok(Tensor::from_vec_unchecked(out, self.shape().clone()))
    }
}
