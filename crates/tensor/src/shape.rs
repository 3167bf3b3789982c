//! [`Shape`]: the dimensions of a tensor, and the rules that combine shapes (broadcasting, axes).

use std::fmt;
use std::ops::Deref;

use smallvec::SmallVec;

use crate::error::{Result, TensorError};

/// Dimensions stored inline for tensors of rank up to 6 (no heap allocation on the hot path).
pub type Dims = SmallVec<[usize; 6]>;

/// The dimensions of a tensor, outermost first. A scalar has the empty shape `[]`.
#[derive(Clone, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct Shape(Dims);

impl Shape {
    /// A shape from its dimensions.
    pub fn new(dims: &[usize]) -> Self {
        Shape(SmallVec::from_slice(dims))
    }
    /// The empty shape of a scalar.
    pub fn scalar() -> Self {
        Shape(SmallVec::new())
    }
    /// Number of dimensions.
    pub fn rank(&self) -> usize {
        self.0.len()
    }
    /// Number of elements (1 for a scalar). A count past `usize::MAX` saturates there, so that
    /// such a shape can never match a buffer (a wrapped count could be 0).
    pub fn numel(&self) -> usize {
        if self.0.contains(&0) {
            return 0;
        }
        self.0.iter().fold(1usize, |n, &d| n.saturating_mul(d))
    }
    /// The dimensions as a slice.
    pub fn dims(&self) -> &[usize] {
        &self.0
    }
    /// Mutable access to the dimensions.
    pub(crate) fn dims_mut(&mut self) -> &mut Dims {
        &mut self.0
    }
    /// Row-major (C order) strides of a contiguous tensor of this shape.
    ///
    /// # Panics
    /// When the shape is too large to lay out (see [`check_addressable`](Self::check_addressable));
    /// the constructors that return a `Result` check that first.
    pub fn contiguous_strides(&self) -> SmallVec<[isize; 6]> {
        let mut strides: SmallVec<[isize; 6]> = SmallVec::from_elem(0, self.rank());
        let mut acc = 1isize;
        for i in (0..self.rank()).rev() {
            strides[i] = acc;
            acc = isize::try_from(self.0[i])
                .ok()
                .and_then(|d| acc.checked_mul(d))
                .unwrap_or_else(|| panic!("shape {self} is too large to lay out"));
        }
        strides
    }

    /// Checks that a tensor of this shape can be laid out: its sizes, with zeros counted as 1,
    /// multiply to at most `isize::MAX`, so that every stride and offset fits an `isize`. A
    /// shape such as `[0, 2⁶², 8]` holds no elements but has no strides.
    ///
    /// # Errors
    /// [`TensorError::InvalidShape`] naming `op`.
    pub fn check_addressable(&self, op: &'static str) -> Result<()> {
        let fits = self.0.iter().try_fold(1isize, |acc, &d| {
            isize::try_from(d.max(1))
                .ok()
                .and_then(|d| acc.checked_mul(d))
        });
        match fits {
            Some(_) => Ok(()),
            None => Err(TensorError::shape(
                op,
                self,
                "its sizes multiply past isize::MAX: too large to lay out",
            )),
        }
    }

    /// Resolves a possibly negative axis (`-1` is the last) against this shape's rank.
    pub fn axis(&self, op: &'static str, axis: isize) -> Result<usize> {
        resolve_axis(op, axis, self.rank())
    }

    /// The shape two operands broadcast to under numpy's rules: dimensions are aligned from the
    /// right, and each pair must be equal or contain a 1.
    pub fn broadcast(op: &'static str, lhs: &Shape, rhs: &Shape) -> Result<Shape> {
        let rank = lhs.rank().max(rhs.rank());
        let mut dims: Dims = SmallVec::from_elem(0, rank);
        for i in 0..rank {
            let a = dim_from_right(lhs, rank - 1 - i);
            let b = dim_from_right(rhs, rank - 1 - i);
            dims[i] = match (a, b) {
                (a, b) if a == b => a,
                (1, b) => b,
                (a, 1) => a,
                (a, b) => {
                    return Err(TensorError::mismatch(
                        op,
                        lhs,
                        rhs,
                        format!(
                            "cannot broadcast: dimension {} is {a} against {b}",
                            i as isize - rank as isize
                        ),
                    ))
                }
            };
        }
        Ok(Shape(dims))
    }
}

/// The `i`-th dimension counted from the right (0 = last); 1 past the rank.
fn dim_from_right(shape: &Shape, i: usize) -> usize {
    if i < shape.rank() {
        shape.0[shape.rank() - 1 - i]
    } else {
        1
    }
}

/// Resolves a possibly negative axis against `rank`.
pub fn resolve_axis(op: &'static str, axis: isize, rank: usize) -> Result<usize> {
    let r = rank as isize;
    let a = if axis < 0 { axis + r } else { axis };
    if a < 0 || a >= r {
        Err(TensorError::AxisOutOfRange { op, axis, rank })
    } else {
        Ok(a as usize)
    }
}

