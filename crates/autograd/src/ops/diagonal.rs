//! Diagonals of variables: `diagonal` (a view of the value, as on tensors), its adjoint
//! `diagonal_grad` (zeros with the diagonal written in), and `trace`. Each is the other's
//! gradient, so derivatives of every order follow.

use scalpel_tensor::shape::resolve_axis;
use scalpel_tensor::{Float, Shape, Tensor, TensorError};

use crate::error::Result;
use crate::op::Op;
use crate::var::Var;

impl<T: Float> Var<T> {
    /// Diagonal `offset` of the matrices spanned by `axis1` (rows) and `axis2` (columns), as
    /// [`Tensor::diagonal`]: both axes removed, the diagonal last, and its value a view (no
    /// copy). Its gradient is the output gradient written on the same diagonal of zeros.
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
        let v = self.value().diagonal(offset, axis1, axis2)?;
        let (axis1, axis2) = (
            resolve_axis("diagonal", axis1, self.rank())?,
            resolve_axis("diagonal", axis2, self.rank())?,
        );
        let op = Op::Diagonal {
            offset,
            axis1,
            axis2,
        };
        Var::from_op(v, op, vec![self.clone()])
    }

    /// Zeros of `shape` with `self` written on diagonal `offset` over `axis1` and `axis2` (the
    /// adjoint of [`diagonal`](Self::diagonal), whose backward pass uses it).
    pub(crate) fn diagonal_grad(
        &self,
        shape: &Shape,
        offset: isize,
        axis1: usize,
        axis2: usize,
    ) -> Result<Var<T>> {
        let v = Tensor::zeros(shape.clone()).diagonal_scatter(
            &self.value(),
            offset,
            axis1 as isize,
            axis2 as isize,
        )?;
        let op = Op::DiagonalGrad {
            offset,
            axis1,
            axis2,
        };
        Var::from_op(v, op, vec![self.clone()])
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
    fn a_diagonal_is_a_view_and_its_gradient_lies_on_the_same_diagonal() {
        let stored = Tensor::from_fn([4, 5], |i| i as f64);
        for x in [stored.clone(), stored.t(), stored.flip(&[1]).unwrap()] {
            for k in -5..=5 {
                for (a1, a2) in [(0, 1), (1, 0), (-1, 0)] {
                    let v = Var::parameter(x.clone());
                    let d = v.diagonal(k, a1, a2).unwrap();
                    assert!(d.value().shares_storage_with(&x), "a view, not a copy");
                    d.sum_all().unwrap().backward().unwrap();
                    // Element (r, c) of the (axis1 × axis2) matrix is on diagonal k when c − r = k.
                    let (rows_first, dims) = (a1 == 0, x.dims().to_vec());
                    let want: Vec<f64> = (0..dims[0] * dims[1])
                        .map(|i| {
                            let (i0, i1) = (i / dims[1], i % dims[1]);
                            let (r, c) = if rows_first { (i0, i1) } else { (i1, i0) };
                            f64::from(c as isize - r as isize == k)
                        })
                        .collect();
                    assert_eq!(v.grad().unwrap().to_vec(), want, "k {k} axes {a1} {a2}");
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
