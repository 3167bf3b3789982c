//! Maximum and minimum over axes, and the index where they occur.

use rayon::prelude::*;

use super::empty_reduction;
use super::plan::{distinct_elements, without_reduced_broadcast, Plan};
use crate::element::Numeric;
use crate::error::{Result, TensorError};
use crate::ops::elementwise::PARALLEL_THRESHOLD;
use crate::tensor::Tensor;

/// The larger of a running maximum `m` and `v`, NaN once either is NaN.
#[inline]
#[allow(clippy::eq_op)]
pub(super) fn pick_max<T: PartialOrd>(m: T, v: T) -> T {
    if v > m || v != v {
        v
    } else {
        m
    }
}

/// The smaller of a running minimum `m` and `v`, NaN once either is NaN.
#[inline]
#[allow(clippy::eq_op)]
pub(super) fn pick_min<T: PartialOrd>(m: T, v: T) -> T {
    if v < m || v != v {
        v
    } else {
        m
    }
}

/// True when `v` replaces the running maximum `m` of an arg-reduction. A NaN replaces any
/// number and is never replaced; among numbers only a strictly greater one wins, so ties keep
/// the first occurrence.
#[inline]
#[allow(clippy::eq_op)]
fn beats_max<T: PartialOrd>(v: T, m: T) -> bool {
    m == m && (v != v || v > m)
}

/// True when `v` replaces the running minimum `m` (NaN and ties as for [`beats_max`]).
#[inline]
#[allow(clippy::eq_op)]
fn beats_min<T: PartialOrd>(v: T, m: T) -> bool {
    m == m && (v != v || v < m)
}

/// Independent running extremes of a row (no dependency chain from one element to the next).
const LANES: usize = 8;

/// Elements per parallel task of a long run.
const TASK: usize = 1 << 14;

/// The extreme of a non-empty run under `pick` ([`pick_max`] or [`pick_min`]); in parallel when
/// the run is long.
pub(super) fn extreme_row<T: Copy + Send + Sync>(x: &[T], pick: impl Fn(T, T) -> T + Sync) -> T {
    if x.len() >= PARALLEL_THRESHOLD {
        let parts: Vec<T> = crate::parallel::region(|| {
            x.par_chunks(TASK)
                .map(|c| extreme_serial(c, &pick))
                .collect()
        });
        return extreme_serial(&parts, &pick);
    }
    extreme_serial(x, &pick)
}

fn extreme_serial<T: Copy>(x: &[T], pick: &impl Fn(T, T) -> T) -> T {
    let mut acc = [x[0]; LANES];
    let mut chunks = x.chunks_exact(LANES);
    for c in &mut chunks {
        for (a, &v) in acc.iter_mut().zip(c) {
            *a = pick(*a, v);
        }
    }
    let m = chunks.remainder().iter().fold(acc[0], |m, &v| pick(m, v));
    acc[1..].iter().fold(m, |m, &v| pick(m, v))
}

/// `out[j]` = the extreme under `pick` of `x[r·stride + j]` over `r < rows` (`rows ≥ 1`).
pub(super) fn extreme_cols<T: Copy>(
    x: &[T],
    rows: usize,
    stride: usize,
    out: &mut [T],
    pick: impl Fn(T, T) -> T,
) {
    out.copy_from_slice(&x[..out.len()]);
    for r in 1..rows {
        for (o, &v) in out.iter_mut().zip(&x[r * stride..]) {
            *o = pick(*o, v);
        }
    }
}

/// Index of the first extreme of a non-empty run under `beats`.
fn arg_row<T: Copy>(x: &[T], beats: impl Fn(T, T) -> bool) -> i64 {
    let mut best = 0;
    for (i, &v) in x.iter().enumerate().skip(1) {
        if beats(v, x[best]) {
            best = i;
        }
    }
    best as i64
}

