//! Binary arithmetic with numpy broadcasting, and the `std::ops` operators over tensors.

use std::ops::{Add, Div, Mul, Neg, Rem, Sub};

use super::{binary_map, is_nan, unary_map};
use crate::element::{Element, Float, Numeric};
use crate::error::Result;
use crate::tensor::Tensor;

impl<T: Numeric> Tensor<T> {
    /// `self + other`, broadcasting.
    ///
    /// # Errors
    /// Shapes that do not broadcast.
    pub fn add(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_map("add", self, other, |a, b| a + b)
    }
    /// `self - other`, broadcasting.
    ///
    /// # Errors
    /// Shapes that do not broadcast.
    pub fn sub(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_map("sub", self, other, |a, b| a - b)
    }
    /// `self * other` element-wise, broadcasting.
    ///
    /// # Errors
    /// Shapes that do not broadcast.
    pub fn mul(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_map("mul", self, other, |a, b| a * b)
    }
    /// `self / other` element-wise, broadcasting (integer division truncates; an integer
    /// division by zero yields zero and `MIN / −1` wraps to `MIN`, rather than panicking: see
    /// [`Numeric::total_div`]).
    ///
    /// # Errors
    /// Shapes that do not broadcast.
    pub fn div(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_map("div", self, other, T::total_div)
    }
    /// Remainder of `self / other` with the sign of `self` (Rust's `%`); an integer remainder by
    /// zero, or of `MIN` by −1, yields zero.
    ///
    /// # Errors
    /// Shapes that do not broadcast.
    pub fn rem(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_map("rem", self, other, T::total_rem)
    }
    /// Element-wise maximum, broadcasting. For floats a NaN in either operand gives NaN.
    ///
    /// # Errors
    /// Shapes that do not broadcast.
    pub fn maximum(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_map("maximum", self, other, |a, b| {
            if is_nan(a) || a > b {
                a
            } else {
                b
            }
        })
    }
    /// Element-wise minimum, broadcasting. For floats a NaN in either operand gives NaN.
    ///
    /// # Errors
    /// Shapes that do not broadcast.
    pub fn minimum(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_map("minimum", self, other, |a, b| {
            if is_nan(a) || a < b {
                a
            } else {
                b
            }
        })
    }
}

impl<T: Element> Tensor<T> {
    /// `f(a, b)` element by element over `self` and `other` broadcast together, in one pass: the
    /// building block for fused element-wise kernels (an optimizer update, a masked gradient).
    ///
    /// # Errors
    /// Shapes that do not broadcast.
    pub fn zip_with<U: Element>(
        &self,
        other: &Tensor<T>,
        f: impl Fn(T, T) -> U + Sync + Send,
    ) -> Result<Tensor<U>> {
        binary_map("zip_with", self, other, f)
    }
}

impl<T: Float> Tensor<T> {
    /// `self ^ other` element-wise, broadcasting.
    ///
    /// # Errors
    /// Shapes that do not broadcast.
    pub fn pow(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_map("pow", self, other, |a, b| a.powf(b))
    }
    /// `atan2(self, other)` element-wise, broadcasting.
    ///
    /// # Errors
    /// Shapes that do not broadcast.
    pub fn atan2(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_map("atan2", self, other, |a, b| a.atan2(b))
    }
}

