//! Convolution layers: Conv1d, Conv2d and ConvTranspose2d (modules over the autograd crate's
//! convolution operations) and NaiveConv2d (the book's direct loops, with a backward of its
//! own).
//!
//! The modules are checked for the gradient of their input, over plain geometries and strided,
//! padded, dilated, grouped ones. Their weight and bias gradients are those of the operation
//! they call with their parameters; each entry checks them once through that operation here
//! (fully in the ops suite's `conv1d`, `conv2d` and `conv_transpose2d` entries). NaiveConv2d's
//! function is checked in all its inputs.

use scalpel_nn::functional::naive_conv2d;
use scalpel_nn::{Conv1d, Conv2d, ConvTranspose2d, Module, NaiveConv2d};
use scalpel_tensor::ops::conv::{Conv1dParams, Conv2dParams, ConvTranspose2dParams};
use scalpel_tensor::random::Rng;

use super::super::super::sample::{self, View};
use super::super::super::{Case, Entry};
use super::super::{anywhere, one_input_squared, several};

/// Every entry of this family. Convolutions are bilinear in input and weight, so all are
/// checked to second order; the module cases square their output once, since they are linear
/// in the input alone.
pub fn entries() -> Vec<Entry> {
    vec![
        Entry::gradgrad("Conv1d", conv1d_cases),
        Entry::gradgrad("Conv2d", conv2d_cases),
        Entry::gradgrad("ConvTranspose2d", conv_transpose2d_cases),
        Entry::gradgrad("NaiveConv2d", naive_conv2d_cases),
    ]
}

/// The label of a module case.
fn module_label(layer: &str, params: impl std::fmt::Debug) -> String {
    format!("{layer} module, input gradient, {params:?}")
}

fn conv1d_cases(rng: &mut Rng) -> Vec<Case> {
    let n = sample::size(rng, 1, 2);
    let strided = Conv1dParams {
        stride: 2,
        padding: 1,
        dilation: 2,
        groups: 2,
    };
    // (channels in, out, length, kernel, parameters, input view)
    let plan = [
        (2, 3, 5, 3, Conv1dParams::default(), View::Contiguous),
        (2, 4, 6, 2, strided, View::Flipped),
    ];
    let mut cases = Vec::new();
    for (i, (c, o, l, k, p, view)) in plan.into_iter().enumerate() {
        let (weight, bias) = (anywhere(rng, &[o, c / p.groups, k]), anywhere(rng, &[o]));
        cases.push(one_input_squared(
            rng,
            module_label("Conv1d", p),
            &[n, c, l],
            view,
            anywhere,
            i == 0,
            move |x| Conv1d::from_tensors(weight.clone(), Some(bias.clone()), p)?.forward(x),
        ));
    }
    let (c, o, l, k, p, _) = plan[1];
    let inputs = [
        (vec![n, c, l], View::Strided),
        (vec![o, c / p.groups, k], View::Transposed),
        (vec![o], View::Contiguous),
    ];
    cases.push(several(rng, "conv1d +bias", &inputs, move |xs| {
        xs[0].conv1d(&xs[1], xs.get(2), p)
    }));
    cases
}

fn conv2d_cases(rng: &mut Rng) -> Vec<Case> {
    let n = sample::size(rng, 1, 2);
    let strided = Conv2dParams {
        stride: (2, 1),
        padding: (1, 1),
        dilation: (1, 2),
        groups: 2,
    };
    // (channels in, out, input size, kernel, parameters, input view)
    let plan = [
        (
            2,
            3,
            (4, 4),
            (3, 3),
            Conv2dParams::default(),
            View::Contiguous,
        ),
        (2, 2, (5, 4), (3, 2), strided, View::Transposed),
    ];
    let mut cases = Vec::new();
    for (i, (c, o, hw, k, p, view)) in plan.into_iter().enumerate() {
        let weight_dims = [o, c / p.groups, k.0, k.1];
        let (weight, bias) = (anywhere(rng, &weight_dims), anywhere(rng, &[o]));
        cases.push(one_input_squared(
            rng,
            module_label("Conv2d", p),
            &[n, c, hw.0, hw.1],
            view,
            anywhere,
            i == 0,
            move |x| Conv2d::from_tensors(weight.clone(), Some(bias.clone()), p)?.forward(x),
        ));
    }
    let (c, o, hw, k, p, _) = plan[1];
    let inputs = [
        (vec![n, c, hw.0, hw.1], View::Flipped),
        (vec![o, c / p.groups, k.0, k.1], View::Strided),
        (vec![o], View::Contiguous),
    ];
    cases.push(several(rng, "conv2d +bias", &inputs, move |xs| {
        xs[0].conv2d(&xs[1], xs.get(2), p)
    }));
    cases
}

