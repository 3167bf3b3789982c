//! Normalisation layers: BatchNorm1d and BatchNorm2d, in training mode (the fused operation)
//! and in evaluation mode (running statistics), and LayerNorm.

use std::ops::Deref;

use scalpel_autograd::{no_grad, Result, Var};
use scalpel_nn::functional::{batch_norm_eval, batch_norm_train, layer_norm};
use scalpel_nn::{BatchNorm, BatchNorm1d, BatchNorm2d, LayerNorm, Module};
use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

use super::super::super::sample::{self, fmt_dims, View};
use super::super::super::{Case, Entry};
use super::super::{anywhere, one_input_squared, several};
use super::{drawn, Input};

/// Every entry of this family. Batch norm in training mode is a fused operation whose recorded
/// backward is differentiable again; all are checked to second order.
pub fn entries() -> Vec<Entry> {
    vec![
        Entry::gradgrad("BatchNorm1d", |rng| {
            let shapes = [[3, 2, 1], [3, 2, 3], [4, 3, 1], [2, 2, 2]];
            batch_norm_cases(rng, "BatchNorm1d", BatchNorm1d::new, &shapes.map(rank_1d))
        }),
        Entry::gradgrad("BatchNorm2d", |rng| {
            let shapes = [[2, 2, 2, 2], [3, 2, 1, 2], [2, 3, 2, 1], [1, 2, 2, 3]];
            batch_norm_cases(rng, "BatchNorm2d", BatchNorm2d::new, &shapes.map(Vec::from))
        }),
        Entry::gradgrad("LayerNorm", layer_norm_cases),
    ]
}

/// `[n, c, l]` as a BatchNorm1d input: `(N, C)` when `l` is 1, else `(N, C, L)`.
fn rank_1d([n, c, l]: [usize; 3]) -> Vec<usize> {
    if l == 1 {
        vec![n, c]
    } else {
        vec![n, c, l]
    }
}

/// Sets the scale and shift of a batch-norm layer.
fn set_affine(layer: &BatchNorm<f64>, weight: &Tensor<f64>, bias: &Tensor<f64>) -> Result<()> {
    layer.weight().expect("affine").set_value(weight.clone())?;
    layer.bias().expect("affine").set_value(bias.clone())
}

/// Variances for evaluation mode, in [0.5, 2).
fn variances(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    sample::uniform(rng, dims, 0.5, 2.0)
}

/// Batch norm over inputs of `shapes` (channels on axis 1): training mode through the fused
/// function with the scale and shift, without them, and with the scale only, and as a module;
/// evaluation mode through the function with drawn statistics, and as a module whose running
/// statistics come from one training batch.
fn batch_norm_cases<M>(
    rng: &mut Rng,
    layer: &'static str,
    new: fn(usize) -> M,
    shapes: &[Vec<usize>; 4],
) -> Vec<Case>
where
    M: Module<f64> + Deref<Target = BatchNorm<f64>> + 'static,
{
    const EPS: f64 = 1e-5;
    let views = [
        View::Contiguous,
        View::Transposed,
        View::Flipped,
        View::Strided,
    ];
    let mut cases = Vec::new();
    for (i, (dims, view)) in shapes.iter().zip(views).enumerate() {
        let c = dims[1];
        let (affine, scale_only) = (i != 2, i == 3);
        let mut inputs = vec![(dims.clone(), view)];
        if affine {
            inputs.push((vec![c], View::Contiguous));
        }
        if affine && !scale_only {
            inputs.push((vec![c], View::Contiguous));
        }
        let label = format!(
            "batch_norm_train{}",
            match (affine, scale_only) {
                (false, _) => " (no affine)",
                (true, true) => " +weight",
                (true, false) => " +weight +bias",
            }
        );
        cases.push(several(rng, &label, &inputs, move |xs| {
            Ok(batch_norm_train(&xs[0], xs.get(1), xs.get(2), EPS)?.0)
        }));
    }
    let (dims, c) = (shapes[1].clone(), shapes[1][1]);
    let (weight, bias) = (anywhere(rng, &[c]), anywhere(rng, &[c]));
    let (w, b) = (weight.clone(), bias.clone());
    cases.push(one_input_squared(
        rng,
        format!("{layer} module, training"),
        &dims,
        View::Flipped,
        anywhere,
        false,
        move |x| {
            let bn = new(c);
            set_affine(&bn, &w, &b)?;
            bn.forward(x)
        },
    ));
    let (mean, var) = (anywhere(rng, &[c]), variances(rng, &[c]));
    let inputs = [
        Input::new(&dims, View::Transposed, anywhere),
        Input::new(&[c], View::Contiguous, anywhere),
        Input::new(&[c], View::Contiguous, anywhere),
    ];
    cases.push(drawn(
        rng,
        "batch_norm_eval +weight +bias",
        &inputs,
        move |xs| batch_norm_eval(&xs[0], &mean, &var, xs.get(1), xs.get(2), EPS),
    ));
    let batch = anywhere(rng, &shapes[0]);
    let c0 = shapes[0][1];
    let (w, b) = (anywhere(rng, &[c0]), anywhere(rng, &[c0]));
    let label = format!(
        "{layer} module, evaluation after one training batch {}",
        fmt_dims(batch.dims())
    );
    cases.push(one_input_squared(
        rng,
        label,
        &shapes[0],
        View::Strided,
        anywhere,
        true,
        move |x| {
            let bn = new(c0);
            set_affine(&bn, &w, &b)?;
            {
                let _frozen = no_grad();
                bn.forward(&Var::constant(batch.clone()))?;
            }
            bn.eval();
            bn.forward(x)
        },
    ));
    cases
}

/// The function over the last axis and the last two, with and without the element-wise
/// parameters, then the module.
fn layer_norm_cases(rng: &mut Rng) -> Vec<Case> {
    const EPS: f64 = 1e-5;
    let n = sample::size(rng, 1, 3);
    let (a, b) = (sample::size(rng, 2, 4), sample::size(rng, 2, 3));
    let mut cases = vec![
        several(
            rng,
            "layer_norm over the last axis +weight +bias",
            &[
                (vec![n, a], View::Transposed),
                (vec![a], View::Contiguous),
                (vec![a], View::Flipped),
            ],
            move |xs| layer_norm(&xs[0], &[a], xs.get(1), xs.get(2), EPS),
        ),
        several(
            rng,
            "layer_norm over the last two axes +weight +bias",
            &[
                (vec![n, a, b], View::Strided),
                (vec![a, b], View::Contiguous),
                (vec![a, b], View::Transposed),
            ],
            move |xs| layer_norm(&xs[0], &[a, b], xs.get(1), xs.get(2), EPS),
        ),
        several(
            rng,
            "layer_norm (no affine)",
            &[(vec![n, 2, a], View::Flipped)],
            move |xs| layer_norm(&xs[0], &[a], None, None, EPS),
        ),
    ];
    let (weight, bias) = (anywhere(rng, &[a]), anywhere(rng, &[a]));
    cases.push(one_input_squared(
        rng,
        "LayerNorm module".into(),
        &[n, a],
        View::Contiguous,
        anywhere,
        false,
        move |x| {
            let ln = LayerNorm::<f64>::new(&[a]);
            ln.weight().expect("affine").set_value(weight.clone())?;
            ln.bias().expect("affine").set_value(bias.clone())?;
            ln.forward(x)
        },
    ));
    cases
}
