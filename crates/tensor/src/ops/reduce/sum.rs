//! Sum, product and mean over axes.

use super::pairwise::{pairwise_sum, pairwise_sum_cols};
use super::plan::{distinct_elements, split_reduction, without_reduced_broadcast, Plan};
use crate::element::{Float, Numeric};
use crate::error::Result;
use crate::tensor::Tensor;

impl<T: Numeric> Tensor<T> {
    /// Sum over `axes` (empty: over no axis), keeping them as size 1 when `keepdim`. Summing zero
    /// elements gives 0. Floats are summed pairwise. A reduced broadcast axis is not copied: the
    /// sum of its one stored element is multiplied by its size.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let x = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], [2, 3]).unwrap();
    /// assert_eq!(x.sum(&[0], false).unwrap().to_vec(), vec![5.0, 7.0, 9.0]);
    /// assert_eq!(x.sum(&[-1], true).unwrap().dims(), &[2, 1]);
    /// ```
    ///
    /// # Errors
    /// An axis out of range or repeated.
    pub fn sum(&self, axes: &[isize], keepdim: bool) -> Result<Tensor<T>> {
        if let Some((cut, repeats)) = without_reduced_broadcast("sum", self, axes)? {
            return Ok(cut.sum(axes, keepdim)?.map(|s| repeated(s, repeats)));
        }
        if let Some((run, rest)) = split_reduction("sum", self, axes)? {
            let partial = self.sum(&run, true)?.sum(&rest, true)?;
            if keepdim {
                return Ok(partial);
            }
            let reduced = |i: usize| run.contains(&(i as isize)) || rest.contains(&(i as isize));
            let kept: Vec<usize> = (0..self.rank())
                .filter(|&i| !reduced(i))
                .map(|i| self.dims()[i])
                .collect();
            return partial.reshape(kept);
        }
        let plan = Plan::new("sum", self, axes, keepdim)?;
        Ok(plan.run(
            |x| pairwise_sum(x, &|v| v),
            |x, rows, stride, out| pairwise_sum_cols(x, rows, stride, out, &|v, _| v),
        ))
    }

    /// The sum of every element (0 for an empty tensor). Reads each stored element once: a
    /// broadcast view is summed over its distinct elements and multiplied by their count, a
    /// transpose in storage order, neither copied.
    pub fn sum_all(&self) -> T {
        let (data, repeats) = distinct_elements(self);
        repeated(pairwise_sum(&data, &|v| v), repeats)
    }

    /// Product over `axes` (empty: over no axis), keeping them as size 1 when `keepdim`. The
    /// product of zero elements is 1.
    ///
    /// # Errors
    /// An axis out of range or repeated.
    pub fn prod(&self, axes: &[isize], keepdim: bool) -> Result<Tensor<T>> {
        if let Some((cut, repeats)) = without_reduced_broadcast("prod", self, axes)? {
            // The product of the copies: a power, by repeated squaring.
            return Ok(cut
                .prod(axes, keepdim)?
                .map(|p| num_traits::pow(p, repeats)));
        }
        let plan = Plan::new("prod", self, axes, keepdim)?;
        Ok(plan.run(
            |x| x.iter().fold(T::one(), |p, &v| p * v),
            |x, rows, stride, out| {
                out.fill(T::one());
                for r in 0..rows {
                    for (o, &v) in out.iter_mut().zip(&x[r * stride..]) {
                        *o *= v;
                    }
                }
            },
        ))
    }
}

impl<T: Float> Tensor<T> {
    /// Mean over `axes` (empty: over no axis), keeping them as size 1 when `keepdim`. The mean
    /// of zero elements is NaN.
    ///
    /// # Errors
    /// An axis out of range or repeated.
    pub fn mean(&self, axes: &[isize], keepdim: bool) -> Result<Tensor<T>> {
        if let Some((cut, _)) = without_reduced_broadcast("mean", self, axes)? {
            return cut.mean(axes, keepdim);
        }
        let plan = Plan::new("mean", self, axes, keepdim)?;
        let n = T::from_f64_lossy(plan.red as f64);
        Ok(plan.run(
            |x| pairwise_sum(x, &|v| v) / n,
            |x, rows, stride, out| {
                pairwise_sum_cols(x, rows, stride, out, &|v, _| v);
                for o in out.iter_mut() {
                    *o /= n;
                }
            },
        ))
    }

