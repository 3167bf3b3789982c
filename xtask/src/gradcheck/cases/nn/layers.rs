//! Layers without a family of their own: Linear, the pooling layers, Flatten, Dropout and
//! Dropout2d.
//!
//! Pooling, Flatten and dropout are linear or piecewise linear in their input, so some of their
//! cases square the result: the second-order check then runs through the backward of their
//! backward.

use scalpel_autograd::Var;
use scalpel_nn::functional::{dropout, dropout2d, global_avg_pool2d, linear};
use scalpel_nn::{
    AdaptiveAvgPool2d, AvgPool2d, Dropout, Dropout2d, Flatten, GlobalAvgPool2d, Linear, MaxPool2d,
    Module,
};
use scalpel_tensor::random::Rng;

use super::super::super::sample::{self, View};
use super::super::super::{Case, Entry};
use super::super::{anywhere, one_input_squared, several};

/// Every entry of this family, all checked to second order.
pub fn entries() -> Vec<Entry> {
    vec![
        Entry::gradgrad("Linear", linear_cases),
        Entry::gradgrad("MaxPool2d", max_pool_cases),
        Entry::gradgrad("AvgPool2d", avg_pool_cases),
        Entry::gradgrad("AdaptiveAvgPool2d", adaptive_pool_cases),
        Entry::gradgrad("GlobalAvgPool2d", global_pool_cases),
        Entry::gradgrad("Flatten", flatten_cases),
        Entry::gradgrad("Dropout", dropout_cases),
        Entry::gradgrad("Dropout2d", dropout2d_cases),
    ]
}

fn with_bias(label: &str, bias: bool) -> String {
    format!("{label}{}", if bias { " +bias" } else { "" })
}

/// The functional form over 1-D to 3-D inputs and strided weights, with and without bias, then
/// the module.
fn linear_cases(rng: &mut Rng) -> Vec<Case> {
    let (n, i, o) = (
        sample::size(rng, 1, 3),
        sample::size(rng, 2, 5),
        sample::size(rng, 1, 4),
    );
    // (input dims, input view, weight view, bias)
    let plan = [
        (vec![n, i], View::Contiguous, View::Contiguous, true),
        (vec![2, n, i], View::Flipped, View::Transposed, true),
        (vec![n, i], View::Strided, View::Contiguous, false),
        (vec![i], View::Contiguous, View::Strided, true),
    ];
    let mut cases: Vec<Case> = plan
        .into_iter()
        .map(|(dims, vx, vw, bias)| {
            let mut inputs = vec![(dims, vx), (vec![o, i], vw)];
            if bias {
                inputs.push((vec![o], View::Contiguous));
            }
            several(rng, &with_bias("linear", bias), &inputs, |xs| {
                linear(&xs[0], &xs[1], xs.get(2))
            })
        })
        .collect();
    let (weight, bias) = (anywhere(rng, &[o, i]), anywhere(rng, &[o]));
    cases.push(one_input_squared(
        rng,
        "Linear module, input gradient".into(),
        &[n, i],
        View::Transposed,
        anywhere,
        true,
        move |x| Linear::from_tensors(weight.clone(), Some(bias.clone()))?.forward(x),
    ));
    cases
}

type Pair = (usize, usize);

/// Pooling windows: (input size, kernel, stride, padding, input view). Disjoint windows (the
/// layers' default stride), overlapping ones with padding, and rectangular ones.
const WINDOWS: [(Pair, Pair, Pair, Pair, View); 3] = [
    ((4, 4), (2, 2), (2, 2), (0, 0), View::Contiguous),
    ((4, 3), (3, 2), (1, 1), (1, 1), View::Transposed),
    ((5, 4), (3, 3), (2, 1), (1, 0), View::Flipped),
];

/// Max pooling over pairwise distinct values: at a tie the maximum has no derivative.
fn max_pool_cases(rng: &mut Rng) -> Vec<Case> {
    let n = sample::size(rng, 1, 2);
    WINDOWS
        .into_iter()
        .enumerate()
        .map(|(i, (hw, k, s, p, view))| {
            let c = sample::size(rng, 1, 2);
            let layer = if s == k && p == (0, 0) {
                MaxPool2d::new(k)
            } else {
                MaxPool2d::with_params(k, s, p)
            };
            let label = format!("MaxPool2d kernel {k:?} stride {s:?} padding {p:?}");
            let dims = [n, c, hw.0, hw.1];
            one_input_squared(
                rng,
                label,
                &dims,
                view,
                sample::distinct,
                i != 1,
                move |x| layer.forward(x),
            )
        })
        .collect()
}

/// Average pooling, counting the padding in the window size and not.
fn avg_pool_cases(rng: &mut Rng) -> Vec<Case> {
    let n = sample::size(rng, 1, 2);
    WINDOWS
        .into_iter()
        .enumerate()
        .map(|(i, (hw, k, s, p, view))| {
            let c = sample::size(rng, 1, 2);
            let include = i != 1;
            let layer = if s == k && p == (0, 0) {
                AvgPool2d::new(k)
            } else {
                AvgPool2d::with_params(k, s, p, include)
            };
            let label = format!(
                "AvgPool2d kernel {k:?} stride {s:?} padding {p:?} count_include_pad {include}"
            );
            let dims = [n, c, hw.0, hw.1];
            one_input_squared(rng, label, &dims, view, anywhere, i != 0, move |x| {
                layer.forward(x)
            })
        })
        .collect()
}

