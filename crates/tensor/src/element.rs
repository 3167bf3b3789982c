//! Element types a [`Tensor`](crate::Tensor) can hold.
//!
//! Three levels of capability:
//! - [`Element`]: anything storable (`bool` masks included): copy, compare, print.
//! - [`Numeric`]: numbers with `+ - * /`, zero/one and lossy casts (f32, f64, i32, i64, u8, u32).
//! - [`Float`]: real floating point numbers (f32, f64), the types training and gradient checks use.

use std::fmt::{Debug, Display};

use num_traits::{Bounded, FromPrimitive, Num, NumAssignOps, NumCast, ToPrimitive};

/// The runtime name of an element type, used in error messages and serialised tensors.
///
/// serde writes it as the variant's name (`"F32"`) and reads that or the lowercase name the
/// type prints as (`"f32"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum DType {
    /// `bool`
    #[serde(alias = "bool")]
    Bool,
    /// `u8`
    #[serde(alias = "u8")]
    U8,
    /// `u32`
    #[serde(alias = "u32")]
    U32,
    /// `i32`
    #[serde(alias = "i32")]
    I32,
    /// `i64`
    #[serde(alias = "i64")]
    I64,
    /// `f32`
    #[serde(alias = "f32")]
    F32,
    /// `f64`
    #[serde(alias = "f64")]
    F64,
}

impl Display for DType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            DType::Bool => "bool",
            DType::U8 => "u8",
            DType::U32 => "u32",
            DType::I32 => "i32",
            DType::I64 => "i64",
            DType::F32 => "f32",
            DType::F64 => "f64",
        };
        f.write_str(name)
    }
}

/// Anything a tensor can store.
pub trait Element:
    Copy + Send + Sync + PartialEq + PartialOrd + Debug + Display + Default + 'static
{
    /// The runtime name of this type.
    const DTYPE: DType;
}

/// Numbers: arithmetic, zero/one, bounds and casts between element types.
pub trait Numeric:
    Element + Num + NumAssignOps + NumCast + ToPrimitive + FromPrimitive + Bounded
{
    /// `self` converted to `f64` (exact for every supported type but large i64).
    #[inline]
    fn to_f64_lossy(self) -> f64 {
        self.to_f64().unwrap_or(f64::NAN)
    }
    /// `self / b` for every pair of operands: integer division truncates, by zero gives 0, and
    /// `MIN / −1` wraps to `MIN` (Rust's `/` panics on both); floats divide as IEEE 754 does.
    fn total_div(self, b: Self) -> Self;
    /// `self % b` (the sign of `self`) for every pair: an integer remainder by zero gives 0 and
    /// `MIN % −1` gives 0 (Rust's `%` panics on both); floats as IEEE 754.
    fn total_rem(self, b: Self) -> Self;
    /// Converts an `f64` to this type, saturating at the bounds of integer types.
    #[inline]
    fn from_f64_lossy(v: f64) -> Self {
        match <Self as NumCast>::from(v) {
            Some(x) => x,
            None if v.is_nan() => Self::zero(),
            None if v > 0.0 => Self::max_value(),
            None => Self::min_value(),
        }
    }
}

/// Real floating point numbers (f32 and f64).
pub trait Float:
    Numeric + num_traits::Float + num_traits::FloatConst + num_traits::Signed + std::iter::Sum
{
}

macro_rules! element {
    ($t:ty, $d:ident) => {
        impl Element for $t {
            const DTYPE: DType = DType::$d;
        }
    };
}
element!(bool, Bool);
element!(u8, U8);
element!(u32, U32);
element!(i32, I32);
element!(i64, I64);
element!(f32, F32);
element!(f64, F64);

macro_rules! integer_numeric {
    ($($t:ty),*) => {$(
        impl Numeric for $t {
            #[inline]
            fn total_div(self, b: Self) -> Self {
                if b == 0 { 0 } else { self.wrapping_div(b) }
            }
            #[inline]
            fn total_rem(self, b: Self) -> Self {
                if b == 0 { 0 } else { self.wrapping_rem(b) }
            }
        }
    )*};
}
integer_numeric!(u8, u32, i32, i64);

macro_rules! float_numeric {
    ($($t:ty),*) => {$(
        impl Numeric for $t {
            #[inline]
            fn total_div(self, b: Self) -> Self {
                self / b
            }
            #[inline]
            fn total_rem(self, b: Self) -> Self {
                self % b
            }
        }
    )*};
}
float_numeric!(f32, f64);
impl Float for f32 {}
impl Float for f64 {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_f64_lossy_saturates_integers_and_maps_nan_to_zero() {
        assert_eq!(u8::from_f64_lossy(300.0), 255);
        assert_eq!(u8::from_f64_lossy(-3.0), 0);
        assert_eq!(i32::from_f64_lossy(f64::NAN), 0);
        assert_eq!(i64::from_f64_lossy(-2.7), -2);
        assert_eq!(f32::from_f64_lossy(0.5), 0.5);
    }

    #[test]
    fn integer_division_is_total() {
        assert_eq!(7i32.total_div(-2), -3);
        assert_eq!(7i32.total_rem(-2), 1);
        assert_eq!(5u8.total_div(0), 0);
        assert_eq!(5i64.total_rem(0), 0);
        assert_eq!(i32::MIN.total_div(-1), i32::MIN);
        assert_eq!(i64::MIN.total_rem(-1), 0);
        assert_eq!(1.0f32.total_div(0.0), f32::INFINITY);
        assert!(0.0f64.total_rem(0.0).is_nan());
    }
}
