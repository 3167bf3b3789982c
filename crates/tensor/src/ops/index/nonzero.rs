//! `nonzero`: the indices of the elements that are not zero (or not `false`).

use crate::element::Element;
use crate::tensor::Tensor;

impl<T: Element> Tensor<T> {
    /// The index of every element that is not zero (`T::default()`: 0, or `false` for masks),
    /// in row-major order, as a `count × rank` tensor (`torch.nonzero`). NaN counts as nonzero;
    /// so does −0.0 not, being equal to 0.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let x = Tensor::from_vec(vec![0.0f32, 2.0, 0.0, -1.0], [2, 2]).unwrap();
    /// assert_eq!(x.nonzero().dims(), &[2, 2]);
    /// assert_eq!(x.nonzero().to_vec(), vec![0, 1, 1, 1]);
    /// ```
    pub fn nonzero(&self) -> Tensor<i64> {
        let dims = self.dims();
        let mut index = vec![0usize; dims.len()];
        let mut out = Vec::new();
        let mut count = 0;
        for v in self.to_vec() {
            if v != T::default() {
                out.extend(index.iter().map(|&i| i as i64));
                count += 1;
            }
            // The next index in row-major order.
            for (i, &d) in index.iter_mut().zip(dims).rev() {
                *i += 1;
                if *i < d {
                    break;
                }
                *i = 0;
            }
        }
        Tensor::from_vec(out, [count, dims.len()]).expect("count × rank indices")
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn nonzero_lists_the_indices_a_loop_finds_on_views() {
        let stored = Tensor::from_fn([3, 4, 2], |i| if i % 3 == 0 { 0i32 } else { i as i32 });
        for x in [stored.clone(), stored.permute(&[2, 0, 1]).unwrap()] {
            let nz = x.nonzero();
            let d = x.dims().to_vec();
            let mut want = Vec::new();
            for i in 0..d[0] {
                for j in 0..d[1] {
                    for k in 0..d[2] {
                        if x.get(&[i, j, k]).unwrap() != 0 {
                            want.extend([i as i64, j as i64, k as i64]);
                        }
                    }
                }
            }
            assert_eq!(nz.dims(), &[want.len() / 3, 3]);
            assert_eq!(nz.to_vec(), want);
        }
    }

    #[test]
    fn nonzero_of_masks_scalars_nan_and_negative_zero() {
        let mask = Tensor::from_vec1(vec![false, true, true]);
        assert_eq!(mask.nonzero().to_vec(), vec![1, 2]);
        assert_eq!(Tensor::scalar(3u8).nonzero().dims(), &[1, 0]);
        assert_eq!(Tensor::scalar(0u8).nonzero().dims(), &[0, 0]);
        let f = Tensor::from_vec1(vec![-0.0f64, f64::NAN]);
        assert_eq!(f.nonzero().to_vec(), vec![1]);
    }
}
