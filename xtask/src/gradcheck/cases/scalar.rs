//! Element-wise ops with a scalar operand: add_scalar, sub_scalar, mul_scalar, div_scalar,
//! rsub_scalar, rdiv_scalar, powf.

use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

use super::super::sample::{self, View};
use super::super::{Case, Entry};
use super::{any_shape, anywhere, one_input, Draw, UnaryFn};

/// Every entry of this family, all checked to second order.
pub fn entries() -> Vec<Entry> {
    let ops: [(&'static str, Draw, UnaryFn); 6] = [
        ("add_scalar", anywhere, |x| x.add_scalar(0.7)),
        ("sub_scalar", anywhere, |x| x.sub_scalar(1.3)),
        ("mul_scalar", anywhere, |x| x.mul_scalar(-2.5)),
        ("div_scalar", anywhere, |x| x.div_scalar(3.0)),
        ("rsub_scalar", anywhere, |x| x.rsub_scalar(2.0)),
        // 1.5 / x has a pole at 0: inputs keep |x| ≥ 0.3.
        ("rdiv_scalar", sample::nonzero, |x| x.rdiv_scalar(1.5)),
    ];
    let mut entries: Vec<Entry> = ops
        .into_iter()
        .map(|(op, draw, f)| Entry::gradgrad(op, move |rng| any_shape(rng, op, draw, f)))
        .collect();
    entries.push(Entry::gradgrad("powf", powf_cases));
    entries
}

/// Positive bases in [0.3, 2) for fractional and negative exponents (x^p is not real for x < 0,
/// and its derivatives blow up at 0); an integer exponent is also checked on signed bases, kept
/// 0.3 from 0.
fn powf_cases(rng: &mut Rng) -> Vec<Case> {
    fn positive(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
        sample::uniform(rng, dims, 0.3, 2.0)
    }
    let d = |rng: &mut Rng| sample::any_rank(rng, 1..=3, 1, 4);
    let (d1, d2, d3, d4) = (d(rng), d(rng), d(rng), d(rng));
    vec![
        one_input(rng, "x^2.5", &d1, View::Contiguous, positive, |x| {
            x.powf(2.5)
        }),
        one_input(rng, "x^-1.5", &d2, View::Transposed, positive, |x| {
            x.powf(-1.5)
        }),
        one_input(rng, "x^0.5", &d3, View::Strided, positive, |x| x.powf(0.5)),
        one_input(
            rng,
            "x^3 (signed x)",
            &d4,
            View::Flipped,
            sample::nonzero,
            |x| x.powf(3.0),
        ),
    ]
}