    /// The mean of every element (NaN for an empty tensor).
    pub fn mean_all(&self) -> T {
        self.sum_all() / T::from_f64_lossy(self.numel() as f64)
    }
}

/// `sum` standing for `n` equal sums: multiplied by `n`, or added up by doubling when the type
/// cannot hold `n`.
fn repeated<T: Numeric>(sum: T, n: usize) -> T {
    if n == 1 {
        return sum;
    }
    match T::from_usize(n) {
        Some(n) => sum * n,
        None => added_up(sum, n),
    }
}

/// `x` added to itself `n` times, by doubling: about log₂ n additions, each within the total's
/// magnitude, so they overflow exactly when the `n` additions would. For integer counts the
/// type cannot hold (a u8 broadcast 300 times).
fn added_up<T: Numeric>(x: T, mut n: usize) -> T {
    let (mut total, mut power) = (T::zero(), x);
    while n > 0 {
        if n & 1 == 1 {
            total += power;
        }
        n >>= 1;
        if n > 0 {
            power = power + power;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    fn x234() -> Tensor<f64> {
        Tensor::from_vec((0..24).map(f64::from).collect(), [2, 3, 4]).unwrap()
    }

    #[test]
    fn sum_over_middle_axis_of_a_contiguous_tensor() {
        let s = x234().sum(&[1], false).unwrap();
        assert_eq!(s.dims(), &[2, 4]);
        assert_eq!(s.to_vec(), vec![12., 15., 18., 21., 48., 51., 54., 57.]);
    }

    #[test]
    fn sum_over_split_axes_of_a_transposed_view() {
        let s = x234().transpose(0, 2).unwrap().sum(&[0, 2], true).unwrap();
        assert_eq!(s.dims(), &[1, 3, 1]);
        assert_eq!(s.to_vec(), vec![60., 92., 124.]);
    }

    #[test]
    fn empty_axes_reduce_nothing() {
        let x = x234();
        assert_eq!(x.sum(&[], false).unwrap(), x);
        assert_eq!(x.prod(&[], true).unwrap(), x);
    }

    #[test]
    fn reductions_over_zero_elements_give_identities() {
        let e = Tensor::<f32>::zeros([2, 0, 3]);
        assert_eq!(e.sum(&[1], false).unwrap().to_vec(), vec![0.0; 6]);
        assert_eq!(e.prod(&[1], false).unwrap().to_vec(), vec![1.0; 6]);
        assert!(e
            .mean(&[1], false)
            .unwrap()
            .to_vec()
            .iter()
            .all(|v| v.is_nan()));
        assert_eq!(e.sum_all(), 0.0);
        assert!(e.mean_all().is_nan());
    }

    #[test]
    fn bias_gradient_sums_the_batch_axis() {
        let g = Tensor::from_fn([128, 10], |i| (i % 10) as f32);
        let s = g.sum(&[0], false).unwrap();
        assert_eq!(
            s.to_vec(),
            (0..10).map(|j| 128.0 * j as f32).collect::<Vec<_>>()
        );
    }

    #[test]
    fn large_reductions_take_the_parallel_path_and_agree() {
        let x = Tensor::from_fn([300, 500], |i| (i % 7) as f64);
        let rows = x.sum(&[1], false).unwrap().to_vec();
        let cols = x.sum(&[0], false).unwrap().to_vec();
        for (r, &v) in rows.iter().enumerate() {
            let want: f64 = (0..500).map(|c| ((r * 500 + c) % 7) as f64).sum();
            assert_eq!(v, want);
        }
        for (c, &v) in cols.iter().enumerate() {
            let want: f64 = (0..300).map(|r| ((r * 500 + c) % 7) as f64).sum();
            assert_eq!(v, want);
        }
        assert_eq!(x.sum_all(), rows.iter().sum::<f64>());
    }

    #[test]
    fn mean_and_prod_of_integers_and_floats() {
        let x = Tensor::from_vec(vec![1i64, 2, 3, 4, 5, 6], [2, 3]).unwrap();
        assert_eq!(x.prod(&[1], false).unwrap().to_vec(), vec![6, 120]);
        assert_eq!(x.sum_all(), 21);
        let m = x234().mean(&[0, 1], false).unwrap().to_vec();
        assert_eq!(m, vec![10., 11., 12., 13.]);
        assert_eq!(x234().mean_all(), 11.5);
    }

    #[test]
    fn bad_axes_are_errors_naming_the_op() {
        let e = x234().sum(&[3], false).unwrap_err().to_string();
        assert!(e.starts_with("sum: axis 3"), "{e}");
        let e = x234().mean(&[1, -2], false).unwrap_err().to_string();
        assert!(e.starts_with("mean: axis 1 is repeated"), "{e}");
    }

    #[test]
    fn a_scalar_reduces_along_axis_zero_or_minus_one_as_one_element() {
        let x = Tensor::scalar(2.5f64);
        for axis in [0, -1] {
            for keepdim in [false, true] {
                let sum = x.sum(&[axis], keepdim).unwrap();
                assert_eq!((sum.dims(), sum.item().unwrap()), (&[][..], 2.5));
            }
            assert_eq!(x.mean(&[axis], false).unwrap().item().unwrap(), 2.5);
            assert_eq!(x.prod(&[axis], false).unwrap().item().unwrap(), 2.5);
            assert_eq!(x.max(&[axis], false).unwrap().item().unwrap(), 2.5);
            assert_eq!(x.var(&[axis], 0, false).unwrap().item().unwrap(), 0.0);
            assert!(x.var(&[axis], 1, false).unwrap().item().unwrap().is_nan());
            assert_eq!(x.logsumexp(&[axis], false).unwrap().item().unwrap(), 2.5);
            assert_eq!(x.argmax(axis, false).unwrap().item().unwrap(), 0);
            assert_eq!(x.softmax(axis).unwrap().item().unwrap(), 1.0);
            assert_eq!(x.log_softmax(axis).unwrap().item().unwrap(), 0.0);
        }
        for bad in [1, -2] {
            let e = x.sum(&[bad], false).unwrap_err().to_string();
            assert_eq!(
                e,
                format!("sum: axis {bad} is out of range for a tensor of rank 0")
            );
            let e = x.softmax(bad).unwrap_err().to_string();
            assert_eq!(
                e,
                format!("softmax: axis {bad} is out of range for a tensor of rank 0")
            );
        }
        assert!(x.sum(&[0, -1], false).is_err()); // the same axis twice
    }

    #[test]
    fn whole_reductions_of_a_broadcast_view_read_each_stored_element_once() {
        // 3·2⁴⁰ logical elements: a copy of them could not be allocated.
        let x = Tensor::from_vec(vec![1.5f64, -2.0, 4.0], [3, 1]).unwrap();
        let wide = x.expand([3, 1 << 40]).unwrap();
        assert_eq!(wide.sum_all(), 3.5 * (1u64 << 40) as f64);
        assert_eq!(wide.mean_all(), 3.5 / 3.0);
        assert_eq!(wide.max_all().unwrap(), 4.0);
        assert_eq!(wide.min_all().unwrap(), -2.0);
        // A broadcast of a transposed block.
        let m = Tensor::from_vec((1..=6).collect::<Vec<i32>>(), [2, 3]).unwrap();
        let b = m.t().unsqueeze(0).unwrap().expand([5, 3, 2]).unwrap();
        assert_eq!(b.sum_all(), 5 * 21);
        assert_eq!(b.max_all().unwrap(), 6);
        // A count i32 cannot hold (2³¹ copies of a row summing to 0), multiplied by doubling;
        // a copy would take 16 GiB.
        let signs = Tensor::from_vec1(vec![5i32, -5]).unsqueeze(0).unwrap();
        assert_eq!(signs.expand([1 << 31, 2]).unwrap().sum_all(), 0);
        assert_eq!(super::added_up(3u8, 85), 255);
        assert_eq!(super::added_up(-7i64, 1000), -7000);
        assert_eq!(super::added_up(2.5f64, 0), 0.0);
    }

    #[test]
    fn reductions_over_broadcast_axes_read_each_stored_element_once() {
        // 3·2⁴⁰ logical elements: a copy of them could not be allocated.
        let x = Tensor::from_vec(vec![1.5f64, -2.0, 4.0], [3, 1]).unwrap();
        let n = (1u64 << 40) as f64;
        let wide = x.expand([3, 1 << 40]).unwrap();
        let sums = wide.sum(&[1], false).unwrap();
        assert_eq!(sums.to_vec(), vec![1.5 * n, -2.0 * n, 4.0 * n]);
        let mean = wide.mean(&[-1], true).unwrap();
        assert_eq!((mean.dims(), mean.to_vec()), (&[3, 1][..], x.to_vec()));
        assert_eq!(wide.max(&[1], false).unwrap().to_vec(), x.to_vec());
        assert_eq!(wide.min(&[0, 1], false).unwrap().item().unwrap(), -2.0);
        assert_eq!(wide.argmax(1, false).unwrap().to_vec(), vec![0, 0, 0]);
        assert_eq!(wide.sum(&[1, 0], true).unwrap().to_vec(), vec![3.5 * n]);
        // The broadcast axis in front, the stored one reduced as well.
        let tall = x.t().expand([1 << 40, 3]).unwrap();
        assert_eq!(tall.sum(&[0], false).unwrap().to_vec(), sums.to_vec());
        assert_eq!(tall.argmin(0, true).unwrap().to_vec(), vec![0, 0, 0]);
        let mask = x.map(|v| v > 0.0).expand([3, 1 << 40]).unwrap();
        assert_eq!(
            mask.any(&[1], false).unwrap().to_vec(),
            vec![true, false, true]
        );
        assert_eq!(mask.all(&[0, 1], false).unwrap().to_vec(), vec![false]);
        // A count u8 cannot hold: 300 copies of 0, added up by doubling (any other value would
        // overflow, as the sum of the copy would).
        let zeros = Tensor::from_vec1(vec![0u8, 0]).unsqueeze(1).unwrap();
        let sum = zeros.expand([2, 300]).unwrap().sum(&[1], false).unwrap();
        assert_eq!(sum.to_vec(), vec![0, 0]);
        // Products, variances, logsumexp and norms too.
        let signs = Tensor::from_vec(vec![1.0f64, -1.0, 0.5], [3, 1]).unwrap();
        let huge = signs.expand([3, 1 << 40]).unwrap();
        assert_eq!(
            huge.prod(&[1], false).unwrap().to_vec(),
            vec![1.0, 1.0, 0.0]
        );
        assert_eq!(huge.var(&[1], 1, false).unwrap().to_vec(), vec![0.0; 3]);
        let lse = wide.logsumexp(&[1], false).unwrap().to_vec();
        let norms = wide.norm(1.0, &[1], false).unwrap().to_vec();
        for (i, &v) in x.to_vec().iter().enumerate() {
            assert!((lse[i] - (v + n.ln())).abs() < 1e-12);
            assert!((norms[i] - v.abs() * n).abs() <= 1e-12 * n);
        }
    }

    #[test]
    fn reductions_over_broadcast_axes_equal_those_of_the_materialised_copy() {
        let stored = Tensor::from_fn([4, 1, 3], |i| 0.3 * i as f64 - 1.1);
        let x = stored.expand([4, 7, 3]).unwrap();
        let copy = x.contiguous();
        let close = |a: Tensor<f64>, b: Tensor<f64>, what: &str| {
            assert_eq!(a.dims(), b.dims(), "{what}");
            for (u, v) in a.to_vec().into_iter().zip(b.to_vec()) {
                assert!(
                    (u - v).abs() <= 1e-12 * v.abs().max(1.0),
                    "{what}: {u} vs {v}"
                );
            }
        };
        for (axes, keepdim) in [(vec![1], false), (vec![0, 1], true), (vec![-1, 1], false)] {
            let on = |f: &dyn Fn(&Tensor<f64>) -> Tensor<f64>, what: &str| {
                close(f(&x), f(&copy), &format!("{what} over {axes:?}"));
            };
            on(&|t| t.prod(&axes, keepdim).unwrap(), "prod");
            on(&|t| t.logsumexp(&axes, keepdim).unwrap(), "logsumexp");
            for c in [0, 1, 5] {
                on(&|t| t.var(&axes, c, keepdim).unwrap(), "var");
                on(&|t| t.std(&axes, c, keepdim).unwrap(), "std");
            }
            for p in [0.0, 1.0, 2.0, 3.5, f64::INFINITY, f64::NEG_INFINITY] {
                on(&|t| t.norm(p, &axes, keepdim).unwrap(), "norm");
            }
        }
    }
}
