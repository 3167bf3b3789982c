//! Element-wise ops of two inputs, broadcasting: add, sub, mul, div, pow, maximum, minimum,
//! where_.

use scalpel_autograd::{Result, Var};
use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

use super::super::sample::{self, fmt_dims, View};
use super::super::{Case, Entry};
use super::{anywhere, Draw};

type BinaryFn = fn(&Var<f64>, &Var<f64>) -> Result<Var<f64>>;

/// Every entry of this family; all are twice differentiable where they are checked.
pub fn entries() -> Vec<Entry> {
    let ops: [(&'static str, Draw, Draw, BinaryFn); 7] = [
        ("add", anywhere, anywhere, |a, b| a.add(b)),
        ("sub", anywhere, anywhere, |a, b| a.sub(b)),
        ("mul", anywhere, anywhere, |a, b| a.mul(b)),
        // The divisor stays at least 0.3 from 0, where a/b has a pole.
        ("div", anywhere, sample::nonzero, |a, b| a.div(b)),
        // Positive bases in [0.5, 2): a^b is not real for a < 0 and its derivative in b,
        // a^b·ln a, is singular at a = 0.
        ("pow", positive, anywhere, |a, b| a.pow(b)),
        // Operands on interleaved bands never tie: at a tie the maximum has no derivative.
        ("maximum", low_band, high_band, |a, b| a.maximum(b)),
        ("minimum", low_band, high_band, |a, b| a.minimum(b)),
    ];
    let mut entries: Vec<Entry> = ops
        .into_iter()
        .map(|(op, da, db, f)| {
            Entry::gradgrad(op, move |rng| {
                shape_pairs(rng)
                    .into_iter()
                    .map(|(a, va, b, vb)| {
                        let (ta, tb) = (da(rng, &va.stored_dims(&a)), db(rng, &vb.stored_dims(&b)));
                        Case::new(
                            format!(
                                "{}{} {op} {}{}",
                                fmt_dims(&a),
                                va.tag(a.len()),
                                fmt_dims(&b),
                                vb.tag(b.len())
                            ),
                            vec![ta, tb],
                            move |xs| f(&va.apply(&xs[0])?, &vb.apply(&xs[1])?),
                        )
                    })
                    .collect()
            })
        })
        .collect();
    entries.push(Entry::gradgrad("where_", where_cases));
    entries
}

fn positive(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    sample::uniform(rng, dims, 0.5, 2.0)
}

fn low_band(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    sample::banded(rng, dims, 0.0)
}

fn high_band(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    sample::banded(rng, dims, 0.1)
}

/// Operand shapes and views: equal shapes, the classic `(3,1,4)` with `(2,4)`, random
/// broadcasts (one side with fewer axes), a 0-d operand, and non-contiguous operands (stride 0
/// included).
fn shape_pairs(rng: &mut Rng) -> Vec<(Vec<usize>, View, Vec<usize>, View)> {
    let same = sample::any_rank(rng, 1..=4, 1, 4);
    let full = sample::any_rank(rng, 2..=4, 2, 4);
    let drop = sample::below(rng, full.len());
    let (a, b) = (
        sample::broadcastable(rng, &full, 0),
        sample::broadcastable(rng, &full, drop),
    );
    let other = sample::dims(rng, 2, 2, 4);
    let (va, vb) = (View::pick(rng), View::pick(rng));
    vec![
        (
            same.clone(),
            View::Contiguous,
            same.clone(),
            View::Contiguous,
        ),
        (
            vec![3, 1, 4],
            View::Contiguous,
            vec![2, 4],
            View::Contiguous,
        ),
        (a, va, b, vb),
        (vec![], View::Contiguous, other.clone(), View::Flipped),
        (same.clone(), View::Transposed, same, View::Strided),
        (other.clone(), View::Strided, vec![1, 1], View::Contiguous),
        (other.clone(), View::Broadcast, other, View::Transposed),
    ]
}

/// where_(mask, a, b) with the mask, a and b all broadcasting together; the mask is a fixed
/// part of each case, not an input.
fn where_cases(rng: &mut Rng) -> Vec<Case> {
    shape_pairs(rng)
        .into_iter()
        .map(|(a, va, b, vb)| {
            let out = broadcast(&a, &b);
            let mask_dims = sample::broadcastable(rng, &out, 0);
            let mask = rng
                .bernoulli_mask(mask_dims.clone(), 0.5)
                .expect("p in [0, 1]");
            let (ta, tb) = (
                anywhere(rng, &va.stored_dims(&a)),
                anywhere(rng, &vb.stored_dims(&b)),
            );
            Case::new(
                format!(
                    "mask {} ? {}{} : {}{}",
                    fmt_dims(&mask_dims),
                    fmt_dims(&a),
                    va.tag(a.len()),
                    fmt_dims(&b),
                    vb.tag(b.len())
                ),
                vec![ta, tb],
                move |xs| Var::where_(&mask, &va.apply(&xs[0])?, &vb.apply(&xs[1])?),
            )
        })
        .collect()
}

/// The numpy broadcast of two shapes that are known to broadcast.
fn broadcast(a: &[usize], b: &[usize]) -> Vec<usize> {
    let r = a.len().max(b.len());
    let at = |d: &[usize], i: usize| (i + d.len()).checked_sub(r).map_or(1, |j| d[j]);
    (0..r).map(|i| at(a, i).max(at(b, i))).collect()
}
