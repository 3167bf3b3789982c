//! Sorting along an axis: `sort`, `argsort` and `topk`.
//!
//! Sorts are stable (equal elements keep their order) and, as in PyTorch, NaN counts as larger
//! than every number: last in an ascending sort, first in a descending one.

use std::cmp::Ordering;

use crate::element::Numeric;
use crate::error::{Result, TensorError};
use crate::shape::{resolve_reduction_axes, Shape};
use crate::tensor::Tensor;

/// Ascending order with NaN above everything and NaNs equal to one another.
#[allow(clippy::eq_op)]
pub(super) fn ascending<T: PartialOrd>(a: &T, b: &T) -> Ordering {
    a.partial_cmp(b).unwrap_or_else(|| (a != a).cmp(&(b != b)))
}

impl<T: Numeric> Tensor<T> {
    /// The elements sorted along `axis`, ascending or `descending`, and the index along `axis`
    /// each came from (`torch.sort(stable=True)`). A 0-d tensor takes axis 0 or −1.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let x = Tensor::from_vec(vec![3.0f32, 1.0, 2.0, 1.0], [4]).unwrap();
    /// let (values, indices) = x.sort(0, false).unwrap();
    /// assert_eq!(values.to_vec(), vec![1.0, 1.0, 2.0, 3.0]);
    /// assert_eq!(indices.to_vec(), vec![1, 3, 2, 0]); // ties keep their order
    /// ```
    ///
    /// # Errors
    /// An axis out of range.
    pub fn sort(&self, axis: isize, descending: bool) -> Result<(Tensor<T>, Tensor<i64>)> {
        let (values, indices) = self.sorted("sort", axis, descending, None, true)?;
        Ok((values.unwrap_or_else(|| self.contiguous()), indices))
    }

    /// The indices that sort `self` along `axis` (`torch.argsort(stable=True)`): the second
    /// result of [`sort`](Self::sort).
    ///
    /// # Errors
    /// An axis out of range.
    pub fn argsort(&self, axis: isize, descending: bool) -> Result<Tensor<i64>> {
        Ok(self.sorted("argsort", axis, descending, None, false)?.1)
    }

    /// The `k` largest elements along `axis` (the `k` smallest when not `largest`), in order
    /// from the most extreme, and their indices (`torch.topk`); ties go to the lower index.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let x = Tensor::from_vec(vec![0.1f32, 0.7, 0.2, 0.0, 0.5, 0.5], [2, 3]).unwrap();
    /// let (values, indices) = x.topk(2, 1, true).unwrap();
    /// assert_eq!(values.to_vec(), vec![0.7, 0.2, 0.5, 0.5]);
    /// assert_eq!(indices.to_vec(), vec![1, 2, 1, 2]);
    /// ```
    ///
    /// # Errors
    /// An axis out of range, or `k` larger than the axis.
    pub fn topk(&self, k: usize, axis: isize, largest: bool) -> Result<(Tensor<T>, Tensor<i64>)> {
        let op = "topk";
        // One element along the one line of a 0-d tensor.
        let ax = resolve_reduction_axes(op, &[axis], self.rank())?
            .first()
            .copied();
        let n = ax.map_or(1, |a| self.dims()[a]);
        if k > n {
            let along = match ax {
                Some(a) => format!("the {n} elements along axis {a} of shape {}", self.shape()),
                None => "the one element of a 0-d tensor".to_string(),
            };
            return Err(TensorError::arg(
                op,
                format!("k = {k} is more than {along}"),
            ));
        }
        if ax.is_none() && k == 0 {
            return Err(TensorError::arg(
                op,
                "k = 0 of a 0-d tensor: a 0-d result holds one element",
            ));
        }
        let (values, indices) = self.sorted(op, axis, largest, Some(k), true)?;
        Ok((values.unwrap_or_else(|| self.contiguous()), indices))
    }

