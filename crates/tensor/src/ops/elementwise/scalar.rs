//! Operations between a tensor and one scalar.

use super::{is_nan, unary_map};
use crate::element::{Float, Numeric};
use crate::tensor::Tensor;

impl<T: Numeric> Tensor<T> {
    /// `self + s`.
    pub fn add_scalar(&self, s: T) -> Tensor<T> {
        unary_map(self, move |x| x + s)
    }
    /// `self - s`.
    pub fn sub_scalar(&self, s: T) -> Tensor<T> {
        unary_map(self, move |x| x - s)
    }
    /// `s - self`.
    pub fn rsub_scalar(&self, s: T) -> Tensor<T> {
        unary_map(self, move |x| s - x)
    }
    /// `self * s`.
    pub fn mul_scalar(&self, s: T) -> Tensor<T> {
        unary_map(self, move |x| x * s)
    }
    /// `self / s` (an integer division by zero yields zero, `MIN / −1` wraps to `MIN`: see
    /// [`Numeric::total_div`]).
    pub fn div_scalar(&self, s: T) -> Tensor<T> {
        unary_map(self, move |x| x.total_div(s))
    }
    /// `self % s` (an integer remainder by zero, or of `MIN` by −1, yields zero).
    pub fn rem_scalar(&self, s: T) -> Tensor<T> {
        unary_map(self, move |x| x.total_rem(s))
    }
    /// `max(self, s)` element-wise.
    pub fn maximum_scalar(&self, s: T) -> Tensor<T> {
        unary_map(self, move |x| if is_nan(x) || x > s { x } else { s })
    }
    /// `min(self, s)` element-wise.
    pub fn minimum_scalar(&self, s: T) -> Tensor<T> {
        unary_map(self, move |x| if is_nan(x) || x < s { x } else { s })
    }
}

impl<T: Float> Tensor<T> {
    /// `self ^ p` for a real exponent.
    pub fn powf(&self, p: T) -> Tensor<T> {
        unary_map(self, move |x| x.powf(p))
    }
    /// `self ^ n` for an integer exponent (exact repeated multiplication).
    pub fn powi(&self, n: i32) -> Tensor<T> {
        unary_map(self, move |x| x.powi(n))
    }
    /// `s / self`.
    pub fn rdiv_scalar(&self, s: T) -> Tensor<T> {
        unary_map(self, move |x| s / x)
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn scalar_ops_apply_to_non_contiguous_views() {
        let t = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], [2, 2])
            .unwrap()
            .t();
        assert_eq!((&t * 2.0).to_vec(), vec![2.0, 6.0, 4.0, 8.0]);
        assert_eq!(t.rsub_scalar(1.0).to_vec(), vec![0.0, -2.0, -1.0, -3.0]);
        assert_eq!(t.powi(2).to_vec(), vec![1.0, 9.0, 4.0, 16.0]);
        assert_eq!(
            Tensor::from_vec1(vec![5i64]).div_scalar(0).to_vec(),
            vec![0]
        );
    }
}