/// `out[j]` = the row of the first extreme of column `j` under `beats` (`rows ≥ 1`).
fn arg_cols<T: Copy>(
    x: &[T],
    rows: usize,
    stride: usize,
    out: &mut [i64],
    beats: impl Fn(T, T) -> bool,
) {
    let mut best = x[..out.len()].to_vec();
    out.fill(0);
    for r in 1..rows {
        for ((o, m), &v) in out.iter_mut().zip(best.iter_mut()).zip(&x[r * stride..]) {
            if beats(v, *m) {
                *m = v;
                *o = r as i64;
            }
        }
    }
}

impl<T: Numeric> Tensor<T> {
    /// Maximum over `axes` (empty: over no axis), keeping them as size 1 when `keepdim`. A NaN
    /// among the reduced elements makes the result NaN.
    ///
    /// # Errors
    /// An axis out of range or repeated, or reduced axes that hold no elements.
    pub fn max(&self, axes: &[isize], keepdim: bool) -> Result<Tensor<T>> {
        self.extreme("max", axes, keepdim, pick_max)
    }

    /// Minimum over `axes` (empty: over no axis), keeping them as size 1 when `keepdim`. A NaN
    /// among the reduced elements makes the result NaN.
    ///
    /// # Errors
    /// An axis out of range or repeated, or reduced axes that hold no elements.
    pub fn min(&self, axes: &[isize], keepdim: bool) -> Result<Tensor<T>> {
        self.extreme("min", axes, keepdim, pick_min)
    }

    /// The largest element (NaN if any element is NaN).
    ///
    /// # Errors
    /// [`TensorError::InvalidShape`] for an empty tensor.
    pub fn max_all(&self) -> Result<T> {
        self.extreme_all("max_all", pick_max)
    }

    /// The smallest element (NaN if any element is NaN).
    ///
    /// # Errors
    /// [`TensorError::InvalidShape`] for an empty tensor.
    pub fn min_all(&self) -> Result<T> {
        self.extreme_all("min_all", pick_min)
    }

    /// Index of the maximum along `axis`, the first one on ties; the first NaN counts as the
    /// maximum, as in PyTorch. With `keepdim` the axis stays with size 1.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let x = Tensor::from_vec(vec![1.0f32, 9.0, 9.0, 7.0, 2.0, 3.0], [2, 3]).unwrap();
    /// assert_eq!(x.argmax(-1, false).unwrap().to_vec(), vec![1, 0]);
    /// ```
    ///
    /// # Errors
    /// An axis out of range, or an axis of size 0.
    pub fn argmax(&self, axis: isize, keepdim: bool) -> Result<Tensor<i64>> {
        self.arg_extreme("argmax", axis, keepdim, beats_max)
    }

    /// Index of the minimum along `axis`, the first one on ties; the first NaN counts as the
    /// minimum, as in PyTorch. With `keepdim` the axis stays with size 1.
    ///
    /// # Errors
    /// An axis out of range, or an axis of size 0.
    pub fn argmin(&self, axis: isize, keepdim: bool) -> Result<Tensor<i64>> {
        self.arg_extreme("argmin", axis, keepdim, beats_min)
    }

    pub(super) fn extreme(
        &self,
        op: &'static str,
        axes: &[isize],
        keepdim: bool,
        pick: impl Fn(T, T) -> T + Copy + Sync,
    ) -> Result<Tensor<T>> {
        if let Some((cut, _)) = without_reduced_broadcast(op, self, axes)? {
            return cut.extreme(op, axes, keepdim, pick);
        }
        let plan = Plan::new(op, self, axes, keepdim)?;
        if plan.red == 0 {
            return Err(empty_reduction(op, self.shape(), axes));
        }
        Ok(plan.run(
            |x| extreme_row(x, pick),
            |x, rows, stride, out| extreme_cols(x, rows, stride, out, pick),
        ))
    }

    fn extreme_all(&self, op: &'static str, pick: impl Fn(T, T) -> T + Sync) -> Result<T> {
        if self.numel() == 0 {
            return Err(TensorError::shape(op, self.shape(), "the tensor is empty"));
        }
        Ok(extreme_row(&distinct_elements(self).0, pick))
    }

