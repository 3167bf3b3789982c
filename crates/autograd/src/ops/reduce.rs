//! Reductions and normalised exponentials of variables.

use scalpel_tensor::shape::resolve_reduction_axes;
use scalpel_tensor::{Float, Shape, TensorError};

use crate::error::Result;
use crate::op::Op;
use crate::var::Var;

impl<T: Float> Var<T> {
    /// Sum over `axes` (an empty slice reduces nothing).
    ///
    /// # Errors
    /// Axes out of range or repeated; anomaly mode.
    pub fn sum(&self, axes: &[isize], keepdim: bool) -> Result<Var<T>> {
        let v = self.value().sum(axes, keepdim)?;
        Var::from_op(
            v,
            Op::Sum {
                axes: axes.to_vec(),
                keepdim,
            },
            vec![self.clone()],
        )
    }
    /// Sum of every element, as a 0-d variable.
    ///
    /// # Errors
    /// Anomaly mode.
    pub fn sum_all(&self) -> Result<Var<T>> {
        let axes: Vec<isize> = (0..self.rank() as isize).collect();
        self.sum(&axes, false)
    }
    /// Mean over `axes`.
    ///
    /// # Errors
    /// Axes out of range or repeated; anomaly mode.
    pub fn mean(&self, axes: &[isize], keepdim: bool) -> Result<Var<T>> {
        let v = self.value().mean(axes, keepdim)?;
        Var::from_op(
            v,
            Op::Mean {
                axes: axes.to_vec(),
                keepdim,
            },
            vec![self.clone()],
        )
    }
    /// Mean of every element, as a 0-d variable.
    ///
    /// # Errors
    /// Anomaly mode.
    pub fn mean_all(&self) -> Result<Var<T>> {
        let axes: Vec<isize> = (0..self.rank() as isize).collect();
        self.mean(&axes, false)
    }
    /// Variance over `axes` with Bessel's `correction` (0: population, 1: unbiased).
    ///
    /// # Errors
    /// Axes out of range or repeated; anomaly mode.
    pub fn var(&self, axes: &[isize], correction: usize, keepdim: bool) -> Result<Var<T>> {
        let v = self.value().var(axes, correction, keepdim)?;
        Var::from_op(
            v,
            Op::Variance {
                axes: axes.to_vec(),
                correction,
                keepdim,
            },
            vec![self.clone()],
        )
    }
    /// Maximum over `axes` (the gradient is shared evenly between tied maxima).
    ///
    /// # Errors
    /// Axes out of range, an empty reduced axis; anomaly mode.
    pub fn max(&self, axes: &[isize], keepdim: bool) -> Result<Var<T>> {
        let v = self.value().max(axes, keepdim)?;
        Var::from_op(
            v,
            Op::Max {
                axes: axes.to_vec(),
                keepdim,
            },
            vec![self.clone()],
        )
    }
    /// Minimum over `axes` (the gradient is shared evenly between tied minima).
    ///
    /// # Errors
    /// Axes out of range, an empty reduced axis; anomaly mode.
    pub fn min(&self, axes: &[isize], keepdim: bool) -> Result<Var<T>> {
        let v = self.value().min(axes, keepdim)?;
        Var::from_op(
            v,
            Op::Min {
                axes: axes.to_vec(),
                keepdim,
            },
            vec![self.clone()],
        )
    }
    /// ln Σ e^x over `axes`, computed stably.
    ///
    /// # Errors
    /// Axes out of range or repeated; anomaly mode.
    pub fn logsumexp(&self, axes: &[isize], keepdim: bool) -> Result<Var<T>> {
        let v = self.value().logsumexp(axes, keepdim)?;
        Var::from_op(
            v,
            Op::LogSumExp {
                axes: axes.to_vec(),
                keepdim,
            },
            vec![self.clone()],
        )
    }
    /// The p-norm over `axes`, as [`Tensor::norm`](scalpel_tensor::Tensor::norm): (Σ|x|ᵖ)^(1/p)
    /// for p > 0, max |x| for p = ∞, min |x| for p = −∞, the count of nonzero elements for
    /// p = 0.
    ///
    /// Gradients: sign(x)·|x|ᵖ⁻¹ / ‖x‖ᵖ⁻¹ (x / ‖x‖ for p = 2), and, as in PyTorch, 0 under a
    /// norm of zeros and at zero elements, where there is no derivative or an infinite one: a
    /// norm in a loss never turns the gradients, or their derivatives, to NaN. p = 1 is the sum
    /// of |x| and p = ±∞ the extreme of |x|, with their gradients (sign(x), shared evenly among
    /// tied extremes). The count of p = 0 is a step function: its value is returned as a
    /// constant, through which no gradient flows.
    ///
    /// ```
    /// use scalpel_autograd::Var;
    /// use scalpel_tensor::Tensor;
    /// let x = Var::parameter(Tensor::from_vec(vec![3.0f64, -4.0, 0.0, 0.0], [2, 2]).unwrap());
    /// let n = x.norm(2.0, &[1], false).unwrap();
    /// assert_eq!(n.value().to_vec(), vec![5.0, 0.0]);
    /// n.sum_all().unwrap().backward().unwrap();
    /// assert_eq!(x.grad().unwrap().to_vec(), vec![0.6, -0.8, 0.0, 0.0]);
    /// ```
    ///
    /// # Errors
    /// A negative or NaN `p`; axes out of range or repeated; p = ±∞ over zero elements; anomaly
    /// mode.
    pub fn norm(&self, p: T, axes: &[isize], keepdim: bool) -> Result<Var<T>> {
        if p.is_infinite() || p == T::one() {
            // Compositions: their errors are checked first, so that they name this op.
            let reduced = resolve_reduction_axes("norm", axes, self.rank())?;
            let empty = reduced.iter().any(|&a| self.dims()[a] == 0);
            if p.is_infinite() && empty {
                let why = format!("the infinity norm over axes {axes:?}, which hold no elements");
                return Err(TensorError::shape("norm", &self.shape(), why).into());
            }
            let magnitude = self.abs()?;
            return if p == T::one() {
                magnitude.sum(axes, keepdim)
            } else if p > T::zero() {
                magnitude.max(axes, keepdim)
            } else {
                magnitude.min(axes, keepdim)
            };
        }
        let v = self.value().norm(p, axes, keepdim)?;
        if p == T::zero() {
            return Ok(Var::constant(v));
        }
        Var::from_op(
            v,
            Op::Norm {
                p,
                axes: axes.to_vec(),
                keepdim,
            },
            vec![self.clone()],
        )
    }
    /// Softmax along `axis`.
    ///
    /// # Errors
    /// Axis out of range; anomaly mode.
    pub fn softmax(&self, axis: isize) -> Result<Var<T>> {
        Var::from_op(
            self.value().softmax(axis)?,
            Op::Softmax(axis),
            vec![self.clone()],
        )
    }
    /// Running sums along `axis` (see [`Tensor::cumsum`](scalpel_tensor::Tensor::cumsum)).
    ///
    /// # Errors
    /// Axis out of range; anomaly mode.
    pub fn cumsum(&self, axis: isize) -> Result<Var<T>> {
        Var::from_op(
            self.value().cumsum(axis)?,
            Op::Cumsum(axis),
            vec![self.clone()],
        )
    }
    /// log(softmax) along `axis`, computed stably.
    ///
    /// # Errors
    /// Axis out of range; anomaly mode.
    pub fn log_softmax(&self, axis: isize) -> Result<Var<T>> {
        Var::from_op(
            self.value().log_softmax(axis)?,
            Op::LogSoftmax(axis),
            vec![self.clone()],
        )
    }
    /// Sums a variable down to `shape`, the shape it was broadcast from (the gradient of a
    /// broadcast). Returns `self` unchanged when the shapes already agree.
    ///
    /// # Errors
    /// When `shape` does not broadcast to this variable's shape.
    pub fn sum_to(&self, shape: &Shape) -> Result<Var<T>> {
        let from = self.shape();
        if &from == shape {
            return Ok(self.clone());
        }
        let lead = from.rank().checked_sub(shape.rank()).ok_or_else(|| {
            scalpel_tensor::TensorError::mismatch(
                "sum_to",
                &from,
                shape,
                "target has more dimensions",
            )
        })?;
        let mut axes: Vec<isize> = (0..lead as isize).collect();
        for (i, &d) in shape.iter().enumerate() {
            let f = from[lead + i];
            if d == 1 && f != 1 {
                axes.push((lead + i) as isize);
            } else if d != f {
                return Err(scalpel_tensor::TensorError::mismatch(
                    "sum_to",
                    &from,
                    shape,
                    "shapes do not broadcast",
                )
                .into());
            }
        }
        self.sum(&axes, true)?.reshape(shape.clone())
    }
}

#[cfg(test)]
mod tests {
    use scalpel_tensor::Tensor;

    use crate::Var;

    #[test]
    fn norm_errors_name_norm_whichever_order() {
        let empty = Var::parameter(Tensor::<f64>::zeros([3, 0]));
        for p in [f64::INFINITY, f64::NEG_INFINITY] {
            let e = empty.norm(p, &[1], false).unwrap_err().to_string();
            assert!(e.starts_with("norm") && e.contains("[3, 0]"), "{e}");
        }
        let x = Var::parameter(Tensor::<f64>::ones([2, 2]));
        for p in [1.0, 2.0, f64::INFINITY] {
            let e = x.norm(p, &[0, 0], false).unwrap_err().to_string();
            assert!(e.starts_with("norm"), "{e}");
        }
        let e = x.norm(-1.0, &[0], false).unwrap_err().to_string();
        assert!(e.starts_with("norm"), "{e}");
    }
}
