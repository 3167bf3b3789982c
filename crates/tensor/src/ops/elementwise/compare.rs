//! Comparisons to boolean masks, logical ops on masks, `where`, and `clamp`.

use super::{binary_map, unary_map};
use crate::element::{Element, Numeric};
use crate::error::{Result, TensorError};
use crate::layout::for_each_row;
use crate::shape::Shape;
use crate::tensor::Tensor;
use crate::view::broadcast_layout;

macro_rules! comparisons {
    ($($name:ident, $scalar:ident, $op:tt, $doc:literal;)*) => {
        impl<T: Element> Tensor<T> {
            $(
                #[doc = concat!("Mask of `self ", $doc, " other`, broadcasting.\n\n# Errors\nShapes that do not broadcast.")]
                pub fn $name(&self, other: &Tensor<T>) -> Result<Tensor<bool>> {
                    binary_map(stringify!($name), self, other, |a, b| a $op b)
                }
                #[doc = concat!("Mask of `self ", $doc, " s`.")]
                pub fn $scalar(&self, s: T) -> Tensor<bool> {
                    unary_map(self, move |a| a $op s)
                }
            )*
        }
    };
}

comparisons! {
    eq, eq_scalar, ==, "==";
    ne, ne_scalar, !=, "!=";
    lt, lt_scalar, <, "<";
    le, le_scalar, <=, "<=";
    gt, gt_scalar, >, ">";
    ge, ge_scalar, >=, ">=";
}

impl Tensor<bool> {
    /// Element-wise AND, broadcasting.
    ///
    /// # Errors
    /// Shapes that do not broadcast.
    pub fn and(&self, other: &Tensor<bool>) -> Result<Tensor<bool>> {
        binary_map("and", self, other, |a, b| a && b)
    }
    /// Element-wise OR, broadcasting.
    ///
    /// # Errors
    /// Shapes that do not broadcast.
    pub fn or(&self, other: &Tensor<bool>) -> Result<Tensor<bool>> {
        binary_map("or", self, other, |a, b| a || b)
    }
    /// Element-wise NOT.
    pub fn not(&self) -> Tensor<bool> {
        unary_map(self, |a| !a)
    }
    /// The mask as numbers: 1 where true, 0 where false (the book's float masks).
    pub fn to_numeric<T: Numeric>(&self) -> Tensor<T> {
        unary_map(self, |a| if a { T::one() } else { T::zero() })
    }
}

impl<T: Element> Tensor<T> {
    /// `cond ? on_true : on_false` element-wise, all three broadcast together (`torch.where`).
    ///
    /// # Errors
    /// Shapes that do not broadcast.
    pub fn where_(
        cond: &Tensor<bool>,
        on_true: &Tensor<T>,
        on_false: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        let op = "where";
        let s1 = Shape::broadcast(op, cond.shape(), on_true.shape())?;
        let shape = Shape::broadcast(op, &s1, on_false.shape())?;
        let lc = broadcast_layout(op, &cond.layout, &shape)?;
        let lt = broadcast_layout(op, &on_true.layout, &shape)?;
        let lf = broadcast_layout(op, &on_false.layout, &shape)?;
        let (c, t, f) = (
            &cond.storage[..],
            &on_true.storage[..],
            &on_false.storage[..],
        );
        let mut out = Vec::with_capacity(shape.numel());
        for_each_row([&lc, &lt, &lf], |[oc, ot, of], len, [sc, st, sf]| {
            let (mut pc, mut pt, mut pf) = (oc as isize, ot as isize, of as isize);
            for _ in 0..len {
                out.push(if c[pc as usize] {
                    t[pt as usize]
                } else {
                    f[pf as usize]
                });
                pc += sc;
                pt += st;
                pf += sf;
            }
        });
        Ok(Tensor::from_vec_unchecked(out, shape))
    }

    /// `value` where `mask` is true, `self` elsewhere (`masked_fill`).
    ///
    /// # Errors
    /// `mask` does not broadcast to `self`'s shape.
    pub fn masked_fill(&self, mask: &Tensor<bool>, value: T) -> Result<Tensor<T>> {
        let m = mask.broadcast_to(self.shape()).map_err(|_| {
            TensorError::mismatch(
                "masked_fill",
                self.shape(),
                mask.shape(),
                "mask does not broadcast to the tensor",
            )
        })?;
        Tensor::where_(&m, &Tensor::scalar(value), self)
    }
}

impl<T: Numeric> Tensor<T> {
    /// Limits every element to `[min, max]`; NaN stays NaN. An infinite bound leaves that side
    /// open.
    ///
    /// # Errors
    /// [`TensorError::InvalidArgument`] when `min > max`, or when a bound is NaN (a comparison
    /// with it is always false, so it would silently clamp nothing).
    #[allow(clippy::eq_op)]
    pub fn clamp(&self, min: T, max: T) -> Result<Tensor<T>> {
        if min != min || max != max {
            return Err(TensorError::arg(
                "clamp",
                format!("the bounds [{min}, {max}] must be numbers, not NaN"),
            ));
        }
        if min > max {
            return Err(TensorError::arg(
                "clamp",
                format!("min {min} is greater than max {max}"),
            ));
        }
        Ok(unary_map(self, move |x| {
            if x < min {
                min
            } else if x > max {
                max
            } else {
                x
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn clamp_refuses_a_nan_bound_and_leaves_an_infinite_one_open() {
        let x = Tensor::from_vec1(vec![-3.0f64, 0.5, f64::NAN, 9.0]);
        let y = x.clamp(-1.0, f64::INFINITY).unwrap().to_vec();
        assert_eq!((y[0], y[1], y[3]), (-1.0, 0.5, 9.0));
        assert!(y[2].is_nan());
        assert_eq!(
            x.clamp(f64::NAN, 1.0).unwrap_err().to_string(),
            "clamp: the bounds [NaN, 1] must be numbers, not NaN"
        );
        assert!(x.clamp(0.0, f64::NAN).is_err());
    }

    #[test]
    fn where_broadcasts_all_three_operands() {
        let c = Tensor::from_vec(vec![true, false], [2, 1]).unwrap();
        let a = Tensor::from_vec1(vec![1i32, 2, 3]);
        let b = Tensor::scalar(0i32);
        assert_eq!(
            Tensor::where_(&c, &a, &b).unwrap().to_vec(),
            vec![1, 2, 3, 0, 0, 0]
        );
    }

    #[test]
    fn comparisons_make_masks_and_masks_make_numbers() {
        let x = Tensor::from_vec1(vec![1.0f32, 5.0, 3.0]);
        let m = x.gt_scalar(2.0);
        assert_eq!(m.to_vec(), vec![false, true, true]);
        assert_eq!(m.to_numeric::<f32>().to_vec(), vec![0.0, 1.0, 1.0]);
        assert_eq!(
            x.masked_fill(&m, -1.0).unwrap().to_vec(),
            vec![1.0, -1.0, -1.0]
        );
    }

    #[test]
    fn clamp_limits_and_rejects_inverted_bounds() {
        let x = Tensor::from_vec1(vec![-3i64, 0, 9]);
        assert_eq!(x.clamp(-1, 5).unwrap().to_vec(), vec![-1, 0, 5]);
        assert!(x.clamp(5, -1).is_err());
    }
}
