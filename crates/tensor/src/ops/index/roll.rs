//! `roll`: shift elements along axes, those pushed past the end coming back at the start.

use crate::element::Element;
use crate::error::{Result, TensorError};
use crate::shape::{resolve_axes, resolve_axis};
use crate::tensor::Tensor;

impl<T: Element> Tensor<T> {
    /// Shifts the elements by `shifts[i]` places along `axes[i]`, wrapping around
    /// (`torch.roll` with `dims`): element `j` moves to `(j + shift) mod n`. Negative shifts go
    /// the other way. The result is contiguous.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let x = Tensor::from_vec((0..6).collect::<Vec<i32>>(), [2, 3]).unwrap();
    /// assert_eq!(x.roll(&[1], &[1]).unwrap().to_vec(), vec![2, 0, 1, 5, 3, 4]);
    /// assert_eq!(x.roll(&[-1, 1], &[1, 0]).unwrap().to_vec(), vec![4, 5, 3, 1, 2, 0]);
    /// ```
    ///
    /// # Errors
    /// `shifts` and `axes` of different lengths, or an axis out of range or repeated.
    pub fn roll(&self, shifts: &[isize], axes: &[isize]) -> Result<Tensor<T>> {
        let parts = roll_parts("roll", self.dims(), shifts, axes)?;
        let mut out = self.clone();
        for (axis, keep) in parts {
            let n = out.dims()[axis];
            let (tail, head) = (
                out.narrow(axis as isize, keep, n - keep)?,
                out.narrow(axis as isize, 0, keep)?,
            );
            out = Tensor::concat(&[&tail, &head], axis as isize)?;
        }
        Ok(out.contiguous())
    }
}

/// For each axis that a roll moves: the axis and the number of leading elements that end up
/// behind the others (`n − shift mod n`). Axes of size 0 and shifts by a multiple of the size
/// move nothing and are left out. Shared with the differentiable roll.
///
/// # Errors
/// `shifts` and `axes` of different lengths, or an axis out of range or repeated, named `op`.
pub fn roll_parts(
    op: &'static str,
    dims: &[usize],
    shifts: &[isize],
    axes: &[isize],
) -> Result<Vec<(usize, usize)>> {
    if shifts.len() != axes.len() {
        return Err(TensorError::arg(
            op,
            format!(
                "{} shifts {shifts:?} for {} axes {axes:?}: give one shift per axis",
                shifts.len(),
                axes.len()
            ),
        ));
    }
    // Checked for range and repeats as a set; then resolved one by one, in the caller's order,
    // to stay paired with the shifts.
    resolve_axes(op, axes, dims.len())?;
    let resolved = axes
        .iter()
        .map(|&a| resolve_axis(op, a, dims.len()))
        .collect::<Result<Vec<_>>>()?;
    Ok(resolved
        .into_iter()
        .zip(shifts)
        .filter_map(|(axis, &shift)| {
            let n = dims[axis] as i128;
            if n == 0 {
                return None;
            }
            let s = (shift as i128).rem_euclid(n);
            (s != 0).then_some((axis, (n - s) as usize))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn roll_moves_each_element_to_its_index_plus_the_shift_mod_n() {
        let stored = Tensor::from_vec((0..60).collect::<Vec<i64>>(), [3, 4, 5]).unwrap();
        let views = [
            stored.clone(),
            stored.transpose(0, 2).unwrap(),
            stored.flip(&[1]).unwrap(),
            stored.slice(2, 0, 5, 2).unwrap(),
        ];
        for x in &views {
            let d = x.dims().to_vec();
            for (s0, s2) in [(1isize, -2isize), (-7, 11), (0, 3), (3, 0)] {
                // Axes given out of order stay paired with their shifts.
                let r = x.roll(&[s2, s0], &[-1, 0]).unwrap();
                assert_eq!(r.dims(), &d[..]);
                assert!(r.is_contiguous());
                for i in 0..d[0] {
                    for j in 0..d[1] {
                        for k in 0..d[2] {
                            let to = [
                                (i as isize + s0).rem_euclid(d[0] as isize) as usize,
                                j,
                                (k as isize + s2).rem_euclid(d[2] as isize) as usize,
                            ];
                            assert_eq!(r.get(&to).unwrap(), x.get(&[i, j, k]).unwrap());
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn roll_of_empty_and_zero_d_tensors_and_bad_arguments() {
        let empty = Tensor::<f32>::zeros([0, 3]);
        assert_eq!(empty.roll(&[2, 1], &[0, 1]).unwrap().dims(), &[0, 3]);
        let s = Tensor::scalar(4.0f64);
        assert_eq!(s.roll(&[], &[]).unwrap().item().unwrap(), 4.0);
        let x = Tensor::<f32>::zeros([2, 3]);
        let e = x.roll(&[1], &[0, 1]).unwrap_err().to_string();
        assert!(
            e.contains("roll") && e.contains("one shift per axis"),
            "{e}"
        );
        assert!(x.roll(&[1, 1], &[0, 0]).is_err(), "a repeated axis");
        assert!(x.roll(&[1], &[2]).is_err(), "an axis out of range");
    }
}
