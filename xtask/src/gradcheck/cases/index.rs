//! Indexing and joining: concat, stack, split, chunk, unbind, roll, gather, scatter_add,
//! index_select, index_add, pad, repeat.
//!
//! These are linear in their differentiable inputs; as for views, half of the cases square the
//! result so that the second-order check is not trivially zero. Random indices repeat, so the
//! backward passes must accumulate duplicates.

use scalpel_autograd::{Result, Var};
use scalpel_tensor::random::Rng;

use super::super::sample::{self, fmt_dims, View};
use super::super::{Case, Entry};
use super::{
    anywhere, maybe_squared, one_input_squared, output_tag, several, squared_label, OUTPUT_VIEWS,
};

/// Every entry of this family, all checked to second order.
pub fn entries() -> Vec<Entry> {
    vec![
        Entry::gradgrad("concat", concat_cases),
        Entry::gradgrad("stack", stack_cases),
        Entry::gradgrad("split", |rng| pieces_cases(rng, false)),
        Entry::gradgrad("chunk", |rng| pieces_cases(rng, true)),
        Entry::gradgrad("unbind", unbind_cases),
        Entry::gradgrad("roll", roll_cases),
        Entry::gradgrad("gather", gather_cases),
        Entry::gradgrad("scatter_add", scatter_add_cases),
        Entry::gradgrad("index_select", index_select_cases),
        Entry::gradgrad("index_add", index_add_cases),
        Entry::gradgrad("pad", pad_cases),
        Entry::gradgrad("repeat", repeat_cases),
    ]
}

/// [`several`] with the result squared when `square`.
fn multi(
    rng: &mut Rng,
    label: String,
    inputs: &[(Vec<usize>, View)],
    square: bool,
    f: impl Fn(&[Var<f64>]) -> Result<Var<f64>> + 'static,
) -> Case {
    several(rng, &squared_label(label, square), inputs, move |xs| {
        maybe_squared(f(xs)?, square)
    })
}

fn concat_cases(rng: &mut Rng) -> Vec<Case> {
    let mut s = || sample::size(rng, 1, 4);
    let (a, b, c, d) = (s(), s(), s(), s());
    let plan = [
        (
            0,
            vec![
                (vec![a, c], View::Contiguous),
                (vec![b, c], View::Contiguous),
            ],
        ),
        (
            -1,
            vec![
                (vec![2, c, a], View::Transposed),
                (vec![2, c, b], View::Contiguous),
                (vec![2, c, d], View::Strided),
            ],
        ),
        (
            1,
            vec![(vec![c, a], View::Flipped), (vec![c, b], View::Transposed)],
        ),
        (1, vec![(vec![a, b, c], View::Strided)]),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (axis, inputs))| {
            multi(
                rng,
                format!("concat axis {axis}"),
                &inputs,
                i % 2 == 1,
                move |xs| Var::concat(&xs.iter().collect::<Vec<_>>(), axis),
            )
        })
        .collect()
}

fn stack_cases(rng: &mut Rng) -> Vec<Case> {
    let d2 = sample::dims(rng, 2, 1, 4);
    let d3 = sample::dims(rng, 3, 1, 3);
    let plan = [
        (
            0,
            vec![
                (d2.clone(), View::Contiguous),
                (d2.clone(), View::Transposed),
            ],
        ),
        (
            -1,
            vec![
                (d2.clone(), View::Strided),
                (d2.clone(), View::Contiguous),
                (d2, View::Flipped),
            ],
        ),
        (
            1,
            vec![
                (d3.clone(), View::Transposed),
                (d3.clone(), View::Contiguous),
            ],
        ),
        (3, vec![(d3, View::Strided)]),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (axis, inputs))| {
            multi(
                rng,
                format!("stack axis {axis}"),
                &inputs,
                i % 2 == 1,
                move |xs| Var::stack(&xs.iter().collect::<Vec<_>>(), axis),
            )
        })
        .collect()
}

/// split (pieces of a size) or chunk (a number of pieces); the pieces, the last one possibly
/// smaller, are weighted 1, 2, 3, … and joined again, so that each piece's gradient is told
/// apart from the others'.
fn pieces_cases(rng: &mut Rng, chunk: bool) -> Vec<Case> {
    let plan: [(isize, usize, usize, View); 4] = [
        (0, 4, 2, View::Contiguous),
        (-1, 4, 3, View::Transposed),
        (1, 3, 2, View::Strided),
        (2, 4, 1, View::Flipped),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (axis, len, n, view))| {
            let mut d = sample::dims(rng, 3, 1, 3);
            d[axis.rem_euclid(3) as usize] = len;
            let label = if chunk {
                format!("chunk {n} along {axis}")
            } else {
                format!("split by {n} along {axis}")
            };
            one_input_squared(rng, label, &d, view, anywhere, i % 2 == 1, move |x| {
                let pieces = if chunk {
                    x.chunk(n, axis)?
                } else {
                    x.split(n, axis)?
                };
                Var::concat(&weighted(&pieces)?.iter().collect::<Vec<_>>(), axis)
            })
        })
        .collect()
}