    fn arg_extreme(
        &self,
        op: &'static str,
        axis: isize,
        keepdim: bool,
        beats: impl Fn(T, T) -> bool + Copy + Sync,
    ) -> Result<Tensor<i64>> {
        // Along a broadcast axis every element ties with the first.
        if let Some((cut, _)) = without_reduced_broadcast(op, self, &[axis])? {
            return cut.arg_extreme(op, axis, keepdim, beats);
        }
        let plan = Plan::new(op, self, &[axis], keepdim)?;
        if plan.red == 0 {
            return Err(empty_reduction(op, self.shape(), &[axis]));
        }
        Ok(plan.run(
            |x| arg_row(x, beats),
            |x, rows, stride, out| arg_cols(x, rows, stride, out, beats),
        ))
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    fn m() -> Tensor<f32> {
        Tensor::from_vec(vec![3.0, 7.0, 7.0, 1.0, 9.0, -2.0], [2, 3]).unwrap()
    }

    #[test]
    fn max_and_min_along_rows_and_columns() {
        assert_eq!(m().max(&[1], false).unwrap().to_vec(), vec![7.0, 9.0]);
        assert_eq!(m().min(&[0], false).unwrap().to_vec(), vec![1.0, 7.0, -2.0]);
        assert_eq!(m().max(&[0, 1], true).unwrap().dims(), &[1, 1]);
        assert_eq!(m().max_all().unwrap(), 9.0);
        assert_eq!(m().t().min_all().unwrap(), -2.0);
    }

    #[test]
    fn argmax_takes_the_first_of_ties_in_rows_and_columns() {
        assert_eq!(m().argmax(1, false).unwrap().to_vec(), vec![1, 1]);
        let c = Tensor::from_vec(vec![5i32, 1, 5, 4, 5, 4], [3, 2]).unwrap();
        assert_eq!(c.argmax(0, false).unwrap().to_vec(), vec![0, 1]);
        let d = Tensor::from_vec(vec![5i32, 4, 3, 4, 3, 1], [3, 2]).unwrap();
        assert_eq!(d.argmin(0, true).unwrap().to_vec(), vec![1, 2]);
        assert_eq!(d.argmin(0, true).unwrap().dims(), &[1, 2]);
    }

    #[test]
    fn nan_propagates_and_wins_the_arg_reductions() {
        let n = f64::NAN;
        let x = Tensor::from_vec(vec![1.0, n, 5.0, n, 0.0, 2.0], [2, 3]).unwrap();
        let mx = x.max(&[1], false).unwrap().to_vec();
        assert!(mx[0].is_nan() && mx[1].is_nan());
        let mn = x.min(&[0], false).unwrap().to_vec();
        assert!(mn[0].is_nan() && mn[1].is_nan() && mn[2] == 2.0);
        assert_eq!(x.argmax(1, false).unwrap().to_vec(), vec![1, 0]);
        assert_eq!(x.argmin(1, false).unwrap().to_vec(), vec![1, 0]);
        assert_eq!(x.argmax(0, false).unwrap().to_vec(), vec![1, 0, 0]);
        assert!(x.max_all().unwrap().is_nan());
        let row = Tensor::from_vec1(vec![n, 3.0, n]);
        assert_eq!(row.argmax(0, false).unwrap().to_vec(), vec![0]);
    }

    #[test]
    fn extrema_over_no_elements_are_errors() {
        let e = Tensor::<f32>::zeros([2, 0]);
        let msg = e.max(&[1], false).unwrap_err().to_string();
        assert_eq!(
            msg,
            "max: shape [2, 0]: cannot reduce over axes [1]: they hold no elements"
        );
        assert!(e.argmin(-1, false).is_err());
        assert!(e.min_all().is_err());
        // Reducing a non-empty axis of an empty tensor is fine: the result is empty.
        assert_eq!(e.max(&[0], false).unwrap().dims(), &[0]);
    }
}
