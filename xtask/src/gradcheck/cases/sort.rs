//! Sorting: sort and topk, on pairwise distinct values (a tie has no derivative: an arbitrarily
//! small step reorders it). Both are picks by index, so half of the cases square the output for
//! the second-order check.

use scalpel_autograd::Var;
use scalpel_tensor::random::Rng;

use super::super::sample::{self, View};
use super::super::{Case, Entry};
use super::{one_input_squared, output_tag, OUTPUT_VIEWS};

/// Every entry of this family, checked to second order.
pub fn entries() -> Vec<Entry> {
    vec![
        Entry::gradgrad("sort", sort_cases),
        Entry::gradgrad("topk", topk_cases),
    ]
}

fn sort_cases(rng: &mut Rng) -> Vec<Case> {
    let plan: [(usize, isize, bool, View); 5] = [
        (0, 0, false, View::Contiguous),
        (1, 0, true, View::Flipped),
        (2, 1, false, View::Transposed),
        (3, -3, true, View::Strided),
        (3, 1, false, View::Contiguous),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (rank, axis, descending, view))| {
            let dims = sample::dims(rng, rank, 1, 4);
            let vo = OUTPUT_VIEWS[i % 3];
            let label = format!(
                "sort axis {axis} descending {descending}{}",
                output_tag(vo, rank)
            );
            one_input_squared(
                rng,
                label,
                &dims,
                view,
                sample::distinct,
                i % 2 == 1,
                move |x| vo.apply(&x.sort(axis, descending)?.0),
            )
        })
        .collect()
}

fn topk_cases(rng: &mut Rng) -> Vec<Case> {
    // (dims, k, axis, largest, view)
    let plan: [(Vec<usize>, usize, isize, bool, View); 4] = [
        (vec![5], 2, 0, true, View::Contiguous),
        (vec![3, 4], 3, -1, false, View::Transposed),
        (vec![4, 2, 3], 1, 0, true, View::Flipped),
        (vec![2, 3, 4], 4, 2, false, View::Strided),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (dims, k, axis, largest, view))| {
            let vo = OUTPUT_VIEWS[(i + 1) % 3];
            let label = format!(
                "topk k {k} axis {axis} largest {largest}{}",
                output_tag(vo, dims.len())
            );
            one_input_squared(
                rng,
                label,
                &dims,
                view,
                sample::distinct,
                i % 2 == 0,
                move |x| {
                    let picked: Var<f64> = x.topk(k, axis, largest)?.0;
                    vo.apply(&picked)
                },
            )
        })
        .collect()
}
