//! Seeded train/validation split.

use scalpel_tensor::Rng;

use crate::error::{DataError, Result};

/// A seeded random split of the indices `0..n` into (train, validation): a permutation drawn
/// from a generator seeded with `seed`, whose first `round(val_fraction · n)` entries are the
/// validation indices and the rest the training ones. Both lists are in permuted order; the
/// same `(n, val_fraction, seed)` always gives the same split.
///
/// ```
/// let (train, val) = scalpel_data::transforms::split_indices(10, 0.3, 1).unwrap();
/// assert_eq!((train.len(), val.len()), (7, 3));
/// ```
///
/// # Errors
/// [`DataError::InvalidArgument`] when `val_fraction` is not in `[0, 1]`.
pub fn split_indices(n: usize, val_fraction: f64, seed: u64) -> Result<(Vec<usize>, Vec<usize>)> {
    if !(0.0..=1.0).contains(&val_fraction) {
        return Err(DataError::arg(
            "split_indices",
            format!("validation fraction {val_fraction} is outside [0, 1]"),
        ));
    }
    let n_val = ((n as f64) * val_fraction).round() as usize;
    let mut order = Rng::seed(seed).permutation(n);
    let train = order.split_off(n_val.min(n));
    Ok((train, order))
}