fn conv_transpose2d_cases(rng: &mut Rng) -> Vec<Case> {
    let n = sample::size(rng, 1, 2);
    // DCGAN's upsampling step (kernel 4, stride 2, padding 1), and output padding with groups.
    let upsample = ConvTranspose2dParams {
        stride: (2, 2),
        padding: (1, 1),
        ..Default::default()
    };
    let padded = ConvTranspose2dParams {
        stride: (2, 1),
        padding: (0, 1),
        output_padding: (1, 0),
        dilation: (1, 1),
        groups: 2,
    };
    // (channels in, out, input size, kernel, parameters, input view)
    let plan = [
        (2, 2, (2, 3), (4, 4), upsample, View::Contiguous),
        (2, 4, (3, 2), (2, 3), padded, View::Flipped),
    ];
    let mut cases = Vec::new();
    for (i, (c, o, hw, k, p, view)) in plan.into_iter().enumerate() {
        let weight_dims = [c, o / p.groups, k.0, k.1];
        let (weight, bias) = (anywhere(rng, &weight_dims), anywhere(rng, &[o]));
        cases.push(one_input_squared(
            rng,
            module_label("ConvTranspose2d", p),
            &[n, c, hw.0, hw.1],
            view,
            anywhere,
            i == 0,
            move |x| {
                ConvTranspose2d::from_tensors(weight.clone(), Some(bias.clone()), p)?.forward(x)
            },
        ));
    }
    let (c, o, hw, k, p, _) = plan[1];
    let inputs = [
        (vec![n, c, hw.0, hw.1], View::Transposed),
        (vec![c, o / p.groups, k.0, k.1], View::Contiguous),
        (vec![o], View::Contiguous),
    ];
    cases.push(several(rng, "conv_transpose2d +bias", &inputs, move |xs| {
        xs[0].conv_transpose2d(&xs[1], xs.get(2), p)
    }));
    cases
}

/// One geometry of the direct loops.
struct Direct {
    /// Channels in and out.
    channels: (usize, usize),
    /// Input height and width.
    hw: (usize, usize),
    kernel: (usize, usize),
    stride: (usize, usize),
    padding: (usize, usize),
    bias: bool,
    /// Views of the input and of the weight.
    views: (View, View),
}

/// The direct loops in input, weight and bias, with stride and padding, with and without bias,
/// over non-contiguous inputs; then the module.
fn naive_conv2d_cases(rng: &mut Rng) -> Vec<Case> {
    let n = sample::size(rng, 1, 2);
    let plan = [
        Direct {
            channels: (2, 3),
            hw: (4, 4),
            kernel: (3, 3),
            stride: (1, 1),
            padding: (0, 0),
            bias: true,
            views: (View::Contiguous, View::Contiguous),
        },
        Direct {
            channels: (1, 2),
            hw: (5, 4),
            kernel: (3, 2),
            stride: (2, 1),
            padding: (1, 1),
            bias: false,
            views: (View::Transposed, View::Flipped),
        },
        Direct {
            channels: (2, 2),
            hw: (4, 5),
            kernel: (2, 2),
            stride: (2, 2),
            padding: (1, 0),
            bias: true,
            views: (View::Strided, View::Transposed),
        },
    ];
    let mut cases: Vec<Case> = plan
        .into_iter()
        .map(|d| {
            let ((c, o), (h, w), k) = (d.channels, d.hw, d.kernel);
            let mut inputs = vec![
                (vec![n, c, h, w], d.views.0),
                (vec![o, c, k.0, k.1], d.views.1),
            ];
            if d.bias {
                inputs.push((vec![o], View::Contiguous));
            }
            let (stride, padding) = (d.stride, d.padding);
            let label = format!(
                "naive_conv2d k {k:?} stride {stride:?} padding {padding:?}{}",
                if d.bias { " +bias" } else { "" }
            );
            several(rng, &label, &inputs, move |xs| {
                naive_conv2d(&xs[0], &xs[1], xs.get(2), stride, padding)
            })
        })
        .collect();
    let (weight, bias) = (anywhere(rng, &[2, 2, 3, 2]), anywhere(rng, &[2]));
    cases.push(one_input_squared(
        rng,
        "NaiveConv2d module, input gradient, stride (1, 2) padding (1, 0)".into(),
        &[n, 2, 4, 5],
        View::Flipped,
        anywhere,
        true,
        move |x| {
            NaiveConv2d::from_tensors(weight.clone(), Some(bias.clone()), (1, 2), (1, 0))?
                .forward(x)
        },
    ));
    cases
}
