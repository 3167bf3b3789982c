//! Pooling: max_pool2d, avg_pool2d, adaptive_avg_pool2d.
//!
//! Pooling is piecewise linear (max) or linear (average), so its second derivative vanishes;
//! half of the cases square the result, which makes the second-order check run through the
//! backward of the pooling's backward.

use scalpel_autograd::{Result, Var};
use scalpel_tensor::random::Rng;

use super::super::sample::{self, View};
use super::super::{Case, Entry};
use super::{anywhere, one_input_squared, output_tag, Draw, OUTPUT_VIEWS};

/// Every entry of this family, all checked to second order.
pub fn entries() -> Vec<Entry> {
    vec![
        Entry::gradgrad("max_pool2d", |rng| {
            windows(rng, "max_pool2d", sample::distinct, |x, k, s, p, _| {
                x.max_pool2d(k, s, p)
            })
        }),
        Entry::gradgrad("avg_pool2d", |rng| {
            windows(rng, "avg_pool2d", anywhere, |x, k, s, p, include| {
                x.avg_pool2d(k, s, p, include)
            })
        }),
        Entry::gradgrad("adaptive_avg_pool2d", adaptive_cases),
    ]
}

type Pair = (usize, usize);

/// A windowed pooling: input, kernel, stride, padding, count_include_pad (ignored by max).
type Pool = fn(&Var<f64>, Pair, Pair, Pair, bool) -> Result<Var<f64>>;

/// Disjoint, overlapping and padded windows, rectangular kernels and strides; the padding is
/// at most half the kernel, as the kernels require.
///
/// For max_pool2d the values are pairwise distinct: at a tie inside a window the maximum has
/// no derivative, and the kernel gives the whole gradient to the first of the tied elements.
fn windows(rng: &mut Rng, op: &str, draw: Draw, pool: Pool) -> Vec<Case> {
    let plan: [(Pair, Pair, Pair, Pair, View); 6] = [
        ((4, 4), (2, 2), (2, 2), (0, 0), View::Contiguous),
        ((4, 4), (3, 3), (1, 1), (1, 1), View::Transposed),
        ((3, 4), (2, 3), (1, 2), (1, 1), View::Strided),
        ((4, 3), (3, 2), (2, 1), (1, 0), View::Flipped),
        ((3, 3), (3, 3), (1, 1), (0, 0), View::Transposed),
        ((4, 4), (2, 2), (1, 1), (1, 1), View::Broadcast),
    ];
    let n = sample::size(rng, 1, 2);
    plan.into_iter()
        .enumerate()
        .map(|(i, (hw, k, s, p, view))| {
            let c = sample::size(rng, 1, 3);
            let include = i % 2 == 0;
            let square = i % 2 == 1;
            let mut label = format!("{op} kernel {k:?} stride {s:?} padding {p:?}");
            if op == "avg_pool2d" {
                label += &format!(" count_include_pad {include}");
            }
            let vo = OUTPUT_VIEWS[i % 3];
            label += &output_tag(vo, 4);
            one_input_squared(
                rng,
                label,
                &[n, c, hw.0, hw.1],
                view,
                draw,
                square,
                move |x| vo.apply(&pool(x, k, s, p, include)?),
            )
        })
        .collect()
}

/// Output sizes that divide the input, that do not (overlapping regions), and global pooling.
fn adaptive_cases(rng: &mut Rng) -> Vec<Case> {
    let plan: [(Pair, Pair, View); 4] = [
        ((4, 4), (2, 2), View::Contiguous),
        ((4, 3), (3, 2), View::Transposed),
        ((3, 4), (1, 1), View::Strided),
        ((4, 4), (3, 4), View::Flipped),
    ];
    let n = sample::size(rng, 1, 2);
    plan.into_iter()
        .enumerate()
        .map(|(i, (hw, out, view))| {
            let c = sample::size(rng, 1, 3);
            let square = i % 2 == 1;
            let vo = OUTPUT_VIEWS[(i + 1) % 3];
            let label = format!("adaptive_avg_pool2d to {out:?}{}", output_tag(vo, 4));
            one_input_squared(
                rng,
                label,
                &[n, c, hw.0, hw.1],
                view,
                anywhere,
                square,
                move |x| vo.apply(&x.adaptive_avg_pool2d(out)?),
            )
        })
        .collect()
}
