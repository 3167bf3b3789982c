//! Diagonals: `diagonal` (a view), its adjoint `diagonal_scatter`, and `trace`.
//!
//! Diagonal `k` of a matrix holds the elements `(i, j)` with `j − i = k`, as in
//! [`triangle`](super::triangle): 0 is the main diagonal, positive diagonals lie above it,
//! negative ones below.

use crate::element::{Element, Numeric};
use crate::error::{Result, TensorError};
use crate::layout::Layout;
use crate::shape::resolve_axis;
use crate::tensor::Tensor;

impl<T: Element> Tensor<T> {
    /// Diagonal `offset` of the matrices spanned by `axis1` (rows) and `axis2` (columns), as a
    /// view (`torch.diagonal`): both axes are removed and the diagonal becomes the last axis. Its
    /// length is the number of `(i, j)` with `j − i = offset` inside the matrix, 0 when the
    /// diagonal lies outside it.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let m = Tensor::from_vec((0..6).collect::<Vec<i32>>(), [2, 3]).unwrap();
    /// assert_eq!(m.diagonal(0, 0, 1).unwrap().to_vec(), vec![0, 4]);
    /// assert_eq!(m.diagonal(1, 0, 1).unwrap().to_vec(), vec![1, 5]);
    /// assert_eq!(m.diagonal(-1, 0, 1).unwrap().to_vec(), vec![3]);
    /// // The anti-diagonal runs down the columns in reverse.
    /// assert_eq!(m.flip(&[1]).unwrap().diagonal(0, 0, 1).unwrap().to_vec(), vec![2, 4]);
    /// ```
    ///
    /// # Errors
    /// An axis out of range, or the same axis twice.
    pub fn diagonal(&self, offset: isize, axis1: isize, axis2: isize) -> Result<Tensor<T>> {
        let (a1, a2) = self.diagonal_axes("diagonal", axis1, axis2)?;
        let (rows, cols) = (self.dims()[a1] as i128, self.dims()[a2] as i128);
        let (s1, s2) = (self.strides()[a1], self.strides()[a2]);
        let k = offset as i128;
        // The diagonal starts at (max(0, −k), max(0, k)).
        let (i0, j0) = (k.min(0).abs(), k.max(0));
        let len = (rows - i0).min(cols - j0).max(0) as usize;
        let mut dims: Vec<usize> = Vec::with_capacity(self.rank() - 1);
        let mut strides = crate::layout::Strides::new();
        for (a, (&d, &s)) in self.dims().iter().zip(self.strides()).enumerate() {
            if a != a1 && a != a2 {
                dims.push(d);
                strides.push(s);
            }
        }
        dims.push(len);
        strides.push(s1 + s2);
        let mut start = self.layout.offset;
        if len > 0 {
            // In range: (i0, j0) is an element of the matrix.
            start = (start as isize + i0 as isize * s1 + j0 as isize * s2) as usize;
        }
        Ok(Tensor {
            storage: self.storage.clone(),
            layout: Layout::from_parts(dims.into(), strides, start),
        })
    }
}

impl<T: Element> Tensor<T> {
    /// `axis1` and `axis2` resolved, checked to be two different axes of `self`.
    fn diagonal_axes(
        &self,
        op: &'static str,
        axis1: isize,
        axis2: isize,
    ) -> Result<(usize, usize)> {
        let a1 = resolve_axis(op, axis1, self.rank())?;
        let a2 = resolve_axis(op, axis2, self.rank())?;
        if a1 == a2 {
            return Err(TensorError::arg(
                op,
                format!(
                    "axis1 and axis2 are both axis {a1} of shape {:?}: a diagonal needs two \
                     different axes",
                    self.dims()
                ),
            ));
        }
        Ok((a1, a2))
    }

    /// A copy of `self` with diagonal `offset` over `axis1` and `axis2` replaced by `src`, which
    /// has the shape of [`diagonal`](Self::diagonal)'s result (`torch.diagonal_scatter`). On
    /// zeros it is the adjoint of `diagonal`: what the gradient of a diagonal is built from.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let zeros = Tensor::<i32>::zeros([2, 3]);
    /// let src = Tensor::from_vec1(vec![7, 8]);
    /// assert_eq!(zeros.diagonal_scatter(&src, 1, 0, 1).unwrap().to_vec(), vec![0, 7, 0, 0, 0, 8]);
    /// ```
    ///
    /// # Errors
    /// As [`diagonal`](Self::diagonal), and a `src` whose shape is not the diagonal's.
    pub fn diagonal_scatter(
        &self,
        src: &Tensor<T>,
        offset: isize,
        axis1: isize,
        axis2: isize,
    ) -> Result<Tensor<T>> {
        self.diagonal_axes("diagonal_scatter", axis1, axis2)?;
        let out = Tensor::from_vec_unchecked(self.to_vec(), self.shape().clone());
        let positions = {
            let diagonal = out.diagonal(offset, axis1, axis2)?;
            if diagonal.shape() != src.shape() {
                return Err(TensorError::mismatch(
                    "diagonal_scatter",
                    src.shape(),
                    diagonal.shape(),
                    format!("is not the shape of diagonal {offset} over axes ({axis1}, {axis2})"),
                ));
            }
            diagonal.layout().offsets()
        };
        let mut data = out.into_vec();
        for (at, v) in positions.into_iter().zip(src.to_vec()) {
            data[at] = v;
        }
        Ok(Tensor::from_vec_unchecked(data, self.shape().clone()))
    }
}