macro_rules! operator {
    ($trait:ident, $method:ident, $scalar:ident) => {
        impl<T: Numeric> $trait<&Tensor<T>> for &Tensor<T> {
            type Output = Tensor<T>;
            /// Panics with the method's error message when the shapes do not broadcast.
            fn $method(self, rhs: &Tensor<T>) -> Tensor<T> {
                Tensor::$method(self, rhs).unwrap_or_else(|e| panic!("{e}"))
            }
        }
        impl<T: Numeric> $trait<Tensor<T>> for Tensor<T> {
            type Output = Tensor<T>;
            /// Panics with the method's error message when the shapes do not broadcast.
            fn $method(self, rhs: Tensor<T>) -> Tensor<T> {
                Tensor::$method(&self, &rhs).unwrap_or_else(|e| panic!("{e}"))
            }
        }
        impl<T: Numeric> $trait<&Tensor<T>> for Tensor<T> {
            type Output = Tensor<T>;
            /// Panics with the method's error message when the shapes do not broadcast.
            fn $method(self, rhs: &Tensor<T>) -> Tensor<T> {
                Tensor::$method(&self, rhs).unwrap_or_else(|e| panic!("{e}"))
            }
        }
        impl<T: Numeric> $trait<T> for &Tensor<T> {
            type Output = Tensor<T>;
            fn $method(self, rhs: T) -> Tensor<T> {
                self.$scalar(rhs)
            }
        }
        impl<T: Numeric> $trait<T> for Tensor<T> {
            type Output = Tensor<T>;
            fn $method(self, rhs: T) -> Tensor<T> {
                self.$scalar(rhs)
            }
        }
    };
}
operator!(Add, add, add_scalar);
operator!(Sub, sub, sub_scalar);
operator!(Mul, mul, mul_scalar);
operator!(Div, div, div_scalar);
operator!(Rem, rem, rem_scalar);

impl<T: Numeric + Neg<Output = T>> Neg for &Tensor<T> {
    type Output = Tensor<T>;
    fn neg(self) -> Tensor<T> {
        unary_map(self, |x| -x)
    }
}
impl<T: Numeric + Neg<Output = T>> Neg for Tensor<T> {
    type Output = Tensor<T>;
    fn neg(self) -> Tensor<T> {
        unary_map(&self, |x| -x)
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn add_broadcasts_row_and_column() {
        let a = Tensor::from_vec(vec![1.0f32, 2.0, 3.0], [3, 1]).unwrap();
        let b = Tensor::from_vec(vec![10.0f32, 20.0], [2]).unwrap();
        assert_eq!((&a + &b).to_vec(), vec![11.0, 21.0, 12.0, 22.0, 13.0, 23.0]);
    }

    #[test]
    fn mismatched_shapes_name_the_op() {
        let a = Tensor::<f32>::zeros([2, 3]);
        let b = Tensor::<f32>::zeros([3, 2]);
        let e = a.sub(&b).unwrap_err().to_string();
        assert!(e.starts_with("sub: [2, 3] and [3, 2]"), "{e}");
    }

    #[test]
    fn integer_division_by_zero_is_zero_not_a_panic() {
        let a = Tensor::from_vec1(vec![7i32, -7]);
        let b = Tensor::from_vec1(vec![0i32, 2]);
        assert_eq!(a.div(&b).unwrap().to_vec(), vec![0, -3]);
        assert_eq!(a.rem(&b).unwrap().to_vec(), vec![0, -1]);
        let f = Tensor::from_vec1(vec![1.0f64])
            .div(&Tensor::from_vec1(vec![0.0]))
            .unwrap();
        assert!(f.to_vec()[0].is_infinite());
        // MIN / −1 overflows: it wraps (as two's complement does) instead of panicking
        let m = Tensor::from_vec1(vec![i32::MIN, 9]);
        let minus_one = Tensor::from_vec1(vec![-1i32, -1]);
        assert_eq!(m.div(&minus_one).unwrap().to_vec(), vec![i32::MIN, -9]);
        assert_eq!(m.rem(&minus_one).unwrap().to_vec(), vec![0, 0]);
        assert_eq!(m.div_scalar(-1).to_vec(), vec![i32::MIN, -9]);
        assert_eq!(m.rem_scalar(-1).to_vec(), vec![0, 0]);
        assert_eq!(m.div_scalar(0).to_vec(), vec![0, 0]);
    }

    #[test]
    fn maximum_propagates_nan() {
        let a = Tensor::from_vec1(vec![f64::NAN, 1.0, 5.0]);
        let b = Tensor::from_vec1(vec![0.0, f64::NAN, 2.0]);
        let m = a.maximum(&b).unwrap().to_vec();
        assert!(m[0].is_nan() && m[1].is_nan() && m[2] == 5.0);
    }
}