/// Output sizes that divide the input, that do not (overlapping regions), and (1, 1).
fn adaptive_pool_cases(rng: &mut Rng) -> Vec<Case> {
    let n = sample::size(rng, 1, 2);
    let plan = [
        ((4, 4), (2, 2), View::Contiguous),
        ((5, 3), (3, 2), View::Transposed),
        ((3, 4), (1, 1), View::Strided),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (hw, out, view))| {
            let c = sample::size(rng, 1, 2);
            let layer = AdaptiveAvgPool2d::new(out);
            let label = format!("AdaptiveAvgPool2d to {out:?}");
            let dims = [n, c, hw.0, hw.1];
            one_input_squared(rng, label, &dims, view, anywhere, i != 1, move |x| {
                layer.forward(x)
            })
        })
        .collect()
}

/// The module and its functional form, `(N, C, H, W)` → `(N, C)`.
fn global_pool_cases(rng: &mut Rng) -> Vec<Case> {
    let d1 = sample::dims(rng, 4, 1, 3);
    let d2 = sample::dims(rng, 4, 1, 3);
    vec![
        one_input_squared(
            rng,
            "GlobalAvgPool2d".into(),
            &d1,
            View::Flipped,
            anywhere,
            true,
            |x| GlobalAvgPool2d::new().forward(x),
        ),
        one_input_squared(
            rng,
            "global_avg_pool2d".into(),
            &d2,
            View::Transposed,
            anywhere,
            false,
            global_avg_pool2d,
        ),
    ]
}

/// The default (every axis after the batch) and explicit ranges, negative ones included, over
/// non-contiguous inputs (which flattening must copy).
fn flatten_cases(rng: &mut Rng) -> Vec<Case> {
    let plan = [
        (4, Flatten::new(), "Flatten()", View::Transposed),
        (3, Flatten::with_dims(0, 1), "Flatten(0, 1)", View::Flipped),
        (4, Flatten::with_dims(1, 2), "Flatten(1, 2)", View::Strided),
        (
            3,
            Flatten::with_dims(-2, -1),
            "Flatten(-2, -1)",
            View::Contiguous,
        ),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (rank, layer, label, view))| {
            let dims = sample::dims(rng, rank, 1, 3);
            one_input_squared(
                rng,
                label.into(),
                &dims,
                view,
                anywhere,
                i % 2 == 0,
                move |x| layer.forward(x),
            )
        })
        .collect()
}

/// Dropout as a function and as a module, in training mode with a generator seeded afresh at
/// every evaluation (so that every evaluation draws the same mask), in evaluation mode (the
/// identity), and with everything dropped.
fn dropout_cases(rng: &mut Rng) -> Vec<Case> {
    let seed = (rng.next_f64() * 1e15) as u64;
    let d2 = sample::dims(rng, 2, 2, 5);
    let d3 = sample::dims(rng, 3, 2, 4);
    let functional = |p: f64| move |x: &Var<f64>| dropout(x, p, true, &mut Rng::seed(seed));
    vec![
        one_input_squared(
            rng,
            "dropout(p 0.5)".into(),
            &d2,
            View::Contiguous,
            anywhere,
            true,
            functional(0.5),
        ),
        one_input_squared(
            rng,
            "dropout(p 0.3)".into(),
            &d3,
            View::Transposed,
            anywhere,
            false,
            functional(0.3),
        ),
        one_input_squared(
            rng,
            "dropout(p 1)".into(),
            &d2,
            View::Strided,
            anywhere,
            true,
            functional(1.0),
        ),
        one_input_squared(
            rng,
            "Dropout module (p 0.4), training".into(),
            &d3,
            View::Flipped,
            anywhere,
            true,
            move |x| Dropout::with_seed(0.4, seed).forward(x),
        ),
        one_input_squared(
            rng,
            "Dropout module (p 0.4), evaluation".into(),
            &d2,
            View::Transposed,
            anywhere,
            true,
            move |x| {
                let layer = Dropout::with_seed(0.4, seed);
                Module::<f64>::eval(&layer);
                layer.forward(x)
            },
        ),
    ]
}

/// Channel dropout as a function and as a module, in training mode with a generator seeded
/// afresh at every evaluation (the same mask of whole channels each time), and in evaluation
/// mode (the identity).
fn dropout2d_cases(rng: &mut Rng) -> Vec<Case> {
    let seed = (rng.next_f64() * 1e15) as u64;
    let d4 = [sample::size(rng, 2, 3), 3, 2, 2];
    let d3 = sample::dims(rng, 3, 2, 3);
    let functional = |p: f64| move |x: &Var<f64>| dropout2d(x, p, true, &mut Rng::seed(seed));
    vec![
        one_input_squared(
            rng,
            "dropout2d(p 0.5)".into(),
            &d4,
            View::Transposed,
            anywhere,
            true,
            functional(0.5),
        ),
        one_input_squared(
            rng,
            "dropout2d(p 0.3) on (N, C, L)".into(),
            &d3,
            View::Strided,
            anywhere,
            false,
            functional(0.3),
        ),
        one_input_squared(
            rng,
            "Dropout2d module (p 0.4), training".into(),
            &d4,
            View::Flipped,
            anywhere,
            true,
            move |x| Dropout2d::with_seed(0.4, seed).forward(x),
        ),
        one_input_squared(
            rng,
            "Dropout2d module (p 0.4), evaluation".into(),
            &d4,
            View::Contiguous,
            anywhere,
            true,
            move |x| {
                let layer = Dropout2d::with_seed(0.4, seed);
                Module::<f64>::eval(&layer);
                layer.forward(x)
            },
        ),
    ]
}
