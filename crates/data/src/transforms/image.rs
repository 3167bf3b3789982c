//! Checks and helpers shared by the image augmentations: every one takes a batch
//! `(N, C, H, W)` and treats it as N images of C channels.

use std::borrow::Cow;

use scalpel_tensor::{Element, Tensor};

use crate::error::{DataError, Result};

/// The sizes `(n, c, h, w)` of an image batch.
pub(super) fn batch_dims<T: Element>(op: &'static str, x: &Tensor<T>) -> Result<[usize; 4]> {
    match *x.dims() {
        [n, c, h, w] => Ok([n, c, h, w]),
        _ => Err(DataError::arg(
            op,
            format!(
                "expected an image batch (N, C, H, W), got shape {}",
                x.shape()
            ),
        )),
    }
}

/// The elements of `x` in row-major order, borrowed when `x` is contiguous.
pub(super) fn row_major<T: Element>(x: &Tensor<T>) -> Cow<'_, [T]> {
    match x.as_slice() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(x.to_vec()),
    }
}

/// A uniform integer in `0..=max` from `rng`.
pub(super) fn uniform_index(rng: &mut scalpel_tensor::Rng, max: usize) -> usize {
    // next_f64 < 1, so the floor is at most `max`; the min guards rounding at the top.
    ((rng.next_f64() * (max as f64 + 1.0)) as usize).min(max)
}
