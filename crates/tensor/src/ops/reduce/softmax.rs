//! logsumexp over axes; softmax and log-softmax along an axis. All three subtract the maximum
//! before exponentiating, so that no finite input overflows.

use rayon::prelude::*;

use super::extrema::{extreme_cols, extreme_row, pick_max};
use super::pairwise::{pairwise_sum, pairwise_sum_cols};
use super::plan::{contiguous_data, without_reduced_broadcast, Plan};
use crate::element::Float;
use crate::error::Result;
use crate::ops::elementwise::PARALLEL_THRESHOLD;
use crate::shape::{check_scalar_axis, resolve_axis};
use crate::tensor::Tensor;

/// Elements a parallel task of softmax should cover at least.
const TASK: usize = 1 << 14;

/// The shift subtracted before exponentiating: the maximum, or 0 when the maximum is infinite.
/// Subtracting an infinite maximum would give ∞ − ∞ = NaN; with 0, a run of −∞ sums to e^(−∞) = 0
/// (logsumexp −∞) and a +∞ gives +∞.
#[inline]
fn shift_of<T: Float>(max: T) -> T {
    if max.is_infinite() {
        T::zero()
    } else {
        max
    }
}

/// ln Σ eˣ of a non-empty run.
fn logsumexp_row<T: Float>(x: &[T]) -> T {
    let c = shift_of(extreme_row(x, pick_max));
    c + pairwise_sum(x, &|v| (v - c).exp()).ln()
}

/// `out[j]` = ln Σ_r e^x[r·stride + j] over `r < rows`.
fn logsumexp_cols<T: Float>(x: &[T], rows: usize, stride: usize, out: &mut [T]) {
    if rows == 0 {
        out.fill(T::neg_infinity());
        return;
    }
    let mut c = crate::buffer_cache::filled(out.len(), T::zero());
    extreme_cols(x, rows, stride, &mut c, pick_max);
    c.iter_mut().for_each(|m| *m = shift_of(*m));
    pairwise_sum_cols(x, rows, stride, out, &|v, j| (v - c[j]).exp());
    for (o, &c) in out.iter_mut().zip(&c) {
        *o = c + o.ln();
    }
}

/// Softmax (or log-softmax) of a contiguous run into `out`.
fn softmax_row<T: Float>(x: &[T], out: &mut [T], log: bool) {
    let c = shift_of(extreme_row(x, pick_max));
    if log {
        let lse = c + pairwise_sum(x, &|v| (v - c).exp()).ln();
        for (o, &v) in out.iter_mut().zip(x) {
            *o = v - lse;
        }
    } else {
        for (o, &v) in out.iter_mut().zip(x) {
            *o = (v - c).exp();
        }
        let total = pairwise_sum(out, &|v| v);
        for o in out.iter_mut() {
            *o /= total;
        }
    }
}

/// Softmax (or log-softmax) down the columns of a `rows × stride` block into `out`.
fn softmax_cols<T: Float>(x: &[T], rows: usize, stride: usize, out: &mut [T], log: bool) {
    if log {
        let mut lse = crate::buffer_cache::filled(stride, T::zero());
        logsumexp_cols(x, rows, stride, &mut lse);
        for (o, v) in out.chunks_exact_mut(stride).zip(x.chunks_exact(stride)) {
            for ((o, &v), &l) in o.iter_mut().zip(v).zip(&lse) {
                *o = v - l;
            }
        }
        return;
    }
    let mut c = crate::buffer_cache::filled(stride, T::zero());
    extreme_cols(x, rows, stride, &mut c, pick_max);
    c.iter_mut().for_each(|m| *m = shift_of(*m));
    for (o, v) in out.chunks_exact_mut(stride).zip(x.chunks_exact(stride)) {
        for ((o, &v), &c) in o.iter_mut().zip(v).zip(&c) {
            *o = (v - c).exp();
        }
    }
    let mut total = crate::buffer_cache::filled(stride, T::zero());
    pairwise_sum_cols(out, rows, stride, &mut total, &|v, _| v);
    for o in out.chunks_exact_mut(stride) {
        for (o, &t) in o.iter_mut().zip(&total) {
            *o /= t;
        }
    }
}

