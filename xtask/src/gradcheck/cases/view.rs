//! Views: reshape, flatten, permute, transpose, t, slice, narrow, select, squeeze, unsqueeze,
//! broadcast_to, expand, flip, slice_grad (the adjoint of slice), the triangles tril and triu
//! (which zero the rest of a matrix: linear, like the views), diagonal and trace.
//!
//! A view is linear, so its second derivative vanishes; half of the cases square the view's
//! output, which makes the second-order check run through the backward of the view's backward.

use scalpel_autograd::{Result, Var};
use scalpel_tensor::random::Rng;
use scalpel_tensor::Shape;

use super::super::sample::{self, fmt_dims, View};
use super::super::{Case, Entry};
use super::{anywhere, one_input_squared};

/// One view case: `op` of `dims` seen through `view`; squared when `square`.
fn case(
    rng: &mut Rng,
    label: String,
    dims: &[usize],
    view: View,
    square: bool,
    op: impl Fn(&Var<f64>) -> Result<Var<f64>> + 'static,
) -> Case {
    one_input_squared(rng, label, dims, view, anywhere, square, op)
}

/// Every entry of this family, all checked to second order.
pub fn entries() -> Vec<Entry> {
    vec![
        Entry::gradgrad("reshape", reshape_cases),
        Entry::gradgrad("flatten", flatten_cases),
        Entry::gradgrad("permute", permute_cases),
        Entry::gradgrad("transpose", transpose_cases),
        Entry::gradgrad("t", t_cases),
        Entry::gradgrad("slice", slice_cases),
        Entry::gradgrad("narrow", narrow_cases),
        Entry::gradgrad("select", select_cases),
        Entry::gradgrad("squeeze", squeeze_cases),
        Entry::gradgrad("unsqueeze", unsqueeze_cases),
        Entry::gradgrad("broadcast_to", |rng| broadcast_cases(rng, false)),
        Entry::gradgrad("expand", |rng| broadcast_cases(rng, true)),
        Entry::gradgrad("flip", flip_cases),
        Entry::gradgrad("slice_grad", slice_grad_cases),
        Entry::gradgrad("tril", |rng| triangle_cases(rng, false)),
        Entry::gradgrad("triu", |rng| triangle_cases(rng, true)),
        Entry::gradgrad("diagonal", diagonal_cases),
        Entry::gradgrad("trace", trace_cases),
    ]
}

fn reshape_cases(rng: &mut Rng) -> Vec<Case> {
    let d = sample::dims(rng, 3, 1, 4);
    let n: usize = d.iter().product();
    // (target, view): a transposed or strided input cannot be reshaped without a copy.
    let plan = [
        (vec![d[0] * d[1], d[2]], View::Contiguous),
        (vec![n], View::Transposed),
        (vec![d[2], 1, d[0] * d[1]], View::Strided),
        (vec![d[0], d[1] * d[2]], View::Flipped),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (target, view))| {
            let label = format!("reshape to {}", fmt_dims(&target));
            case(rng, label, &d, view, i % 2 == 1, move |x| {
                x.reshape(target.clone())
            })
        })
        .collect()
}

fn flatten_cases(rng: &mut Rng) -> Vec<Case> {
    let plan: [(usize, isize, isize, View); 4] = [
        (3, 0, -1, View::Contiguous),
        (3, 1, 2, View::Transposed),
        (4, 0, 1, View::Strided),
        (4, 1, 2, View::Flipped),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (rank, s, e, view))| {
            let d = sample::dims(rng, rank, 1, 3);
            case(
                rng,
                format!("flatten({s}, {e})"),
                &d,
                view,
                i % 2 == 1,
                move |x| x.flatten(s, e),
            )
        })
        .collect()
}

fn permute_cases(rng: &mut Rng) -> Vec<Case> {
    let plan = [
        (2, View::Contiguous),
        (3, View::Transposed),
        (3, View::Flipped),
        (4, View::Strided),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (rank, view))| {
            let d = sample::dims(rng, rank, 1, if rank == 4 { 3 } else { 4 });
            let perm: Vec<isize> = rng
                .permutation(rank)
                .into_iter()
                .map(|a| a as isize)
                .collect();
            case(
                rng,
                format!("permute {perm:?}"),
                &d,
                view,
                i % 2 == 1,
                move |x| x.permute(&perm),
            )
        })
        .collect()
}

