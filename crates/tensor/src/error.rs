//! The crate's one error type.
//!
//! # Error policy
//! - Every operation whose validity depends on the shapes, axes or values of its inputs returns
//!   [`Result<_, TensorError>`](Result). The error names the operation and the shapes involved,
//!   e.g. `matmul: [2, 3] and [4, 5]: inner dimensions 3 != 4`.
//! - Operations that cannot fail for any input (unary element-wise maps, scalar arithmetic,
//!   views that are always valid such as `t()` on a 2-D tensor) return the tensor directly.
//! - The `std::ops` operator impls (`&a + &b`, …) are shorthand for the fallible methods: they
//!   panic with the same message the method would have returned. Use the methods where shapes come
//!   from user data.
//! - Nothing that reads user data panics.

use crate::shape::Shape;

/// Result alias used throughout the crate.
pub type Result<T, E = TensorError> = std::result::Result<T, E>;

/// Everything that can go wrong in a tensor operation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TensorError {
    /// Two operands whose shapes are incompatible for the operation.
    #[error("{op}: {lhs} and {rhs}: {reason}")]
    ShapeMismatch {
        /// The operation.
        op: &'static str,
        /// Shape of the first operand.
        lhs: Box<Shape>,
        /// Shape of the second operand.
        rhs: Box<Shape>,
        /// Why they do not fit.
        reason: String,
    },
    /// A single operand whose shape does not suit the operation.
    #[error("{op}: shape {shape}: {reason}")]
    InvalidShape {
        /// The operation.
        op: &'static str,
        /// The offending shape.
        shape: Box<Shape>,
        /// Why it does not fit.
        reason: String,
    },
    /// An axis outside `-rank..rank`.
    #[error("{op}: axis {axis} is out of range for a tensor of rank {rank}")]
    AxisOutOfRange {
        /// The operation.
        op: &'static str,
        /// The requested axis.
        axis: isize,
        /// The tensor's rank.
        rank: usize,
    },
    /// An index outside its dimension: `index` is not in `0..shape[axis]`.
    #[error(
        "{op}: index {index} is out of range for axis {axis} of size {} in shape {shape}",
        axis_size(shape, *axis)
    )]
    IndexOutOfRange {
        /// The operation.
        op: &'static str,
        /// The requested index: an `i64` of an index tensor, or a `usize` of `get`, `set` or
        /// `select`, either exactly.
        index: i128,
        /// The axis it indexes.
        axis: usize,
        /// The shape of the tensor it indexes.
        shape: Box<Shape>,
    },
    /// The number of elements supplied does not match the shape.
    #[error("{op}: shape {shape} needs {expected} elements, got {got}")]
    ElementCount {
        /// The operation.
        op: &'static str,
        /// The requested shape.
        shape: Box<Shape>,
        /// Elements the shape needs.
        expected: usize,
        /// Elements supplied.
        got: usize,
    },
    /// An argument that is invalid for a reason other than shape.
    #[error("{op}: {reason}")]
    InvalidArgument {
        /// The operation.
        op: &'static str,
        /// What is wrong.
        reason: String,
    },
}

impl TensorError {
    /// Shorthand for [`TensorError::ShapeMismatch`].
    pub fn mismatch(op: &'static str, lhs: &Shape, rhs: &Shape, reason: impl Into<String>) -> Self {
        TensorError::ShapeMismatch {
            op,
            lhs: Box::new(lhs.clone()),
            rhs: Box::new(rhs.clone()),
            reason: reason.into(),
        }
    }
    /// Shorthand for [`TensorError::InvalidShape`].
    pub fn shape(op: &'static str, shape: &Shape, reason: impl Into<String>) -> Self {
        TensorError::InvalidShape {
            op,
            shape: Box::new(shape.clone()),
            reason: reason.into(),
        }
    }
    /// Shorthand for [`TensorError::IndexOutOfRange`].
    pub fn index(op: &'static str, index: i128, axis: usize, shape: &Shape) -> Self {
        TensorError::IndexOutOfRange {
            op,
            index,
            axis,
            shape: Box::new(shape.clone()),
        }
    }
    /// Shorthand for [`TensorError::InvalidArgument`].
    pub fn arg(op: &'static str, reason: impl Into<String>) -> Self {
        TensorError::InvalidArgument {
            op,
            reason: reason.into(),
        }
    }
}

/// The size of `axis` in `shape`, 0 for an axis it lacks (a message never panics).
fn axis_size(shape: &Shape, axis: usize) -> usize {
    shape.dims().get(axis).copied().unwrap_or(0)
}