impl<T: Numeric> Tensor<T> {
    /// The sum of the main diagonal of a matrix (`torch.trace`), as a 0-d tensor.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let m = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], [2, 3]).unwrap();
    /// assert_eq!(m.trace().unwrap().item().unwrap(), 6.0);
    /// ```
    ///
    /// # Errors
    /// An input that is not 2-D.
    pub fn trace(&self) -> Result<Tensor<T>> {
        if self.rank() != 2 {
            return Err(TensorError::shape(
                "trace",
                self.shape(),
                "expected a matrix (2 axes)",
            ));
        }
        Ok(Tensor::scalar(self.diagonal(0, 0, 1)?.sum_all()))
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    /// The elements `(…, i, j)` with `j − i = k`, gathered by looping over every index.
    fn naive_diagonal(x: &Tensor<i64>, k: isize) -> Vec<i64> {
        let d = x.dims();
        let (batch, rows, cols) = (d[0], d[1], d[2]);
        let mut out = Vec::new();
        for b in 0..batch {
            for i in 0..rows {
                for j in 0..cols {
                    if j as isize - i as isize == k {
                        out.push(x.get(&[b, i, j]).unwrap());
                    }
                }
            }
        }
        out
    }

    #[test]
    fn diagonals_of_views_match_a_loop_over_all_indices() {
        let stored = Tensor::from_vec((0..60).collect::<Vec<i64>>(), [3, 4, 5]).unwrap();
        let views = [
            stored.clone(),
            stored.transpose(1, 2).unwrap(),
            stored.flip(&[1, 2]).unwrap(),
            stored.slice(2, 1, 5, 2).unwrap(),
            stored.narrow(0, 1, 1).unwrap().expand([2, 4, 5]).unwrap(),
        ];
        for x in &views {
            for k in -6..=6 {
                let got = x.diagonal(k, 1, 2).unwrap();
                let want = naive_diagonal(x, k);
                assert_eq!(got.dims()[0], x.dims()[0]);
                assert_eq!(got.to_vec(), want, "k = {k} on {:?}", x.dims());
                assert!(got.shares_storage_with(x), "a view, not a copy");
            }
        }
    }

    #[test]
    fn diagonal_moves_its_axis_last_and_takes_axes_in_either_order() {
        let x = Tensor::from_vec((0..24).collect::<Vec<i64>>(), [2, 3, 4]).unwrap();
        // Rows along axis 2, columns along axis 0: element (i, j) is x[j, ·, i].
        let d = x.diagonal(0, 2, 0).unwrap();
        assert_eq!(d.dims(), &[3, 2]);
        for m in 0..3 {
            for i in 0..2 {
                assert_eq!(d.get(&[m, i]).unwrap(), x.get(&[i, m, i]).unwrap());
            }
        }
        assert_eq!(
            x.diagonal(0, -1, 0).unwrap().to_vec(),
            d.to_vec(),
            "negative axes"
        );
    }

    #[test]
    fn bad_axes_are_errors_that_name_the_op() {
        let x = Tensor::<f32>::zeros([2, 3]);
        for (a, b) in [(0, 0), (1, -1), (0, 2)] {
            let e = x.diagonal(0, a, b).unwrap_err().to_string();
            assert!(e.contains("diagonal"), "{e}");
        }
        let e = Tensor::<f32>::zeros([2, 2, 2])
            .trace()
            .unwrap_err()
            .to_string();
        assert!(e.contains("trace") && e.contains("[2, 2, 2]"), "{e}");
    }

    #[test]
    fn diagonal_scatter_writes_exactly_the_diagonal_of_views() {
        let stored = Tensor::from_vec((0..60).collect::<Vec<i64>>(), [3, 4, 5]).unwrap();
        for x in [
            stored.clone(),
            stored.transpose(1, 2).unwrap(),
            stored.flip(&[0, 2]).unwrap(),
        ] {
            for k in -5..=5 {
                let d = x.diagonal(k, 2, 1).unwrap();
                let src = d.map(|v| -1 - v);
                let y = x.diagonal_scatter(&src, k, 2, 1).unwrap();
                assert_eq!(y.diagonal(k, 2, 1).unwrap().to_vec(), src.to_vec());
                // Every other element is unchanged: the scattered values are negative.
                let untouched = y.to_vec().iter().filter(|&&v| v >= 0).count();
                assert_eq!(untouched, x.numel() - d.numel(), "k = {k}");
            }
        }
        let e = stored
            .diagonal_scatter(&Tensor::zeros([3, 2]), 0, 1, 2)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("diagonal_scatter") && e.contains("[3, 4]"),
            "{e}"
        );
        let src = Tensor::zeros([4]);
        for (a, b) in [(0, 0), (0, 3)] {
            let e = stored
                .diagonal_scatter(&src, 0, a, b)
                .unwrap_err()
                .to_string();
            assert!(e.starts_with("diagonal_scatter"), "{e}");
        }
    }

    #[test]
    fn trace_of_a_transposed_matrix_is_the_same() {
        let m = Tensor::from_vec((1..=9).map(|v| v as f64).collect(), [3, 3]).unwrap();
        assert_eq!(m.trace().unwrap().item().unwrap(), 15.0);
        assert_eq!(m.t().trace().unwrap().item().unwrap(), 15.0);
        assert_eq!(
            Tensor::<f64>::zeros([0, 3])
                .trace()
                .unwrap()
                .item()
                .unwrap(),
            0.0
        );
    }
}
