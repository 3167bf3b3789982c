//! `isclose` and `allclose`: equality within a tolerance, as `torch.isclose` and
//! `numpy.isclose` define it.

use super::binary_map;
use crate::element::Float;
use crate::error::{Result, TensorError};
use crate::tensor::Tensor;

impl<T: Float> Tensor<T> {
    /// Mask of `|self − other| ≤ atol + rtol·|other|`, broadcasting (`torch.isclose` with
    /// `equal_nan = false`). An infinity is close only to the same infinity; NaN is close to
    /// nothing. The test is not symmetric: `rtol` scales `other`, the reference.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let a = Tensor::from_vec1(vec![1.0f64, 100.0, f64::INFINITY, f64::NAN]);
    /// let b = Tensor::from_vec1(vec![1.0 + 1e-9, 100.1, f64::INFINITY, f64::NAN]);
    /// assert_eq!(a.isclose(&b, 1e-5, 1e-8).unwrap().to_vec(), vec![true, false, true, false]);
    /// assert!(a.isclose(&b, 1e-3, 0.0).unwrap().to_vec()[1]);
    /// ```
    ///
    /// # Errors
    /// Shapes that do not broadcast; a tolerance that is negative or NaN.
    pub fn isclose(&self, other: &Tensor<T>, rtol: f64, atol: f64) -> Result<Tensor<bool>> {
        let (rtol, atol) = tolerances("isclose", rtol, atol)?;
        binary_map("isclose", self, other, |a, b| close(a, b, rtol, atol))
    }

    /// True when every element of `self` is [close](Self::isclose) to the matching one of
    /// `other`, broadcasting (`torch.allclose`). Empty tensors are close.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let x = Tensor::from_vec1(vec![0.1f32 + 0.2, 0.5]);
    /// assert!(x.allclose(&Tensor::from_vec1(vec![0.3, 0.5]), 1e-5, 1e-8).unwrap());
    /// ```
    ///
    /// # Errors
    /// As [`isclose`](Self::isclose).
    pub fn allclose(&self, other: &Tensor<T>, rtol: f64, atol: f64) -> Result<bool> {
        Ok(self.isclose(other, rtol, atol)?.all_all())
    }
}

/// The tolerances in the element type, refused when negative or NaN.
fn tolerances<T: Float>(op: &'static str, rtol: f64, atol: f64) -> Result<(T, T)> {
    for (name, value) in [("rtol", rtol), ("atol", atol)] {
        if value.is_nan() || value < 0.0 {
            return Err(TensorError::arg(
                op,
                format!("{name} = {value}: a tolerance must be 0 or more"),
            ));
        }
    }
    Ok((T::from_f64_lossy(rtol), T::from_f64_lossy(atol)))
}

/// `|a − b| ≤ atol + rtol·|b|` with `|a − b|` finite, as torch tests it; equal values
/// (infinities included) are close, NaN never.
fn close<T: Float>(a: T, b: T, rtol: T, atol: T) -> bool {
    if a == b {
        return true;
    }
    let gap = (a - b).abs();
    gap.is_finite() && gap <= atol + rtol * b.abs()
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn tolerances_follow_torch_isclose() {
        // |a − b| ≤ atol + rtol·|b|, worked out by hand at the boundary (exact in binary).
        let a = Tensor::from_vec1(vec![10.0f64, 10.0, -4.0, 0.0]);
        let b = Tensor::from_vec1(vec![10.5, 10.75, -4.5, 0.25]);
        // atol alone: the differences 0.5, 0.75, 0.5, 0.25 against 0.5.
        let m = a.isclose(&b, 0.0, 0.5).unwrap().to_vec();
        assert_eq!(m, vec![true, false, true, true]);
        // rtol = 0.0625 scales |b|: bounds 0.65625, 0.671875, 0.28125, 0.015625 against the
        // differences 0.5, 0.75, 0.5, 0.25; with atol = 0.25 added, the last two pass as well.
        let m = a.isclose(&b, 0.0625, 0.0).unwrap().to_vec();
        assert_eq!(m, vec![true, false, false, false]);
        let m = a.isclose(&b, 0.0625, 0.25).unwrap().to_vec();
        assert_eq!(m, vec![true, true, true, true]);
        // Not symmetric: rtol scales the second operand.
        let (x, y) = (Tensor::scalar(1.0f64), Tensor::scalar(2.0f64));
        assert!(x.allclose(&y, 0.5, 0.0).unwrap());
        assert!(!y.allclose(&x, 0.5, 0.0).unwrap());
    }

    #[test]
    fn infinities_nan_broadcasting_and_bad_tolerances() {
        let inf = f32::INFINITY;
        let a = Tensor::from_vec1(vec![inf, inf, -inf, f32::NAN, 1e30]);
        let b = Tensor::from_vec1(vec![inf, -inf, -inf, f32::NAN, inf]);
        let m = a.isclose(&b, 1.0, 1.0).unwrap().to_vec();
        assert_eq!(m, vec![true, false, true, false, false]);
        // A gap that overflows is not close, whatever the tolerances.
        let (big, minus) = (Tensor::scalar(f32::MAX), Tensor::scalar(-f32::MAX));
        assert!(!big.allclose(&minus, 2.0, 0.0).unwrap());
        assert!(!big.allclose(&minus, 0.0, f64::INFINITY).unwrap());
        // A column against a row: a (2, 3) mask.
        let col = Tensor::from_vec(vec![1.0f32, 2.0], [2, 1]).unwrap();
        let row = Tensor::from_vec1(vec![1.0f32, 2.0, 1.05]);
        let m = col.isclose(&row, 0.0, 0.1).unwrap();
        assert_eq!(m.dims(), &[2, 3]);
        assert_eq!(m.to_vec(), vec![true, false, true, false, true, false]);
        assert!(Tensor::<f64>::zeros([0, 3])
            .allclose(&Tensor::ones([3]), 0.0, 0.0)
            .unwrap());
        let e = a.isclose(&b, -1e-5, 0.0).unwrap_err().to_string();
        assert_eq!(e, "isclose: rtol = -0.00001: a tolerance must be 0 or more");
        assert!(a.allclose(&b, 0.0, f64::NAN).is_err());
        let e = col.allclose(&Tensor::ones([3, 1]), 0.0, 0.0).unwrap_err();
        assert!(e.to_string().starts_with("isclose:"), "{e}");
    }
}