fn transpose_cases(rng: &mut Rng) -> Vec<Case> {
    let plan: [(usize, isize, isize, View); 4] = [
        (2, 0, 1, View::Contiguous),
        (3, -1, 0, View::Strided),
        (4, 0, 2, View::Flipped),
        (3, 1, 1, View::Transposed),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (rank, a, b, view))| {
            let d = sample::dims(rng, rank, 1, 3);
            case(
                rng,
                format!("transpose({a}, {b})"),
                &d,
                view,
                i % 2 == 1,
                move |x| x.transpose(a, b),
            )
        })
        .collect()
}

fn t_cases(rng: &mut Rng) -> Vec<Case> {
    // Rank 1 is returned unchanged; rank 3 swaps the last two axes.
    let plan = [
        (1, View::Flipped),
        (2, View::Contiguous),
        (2, View::Strided),
        (3, View::Transposed),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (rank, view))| {
            let d = sample::dims(rng, rank, 1, 4);
            case(rng, "t".into(), &d, view, i % 2 == 1, |x| x.t())
        })
        .collect()
}

fn slice_cases(rng: &mut Rng) -> Vec<Case> {
    // (axis, start, end, step); sizes are 4, and an end past the dimension is clamped.
    let plan: [(isize, usize, usize, usize, View); 5] = [
        (0, 1, 4, 1, View::Contiguous),
        (-1, 0, 4, 2, View::Transposed),
        (1, 1, 4, 3, View::Strided),
        (2, 1, 9, 2, View::Flipped),
        (0, 0, 2, 1, View::Strided),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (axis, start, end, step, view))| {
            let mut d = sample::dims(rng, 3, 1, 4);
            d[axis.rem_euclid(3) as usize] = 4;
            let label = format!("slice axis {axis} {start}..{end} step {step}");
            case(rng, label, &d, view, i % 2 == 1, move |x| {
                x.slice(axis, start, end, step)
            })
        })
        .collect()
}

fn narrow_cases(rng: &mut Rng) -> Vec<Case> {
    let plan: [(isize, usize, usize, View); 4] = [
        (0, 1, 2, View::Contiguous),
        (-1, 0, 3, View::Transposed),
        (1, 3, 1, View::Strided),
        (2, 0, 4, View::Flipped),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (axis, start, len, view))| {
            let mut d = sample::dims(rng, 3, 1, 4);
            d[axis.rem_euclid(3) as usize] = 4;
            let label = format!("narrow axis {axis} {start}+{len}");
            case(rng, label, &d, view, i % 2 == 1, move |x| {
                x.narrow(axis, start, len)
            })
        })
        .collect()
}

fn select_cases(rng: &mut Rng) -> Vec<Case> {
    let plan: [(usize, isize, usize, View); 4] = [
        (1, 0, 2, View::Flipped),
        (2, 0, 3, View::Contiguous),
        (3, -1, 0, View::Transposed),
        (4, 1, 1, View::Strided),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (rank, axis, index, view))| {
            let mut d = sample::dims(rng, rank, 1, 3);
            d[axis.rem_euclid(rank as isize) as usize] = 4;
            let label = format!("select axis {axis} index {index}");
            case(rng, label, &d, view, i % 2 == 1, move |x| {
                x.select(axis, index)
            })
        })
        .collect()
}

fn squeeze_cases(rng: &mut Rng) -> Vec<Case> {
    let plan: [(usize, isize, View); 4] = [
        (1, 0, View::Contiguous),
        (3, 1, View::Transposed),
        (3, -1, View::Flipped),
        (4, 0, View::Strided),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (rank, axis, view))| {
            let mut d = sample::dims(rng, rank, 2, 3);
            d[axis.rem_euclid(rank as isize) as usize] = 1;
            case(
                rng,
                format!("squeeze({axis})"),
                &d,
                view,
                i % 2 == 1,
                move |x| x.squeeze(axis),
            )
        })
        .collect()
}

fn unsqueeze_cases(rng: &mut Rng) -> Vec<Case> {
    let plan: [(usize, isize, View); 5] = [
        (0, 0, View::Contiguous),
        (1, -1, View::Flipped),
        (2, 0, View::Transposed),
        (2, 2, View::Strided),
        (3, 1, View::Transposed),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (rank, axis, view))| {
            let d = sample::dims(rng, rank, 1, 4);
            case(
                rng,
                format!("unsqueeze({axis})"),
                &d,
                view,
                i % 2 == 1,
                move |x| x.unsqueeze(axis),
            )
        })
        .collect()
}

