//! Losses, each under every reduction, and the book's L2 penalty.
//!
//! Predictions and targets that are floating-point are both inputs of the case (their
//! gradients are checked), except where the loss has no derivative in the target (targets of 0
//! in `kl_div`). Class indices are fixed when the case is made.

use scalpel_autograd::{Result, Var};
use scalpel_nn::{
    binary_cross_entropy, binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_with,
    cross_entropy, cross_entropy_soft, cross_entropy_soft_with, cross_entropy_with, kl_div,
    l1_loss, l2_penalty, mse_loss, nll_loss, nll_loss_with, BceWithLogitsOptions,
    CrossEntropyOptions, Module, NllOptions, Reduction,
};
use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

use super::super::super::sample::{self, fmt_dims, View};
use super::super::super::{Case, Entry};
use super::super::{anywhere, one_input, Draw};
use super::{drawn, Input};

const REDUCTIONS: [Reduction; 4] = [
    Reduction::Mean,
    Reduction::Sum,
    Reduction::None,
    Reduction::BatchMean,
];

/// Views of prediction and target, one pair per reduction.
const VIEWS: [(View, View); 4] = [
    (View::Contiguous, View::Contiguous),
    (View::Transposed, View::Flipped),
    (View::Flipped, View::Strided),
    (View::Strided, View::Transposed),
];

/// Every entry of this family. All are twice differentiable where sampled (l1_loss away from
/// prediction = target, where its second derivative is 0).
pub fn entries() -> Vec<Entry> {
    vec![
        Entry::gradgrad("mse_loss", |rng| {
            pairwise(rng, "mse_loss", anywhere, anywhere, mse_loss)
        }),
        Entry::gradgrad("l1_loss", |rng| {
            // Prediction and target on interleaved bands: never within 0.05 of each other.
            pairwise(rng, "l1_loss", band_low, band_high, l1_loss)
        }),
        Entry::gradgrad("binary_cross_entropy", |rng| {
            pairwise(
                rng,
                "binary_cross_entropy",
                probability,
                unit,
                binary_cross_entropy,
            )
        }),
        Entry::gradgrad("binary_cross_entropy_with_logits", bce_with_logits_cases),
        Entry::gradgrad("cross_entropy", cross_entropy_cases),
        Entry::gradgrad("cross_entropy_soft", cross_entropy_soft_cases),
        Entry::gradgrad("nll_loss", nll_loss_cases),
        Entry::gradgrad("kl_div", kl_div_cases),
        Entry::gradgrad("l2_penalty", l2_penalty_cases),
    ]
}

fn band_low(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    sample::banded(rng, dims, 0.0)
}

fn band_high(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    sample::banded(rng, dims, 0.1)
}

/// Probabilities in [0.05, 0.95), away from the clamps of binary cross-entropy.
fn probability(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    sample::uniform(rng, dims, 0.05, 0.95)
}

/// Soft targets in [0, 1).
fn unit(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    sample::uniform(rng, dims, 0.0, 1.0)
}

/// Logits in [−4, 4).
fn wide(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    sample::uniform(rng, dims, -4.0, 4.0)
}

/// Strictly positive probabilities, in [0.05, 1).
fn positive(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    sample::uniform(rng, dims, 0.05, 1.0)
}

type PairLoss = fn(&Var<f64>, &Var<f64>, Reduction) -> Result<Var<f64>>;

/// A loss of prediction and target of the same shape, once per reduction, over ranks 1 to 3
/// and non-contiguous views.
fn pairwise(rng: &mut Rng, op: &str, input: Draw, target: Draw, loss: PairLoss) -> Vec<Case> {
    REDUCTIONS
        .into_iter()
        .zip(VIEWS)
        .map(|(r, (vi, vt))| {
            let dims = sample::any_rank(rng, 1..=3, 1, 4);
            let inputs = [Input::new(&dims, vi, input), Input::new(&dims, vt, target)];
            drawn(rng, &format!("{op} {r:?}"), &inputs, move |xs| {
                loss(&xs[0], &xs[1], r)
            })
        })
        .collect()
}

type ClassLoss = fn(&Var<f64>, &Tensor<i64>, Reduction) -> Result<Var<f64>>;

/// Class scores with class indices, per reduction: `(N, C)` with `(N,)`, and in turn one
/// sample `(C,)` with a 0-d target, `(N, C, d)` with `(N, d)` and `(N, C, d₁, d₂)` with
/// `(N, d₁, d₂)` (classes on axis 1).
fn class_cases(rng: &mut Rng, op: &'static str, loss: ClassLoss) -> Vec<Case> {
    let mut cases = Vec::new();
    for (i, (r, (vi, _))) in REDUCTIONS.into_iter().zip(VIEWS).enumerate() {
        let (n, c) = (sample::size(rng, 2, 4), sample::size(rng, 2, 5));
        let d = sample::size(rng, 1, 3);
        let others: [Vec<usize>; 4] = [vec![c], vec![n, c, d], vec![n, c, d, 2], vec![c]];
        for dims in [vec![n, c], others[i].clone()] {
            let mut target_dims = dims.clone();
            target_dims.remove(usize::from(dims.len() > 1));
            let target = sample::indices(rng, &target_dims, c);
            let label = format!("{op} {r:?}, target {}", fmt_dims(&target_dims));
            cases.push(one_input(rng, &label, &dims, vi, wide, move |x| {
                loss(x, &target, r)
            }));
        }
    }
    cases
}