/// Resolves the axes of a reduction: as [`resolve_axes`], except that a 0-d tensor accepts
/// axis 0 or −1 (PyTorch's rule: a scalar reduces as one element along one axis), and
/// reducing it over them reduces over nothing.
pub fn resolve_reduction_axes(
    op: &'static str,
    axes: &[isize],
    rank: usize,
) -> Result<SmallVec<[usize; 6]>> {
    if rank == 0 {
        resolve_axes(op, axes, 1).map_err(as_scalar_error)?;
        return Ok(SmallVec::new());
    }
    resolve_axes(op, axes, rank)
}

/// Checks an axis of a 0-d tensor for an operation along one axis (softmax): 0 or −1.
pub(crate) fn check_scalar_axis(op: &'static str, axis: isize) -> Result<()> {
    resolve_axis(op, axis, 1)
        .map(|_| ())
        .map_err(as_scalar_error)
}

/// An axis error found by checking a 0-d tensor as if it had one axis, told of rank 0.
fn as_scalar_error(e: TensorError) -> TensorError {
    match e {
        TensorError::AxisOutOfRange { op, axis, .. } => {
            TensorError::AxisOutOfRange { op, axis, rank: 0 }
        }
        other => other,
    }
}

/// Resolves a list of axes, rejecting duplicates; returns them sorted.
pub fn resolve_axes(op: &'static str, axes: &[isize], rank: usize) -> Result<SmallVec<[usize; 6]>> {
    let mut out: SmallVec<[usize; 6]> = SmallVec::new();
    for &a in axes {
        let a = resolve_axis(op, a, rank)?;
        if out.contains(&a) {
            return Err(TensorError::arg(
                op,
                format!("axis {a} is repeated in {axes:?}"),
            ));
        }
        out.push(a);
    }
    out.sort_unstable();
    Ok(out)
}

impl Deref for Shape {
    type Target = [usize];
    fn deref(&self) -> &[usize] {
        &self.0
    }
}

impl fmt::Debug for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0.as_slice())
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0.as_slice())
    }
}

impl From<&[usize]> for Shape {
    fn from(d: &[usize]) -> Self {
        Shape::new(d)
    }
}
impl<const N: usize> From<[usize; N]> for Shape {
    fn from(d: [usize; N]) -> Self {
        Shape::new(&d)
    }
}
impl<const N: usize> From<&[usize; N]> for Shape {
    fn from(d: &[usize; N]) -> Self {
        Shape::new(d)
    }
}
impl From<Vec<usize>> for Shape {
    fn from(d: Vec<usize>) -> Self {
        Shape::new(&d)
    }
}
impl From<&Vec<usize>> for Shape {
    fn from(d: &Vec<usize>) -> Self {
        Shape::new(d)
    }
}
impl From<&Shape> for Shape {
    fn from(s: &Shape) -> Self {
        s.clone()
    }
}
impl From<Dims> for Shape {
    fn from(d: Dims) -> Self {
        Shape(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_element_count_past_usize_saturates_and_matches_no_buffer() {
        assert_eq!(Shape::new(&[1 << 62, 8]).numel(), usize::MAX);
        assert_eq!(Shape::new(&[1 << 62, 8, 0]).numel(), 0);
        assert_eq!(Shape::new(&[]).numel(), 1);
        let e = crate::Tensor::<f32>::from_vec(vec![], [1 << 62, 8]).unwrap_err();
        assert!(matches!(e, crate::TensorError::ElementCount { .. }), "{e}");
    }

    #[test]
    fn broadcast_aligns_from_the_right() {
        let s = Shape::broadcast("add", &Shape::new(&[4, 1, 3]), &Shape::new(&[5, 1])).unwrap();
        assert_eq!(s.dims(), &[4, 5, 3]);
    }

    #[test]
    fn broadcast_error_names_op_and_both_shapes() {
        let e = Shape::broadcast("mul", &Shape::new(&[2, 3]), &Shape::new(&[4])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "mul: [2, 3] and [4]: cannot broadcast: dimension -1 is 3 against 4"
        );
    }

    #[test]
    fn negative_axes_count_from_the_end() {
        assert_eq!(resolve_axis("sum", -1, 3).unwrap(), 2);
        assert!(resolve_axis("sum", 3, 3).is_err());
        assert!(resolve_axes("sum", &[0, -3], 3).is_err());
        // A 0-d tensor reduces over axis 0 or −1, once, as over nothing.
        assert!(resolve_reduction_axes("sum", &[0], 0).unwrap().is_empty());
        assert!(resolve_reduction_axes("sum", &[-1], 0).unwrap().is_empty());
        assert!(resolve_reduction_axes("sum", &[0, -1], 0).is_err());
        assert!(resolve_reduction_axes("sum", &[1], 0).is_err());
        assert!(resolve_axes("sum", &[0], 0).is_err());
    }
}
