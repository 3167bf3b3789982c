//! Convolutions: conv2d, conv1d, conv_transpose2d, and the two backward kernels of conv2d
//! recorded as ops (conv2d_grad_input, conv2d_grad_weight). All are bilinear in their two
//! tensor inputs and checked to second order.

use scalpel_tensor::ops::conv::{
    conv_output_len, Conv1dParams, Conv2dParams, ConvTranspose2dParams,
};
use scalpel_tensor::random::Rng;
use scalpel_tensor::Shape;

use super::super::sample::{self, View};
use super::super::{Case, Entry};
use super::{output_tag, several, OUTPUT_VIEWS};

/// Every entry of this family.
pub fn entries() -> Vec<Entry> {
    vec![
        Entry::gradgrad("conv2d", conv2d_cases),
        Entry::gradgrad("conv1d", conv1d_cases),
        Entry::gradgrad("conv_transpose2d", conv_transpose2d_cases),
        Entry::gradgrad("conv2d_grad_input", grad_input_cases),
        Entry::gradgrad("conv2d_grad_weight", grad_weight_cases),
    ]
}

/// One conv2d geometry: batch, channels in and out, input size, kernel size and parameters.
struct Geometry {
    n: usize,
    c: usize,
    o: usize,
    hw: (usize, usize),
    k: (usize, usize),
    p: Conv2dParams,
}

impl Geometry {
    fn input(&self) -> Vec<usize> {
        vec![self.n, self.c, self.hw.0, self.hw.1]
    }
    fn weight(&self) -> Vec<usize> {
        vec![self.o, self.c / self.p.groups, self.k.0, self.k.1]
    }
    fn output(&self) -> Vec<usize> {
        let (p, k, hw) = (self.p, self.k, self.hw);
        let oh = conv_output_len(hw.0, k.0, p.stride.0, p.padding.0, p.dilation.0);
        let ow = conv_output_len(hw.1, k.1, p.stride.1, p.padding.1, p.dilation.1);
        vec![
            self.n,
            self.o,
            oh.expect("kernel fits"),
            ow.expect("kernel fits"),
        ]
    }
    fn describe(&self) -> String {
        let p = self.p;
        format!(
            "k {:?} stride {:?} padding {:?} dilation {:?} groups {}",
            self.k, p.stride, p.padding, p.dilation, p.groups
        )
    }
}

/// Geometries covering stride, padding, dilation and groups, alone and together, with a random
/// batch of 1 or 2; the sizes of the input leave rows and columns that a strided window never
/// reaches in some cases.
fn geometries(rng: &mut Rng) -> Vec<Geometry> {
    let n = sample::size(rng, 1, 2);
    let p = |stride, padding, dilation, groups| Conv2dParams {
        stride,
        padding,
        dilation,
        groups,
    };
    vec![
        Geometry {
            n,
            c: 2,
            o: 3,
            hw: (4, 4),
            k: (3, 3),
            p: Conv2dParams::default(),
        },
        Geometry {
            n,
            c: 2,
            o: 2,
            hw: (4, 3),
            k: (2, 3),
            p: p((2, 1), (1, 0), (1, 1), 1),
        },
        Geometry {
            n,
            c: 1,
            o: 2,
            hw: (4, 4),
            k: (2, 2),
            p: p((1, 1), (1, 1), (2, 1), 1),
        },
        Geometry {
            n,
            c: 4,
            o: 2,
            hw: (3, 4),
            k: (1, 2),
            p: p((1, 2), (0, 0), (1, 1), 2),
        },
        Geometry {
            n: 1,
            c: 2,
            o: 4,
            hw: (5, 4),
            k: (3, 2),
            p: p((2, 2), (1, 1), (1, 2), 2),
        },
    ]
}

/// Input and weight views, cycled over the cases.
const VIEWS: [(View, View); 5] = [
    (View::Contiguous, View::Contiguous),
    (View::Transposed, View::Contiguous),
    (View::Strided, View::Transposed),
    (View::Flipped, View::Strided),
    (View::Broadcast, View::Broadcast),
];

fn conv2d_cases(rng: &mut Rng) -> Vec<Case> {
    geometries(rng)
        .into_iter()
        .enumerate()
        .map(|(i, g)| {
            let (vx, vw) = VIEWS[i % VIEWS.len()];
            let mut inputs = vec![(g.input(), vx), (g.weight(), vw)];
            let bias = i % 2 == 0;
            if bias {
                inputs.push((vec![g.o], View::Contiguous));
            }
            let vo = OUTPUT_VIEWS[i % 3];
            let label = format!(
                "conv2d {}{}{}",
                g.describe(),
                if bias { " +bias" } else { "" },
                output_tag(vo, 4)
            );
            let p = g.p;
            several(rng, &label, &inputs, move |xs| {
                vo.apply(&xs[0].conv2d(&xs[1], xs.get(2), p)?)
            })
        })
        .collect()
}