/// [`pairwise`], then element weights and positive-class weights that broadcast (one per
/// class on the last axis, one per row), per reduction.
fn bce_with_logits_cases(rng: &mut Rng) -> Vec<Case> {
    let mut cases = pairwise(
        rng,
        "binary_cross_entropy_with_logits",
        wide,
        unit,
        binary_cross_entropy_with_logits,
    );
    for (r, (vi, vt)) in [Reduction::Mean, Reduction::None, Reduction::Sum]
        .into_iter()
        .zip(VIEWS)
    {
        let (n, c) = (sample::size(rng, 2, 4), sample::size(rng, 2, 4));
        let options = BceWithLogitsOptions {
            reduction: r,
            weight: Some(sample::uniform(rng, &[n, 1], 0.2, 2.0)),
            pos_weight: Some(sample::uniform(rng, &[c], 0.2, 4.0)),
        };
        let inputs = [Input::new(&[n, c], vi, wide), Input::new(&[n, c], vt, unit)];
        let label = format!("binary_cross_entropy_with_logits_with {r:?} weight pos_weight");
        cases.push(drawn(rng, &label, &inputs, move |xs| {
            binary_cross_entropy_with_logits_with(&xs[0], &xs[1], &options)
        }));
    }
    cases
}

/// [`class_cases`], then label smoothing, an ignored class (PyTorch's −100) and class weights
/// with the mean (over the samples not ignored, by weight) and without reduction.
fn cross_entropy_cases(rng: &mut Rng) -> Vec<Case> {
    let mut cases = class_cases(rng, "cross_entropy", cross_entropy);
    for (reduction, smoothing, ignore, weighted) in [
        (Reduction::Mean, 0.1, None, false),
        (Reduction::Mean, 0.2, Some(-100), false),
        (Reduction::None, 0.0, Some(-100), false),
        (Reduction::Sum, 0.3, Some(1), false),
        (Reduction::Mean, 0.0, None, true),
        (Reduction::Mean, 0.2, Some(-100), true),
        (Reduction::None, 0.1, None, true),
    ] {
        let (n, c) = (sample::size(rng, 3, 4), sample::size(rng, 2, 4));
        let mut target = sample::indices(rng, &[n], c).to_vec();
        if let Some(k) = ignore {
            target[0] = k;
            // One sample is ignored and at least one counts.
            target[1] = (k + 1).rem_euclid(c as i64);
        }
        let target = Tensor::from_vec1(target);
        let options = CrossEntropyOptions {
            reduction,
            label_smoothing: smoothing,
            ignore_index: ignore,
            weight: weighted.then(|| sample::uniform(rng, &[c], 0.2, 3.0)),
        };
        let label = format!(
            "cross_entropy_with {reduction:?} smoothing {smoothing} ignore_index {ignore:?}{}",
            if weighted { " class weights" } else { "" }
        );
        cases.push(one_input(
            rng,
            &label,
            &[n, c],
            View::Transposed,
            wide,
            move |x| cross_entropy_with(x, &target, &options),
        ));
    }
    cases
}

/// Class scores against class probabilities of the same shape (both checked), per reduction:
/// `(N, C)`, and in turn `(C,)`, `(N, C, d)` and `(N, C, d₁, d₂)` (classes on axis 1); then
/// label smoothing and class weights. The targets are drawn in [0, 1) without normalising:
/// the loss and its gradients hold for any rows.
fn cross_entropy_soft_cases(rng: &mut Rng) -> Vec<Case> {
    let mut cases = Vec::new();
    for (i, (r, (vi, vt))) in REDUCTIONS.into_iter().zip(VIEWS).enumerate() {
        let (n, c) = (sample::size(rng, 2, 4), sample::size(rng, 2, 5));
        let d = sample::size(rng, 1, 3);
        let others: [Vec<usize>; 4] = [vec![c], vec![n, c, d], vec![n, c, d, 2], vec![c]];
        for dims in [vec![n, c], others[i].clone()] {
            let inputs = [Input::new(&dims, vi, wide), Input::new(&dims, vt, unit)];
            cases.push(drawn(
                rng,
                &format!("cross_entropy_soft {r:?}"),
                &inputs,
                move |xs| cross_entropy_soft(&xs[0], &xs[1], r),
            ));
        }
    }
    for (reduction, smoothing, weighted) in [
        (Reduction::Mean, 0.1, false),
        (Reduction::Sum, 0.3, false),
        (Reduction::Mean, 0.0, true),
        (Reduction::None, 0.2, true),
        (Reduction::BatchMean, 0.1, true),
    ] {
        let (n, c) = (sample::size(rng, 2, 4), sample::size(rng, 2, 4));
        let options = CrossEntropyOptions {
            reduction,
            label_smoothing: smoothing,
            ignore_index: None,
            weight: weighted.then(|| sample::uniform(rng, &[c], 0.2, 3.0)),
        };
        let label = format!(
            "cross_entropy_soft_with {reduction:?} smoothing {smoothing}{}",
            if weighted { " class weights" } else { "" }
        );
        let inputs = [
            Input::new(&[n, c], View::Transposed, wide),
            Input::new(&[n, c], View::Flipped, unit),
        ];
        cases.push(drawn(rng, &label, &inputs, move |xs| {
            cross_entropy_soft_with(&xs[0], &xs[1], &options)
        }));
    }
    cases
}

