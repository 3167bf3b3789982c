//! Reductions over any set of axes (sums, moments, extremes, vector norms, `any`/`all`), and
//! softmax along an axis.
//!
//! # Conventions
//! - Axes are `&[isize]`; negative axes count from the end and a repeated axis is an error. An
//!   empty slice reduces over no axis (numpy's `axis=()`): the result has the input's values and
//!   shape. Reduce over every axis with the `*_all` methods or by listing all axes.
//! - `keepdim` keeps each reduced axis with size 1, so that the result broadcasts against the
//!   input.
//! - A 0-d tensor takes axis 0 or −1 (PyTorch's rule), as one element along one axis: the result
//!   is 0-d, with or without `keepdim`; softmax of it is 1.
//! - Reducing over zero elements gives the identity of the operation where there is one (sum 0,
//!   prod 1, logsumexp −∞); mean and var give NaN; max, min, argmax and argmin are errors.
//! - For floats a NaN in the reduced elements propagates to max and min, and argmax and argmin
//!   return the index of the first NaN, as in PyTorch.
//! - Sums are pairwise, so the rounding error of an f32 sum grows with the logarithm of its
//!   length rather than with the length. var and std take two passes (mean first, then squared
//!   deviations from it), never `E[x²] − E[x]²`.
//!
//! # Performance
//! Every reduction walks its input as `outer × reduced × inner` blocks (see `plan.rs`): the
//! common cases — a contiguous tensor reduced over its last axes, or over its leading axes as
//! for the gradient of a bias — run over contiguous memory with no copy. Nor is a reduced
//! broadcast (stride-0) axis ever copied: each reduction counts its copies arithmetically (a sum
//! times their number, a product to that power, …; see `plan.rs`). Work goes to rayon only
//! above [`PARALLEL_THRESHOLD`](crate::ops::elementwise::PARALLEL_THRESHOLD) input elements.

mod extrema;
mod logical;
mod moments;
mod norm;
mod pairwise;
mod plan;
mod softmax;
mod sum;
mod sum_to;

use crate::error::TensorError;
use crate::shape::Shape;

/// The error for max, min, argmax or argmin over zero elements.
fn empty_reduction(op: &'static str, shape: &Shape, axes: &[isize]) -> TensorError {
    TensorError::shape(
        op,
        shape,
        format!("cannot reduce over axes {axes:?}: they hold no elements"),
    )
}
