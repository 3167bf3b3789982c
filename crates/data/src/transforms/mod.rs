//! Transforms of whole tensors: train/validation split, standardisation, min-max scaling,
//! one-hot encoding, pixel scaling; and augmentations of image batches `(N, C, H, W)` — random
//! crop with padding, horizontal flip — with per-channel normalisation (book §5.1), applied to
//! each batch as it is built by [`MapInputs`].
//!
//! The scalers follow a fit/transform pattern: fit the statistics on the training data once,
//! keep them, and apply the same ones to validation and test data (book §3.2.2 and §5.1.2).

mod crop;
mod encode;
mod flip;
mod image;
mod map;
mod min_max;
mod normalize;
mod split;
mod standardize;

pub use crop::RandomCrop;
pub use encode::{one_hot, to_unit_interval};
pub use flip::RandomHorizontalFlip;
pub use map::MapInputs;
pub use min_max::MinMaxScaler;
pub use normalize::Normalize;
pub use split::split_indices;
pub use standardize::{standardize, Standardizer};

use scalpel_tensor::{Element, Tensor};

use crate::error::{DataError, Result};

/// Checks that `x` is `[N, …]` with N ≥ 1, as the scalers need to fit.
fn check_fit_input<T: Element>(op: &'static str, x: &Tensor<T>) -> Result<()> {
    match x.dims().first() {
        Some(&n) if n > 0 => Ok(()),
        _ => Err(DataError::arg(
            op,
            format!(
                "needs samples along the first axis, got shape {}",
                x.shape()
            ),
        )),
    }
}