/// broadcast_to (or its alias expand): new leading axes, axes of 1 stretched, the same shape.
fn broadcast_cases(rng: &mut Rng, expand: bool) -> Vec<Case> {
    let full = sample::dims(rng, 3, 2, 4);
    let part = sample::broadcastable(rng, &full, 1);
    let plan: [(Vec<usize>, Vec<usize>, View); 4] = [
        (vec![3, 1], vec![2, 3, 4], View::Contiguous),
        (part, full.clone(), View::Flipped),
        (vec![1, full[2]], full.clone(), View::Strided),
        (full.clone(), full, View::Transposed),
    ];
    let name = if expand { "expand" } else { "broadcast_to" };
    plan.into_iter()
        .enumerate()
        .map(|(i, (from, to, view))| {
            let label = format!("{name} {}", fmt_dims(&to));
            let to = Shape::from(to);
            case(rng, label, &from, view, i % 2 == 1, move |x| {
                if expand {
                    x.expand(to.clone())
                } else {
                    x.broadcast_to(to.clone())
                }
            })
        })
        .collect()
}

fn flip_cases(rng: &mut Rng) -> Vec<Case> {
    let plan: [(usize, Vec<isize>, View); 4] = [
        (1, vec![0], View::Contiguous),
        (2, vec![-1], View::Transposed),
        (3, vec![0, 2], View::Strided),
        (4, vec![1, 2, 3], View::Flipped),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (rank, axes, view))| {
            let d = sample::dims(rng, rank, 1, 3);
            case(
                rng,
                format!("flip {axes:?}"),
                &d,
                view,
                i % 2 == 1,
                move |x| x.flip(&axes),
            )
        })
        .collect()
}

/// tril (or triu) of matrices and batches of them, on diagonals below, on and above the main
/// one and past the corners (everything kept, or nothing).
fn triangle_cases(rng: &mut Rng, upper: bool) -> Vec<Case> {
    let plan: [(usize, isize, View); 5] = [
        (2, 0, View::Contiguous),
        (2, -1, View::Transposed),
        (3, 1, View::Strided),
        (3, 9, View::Flipped),
        (4, -9, View::Broadcast),
    ];
    let op = if upper { "triu" } else { "tril" };
    plan.into_iter()
        .enumerate()
        .map(|(i, (rank, k, view))| {
            let d = sample::dims(rng, rank, 2, 4);
            case(rng, format!("{op} k={k}"), &d, view, i % 2 == 1, move |x| {
                if upper {
                    x.triu(k)
                } else {
                    x.tril(k)
                }
            })
        })
        .collect()
}

/// Diagonals above, on and below the main one, of matrices and batches of them, with the row
/// and column axes in either order and anywhere among the others, and one past the corner
/// (empty).
fn diagonal_cases(rng: &mut Rng) -> Vec<Case> {
    let plan: [(usize, isize, isize, isize, View); 6] = [
        (2, 0, 0, 1, View::Contiguous),
        (2, 1, 1, 0, View::Transposed),
        (3, -1, 0, 2, View::Strided),
        (3, 2, -1, 1, View::Flipped),
        (4, 0, 3, 1, View::Broadcast),
        (2, -9, 0, 1, View::Contiguous),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (rank, k, a1, a2, view))| {
            let d = sample::dims(rng, rank, 2, 4);
            let label = format!("diagonal k={k} axes ({a1}, {a2})");
            case(rng, label, &d, view, i % 2 == 1, move |x| {
                x.diagonal(k, a1, a2)
            })
        })
        .collect()
}

/// trace of square and oblong matrices, in each view.
fn trace_cases(rng: &mut Rng) -> Vec<Case> {
    let plan: [([usize; 2], View); 4] = [
        ([3, 3], View::Contiguous),
        ([2, 4], View::Transposed),
        ([4, 3], View::Strided),
        ([3, 2], View::Flipped),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (d, view))| {
            case(rng, "trace".to_string(), &d, view, i % 2 == 1, |x| {
                x.trace()
            })
        })
        .collect()
}

/// slice_grad writes its input into zeros at `start, start+step, …` along an axis; the target
/// length is anything from just past the last written position upward.
fn slice_grad_cases(rng: &mut Rng) -> Vec<Case> {
    let plan: [(usize, usize, usize, usize, View); 4] = [
        (0, 0, 1, 0, View::Contiguous),
        (1, 1, 2, 1, View::Transposed),
        (2, 2, 3, 0, View::Strided),
        (1, 0, 2, 2, View::Flipped),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (axis, start, step, extra, view))| {
            let d = sample::dims(rng, 3, 1, 3);
            let mut target = d.clone();
            target[axis] = start + step * (d[axis] - 1) + 1 + extra;
            let label = format!(
                "slice_grad into {} axis {axis} at {start} step {step}",
                fmt_dims(&target)
            );
            let shape = Shape::from(target);
            case(rng, label, &d, view, i % 2 == 1, move |x| {
                x.slice_grad(&shape, axis, start, step)
            })
        })
        .collect()
}