/// The pieces of a split, weighted 1, 2, 3, … so that each one's gradient is told apart.
fn weighted(pieces: &[Var<f64>]) -> Result<Vec<Var<f64>>> {
    pieces
        .iter()
        .enumerate()
        .map(|(k, p)| p.mul_scalar(k as f64 + 1.0))
        .collect()
}

/// unbind along each axis; the pieces are weighted 1, 2, 3, … and stacked again, so that each
/// piece's gradient is told apart from the others'.
fn unbind_cases(rng: &mut Rng) -> Vec<Case> {
    let plan: [(usize, isize, View); 4] = [
        (1, 0, View::Contiguous),
        (2, -1, View::Transposed),
        (3, 1, View::Strided),
        (3, 0, View::Flipped),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (rank, axis, view))| {
            let d = sample::dims(rng, rank, 1, 4);
            let label = format!("unbind along {axis}");
            one_input_squared(rng, label, &d, view, anywhere, i % 2 == 1, move |x| {
                let pieces = weighted(&x.unbind(axis)?)?;
                Var::stack(&pieces.iter().collect::<Vec<_>>(), axis)
            })
        })
        .collect()
}

/// roll by positive, negative and wrapping shifts along one axis or several.
fn roll_cases(rng: &mut Rng) -> Vec<Case> {
    let plan: [(usize, Vec<isize>, Vec<isize>, View); 4] = [
        (1, vec![1], vec![0], View::Contiguous),
        (2, vec![-1, 5], vec![1, 0], View::Transposed),
        (3, vec![2], vec![-1], View::Strided),
        (3, vec![1, -2, 7], vec![0, 1, 2], View::Flipped),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (rank, shifts, axes, view))| {
            let d = sample::dims(rng, rank, 2, 4);
            let label = format!("roll {shifts:?} along {axes:?}");
            one_input_squared(rng, label, &d, view, anywhere, i % 2 == 1, move |x| {
                x.roll(&shifts, &axes)
            })
        })
        .collect()
}

/// gather along each axis with index tensors longer than, or as long as, the axis, and smaller
/// than the input off the axis; the last case takes the kernel's whole-row path (a contiguous
/// input, axis 0, one index per row expanded across it).
fn gather_cases(rng: &mut Rng) -> Vec<Case> {
    let mut cases = Vec::new();
    let plan: [(Vec<usize>, isize, Vec<usize>, View); 3] = [
        (vec![3, 4], 0, vec![5, 3], View::Contiguous),
        (vec![2, 3, 4], -1, vec![2, 2, 6], View::Transposed),
        (vec![3, 4, 2], 1, vec![3, 4, 1], View::Strided),
    ];
    for (i, (dims, axis, idx_dims, view)) in plan.into_iter().enumerate() {
        let n = dims[axis.rem_euclid(dims.len() as isize) as usize];
        let index = sample::indices(rng, &idx_dims, n);
        let vo = OUTPUT_VIEWS[(i + 1) % 3];
        let label = format!(
            "gather axis {axis} index {}{}",
            fmt_dims(&idx_dims),
            output_tag(vo, idx_dims.len())
        );
        cases.push(one_input_squared(
            rng,
            label,
            &dims,
            view,
            anywhere,
            i % 2 == 1,
            move |x| vo.apply(&x.gather(axis, &index)?),
        ));
    }
    let rows = sample::indices(rng, &[5, 1], 4)
        .expand([5, 3])
        .expect("(5,1) expands to (5,3)");
    let label = "gather axis 0 index (5,1) expanded to (5,3)".to_string();
    cases.push(one_input_squared(
        rng,
        label,
        &[4, 3],
        View::Contiguous,
        anywhere,
        true,
        move |x| x.gather(0, &rows),
    ));
    cases
}