fn conv1d_cases(rng: &mut Rng) -> Vec<Case> {
    let n = sample::size(rng, 1, 2);
    let p = |stride, padding, dilation, groups| Conv1dParams {
        stride,
        padding,
        dilation,
        groups,
    };
    // (channels in, out, length, kernel, parameters)
    let plan: [(usize, usize, usize, usize, Conv1dParams); 4] = [
        (2, 3, 5, 3, Conv1dParams::default()),
        (2, 2, 5, 2, p(2, 1, 1, 1)),
        (1, 2, 4, 2, p(1, 2, 2, 1)),
        (4, 2, 4, 3, p(2, 1, 1, 2)),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (c, o, l, k, p))| {
            let (vx, vw) = VIEWS[i % VIEWS.len()];
            let mut inputs = vec![(vec![n, c, l], vx), (vec![o, c / p.groups, k], vw)];
            let bias = i % 2 == 1;
            if bias {
                inputs.push((vec![o], View::Contiguous));
            }
            let vo = OUTPUT_VIEWS[i % 3];
            let label = format!(
                "conv1d k {k} stride {} padding {} dilation {} groups {}{}{}",
                p.stride,
                p.padding,
                p.dilation,
                p.groups,
                if bias { " +bias" } else { "" },
                output_tag(vo, 3)
            );
            several(rng, &label, &inputs, move |xs| {
                vo.apply(&xs[0].conv1d(&xs[1], xs.get(2), p)?)
            })
        })
        .collect()
}

/// Transposed convolutions, with output padding below the stride, and (first and last cases)
/// output padding at or above the stride but below the dilation, where the result is a cropped
/// adjoint; the last case pads too, so the output-padding rows also receive values.
fn conv_transpose2d_cases(rng: &mut Rng) -> Vec<Case> {
    let n = sample::size(rng, 1, 2);
    let p = |stride, padding, output_padding, dilation, groups| ConvTranspose2dParams {
        stride,
        padding,
        output_padding,
        dilation,
        groups,
    };
    // (channels in, out, input size, kernel, parameters)
    let plan = [
        (2, 1, (3, 3), (2, 2), p((1, 1), (0, 0), (1, 1), (2, 2), 1)),
        (2, 3, (3, 3), (2, 2), ConvTranspose2dParams::default()),
        (2, 2, (2, 3), (3, 3), p((2, 2), (0, 0), (1, 1), (1, 1), 1)),
        (1, 2, (3, 2), (3, 2), p((2, 3), (1, 0), (1, 2), (1, 1), 1)),
        (4, 2, (2, 2), (2, 3), p((2, 1), (1, 1), (0, 0), (1, 1), 2)),
        (1, 2, (3, 3), (2, 2), p((2, 1), (1, 1), (2, 1), (3, 2), 1)),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (c, o, hw, k, p))| {
            let (vx, vw) = VIEWS[i % VIEWS.len()];
            let mut inputs = vec![
                (vec![n, c, hw.0, hw.1], vx),
                (vec![c, o / p.groups, k.0, k.1], vw),
            ];
            let bias = i % 2 == 1;
            if bias {
                inputs.push((vec![o], View::Contiguous));
            }
            let vo = OUTPUT_VIEWS[i % 3];
            let label = format!(
                "conv_transpose2d k {k:?} stride {:?} padding {:?} output_padding {:?} \
                 dilation {:?} groups {}{}{}",
                p.stride,
                p.padding,
                p.output_padding,
                p.dilation,
                p.groups,
                if bias { " +bias" } else { "" },
                output_tag(vo, 4)
            );
            several(rng, &label, &inputs, move |xs| {
                vo.apply(&xs[0].conv_transpose2d(&xs[1], xs.get(2), p)?)
            })
        })
        .collect()
}

/// conv2d_grad_input(output gradient, weight) for each geometry.
fn grad_input_cases(rng: &mut Rng) -> Vec<Case> {
    geometries(rng)
        .into_iter()
        .enumerate()
        .map(|(i, g)| {
            let (vg, vw) = VIEWS[i % VIEWS.len()];
            let inputs = [(g.output(), vg), (g.weight(), vw)];
            let (shape, p) = (Shape::from(g.input()), g.p);
            let vo = OUTPUT_VIEWS[(i + 1) % 3];
            let label = format!("conv2d_grad_input {}{}", g.describe(), output_tag(vo, 4));
            several(rng, &label, &inputs, move |xs| {
                vo.apply(&xs[0].conv2d_grad_input(&xs[1], &shape, p)?)
            })
        })
        .collect()
}

/// conv2d_grad_weight(input, output gradient) for each geometry.
fn grad_weight_cases(rng: &mut Rng) -> Vec<Case> {
    geometries(rng)
        .into_iter()
        .enumerate()
        .map(|(i, g)| {
            let (vx, vg) = VIEWS[i % VIEWS.len()];
            let inputs = [(g.input(), vx), (g.output(), vg)];
            let (shape, p) = (Shape::from(g.weight()), g.p);
            let vo = OUTPUT_VIEWS[(i + 2) % 3];
            let label = format!("conv2d_grad_weight {}{}", g.describe(), output_tag(vo, 4));
            several(rng, &label, &inputs, move |xs| {
                vo.apply(&xs[0].conv2d_grad_weight(&xs[1], &shape, p)?)
            })
        })
        .collect()
}
