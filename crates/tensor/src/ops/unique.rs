//! `unique`: the distinct elements of a tensor, sorted, with where each element went and how
//! often each value occurs.

use super::sort::ascending;
use crate::element::Element;
use crate::tensor::Tensor;

/// The result of [`Tensor::unique`].
#[derive(Clone, Debug)]
pub struct Unique<T: Element> {
    /// The distinct elements in ascending order, as a 1-D tensor.
    pub values: Tensor<T>,
    /// For each element of the input (same shape), the index of its value in `values`.
    pub inverse: Tensor<i64>,
    /// How many input elements have each value.
    pub counts: Tensor<i64>,
}

impl<T: Element> Tensor<T> {
    /// The distinct elements, sorted ascending, with the inverse map and the counts
    /// (`torch.unique(sorted=True, return_inverse=True, return_counts=True)` over all elements).
    /// As in PyTorch, −0.0 and 0.0 are one value, and every NaN is its own, after all numbers.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let x = Tensor::from_vec(vec![3, 1, 3, 2, 1, 3], [2, 3]).unwrap();
    /// let u = x.unique();
    /// assert_eq!(u.values.to_vec(), vec![1, 2, 3]);
    /// assert_eq!(u.inverse.to_vec(), vec![2, 0, 2, 1, 0, 2]);
    /// assert_eq!(u.inverse.dims(), &[2, 3]);
    /// assert_eq!(u.counts.to_vec(), vec![2, 1, 3]);
    /// ```
    pub fn unique(&self) -> Unique<T> {
        let data = self.to_vec();
        let mut order: Vec<usize> = (0..data.len()).collect();
        order.sort_by(|&a, &b| ascending(&data[a], &data[b]));
        let (mut values, mut counts) = (Vec::new(), Vec::new());
        let mut inverse = vec![0i64; data.len()];
        for i in order {
            let v = data[i];
            // NaN equals nothing, so each one starts a value of its own.
            if values.last() != Some(&v) {
                values.push(v);
                counts.push(0);
            }
            *counts.last_mut().expect("a value") += 1;
            inverse[i] = values.len() as i64 - 1;
        }
        Unique {
            values: Tensor::from_vec1(values),
            inverse: Tensor::from_vec(inverse, self.shape().clone()).expect("the input's shape"),
            counts: Tensor::from_vec1(counts),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn unique_values_rebuild_the_input_through_the_inverse_on_views() {
        let stored = Tensor::from_fn([4, 6], |i| ((i * 7) % 5) as i32 - 2);
        for x in [stored.clone(), stored.t(), stored.flip(&[1]).unwrap()] {
            let u = x.unique();
            let values = u.values.to_vec();
            assert!(values.windows(2).all(|w| w[0] < w[1]), "{values:?}");
            let rebuilt: Vec<i32> = u
                .inverse
                .to_vec()
                .iter()
                .map(|&i| values[i as usize])
                .collect();
            assert_eq!(rebuilt, x.to_vec());
            for (v, c) in values.iter().zip(u.counts.to_vec()) {
                assert_eq!(x.to_vec().iter().filter(|&e| e == v).count() as i64, c);
            }
        }
    }

    #[test]
    fn unique_of_floats_merges_signed_zeros_and_keeps_each_nan() {
        let x = Tensor::from_vec1(vec![f64::NAN, 0.0, -1.0, -0.0, f64::NAN, -1.0]);
        let u = x.unique();
        let v = u.values.to_vec();
        assert_eq!(v.len(), 4);
        assert_eq!(&v[..2], &[-1.0, 0.0]);
        assert!(v[2].is_nan() && v[3].is_nan());
        assert_eq!(u.counts.to_vec(), vec![2, 2, 1, 1]);
        assert_eq!(u.inverse.to_vec(), vec![2, 1, 0, 1, 3, 0]);
        let empty = Tensor::<u8>::zeros([0, 3]).unique();
        assert_eq!(
            (empty.values.numel(), empty.inverse.dims()),
            (0, &[0, 3][..])
        );
        let mask = Tensor::from_vec1(vec![true, false, true]).unique();
        assert_eq!(mask.values.to_vec(), vec![false, true]);
    }
}