impl<T: Float> Tensor<T> {
    /// ln Σ eˣ over `axes` (empty: over no axis), keeping them as size 1 when `keepdim`.
    /// Computed as c + ln Σ e^(x − c) with c the maximum, so it neither overflows for large x
    /// nor gives NaN when every element is −∞ (the result is then −∞, as for zero elements).
    ///
    /// # Errors
    /// An axis out of range or repeated.
    pub fn logsumexp(&self, axes: &[isize], keepdim: bool) -> Result<Tensor<T>> {
        if let Some((cut, repeats)) = without_reduced_broadcast("logsumexp", self, axes)? {
            // r copies of each term multiply the sum by r.
            let ln_r = T::from_f64_lossy((repeats as f64).ln());
            return Ok(cut.logsumexp(axes, keepdim)?.map(|l| l + ln_r));
        }
        let plan = Plan::new("logsumexp", self, axes, keepdim)?;
        Ok(plan.run(logsumexp_row, logsumexp_cols))
    }

    /// Softmax along `axis`: e^(xᵢ − c) / Σⱼ e^(xⱼ − c), c the maximum along the axis (the
    /// stable form: no overflow for large inputs). The result has the input's shape; a line
    /// whose elements are all −∞ gives NaN, as in PyTorch.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let p = Tensor::from_vec1(vec![500.0f64, 1000.0]).softmax(0).unwrap().to_vec();
    /// assert_eq!(p[1], 1.0);
    /// ```
    ///
    /// # Errors
    /// An axis out of range (a 0-d tensor takes 0 or −1, as in PyTorch).
    pub fn softmax(&self, axis: isize) -> Result<Tensor<T>> {
        self.softmax_along("softmax", axis, false)
    }

    /// Log-softmax along `axis`: xᵢ − c − ln Σⱼ e^(xⱼ − c), c the maximum along the axis, which
    /// stays finite where ln(softmax) would underflow to −∞.
    ///
    /// # Errors
    /// An axis out of range (a 0-d tensor takes 0 or −1, as in PyTorch).
    pub fn log_softmax(&self, axis: isize) -> Result<Tensor<T>> {
        self.softmax_along("log_softmax", axis, true)
    }

    fn softmax_along(&self, op: &'static str, axis: isize, log: bool) -> Result<Tensor<T>> {
        if self.rank() == 0 {
            // A scalar is one element along axis 0 or −1, as in PyTorch.
            check_scalar_axis(op, axis)?;
            let one = self.reshape([1])?.softmax_along(op, 0, log)?;
            return one.reshape(self.shape().clone());
        }
        let ax = resolve_axis(op, axis, self.rank())?;
        let dims = self.dims();
        let (rows, inner) = (dims[ax], dims[ax + 1..].iter().product::<usize>());
        let block = rows * inner;
        let data = contiguous_data(self);
        let mut out = crate::buffer_cache::filled(data.len(), T::zero());
        if block == 0 {
            return Ok(Tensor::from_vec_unchecked(out, self.shape().clone()));
        }
        let work = |(o, x): (&mut [T], &[T])| {
            if inner == 1 {
                softmax_row(x, o, log);
            } else {
                softmax_cols(x, rows, inner, o, log);
            }
        };
        if data.len() >= PARALLEL_THRESHOLD {
            crate::parallel::region(|| {
                out.par_chunks_mut(block)
                    .zip(data.par_chunks(block))
                    .with_min_len((TASK / block).max(1))
                    .for_each(work)
            });
        } else {
            out.chunks_mut(block).zip(data.chunks(block)).for_each(work);
        }
        Ok(Tensor::from_vec_unchecked(out, self.shape().clone()))
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    fn close(got: &[f64], want: &[f64], tol: f64) {
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert!(
                (g - w).abs() <= tol * w.abs().max(1.0),
                "{got:?} vs {want:?}"
            );
        }
    }

