//! Variance and standard deviation over axes.

use super::pairwise::{pairwise_sum, pairwise_sum_cols};
use super::plan::{without_reduced_broadcast, Plan};
use crate::element::Float;
use crate::error::Result;
use crate::shape::resolve_reduction_axes;
use crate::tensor::Tensor;

impl<T: Float> Tensor<T> {
    /// Variance over `axes` (empty: over no axis): Σ(x − mean)² / (N − correction), with
    /// `correction` 0 for the population variance and 1 for the unbiased estimate (PyTorch's
    /// `correction`). N − correction ≤ 0 divides by zero (NaN or ∞), as in PyTorch.
    ///
    /// Two passes — the mean first, then the squared deviations from it — so that a large
    /// common offset does not cancel away the digits of a small spread.
    ///
    /// # Errors
    /// An axis out of range or repeated.
    pub fn var(&self, axes: &[isize], correction: usize, keepdim: bool) -> Result<Tensor<T>> {
        self.moment("var", axes, correction, keepdim, |v| v)
    }

    /// Standard deviation over `axes`: the square root of [`var`](Self::var) with the same
    /// `correction`.
    ///
    /// # Errors
    /// An axis out of range or repeated.
    pub fn std(&self, axes: &[isize], correction: usize, keepdim: bool) -> Result<Tensor<T>> {
        self.moment("std", axes, correction, keepdim, |v| v.sqrt())
    }

    fn moment(
        &self,
        op: &'static str,
        axes: &[isize],
        correction: usize,
        keepdim: bool,
        finish: impl Fn(T) -> T + Sync,
    ) -> Result<Tensor<T>> {
        if let Some((cut, _)) = without_reduced_broadcast(op, self, axes)? {
            // r copies of each element keep the mean and multiply the squared deviations and
            // the count by r: the population variance of the cut view, rescaled for the
            // correction of the whole count n.
            let n: usize = resolve_reduction_axes(op, axes, self.rank())?
                .iter()
                .map(|&a| self.dims()[a])
                .product();
            let scale = T::from_f64_lossy(n as f64)
                / T::from_f64_lossy(n.saturating_sub(correction) as f64);
            return Ok(cut.var(axes, 0, keepdim)?.map(|v| finish(v * scale)));
        }
        let plan = Plan::new(op, self, axes, keepdim)?;
        let n = T::from_f64_lossy(plan.red as f64);
        let denom = T::from_f64_lossy(plan.red.saturating_sub(correction) as f64);
        Ok(plan.run(
            |x| {
                let mean = pairwise_sum(x, &|v| v) / n;
                finish(pairwise_sum(x, &|v| (v - mean) * (v - mean)) / denom)
            },
            |x, rows, stride, out| {
                pairwise_sum_cols(x, rows, stride, out, &|v, _| v);
                let mean: Vec<T> = out.iter().map(|&s| s / n).collect();
                pairwise_sum_cols(x, rows, stride, out, &|v, j| (v - mean[j]) * (v - mean[j]));
                for o in out.iter_mut() {
                    *o = finish(*o / denom);
                }
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn var_with_and_without_correction() {
        let x = Tensor::from_vec(vec![2.0f64, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], [8]).unwrap();
        assert_eq!(x.var(&[0], 0, false).unwrap().to_vec(), vec![4.0]);
        assert_eq!(x.std(&[0], 0, false).unwrap().to_vec(), vec![2.0]);
        assert_eq!(x.var(&[0], 1, false).unwrap().to_vec(), vec![32.0 / 7.0]);
    }

    #[test]
    fn var_along_columns_matches_var_along_rows_of_the_transpose() {
        let x = Tensor::from_fn([5, 3], |i| ((i * 7) % 11) as f64);
        let down = x.var(&[0], 1, true).unwrap();
        let across = x.t().contiguous().var(&[1], 1, false).unwrap();
        assert_eq!(down.dims(), &[1, 3]);
        assert_eq!(down.to_vec(), across.to_vec());
    }

    #[test]
    fn var_is_not_fooled_by_a_large_offset() {
        // E[x²] − E[x]² in f32 loses every digit here; the two-pass form keeps them.
        let x = Tensor::from_vec1(vec![1e4f32 + 1.0, 1e4 + 2.0, 1e4 + 3.0, 1e4 + 4.0]);
        let v = x.var(&[0], 0, false).unwrap().to_vec()[0];
        assert!((v - 1.25).abs() < 1e-6, "{v}");
    }

    #[test]
    fn var_of_too_few_elements_is_nan() {
        let one = Tensor::from_vec1(vec![3.0f64]);
        assert!(one.var(&[0], 1, false).unwrap().to_vec()[0].is_nan());
        let none = Tensor::<f64>::zeros([0, 2]);
        assert!(none.var(&[0], 0, false).unwrap().to_vec()[0].is_nan());
    }
}