/// scatter_add of a differentiable `src` into a differentiable `self`, with repeated indices,
/// and a `src` larger than the index (its extra elements are unused and get zero gradient).
fn scatter_add_cases(rng: &mut Rng) -> Vec<Case> {
    let plan = [
        (vec![3, 4], 0isize, vec![5, 4], vec![5, 4], View::Contiguous),
        (vec![2, 3], -1, vec![2, 4], vec![3, 4], View::Transposed),
        (
            vec![2, 3, 4],
            1,
            vec![2, 4, 3],
            vec![2, 4, 4],
            View::Strided,
        ),
        (vec![4], 0, vec![6], vec![6], View::Flipped),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (dims, axis, idx_dims, src_dims, view))| {
            let n = dims[axis.rem_euclid(dims.len() as isize) as usize];
            let index = sample::indices(rng, &idx_dims, n);
            let vo = OUTPUT_VIEWS[(i + 1) % 3];
            let label = format!(
                "scatter_add axis {axis} index {}{}",
                fmt_dims(&idx_dims),
                output_tag(vo, dims.len())
            );
            let inputs = [(dims, view), (src_dims, View::Contiguous)];
            multi(rng, label, &inputs, i % 2 == 1, move |xs| {
                vo.apply(&xs[0].scatter_add(axis, &index, &xs[1])?)
            })
        })
        .collect()
}

fn index_select_cases(rng: &mut Rng) -> Vec<Case> {
    let plan: [(Vec<usize>, isize, usize, View); 5] = [
        (vec![4, 3], 0, 5, View::Contiguous),
        (vec![2, 3, 4], -1, 3, View::Transposed),
        (vec![3, 4, 2], 1, 6, View::Strided),
        (vec![4], 0, 2, View::Flipped),
        (vec![2, 4], 1, 3, View::Broadcast),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (dims, axis, len, view))| {
            let n = dims[axis.rem_euclid(dims.len() as isize) as usize];
            let idx = sample::indices(rng, &[len], n);
            let vo = OUTPUT_VIEWS[(i + 1) % 3];
            let label = format!(
                "index_select axis {axis} {:?}{}",
                idx.to_vec(),
                output_tag(vo, dims.len())
            );
            one_input_squared(rng, label, &dims, view, anywhere, i % 2 == 1, move |x| {
                vo.apply(&x.index_select(axis, &idx)?)
            })
        })
        .collect()
}

fn index_add_cases(rng: &mut Rng) -> Vec<Case> {
    let plan: [(Vec<usize>, isize, usize, View); 4] = [
        (vec![4, 3], 0, 5, View::Contiguous),
        (vec![2, 3, 4], -1, 3, View::Transposed),
        (vec![3, 4, 2], 1, 6, View::Strided),
        (vec![4], 0, 2, View::Flipped),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (dims, axis, len, view))| {
            let ax = axis.rem_euclid(dims.len() as isize) as usize;
            let idx = sample::indices(rng, &[len], dims[ax]);
            let mut src = dims.clone();
            src[ax] = len;
            let vo = OUTPUT_VIEWS[(i + 1) % 3];
            let label = format!(
                "index_add axis {axis} {:?}{}",
                idx.to_vec(),
                output_tag(vo, dims.len())
            );
            let inputs = [(dims, view), (src, View::Transposed)];
            multi(rng, label, &inputs, i % 2 == 1, move |xs| {
                vo.apply(&xs[0].index_add(axis, &idx, &xs[1])?)
            })
        })
        .collect()
}

fn pad_cases(rng: &mut Rng) -> Vec<Case> {
    let plan = [
        (1, vec![(1, 2)], View::Contiguous),
        (3, vec![(0, 1), (2, 0)], View::Transposed),
        (3, vec![(1, 1), (0, 0), (2, 1)], View::Strided),
        (4, vec![(1, 0)], View::Flipped),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (rank, pads, view))| {
            let d = sample::dims(rng, rank, 1, 3);
            let vo = OUTPUT_VIEWS[(i + 1) % 3];
            let label = format!("pad {pads:?} with 0.5{}", output_tag(vo, rank));
            one_input_squared(rng, label, &d, view, anywhere, i % 2 == 1, move |x| {
                vo.apply(&x.pad(&pads, 0.5)?)
            })
        })
        .collect()
}

fn repeat_cases(rng: &mut Rng) -> Vec<Case> {
    let plan: [(usize, Vec<usize>, View); 4] = [
        (1, vec![3], View::Flipped),
        (2, vec![2, 1], View::Contiguous),
        (2, vec![1, 2, 2], View::Transposed),
        (3, vec![1, 1, 2], View::Strided),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (rank, reps, view))| {
            let d = sample::dims(rng, rank, 1, 3);
            let label = format!("repeat {reps:?}");
            one_input_squared(rng, label, &d, view, anywhere, i % 2 == 1, move |x| {
                x.repeat(&reps)
            })
        })
        .collect()
}