/// [`class_cases`], then class weights, with an ignored sample or none, per reduction.
fn nll_loss_cases(rng: &mut Rng) -> Vec<Case> {
    let mut cases = class_cases(rng, "nll_loss", nll_loss);
    for reduction in [Reduction::Mean, Reduction::None, Reduction::Sum] {
        let (n, c) = (sample::size(rng, 3, 4), sample::size(rng, 2, 4));
        let mut target = sample::indices(rng, &[n], c).to_vec();
        // The sum keeps every sample; the others ignore the first.
        let ignoring = reduction != Reduction::Sum;
        if ignoring {
            target[0] = -100;
        }
        let target = Tensor::from_vec1(target);
        let options = NllOptions {
            reduction,
            ignore_index: Some(-100),
            weight: Some(sample::uniform(rng, &[c], 0.2, 3.0)),
        };
        let label = format!(
            "nll_loss_with {reduction:?} class weights{}",
            if ignoring { ", one sample ignored" } else { "" }
        );
        cases.push(one_input(
            rng,
            &label,
            &[n, c],
            View::Flipped,
            wide,
            move |x| nll_loss_with(x, &target, &options),
        ));
    }
    cases
}

/// Log-probabilities against probabilities (both checked), per reduction; log-probabilities
/// against log-probabilities (`log_target`); and targets with zeros, where the divergence has
/// no derivative in the target, which is then fixed.
fn kl_div_cases(rng: &mut Rng) -> Vec<Case> {
    let mut cases = pairwise(rng, "kl_div", anywhere, positive, |x, t, r| {
        kl_div(x, t, r, false)
    });
    for r in [Reduction::Mean, Reduction::BatchMean] {
        let dims = sample::dims(rng, 2, 2, 4);
        let inputs = [
            Input::new(&dims, View::Flipped, anywhere),
            Input::new(&dims, View::Transposed, anywhere),
        ];
        cases.push(drawn(
            rng,
            &format!("kl_div log_target {r:?}"),
            &inputs,
            move |xs| kl_div(&xs[0], &xs[1], r, true),
        ));
    }
    let dims = sample::dims(rng, 2, 2, 4);
    let target =
        positive(rng, &dims).zip_with(&unit(rng, &dims), |p, u| if u < 0.4 { 0.0 } else { p });
    let target = Var::constant(target.expect("same shapes"));
    cases.push(one_input(
        rng,
        "kl_div Sum, targets with zeros (fixed)",
        &dims,
        View::Strided,
        anywhere,
        move |x| kl_div(x, &target, Reduction::Sum, false),
    ));
    cases
}

/// A module whose parameters are the variables of a case.
struct Params(Vec<Var<f64>>);

impl Module<f64> for Params {
    fn forward(&self, x: &Var<f64>) -> Result<Var<f64>> {
        Ok(x.clone())
    }
    fn local_parameters(&self) -> Vec<(String, Var<f64>)> {
        self.0
            .iter()
            .enumerate()
            .map(|(i, p)| (i.to_string(), p.clone()))
            .collect()
    }
}

/// reg·ΣW² over a linear weight, a bias (not penalised: its gradient is 0) and a convolution
/// weight.
fn l2_penalty_cases(rng: &mut Rng) -> Vec<Case> {
    let (o, i) = (sample::size(rng, 1, 4), sample::size(rng, 1, 4));
    let inputs = [
        Input::new(&[o, i], View::Contiguous, anywhere),
        Input::new(&[o], View::Contiguous, anywhere),
        Input::new(&[2, 1, 2, 2], View::Contiguous, anywhere),
    ];
    vec![drawn(rng, "l2_penalty reg 0.3", &inputs, |xs| {
        l2_penalty(&Params(xs.to_vec()), 0.3)
    })]
}
