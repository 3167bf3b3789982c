//! Reductions, scans and normalised exponentials: sum, sum_all, mean, mean_all, var, max, min,
//! logsumexp, norm, softmax, log_softmax, cumsum, sum_to. All are checked to second order.

use scalpel_autograd::{Result, Var};
use scalpel_tensor::random::Rng;
use scalpel_tensor::Shape;

use super::super::sample::{self, fmt_dims, View};
use super::super::{Case, Entry};
use super::{any_shape, anywhere, one_input, one_input_squared, output_tag, Draw, OUTPUT_VIEWS};

/// Every view, cycled over the cases of a reduction. A broadcast input ties the copies along
/// axis 0 structurally; that tie is differentiable (the copies move together), so even max and
/// min take it.
const VIEWS: [View; 5] = [
    View::Contiguous,
    View::Transposed,
    View::Strided,
    View::Flipped,
    View::Broadcast,
];

/// A reduction over axes with keepdim.
type Reduction = fn(&Var<f64>, &[isize], bool) -> Result<Var<f64>>;

/// Every entry of this family.
pub fn entries() -> Vec<Entry> {
    // (op, draw, function, whether reducing over no axis is checked)
    let reductions: [(&'static str, Draw, Reduction, bool); 5] = [
        ("sum", anywhere, |x, a, k| x.sum(a, k), true),
        ("mean", anywhere, |x, a, k| x.mean(a, k), true),
        // Pairwise distinct values: where several elements tie for the extremum it has no
        // derivative (the rule splits the gradient, a one-sided difference would not).
        ("max", sample::distinct, |x, a, k| x.max(a, k), true),
        ("min", sample::distinct, |x, a, k| x.min(a, k), true),
        ("logsumexp", anywhere, |x, a, k| x.logsumexp(a, k), true),
    ];
    let mut entries: Vec<Entry> = reductions
        .into_iter()
        .map(|(op, draw, f, empty)| {
            Entry::gradgrad(op, move |rng| over_axes(rng, op, draw, empty, f))
        })
        .collect();
    entries.extend([
        Entry::gradgrad("sum_all", |rng| {
            any_shape(rng, "sum_all", anywhere, |x| x.sum_all())
        }),
        Entry::gradgrad("mean_all", |rng| {
            any_shape(rng, "mean_all", anywhere, |x| x.mean_all())
        }),
        Entry::gradgrad("var", var_cases),
        Entry::gradgrad("norm", norm_cases),
        Entry::gradgrad("softmax", |rng| {
            along_axis(rng, "softmax", |x, a| x.softmax(a))
        }),
        Entry::gradgrad("log_softmax", |rng| {
            along_axis(rng, "log_softmax", |x, a| x.log_softmax(a))
        }),
        Entry::gradgrad("cumsum", cumsum_cases),
        Entry::gradgrad("sum_to", sum_to_cases),
    ]);
    entries
}

/// Axis sets and keepdim flags: one axis, several (adjacent or not, unsorted, negative), all
/// four (set 5, which meets a 4-D input), and optionally none.
fn axis_sets(empty: bool) -> Vec<(Vec<isize>, bool)> {
    let mut sets = vec![
        (vec![0], true),
        (vec![-1], false),
        (vec![0, 2], true),
        (vec![-1, 0], false),
        (vec![1, -1], true),
        (vec![0, 1, 2, 3], false),
    ];
    if empty {
        sets.push((vec![], false));
    }
    sets
}

/// One case per axis set, on inputs of rank 3 and 4 alternately, in each view.
fn over_axes(rng: &mut Rng, op: &str, draw: Draw, empty: bool, f: Reduction) -> Vec<Case> {
    axis_sets(empty)
        .into_iter()
        .enumerate()
        .map(|(i, (axes, keepdim))| {
            let rank = if i % 2 == 0 { 3 } else { 4 };
            let dims = sample::dims(rng, rank, 2, if rank == 3 { 4 } else { 3 });
            let label = format!("{op} axes {axes:?} keepdim {keepdim}");
            one_input(rng, &label, &dims, VIEWS[i % VIEWS.len()], draw, move |x| {
                f(x, &axes, keepdim)
            })
        })
        .collect()
}

/// Variance with correction 0 and 1 (each reduced axis has at least 2 elements, so N − 1 > 0).
fn var_cases(rng: &mut Rng) -> Vec<Case> {
    let views = [
        View::Strided,
        View::Contiguous,
        View::Flipped,
        View::Transposed,
        View::Broadcast,
    ];
    axis_sets(false)
        .into_iter()
        .enumerate()
        .map(|(i, (axes, keepdim))| {
            let correction = i % 2;
            let dims = sample::dims(rng, 4, 2, 3);
            let label = format!("var axes {axes:?} correction {correction} keepdim {keepdim}");
            one_input(
                rng,
                &label,
                &dims,
                views[i % views.len()],
                anywhere,
                move |x| x.var(&axes, correction, keepdim),
            )
        })
        .collect()
}

/// p-norms of orders 2, 3, 1.5, 0.5 and 1 (at least 0.3 from zero, where |x| has its kink)
/// and ±∞ (magnitudes pairwise distinct, so that the extreme is unique), each over two axis sets
/// in two views.
fn norm_cases(rng: &mut Rng) -> Vec<Case> {
    let orders = [2.0, 3.0, f64::INFINITY, 1.5, 0.5, 1.0, f64::NEG_INFINITY];
    let sets = axis_sets(false);
    orders
        .iter()
        .enumerate()
        .flat_map(|(i, &p)| [(i, p, 2 * i), (i, p, 2 * i + 1)])
        .map(|(i, p, k)| {
            let (axes, keepdim) = sets[(k + i) % sets.len()].clone();
            let draw: Draw = if p.is_infinite() {
                distinct_magnitudes
            } else {
                sample::nonzero
            };
            let dims = sample::dims(rng, 4, 2, 3);
            let label = format!("norm p={p} axes {axes:?} keepdim {keepdim}");
            one_input(rng, &label, &dims, VIEWS[k % VIEWS.len()], draw, move |x| {
                x.norm(p, &axes, keepdim)
            })
        })
        .collect()
}

/// Values whose magnitudes are pairwise distinct and at least 0.3, with random signs.
fn distinct_magnitudes(rng: &mut Rng, dims: &[usize]) -> scalpel_tensor::Tensor<f64> {
    let ladder = sample::distinct(rng, dims);
    let lowest = ladder.min_all().expect("a non-empty input");
    let values = ladder
        .to_vec()
        .into_iter()
        .map(|v| {
            let magnitude = v - lowest + 0.3;
            if rng.next_f64() < 0.5 {
                -magnitude
            } else {
                magnitude
            }
        })
        .collect();
    scalpel_tensor::Tensor::from_vec(values, dims).expect("numel matches")
}

/// softmax-like ops along each axis of inputs of rank 1 to 4, negative axes included.
fn along_axis(rng: &mut Rng, op: &str, f: fn(&Var<f64>, isize) -> Result<Var<f64>>) -> Vec<Case> {
    let plan: [(usize, isize, View); 6] = [
        (1, 0, View::Flipped),
        (2, 1, View::Contiguous),
        (2, 0, View::Transposed),
        (3, -1, View::Strided),
        (3, 1, View::Transposed),
        (4, -3, View::Flipped),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (rank, axis, view))| {
            let dims = sample::dims(rng, rank, 1, if rank == 4 { 3 } else { 4 });
            let vo = OUTPUT_VIEWS[(i + 1) % 3];
            let label = format!("{op} axis {axis}{}", output_tag(vo, rank));
            one_input(rng, &label, &dims, view, anywhere, move |x| {
                vo.apply(&f(x, axis)?)
            })
        })
        .collect()
}

