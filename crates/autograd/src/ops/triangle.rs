//! Triangles of matrix variables: `tril` and `triu`. Each keeps some elements and zeroes the
//! others, so it is a [`where_`](Var::where_) of the variable and zero on a constant mask, and
//! its gradient is the output gradient on the same triangle (to every order).

use scalpel_tensor::ops::triangle::triangle_mask;
use scalpel_tensor::{Float, Tensor};

use crate::error::Result;
use crate::var::Var;

impl<T: Float> Var<T> {
    /// The lower triangle of each matrix (the last two axes) from diagonal `k` down, the other
    /// elements zero, as [`Tensor::tril`].
    ///
    /// ```
    /// use scalpel_autograd::Var;
    /// use scalpel_tensor::Tensor;
    /// let x = Var::parameter(Tensor::<f64>::ones([2, 2]));
    /// x.tril(0).unwrap().sum_all().unwrap().backward().unwrap();
    /// assert_eq!(x.grad().unwrap().to_vec(), vec![1.0, 0.0, 1.0, 1.0]);
    /// ```
    ///
    /// # Errors
    /// Fewer than two axes; anomaly mode.
    pub fn tril(&self, k: isize) -> Result<Var<T>> {
        Var::where_(
            &triangle_mask("tril", &self.shape(), k, false)?,
            self,
            &zero(),
        )
    }

    /// The upper triangle of each matrix (the last two axes) from diagonal `k` up, the other
    /// elements zero, as [`Tensor::triu`].
    ///
    /// # Errors
    /// Fewer than two axes; anomaly mode.
    pub fn triu(&self, k: isize) -> Result<Var<T>> {
        Var::where_(
            &triangle_mask("triu", &self.shape(), k, true)?,
            self,
            &zero(),
        )
    }
}

/// The constant 0 that fills the other triangle.
fn zero<T: Float>() -> Var<T> {
    Var::constant(Tensor::scalar(T::zero()))
}
