//! The book's loss fixtures (§4.1.6, `util.mse_loss`, `binary_cross_entropy`,
//! `cross_entropy_loss`) reproduced with scalpel's losses.
//!
//! The book prints its values with seven decimals, so each check allows half a unit in the last
//! printed place (5e-8); the hand-worked value in each comment is exact.

use scalpel::nn::{binary_cross_entropy, mse_loss, nll_loss, Reduction};
use scalpel::prelude::*;

/// Half a unit in the seventh decimal, where the book's printed values are rounded.
const PRINTED: f64 = 5e-8;

fn rows(r: &[[f64; 3]]) -> Var<f64> {
    Var::constant(Tensor::from_rows(r).unwrap())
}

fn vector(v: &[f64]) -> Var<f64> {
    Var::constant(Tensor::from_vec1(v.to_vec()))
}

#[test]
fn mse_with_the_books_half_sum_over_rows_is_0_085() {
    let f = rows(&[[0.1, 0.2, 0.5], [0.1, 0.2, 0.5]]);
    let y = rows(&[[0.3, 0.4, 0.2], [0.3, 0.4, 0.2]]);
    // The book divides the sum of squares by 2m, m the number of rows (samples), where PyTorch's
    // mean divides by every element. `BatchMean` is the sum over the size of the first axis,
    // Σ/m, and halving it gives Σ/(2m): (0.04 + 0.04 + 0.09)·2/(2·2) = 0.085.
    let loss = mse_loss(&f, &y, Reduction::BatchMean)
        .unwrap()
        .mul_scalar(0.5)
        .unwrap()
        .item()
        .unwrap();
    assert!((loss - 0.085).abs() < 1e-15, "{loss}");
}

#[test]
fn binary_cross_entropy_of_the_books_example_is_0_8026485() {
    // −(ln 0.9 + ln 0.2 + ln 0.5)/3 = 0.80264853…
    let loss = binary_cross_entropy(
        &vector(&[0.1, 0.2, 0.5]),
        &vector(&[0.0, 1.0, 0.0]),
        Reduction::Mean,
    )
    .unwrap()
    .item()
    .unwrap();
    assert!((loss - 0.802_648_5).abs() < PRINTED, "{loss}");
}

#[test]
fn cross_entropy_of_the_books_probabilities_is_1_0601318() {
    // The book's cross-entropy takes probabilities: −(1/m)·Σ ln F[i, yᵢ]. nll_loss picks
    // −input[i, yᵢ] and averages, so on ln F it is exactly that: −(ln 0.3 + ln 0.4)/2 = 1.06013177…
    let f = rows(&[[0.2, 0.5, 0.3], [0.4, 0.3, 0.3]]);
    let y = Tensor::from_vec1(vec![2i64, 0]);
    let loss = nll_loss(&f.ln().unwrap(), &y, Reduction::Mean)
        .unwrap()
        .item()
        .unwrap();
    assert!((loss - 1.060_131_8).abs() < PRINTED, "{loss}");
}