    #[test]
    fn softmax_of_the_books_three_scores() {
        let p = Tensor::from_vec1(vec![3.0f32, 1.0, 0.2])
            .softmax(0)
            .unwrap();
        let p: Vec<f64> = p.to_vec().into_iter().map(f64::from).collect();
        close(&p, &[0.8360188, 0.11314284, 0.05083836], 1e-6);
    }

    #[test]
    fn softmax_of_huge_scores_does_not_overflow() {
        let p = Tensor::from_vec1(vec![500.0f64, 1000.0])
            .softmax(-1)
            .unwrap();
        close(&p.to_vec(), &[7.12457641e-218, 1.0], 1e-8);
        assert!((p.to_vec()[0] / 7.12457641e-218 - 1.0).abs() < 1e-8);
    }

    #[test]
    fn softmax_row_wise_matches_the_books_matrix() {
        let x = Tensor::from_rows(&[[1.0f64, 2.0, 3.0], [6.0, 2.0, 4.0]]).unwrap();
        let want = [
            0.09003057, 0.24472847, 0.66524096, 0.86681333, 0.01587624, 0.11731043,
        ];
        close(&x.softmax(1).unwrap().to_vec(), &want, 1e-7);
        // The same along axis 0 of the transpose (the column kernel) and of a copy of it.
        let xt = x.t();
        close(&xt.softmax(0).unwrap().t().to_vec(), &want, 1e-7);
        close(
            &xt.contiguous().softmax(0).unwrap().t().to_vec(),
            &want,
            1e-7,
        );
    }

    #[test]
    fn log_softmax_is_the_log_of_softmax_without_underflow() {
        let x = Tensor::from_rows(&[[1.0f64, 2.0, 3.0], [0.0, -1000.0, 1000.0]]).unwrap();
        let l = x.log_softmax(1).unwrap().to_vec();
        let s = x.softmax(1).unwrap().to_vec();
        close(
            &l[..3],
            &s[..3].iter().map(|v| v.ln()).collect::<Vec<_>>(),
            1e-12,
        );
        close(&l[3..], &[-1000.0, -2000.0, 0.0], 1e-12);
        let lt = x.t().log_softmax(0).unwrap().t().to_vec();
        close(&lt, &l, 1e-12);
    }

    #[test]
    fn logsumexp_is_stable_and_handles_infinite_rows() {
        let inf = f64::INFINITY;
        let x = Tensor::from_rows(&[[1000.0, 1000.0], [-inf, -inf], [inf, 0.0]]).unwrap();
        let l = x.logsumexp(&[1], false).unwrap().to_vec();
        close(&l[..1], &[1000.0 + 2f64.ln()], 1e-15);
        assert_eq!(l[1], -inf);
        assert_eq!(l[2], inf);
        let lt = x.t().contiguous().logsumexp(&[0], true).unwrap();
        assert_eq!(lt.dims(), &[1, 3]);
        assert_eq!(&lt.to_vec()[1..], &[-inf, inf]);
        let empty = Tensor::<f32>::zeros([3, 0]).logsumexp(&[1], false).unwrap();
        assert_eq!(empty.to_vec(), vec![f32::NEG_INFINITY; 3]);
    }

    #[test]
    fn large_softmax_rows_sum_to_one_on_the_parallel_path() {
        let x = Tensor::from_fn([700, 100], |i| ((i * 37) % 101) as f32 / 10.0);
        let p = x.softmax(-1).unwrap();
        for s in p.sum(&[1], false).unwrap().to_vec() {
            assert!((s - 1.0).abs() < 1e-5, "{s}");
        }
        let q = x.softmax(0).unwrap();
        for s in q.sum(&[0], false).unwrap().to_vec() {
            assert!((s - 1.0).abs() < 1e-5, "{s}");
        }
    }

    #[test]
    fn softmax_of_a_scalar_is_one_along_axis_zero_or_minus_one() {
        let x = Tensor::scalar(-3.0f32);
        assert_eq!(x.softmax(0).unwrap().item().unwrap(), 1.0);
        assert_eq!(x.log_softmax(-1).unwrap().item().unwrap(), 0.0);
        assert!(x.softmax(1).is_err());
    }
}