    /// Sorts every line along `axis`, returning the values (when `with_values`) and their
    /// indices: the first `keep` of each line, or all of them. A short head is selected before it
    /// is sorted, so that `topk` with a small k costs about one pass over each line. A 0-d
    /// tensor is its own sorted line, and gives no values: they are the tensor.
    fn sorted(
        &self,
        op: &'static str,
        axis: isize,
        descending: bool,
        keep: Option<usize>,
        with_values: bool,
    ) -> Result<(Option<Tensor<T>>, Tensor<i64>)> {
        let axes = resolve_reduction_axes(op, &[axis], self.rank())?;
        let Some(&ax) = axes.first() else {
            return Ok((None, Tensor::scalar(0)));
        };
        let last = self.rank() - 1;
        let lines = self.transpose(ax as isize, last as isize)?.contiguous();
        let n = self.dims()[ax];
        let k = keep.map_or(n, |k| k.min(n));
        let data = lines.as_slice().expect("contiguous");
        let out_len = data.len().checked_div(n).unwrap_or(0) * k;
        let mut values = Vec::with_capacity(if with_values { out_len } else { 0 });
        let mut indices = Vec::with_capacity(out_len);
        let mut order: Vec<usize> = Vec::with_capacity(n);
        if n > 0 {
            for line in data.chunks_exact(n) {
                // Equal values in index order: a total order, so an unstable sort is stable.
                let by_value = |&i: &usize, &j: &usize| {
                    let order = if descending {
                        ascending(&line[j], &line[i])
                    } else {
                        ascending(&line[i], &line[j])
                    };
                    order.then(i.cmp(&j))
                };
                order.clear();
                order.extend(0..n);
                if k < n {
                    if k > 0 {
                        order.select_nth_unstable_by(k - 1, by_value);
                    }
                    order.truncate(k);
                }
                order.sort_unstable_by(by_value);
                if with_values {
                    values.extend(order.iter().map(|&i| line[i]));
                }
                indices.extend(order.iter().map(|&i| i as i64));
            }
        }
        let mut dims = lines.dims().to_vec();
        dims[last] = k;
        let shape = Shape::new(&dims);
        let (ax, last) = (ax as isize, last as isize);
        let values = with_values
            .then(|| Tensor::from_vec_unchecked(values, shape.clone()).transpose(ax, last))
            .transpose()?
            .map(|v| v.contiguous());
        let indices = Tensor::from_vec_unchecked(indices, shape).transpose(ax, last)?;
        Ok((values, indices.contiguous()))
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    /// The stable sort order of `line` by selection: repeatedly take the first remaining
    /// element that no other remaining element precedes (NaN counting as the largest).
    fn naive_order(line: &[f64], descending: bool) -> Vec<usize> {
        let key = |v: f64| if v.is_nan() { f64::INFINITY } else { v };
        let nan_rank = |v: f64| u8::from(v.is_nan());
        let before = |a: f64, b: f64| {
            let (ka, kb) = (key(a), key(b));
            let (ra, rb) = (nan_rank(a), nan_rank(b));
            if descending {
                (ka, ra) > (kb, rb)
            } else {
                (ka, ra) < (kb, rb)
            }
        };
        let mut left: Vec<usize> = (0..line.len()).collect();
        let mut out = Vec::new();
        while !left.is_empty() {
            let pos = (0..left.len())
                .find(|&p| !left.iter().any(|&o| before(line[o], line[left[p]])))
                .unwrap();
            out.push(left.remove(pos));
        }
        out
    }

    #[test]
    fn sorts_every_axis_of_a_view_stably_with_nan_as_the_largest() {
        let pool = [2.0, -1.0, f64::NAN, 0.5, 2.0, -1.0, f64::INFINITY];
        let base: Vec<f64> = (0..60)
            .map(|i| pool[(i * 5 + i / 7) % pool.len()])
            .collect();
        let x = Tensor::from_vec(base, [5, 4, 3])
            .unwrap()
            .permute(&[2, 0, 1])
            .unwrap(); // [3, 5, 4], not contiguous
        let dense = x.contiguous().to_vec();
        let dims = x.dims().to_vec();
        for axis in 0..3 {
            for descending in [false, true] {
                let (values, indices) = x.sort(axis as isize, descending).unwrap();
                assert_eq!(values.dims(), &dims[..]);
                let (values, indices) = (values.to_vec(), indices.to_vec());
                let inner: usize = dims[axis + 1..].iter().product();
                let n = dims[axis];
                for first in (0..dense.len()).filter(|i| (i / inner).is_multiple_of(n)) {
                    let at = |k: usize| first + k * inner;
                    let line: Vec<f64> = (0..n).map(|k| dense[at(k)]).collect();
                    let want = naive_order(&line, descending);
                    for (k, &w) in want.iter().enumerate() {
                        assert_eq!(indices[at(k)], w as i64, "axis {axis} desc {descending}");
                        assert_eq!(values[at(k)].to_bits(), line[w].to_bits());
                    }
                }
                assert_eq!(
                    x.argsort(axis as isize - 3, descending).unwrap().to_vec(),
                    indices
                );
                // topk selects its head before sorting it: the same head as the full sort
                let (sorted, order) = x.sort(axis as isize, descending).unwrap();
                for k in 0..=dims[axis] {
                    let (v, i) = x.topk(k, axis as isize, descending).unwrap();
                    let a = axis as isize;
                    let head = order.narrow(a, 0, k).unwrap().to_vec();
                    assert_eq!(i.to_vec(), head, "k {k} axis {axis}");
                    let bits = |t: &Tensor<f64>| t.to_vec().into_iter().map(f64::to_bits);
                    let sorted_head = sorted.narrow(a, 0, k).unwrap();
                    assert!(bits(&v).eq(bits(&sorted_head)), "k {k} axis {axis}");
                }
            }
        }
    }

    #[test]
    fn topk_takes_the_head_of_the_sort_and_checks_k() {
        let x = Tensor::from_vec(vec![4i64, 9, 9, 1, 7, 3], [2, 3]).unwrap();
        let (v, i) = x.topk(2, 0, false).unwrap();
        assert_eq!(
            (v.to_vec(), i.to_vec()),
            (vec![1, 7, 3, 4, 9, 9], vec![1, 1, 1, 0, 0, 0])
        );
        let (v, i) = x.topk(3, -1, true).unwrap();
        assert_eq!(
            (v.to_vec(), i.to_vec()),
            (vec![9, 9, 4, 7, 3, 1], vec![1, 2, 0, 1, 2, 0])
        );
        assert_eq!(x.topk(0, 1, true).unwrap().0.dims(), &[2, 0]);
        assert_eq!(
            x.topk(4, -1, true).unwrap_err().to_string(),
            "topk: k = 4 is more than the 3 elements along axis 1 of shape [2, 3]"
        );
        assert_eq!(
            x.sort(2, false).unwrap_err().to_string(),
            "sort: axis 2 is out of range for a tensor of rank 2"
        );
        let s = Tensor::scalar(5i64);
        assert_eq!(s.topk(1, 0, true).unwrap().0.item().unwrap(), 5);
        assert_eq!(
            s.topk(2, 0, true).unwrap_err().to_string(),
            "topk: k = 2 is more than the one element of a 0-d tensor"
        );
        assert!(s.topk(0, -1, true).is_err());
        assert_eq!(s.sort(-1, true).unwrap().1.item().unwrap(), 0);
        let empty = Tensor::<f32>::zeros([0, 3]);
        assert_eq!(empty.sort(0, false).unwrap().0.dims(), &[0, 3]);
        assert_eq!(empty.sort(1, false).unwrap().1.dims(), &[0, 3]);
    }
}
