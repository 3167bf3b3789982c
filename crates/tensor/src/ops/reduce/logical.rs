//! `any` and `all` over axes of a boolean mask, and over the whole of it.

use super::plan::{distinct_elements, without_reduced_broadcast, Plan};
use crate::error::Result;
use crate::tensor::Tensor;

impl Tensor<bool> {
    /// True where any element along `axes` is true (`torch.any(dim)`, `numpy.any(axis)`),
    /// keeping them as size 1 when `keepdim`. Over zero elements: false.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let m = Tensor::from_vec(vec![true, false, false, false], [2, 2]).unwrap();
    /// assert_eq!(m.any(&[1], false).unwrap().to_vec(), vec![true, false]);
    /// assert_eq!(m.all(&[0], false).unwrap().to_vec(), vec![false, false]);
    /// ```
    ///
    /// # Errors
    /// An axis out of range or repeated.
    pub fn any(&self, axes: &[isize], keepdim: bool) -> Result<Tensor<bool>> {
        if let Some((cut, _)) = without_reduced_broadcast("any", self, axes)? {
            return cut.any(axes, keepdim);
        }
        let plan = Plan::new("any", self, axes, keepdim)?;
        Ok(plan.run(
            |x| x.contains(&true),
            |x, rows, stride, out| {
                out.fill(false);
                for r in 0..rows {
                    for (o, &v) in out.iter_mut().zip(&x[r * stride..]) {
                        *o |= v;
                    }
                }
            },
        ))
    }

    /// True where every element along `axes` is true, keeping them as size 1 when `keepdim`.
    /// Over zero elements: true.
    ///
    /// # Errors
    /// An axis out of range or repeated.
    pub fn all(&self, axes: &[isize], keepdim: bool) -> Result<Tensor<bool>> {
        if let Some((cut, _)) = without_reduced_broadcast("all", self, axes)? {
            return cut.all(axes, keepdim);
        }
        let plan = Plan::new("all", self, axes, keepdim)?;
        Ok(plan.run(
            |x| !x.contains(&false),
            |x, rows, stride, out| {
                out.fill(true);
                for r in 0..rows {
                    for (o, &v) in out.iter_mut().zip(&x[r * stride..]) {
                        *o &= v;
                    }
                }
            },
        ))
    }

    /// True when any element is true (false for an empty mask).
    pub fn any_all(&self) -> bool {
        distinct_elements(self).0.contains(&true)
    }

    /// True when every element is true (true for an empty mask).
    pub fn all_all(&self) -> bool {
        !distinct_elements(self).0.contains(&false)
    }

    /// Number of true elements.
    pub fn count_true(&self) -> usize {
        let (data, repeats) = distinct_elements(self);
        data.iter().filter(|&&b| b).count() * repeats
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn any_and_all_over_axes_of_a_transposed_and_a_broadcast_mask() {
        // [[t, f, f], [t, t, f]]
        let m = Tensor::from_vec(vec![true, false, false, true, true, false], [2, 3]).unwrap();
        assert_eq!(m.any(&[0], false).unwrap().to_vec(), [true, true, false]);
        assert_eq!(m.all(&[0], false).unwrap().to_vec(), [true, false, false]);
        assert_eq!(m.any(&[-1], true).unwrap().dims(), &[2, 1]);
        assert_eq!(m.all(&[1], false).unwrap().to_vec(), [false, false]);
        let t = m.t();
        assert_eq!(t.any(&[1], false).unwrap().to_vec(), [true, true, false]);
        assert_eq!(t.all(&[0, 1], false).unwrap().to_vec(), [false]);
        let b = m.unsqueeze(1).unwrap().expand([2, 4, 3]).unwrap();
        assert_eq!(
            b.all(&[1], false).unwrap().to_vec(),
            m.to_vec(),
            "all over copies is the mask"
        );
        assert_eq!(b.count_true(), 4 * 3);
        assert!(b.any_all() && !b.all_all());
    }

    #[test]
    fn over_nothing_any_is_false_and_all_is_true() {
        let e = Tensor::<bool>::full([2, 0], false);
        assert_eq!(e.any(&[1], false).unwrap().to_vec(), [false, false]);
        assert_eq!(e.all(&[1], false).unwrap().to_vec(), [true, true]);
        assert!(!e.any_all() && e.all_all());
        assert_eq!(e.count_true(), 0);
        let err = e.any(&[2], false).unwrap_err().to_string();
        assert_eq!(err, "any: axis 2 is out of range for a tensor of rank 2");
    }
}
