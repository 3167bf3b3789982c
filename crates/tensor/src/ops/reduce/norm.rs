//! Vector norms over axes: `norm` with any order p ≥ 0, ∞ and −∞.

use super::extrema::{pick_max, pick_min};
use super::pairwise::{pairwise_sum, pairwise_sum_cols};
use super::plan::{without_reduced_broadcast, Plan};
use crate::element::Float;
use crate::error::{Result, TensorError};
use crate::tensor::Tensor;

impl<T: Float> Tensor<T> {
    /// The p-norm of the elements over `axes` (empty: over no axis), treating them as one vector
    /// per output (`torch.linalg.vector_norm`): (Σ|x|ᵖ)^(1/p) for p > 0 — 2 is the Euclidean
    /// norm, 1 the sum of magnitudes —, max |x| for p = ∞, min |x| for p = −∞, and the number
    /// of nonzero elements for p = 0. Over zero elements the norm is 0 (p = ±∞ is an error
    /// there, as for [`max`](Self::max)).
    ///
    /// Like PyTorch, it does not rescale: for p = 2, elements above √(largest float) overflow
    /// the sum of squares to ∞.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let x = Tensor::from_vec(vec![3.0f64, -4.0, 0.0, 1.0], [2, 2]).unwrap();
    /// assert_eq!(x.norm(2.0, &[1], false).unwrap().to_vec(), vec![5.0, 1.0]);
    /// assert_eq!(x.norm(1.0, &[0, 1], false).unwrap().item().unwrap(), 8.0);
    /// assert_eq!(x.norm(f64::INFINITY, &[0], false).unwrap().to_vec(), vec![3.0, 4.0]);
    /// assert_eq!(x.norm(0.0, &[1], true).unwrap().to_vec(), vec![2.0, 1.0]);
    /// ```
    ///
    /// # Errors
    /// A negative or NaN `p`; an axis out of range or repeated; p = ±∞ over zero elements.
    pub fn norm(&self, p: T, axes: &[isize], keepdim: bool) -> Result<Tensor<T>> {
        let op = "norm";
        if p == T::infinity() {
            return self.abs().extreme(op, axes, keepdim, pick_max);
        }
        if p == T::neg_infinity() {
            return self.abs().extreme(op, axes, keepdim, pick_min);
        }
        if p.is_nan() || p < T::zero() {
            return Err(TensorError::arg(
                op,
                format!("order p = {p}: expected p ≥ 0, ∞ or −∞"),
            ));
        }
        if let Some((cut, repeats)) = without_reduced_broadcast(op, self, axes)? {
            // r copies of each element multiply Σ|x|ᵖ (or the count) by r.
            let r = T::from_f64_lossy(repeats as f64);
            let factor = if p == T::zero() { r } else { r.powf(p.recip()) };
            return Ok(cut.norm(p, axes, keepdim)?.map(|n| n * factor));
        }
        let plan = Plan::new(op, self, axes, keepdim)?;
        let same = |s: T| s;
        Ok(if p == T::zero() {
            powered_sum(
                &plan,
                |v| T::from_f64_lossy((v != T::zero()) as u8 as f64),
                same,
            )
        } else if p == T::one() {
            powered_sum(&plan, |v| v.abs(), same)
        } else if p == T::from_f64_lossy(2.0) {
            powered_sum(&plan, |v| v * v, |s| s.sqrt())
        } else {
            let root = p.recip();
            powered_sum(&plan, |v| v.abs().powf(p), |s| s.powf(root))
        })
    }
}

/// `finish(Σ term(x))` over each output's elements, summed pairwise.
fn powered_sum<T: Float>(
    plan: &Plan<'_, T>,
    term: impl Fn(T) -> T + Sync,
    finish: impl Fn(T) -> T + Sync,
) -> Tensor<T> {
    plan.run(
        |x| finish(pairwise_sum(x, &term)),
        |x, rows, stride, out| {
            pairwise_sum_cols(x, rows, stride, out, &|v, _| term(v));
            for o in out.iter_mut() {
                *o = finish(*o);
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    /// (Σ|x|ᵖ)^(1/p) of each row, or its limits, by a plain loop.
    fn naive_row_norm(row: &[f64], p: f64) -> f64 {
        let m = row.iter().map(|v| v.abs());
        if p == f64::INFINITY {
            m.fold(0.0, f64::max)
        } else if p == f64::NEG_INFINITY {
            m.fold(f64::INFINITY, f64::min)
        } else if p == 0.0 {
            row.iter().filter(|&&v| v != 0.0).count() as f64
        } else {
            m.map(|a| a.powf(p)).sum::<f64>().powf(1.0 / p)
        }
    }

    #[test]
    fn norms_of_rows_and_columns_of_views_match_a_loop() {
        let stored = Tensor::from_fn([4, 6], |i| ((i * 7) % 11) as f64 - 5.0);
        let orders = [0.0, 1.0, 2.0, 3.0, 0.5, f64::INFINITY, f64::NEG_INFINITY];
        for x in [
            stored.clone(),
            stored.t().contiguous(),
            stored.flip(&[0]).unwrap(),
        ] {
            let rows: Vec<Vec<f64>> = (0..x.dims()[0])
                .map(|i| x.select(0, i).unwrap().to_vec())
                .collect();
            let cols: Vec<Vec<f64>> = (0..x.dims()[1])
                .map(|j| x.select(1, j).unwrap().to_vec())
                .collect();
            for p in orders {
                let along_rows = x.norm(p, &[1], false).unwrap().to_vec();
                let down_cols = x.norm(p, &[0], true).unwrap().to_vec();
                for (got, row) in along_rows.iter().zip(&rows) {
                    assert!((got - naive_row_norm(row, p)).abs() < 1e-12, "p = {p}");
                }
                for (got, col) in down_cols.iter().zip(&cols) {
                    assert!((got - naive_row_norm(col, p)).abs() < 1e-12, "p = {p}");
                }
            }
        }
    }

    #[test]
    fn norm_of_zero_elements_and_bad_orders() {
        let empty = Tensor::<f32>::zeros([3, 0]);
        assert_eq!(empty.norm(2.0, &[1], false).unwrap().to_vec(), vec![0.0; 3]);
        let e = empty
            .norm(f32::INFINITY, &[1], false)
            .unwrap_err()
            .to_string();
        assert!(e.contains("norm"), "{e}");
        let x = Tensor::<f32>::ones([2]);
        for p in [-1.0, f32::NAN] {
            let e = x.norm(p, &[0], false).unwrap_err().to_string();
            assert!(e.contains("norm") && e.contains("order"), "{e}");
        }
    }
}
