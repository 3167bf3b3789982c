//! Diagonals of variables: `diagonal` and `trace`.
//!
//! A diagonal is a strided slice of the flattened matrix: with the matrix axes moved last and
//! merged, diagonal `k` of a `rows × cols` matrix starts at element `k` (or `−k · cols` below the
//! main diagonal) and steps by `cols + 1`. So it is composed of `permute`, `reshape` and `slice`,
//! whose gradients (to every order) it inherits; on a contiguous matrix nothing is copied.

use scalpel_tensor::{Float, TensorError};

use crate::error::Result;
use crate::var::Var;

impl<T: Float> Var<T> {
    /// Diagonal `offset` of the matrices spanned by `axis1` (rows) and `axis2` (columns), as
    /// [`Tensor::diagonal`](scalpel_tensor::Tensor::diagonal): both axes removed, the diagonal
    /// last. Its gradient is the output gradient written on the same diagonal of zeros.
    ///
    /// ```
    /// use scalpel_autograd::Var;
    /// use scalpel_tensor::Tensor;
    /// let x = Var::parameter(Tensor::<f64>::ones([2, 3]));
    /// x.diagonal(1, 0, 1).unwrap().sum_all().unwrap().backward().unwrap();
    /// assert_eq!(x.grad().unwrap().to_vec(), vec![0.0, 1.0, 0.0, 0.0, 0.0, 1.0]);
    /// ```
    ///
    /// # Errors
    /// An axis out of range, or the same axis twice; anomaly mode.
    pub fn diagonal(&self, offset: isize, axis1: isize, axis2: isize) -> Result<Var<T>> {
        // The tensor's view checks the axes and gives the diagonal's length.
        let len = *self
            .value()
            .diagonal(offset, axis1, axis2)?
            .dims()
            .last()
            .expect("a diagonal axis");
        let rank = self.rank() as isize;
        let a1 = axis1.rem_euclid(rank);
        let a2 = axis2.rem_euclid(rank);
        let order: Vec<isize> = (0..rank)
            .filter(|&a| a != a1 && a != a2)
            .chain([a1, a2])
            .collect();
        let cols = self.dims()[a2 as usize];
        let matrices = self.permute(&order)?.flatten(-2, -1)?;
        if len == 0 {
            return matrices.slice(-1, 0, 0, 1);
        }
        // In range: the diagonal has an element at (0, offset) or (−offset, 0).
        let start = if offset >= 0 {
            offset.unsigned_abs()
        } else {
            offset.unsigned_abs() * cols
        };
        matrices.slice(-1, start, start + (len - 1) * (cols + 1) + 1, cols + 1)
    }

    /// The sum of the main diagonal of a matrix, as a 0-d variable (as
    /// [`Tensor::trace`](scalpel_tensor::Tensor::trace)); its gradient is the identity matrix
    /// times the output gradient.
    ///
    /// # Errors
    /// An input that is not 2-D; anomaly mode.
    pub fn trace(&self) -> Result<Var<T>> {
        if self.rank() != 2 {
            return Err(
                TensorError::shape("trace", &self.shape(), "expected a matrix (2 axes)").into(),
            );
        }
        self.diagonal(0, 0, 1)?.sum_all()
    }
}

#[cfg(test)]
mod tests {
    use scalpel_tensor::Tensor;

    use crate::Var;

    #[test]
    fn the_diagonal_of_a_variable_is_the_tensors_diagonal_on_views() {
        let stored = Tensor::from_fn([3, 4, 5], |i| i as f64);
        let views = [
            stored.clone(),
            stored.transpose(0, 2).unwrap(),
            stored.flip(&[1]).unwrap(),
            stored.slice(2, 1, 5, 2).unwrap(),
        ];
        for x in views {
            let v = Var::parameter(x.clone());
            for k in -6..=6 {
                for (a1, a2) in [(1, 2), (2, 1), (0, -1), (-2, 0)] {
                    let want = x.diagonal(k, a1, a2).unwrap();
                    let got = v.diagonal(k, a1, a2).unwrap().value();
                    assert_eq!(got.dims(), want.dims(), "k {k} axes {a1} {a2}");
                    assert_eq!(got.to_vec(), want.to_vec(), "k {k} axes {a1} {a2}");
                }
            }
        }
    }

    #[test]
    fn the_gradient_of_a_trace_is_the_identity() {
        let x = Var::parameter(Tensor::from_fn([3, 3], |i| i as f64));
        let t = x.trace().unwrap();
        assert_eq!(t.value().item().unwrap(), 12.0);
        t.backward().unwrap();
        assert_eq!(x.grad().unwrap().to_vec(), Tensor::<f64>::eye(3).to_vec());
        let e = Var::parameter(Tensor::<f64>::zeros([3]))
            .trace()
            .unwrap_err();
        assert!(e.to_string().contains("trace"), "{e}");
    }
}
