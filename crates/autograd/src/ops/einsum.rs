//! `einsum` of variables: the tensor crate's plan, run on [`Var`] operations (diagonal, sum,
//! permute, reshape, expand, matmul, mul), whose gradients, to every order, it inherits.

use scalpel_tensor::ops::einsum::{einsum, Operand};
use scalpel_tensor::Float;

use crate::error::{AutogradError, Result};
use crate::var::Var;

impl<T: Float> Operand for Var<T> {
    type Error = AutogradError;
    fn sizes(&self) -> Vec<usize> {
        self.dims()
    }
    fn take_diagonal(&self, axis1: usize, axis2: usize) -> Result<Self> {
        self.diagonal(0, axis1 as isize, axis2 as isize)
    }
    fn sum_over(&self, axes: &[isize]) -> Result<Self> {
        self.sum(axes, false)
    }
    fn permuted(&self, axes: &[isize]) -> Result<Self> {
        self.permute(axes)
    }
    fn reshaped(&self, dims: Vec<usize>) -> Result<Self> {
        self.reshape(dims)
    }
    fn expanded(&self, dims: Vec<usize>) -> Result<Self> {
        self.expand(dims)
    }
    fn matrix_product(&self, other: &Self) -> Result<Self> {
        self.matmul(other)
    }
    fn product(&self, other: &Self) -> Result<Self> {
        self.mul(other)
    }
}

impl<T: Float> Var<T> {
    /// Einstein summation over variables, as
    /// [`Tensor::einsum`](scalpel_tensor::Tensor::einsum) (`torch.einsum`).
    ///
    /// ```
    /// use scalpel_autograd::Var;
    /// use scalpel_tensor::Tensor;
    /// let a = Var::parameter(Tensor::from_vec(vec![1.0f64, 2.0, 3.0, 4.0], [2, 2]).unwrap());
    /// // The squared Frobenius norm, Σᵢⱼ aᵢⱼ², has the gradient 2a.
    /// Var::einsum("ij,ij->", &[&a, &a]).unwrap().backward().unwrap();
    /// assert_eq!(a.grad().unwrap().to_vec(), vec![2.0, 4.0, 6.0, 8.0]);
    /// ```
    ///
    /// # Errors
    /// As [`Tensor::einsum`](scalpel_tensor::Tensor::einsum); anomaly mode.
    pub fn einsum(equation: &str, operands: &[&Var<T>]) -> Result<Var<T>> {
        let owned: Vec<Var<T>> = operands.iter().map(|&v| v.clone()).collect();
        einsum(equation, &owned)
    }
}
