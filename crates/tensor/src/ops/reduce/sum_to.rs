//! `sum_to`: undo a broadcast by summing, for the gradients of broadcast operands.

use smallvec::SmallVec;

use crate::element::Numeric;
use crate::error::{Result, TensorError};
use crate::shape::Shape;
use crate::tensor::Tensor;

impl<T: Numeric> Tensor<T> {
    /// Sums this tensor down to `shape`, a shape that broadcasts to it: the leading axes that
    /// `shape` lacks are summed away, and the axes where `shape` has size 1 are summed keeping
    /// size 1. This is numpy broadcasting in reverse — the gradient of an operand that a binary
    /// op broadcast is the output gradient summed to the operand's shape.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let g = Tensor::<f32>::ones([4, 2, 3]);
    /// assert_eq!(g.sum_to([2, 1]).unwrap().to_vec(), vec![12.0, 12.0]);
    /// ```
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`] naming both shapes when `shape` does not broadcast to this
    /// tensor's shape.
    pub fn sum_to(&self, shape: impl Into<Shape>) -> Result<Tensor<T>> {
        let target = shape.into();
        let fail = || {
            TensorError::mismatch(
                "sum_to",
                self.shape(),
                &target,
                "the second shape does not broadcast to the first",
            )
        };
        let lead = self.rank().checked_sub(target.rank()).ok_or_else(fail)?;
        let mut axes: SmallVec<[isize; 6]> = (0..lead as isize).collect();
        for (i, (&t, &s)) in target.iter().zip(&self.dims()[lead..]).enumerate() {
            if t == 1 && s != 1 {
                axes.push((lead + i) as isize);
            } else if t != s {
                return Err(fail());
            }
        }
        if axes.is_empty() {
            return Ok(self.clone());
        }
        self.sum(&axes, true)?.reshape(target)
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn sum_to_undoes_a_broadcast_add() {
        let a = Tensor::from_vec(vec![1.0f64, 2.0, 3.0], [3, 1]).unwrap();
        let b = Tensor::from_vec(vec![10.0f64, 20.0], [2]).unwrap();
        let out = a.add(&b).unwrap();
        assert_eq!(out.dims(), &[3, 2]);
        let g = Tensor::from_fn(out.shape(), |i| i as f64);
        assert_eq!(g.sum_to(a.shape()).unwrap().to_vec(), vec![1.0, 5.0, 9.0]);
        assert_eq!(g.sum_to(b.shape()).unwrap().to_vec(), vec![6.0, 9.0]);
        assert_eq!(
            g.sum_to(crate::Shape::scalar()).unwrap().to_vec(),
            vec![15.0]
        );
        assert_eq!(g.sum_to([3, 2]).unwrap(), g);
    }

    #[test]
    fn sum_to_keeps_size_one_axes_of_the_target() {
        let g = Tensor::<f32>::ones([2, 3, 4]);
        let s = g.sum_to([1, 3, 1]).unwrap();
        assert_eq!(s.dims(), &[1, 3, 1]);
        assert_eq!(s.to_vec(), vec![8.0; 3]);
    }

    #[test]
    fn sum_to_a_shape_that_does_not_broadcast_names_both_shapes() {
        let g = Tensor::<f32>::ones([2, 3]);
        let e = g.sum_to([2]).unwrap_err().to_string();
        assert_eq!(
            e,
            "sum_to: [2, 3] and [2]: the second shape does not broadcast to the first"
        );
        assert!(g.sum_to([1, 2, 3]).is_err());
    }
}
