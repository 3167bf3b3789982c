//! Scans along an axis: `cumsum` and `cumprod`, each element combining every one before it.

use crate::element::Numeric;
use crate::error::Result;
use crate::shape::resolve_reduction_axes;
use crate::tensor::Tensor;

impl<T: Numeric> Tensor<T> {
    /// Running sums along `axis` (`torch.cumsum`, `numpy.cumsum`): element `i` is the sum of
    /// elements `0..=i`. The result has the input's shape and element type: where numpy and
    /// PyTorch widen u8 and i32 sums to 64 bits, this one overflows as the type's `+` does (a
    /// panic in debug builds; cast first for long integer sums). Summed in order, one addition
    /// per element, as numpy and PyTorch do. A 0-d tensor takes axis 0 or −1 and is returned
    /// as is.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let x = Tensor::from_vec(vec![1, 2, 3, 4, 5, 6], [2, 3]).unwrap();
    /// assert_eq!(x.cumsum(1).unwrap().to_vec(), vec![1, 3, 6, 4, 9, 15]);
    /// assert_eq!(x.cumsum(0).unwrap().to_vec(), vec![1, 2, 3, 5, 7, 9]);
    /// ```
    ///
    /// # Errors
    /// An axis out of range.
    pub fn cumsum(&self, axis: isize) -> Result<Tensor<T>> {
        self.scan("cumsum", axis, |acc, x| acc + x)
    }

    /// Running products along `axis` (`torch.cumprod`): element `i` is the product of elements
    /// `0..=i`, in the input's element type, as [`cumsum`](Self::cumsum). A 0-d tensor takes
    /// axis 0 or −1 and is returned as is.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let x = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 0.5, 4.0, -1.0], [2, 3]).unwrap();
    /// assert_eq!(x.cumprod(-1).unwrap().to_vec(), vec![1.0, 2.0, 6.0, 0.5, 2.0, -2.0]);
    /// ```
    ///
    /// # Errors
    /// An axis out of range.
    pub fn cumprod(&self, axis: isize) -> Result<Tensor<T>> {
        self.scan("cumprod", axis, |acc, x| acc * x)
    }

    /// Replaces each element along `axis` by `combine(previous result, element)`, in order.
    fn scan(
        &self,
        op: &'static str,
        axis: isize,
        combine: impl Fn(T, T) -> T,
    ) -> Result<Tensor<T>> {
        let axes = resolve_reduction_axes(op, &[axis], self.rank())?;
        let Some(&ax) = axes.first() else {
            return Ok(self.contiguous()); // 0-d
        };
        let mut out = self.to_vec();
        let len = self.dims()[ax];
        let inner: usize = self.dims()[ax + 1..].iter().product();
        if len == 0 || inner == 0 {
            return Ok(Tensor::from_vec_unchecked(out, self.shape().clone()));
        }
        for block in out.chunks_exact_mut(len * inner) {
            if inner == 1 {
                let mut acc = block[0];
                for x in &mut block[1..] {
                    acc = combine(acc, *x);
                    *x = acc;
                }
                continue;
            }
            for r in 1..len {
                let (done, rest) = block.split_at_mut(r * inner);
                let previous = &done[(r - 1) * inner..];
                for (x, &p) in rest[..inner].iter_mut().zip(previous) {
                    *x = combine(p, *x);
                }
            }
        }
        Ok(Tensor::from_vec_unchecked(out, self.shape().clone()))
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    /// Running sums and products by index arithmetic, for a row-major `dims` along `axis`.
    fn naive(x: &[f64], dims: &[usize], axis: usize, product: bool) -> Vec<f64> {
        let inner: usize = dims[axis + 1..].iter().product();
        let len = dims[axis];
        (0..x.len())
            .map(|i| {
                let k = i / inner % len;
                let first = i - k * inner;
                let terms = (0..=k).map(|j| x[first + j * inner]);
                if product {
                    terms.product()
                } else {
                    terms.sum()
                }
            })
            .collect()
    }

    #[test]
    fn scans_along_every_axis_of_views_match_index_arithmetic() {
        let dims = [3, 4, 2];
        let data: Vec<f64> = (0..24).map(|i| f64::from(i % 7) - 2.5).collect();
        let x = Tensor::from_vec(data.clone(), dims).unwrap();
        for axis in 0..3 {
            assert_eq!(
                x.cumsum(axis as isize).unwrap().to_vec(),
                naive(&data, &dims, axis, false)
            );
            assert_eq!(
                x.cumprod(axis as isize - 3).unwrap().to_vec(),
                naive(&data, &dims, axis, true)
            );
        }
        // A transposed view scans in its own logical order.
        let t = x.transpose(0, 2).unwrap();
        let tc = t.contiguous().to_vec();
        assert_eq!(
            t.cumsum(1).unwrap().to_vec(),
            naive(&tc, &[2, 4, 3], 1, false)
        );
    }

    #[test]
    fn scalars_empty_axes_and_bad_axes() {
        let s = Tensor::scalar(4i64);
        assert_eq!(s.cumsum(0).unwrap().item().unwrap(), 4);
        assert_eq!(s.cumprod(-1).unwrap().item().unwrap(), 4);
        let e = Tensor::<f32>::zeros([2, 0, 3]);
        assert_eq!(e.cumsum(1).unwrap().dims(), &[2, 0, 3]);
        assert_eq!(e.cumsum(2).unwrap().dims(), &[2, 0, 3]);
        assert_eq!(
            s.cumsum(1).unwrap_err().to_string(),
            "cumsum: axis 1 is out of range for a tensor of rank 0"
        );
        let x = Tensor::<f32>::zeros([2, 3]);
        assert_eq!(
            x.cumprod(2).unwrap_err().to_string(),
            "cumprod: axis 2 is out of range for a tensor of rank 2"
        );
    }
}