/// cumsum along each axis of inputs of rank 0 to 4, negative axes included. cumsum is linear,
/// so half of the cases square its output for the second-order check to see its backward's
/// backward; a later transpose or flip hands the backward a strided gradient.
fn cumsum_cases(rng: &mut Rng) -> Vec<Case> {
    let plan: [(usize, isize, View); 7] = [
        (0, 0, View::Contiguous),
        (1, 0, View::Flipped),
        (2, 1, View::Contiguous),
        (2, 0, View::Transposed),
        (3, -1, View::Strided),
        (3, 1, View::Broadcast),
        (4, -3, View::Flipped),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (rank, axis, view))| {
            let dims = sample::dims(rng, rank, 1, if rank == 4 { 3 } else { 4 });
            let vo = OUTPUT_VIEWS[i % 3];
            let label = format!("cumsum axis {axis}{}", output_tag(vo, rank));
            one_input_squared(rng, label, &dims, view, anywhere, i % 2 == 1, move |x| {
                vo.apply(&x.cumsum(axis)?)
            })
        })
        .collect()
}

/// sum_to from a random shape to shapes it broadcasts from: fewer axes, axes of 1, the same
/// shape (returned unchanged) and a scalar-like `(1,1,1)`.
fn sum_to_cases(rng: &mut Rng) -> Vec<Case> {
    let mut cases = Vec::new();
    for (i, view) in [
        View::Contiguous,
        View::Transposed,
        View::Strided,
        View::Flipped,
    ]
    .into_iter()
    .enumerate()
    {
        let full = sample::dims(rng, 3, 2, 4);
        let target = match i {
            0 => full.clone(),
            3 => vec![1, 1, 1],
            _ => sample::broadcastable(rng, &full, i - 1),
        };
        let shape = Shape::from(target.clone());
        let label = format!("sum_to {}", fmt_dims(&target));
        cases.push(one_input(rng, &label, &full, view, anywhere, move |x| {
            x.sum_to(&shape)
        }));
    }
    cases
}
