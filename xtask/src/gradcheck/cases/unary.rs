//! Element-wise ops of one input: arithmetic, transcendental functions and activations.

use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

use super::super::sample;
use super::super::Entry;
use super::{any_shape, anywhere, Draw, UnaryFn};

/// Every entry of this family. All are checked to second order: the piecewise ones (abs, relu,
/// leaky_relu, elu, clamp) are smooth on each piece and sampled away from the joins, so their
/// second derivatives exist at the sampled points.
pub fn entries() -> Vec<Entry> {
    let ops: [(&'static str, Draw, UnaryFn); 22] = [
        ("neg", anywhere, |x| x.neg()),
        ("exp", anywhere, |x| x.exp()),
        ("expm1", anywhere, |x| x.expm1()),
        // ln x is defined for x > 0 and 1/x grows steeply near 0.
        ("ln", positive, |x| x.ln()),
        // ln(1 + x) is defined for x > −1; the inputs stay 0.5 above.
        ("ln1p", above_minus_half, |x| x.ln1p()),
        // √x is defined for x ≥ 0 and its derivative 1/(2√x) is singular at 0.
        ("sqrt", positive, |x| x.sqrt()),
        ("square", anywhere, |x| x.square()),
        // 1/x has a pole at 0.
        ("recip", sample::nonzero, |x| x.recip()),
        // |x| has a kink at 0.
        ("abs", sample::nonzero, |x| x.abs()),
        ("sin", anywhere, |x| x.sin()),
        ("cos", anywhere, |x| x.cos()),
        ("tanh", anywhere, |x| x.tanh()),
        ("sigmoid", wide, |x| x.sigmoid()),
        // relu, leaky_relu and elu (α ≠ 1) have a kink at 0; elu with α = 1 is C¹ there but
        // its second derivative jumps.
        ("relu", away_from_zero, |x| x.relu()),
        ("leaky_relu", away_from_zero, |x| x.leaky_relu(0.1)),
        ("elu", away_from_zero, |x| x.elu(0.7)),
        ("gelu", wide, |x| x.gelu()),
        ("gelu_tanh", wide, |x| x.gelu_tanh()),
        ("softplus", wide, |x| x.softplus()),
        ("silu", wide, |x| x.silu()),
        ("erf", wide, |x| x.erf()),
        // clamp has kinks at both bounds.
        ("clamp", away_from_bounds, |x| x.clamp(-0.5, 0.8)),
    ];
    ops.into_iter()
        .map(|(op, draw, f)| Entry::gradgrad(op, move |rng| any_shape(rng, op, draw, f)))
        .collect()
}

fn positive(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    sample::uniform(rng, dims, 0.2, 2.0)
}

fn above_minus_half(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    sample::uniform(rng, dims, -0.5, 2.0)
}

/// [−3, 3): activations whose interesting region is wider than [−2, 2).
fn wide(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    sample::uniform(rng, dims, -3.0, 3.0)
}

fn away_from_zero(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    sample::avoiding(rng, dims, -2.0, 2.0, &[0.0], 0.1)
}

/// Inside, below and above clamp(−0.5, 0.8), at least 0.1 from either bound.
fn away_from_bounds(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    sample::avoiding(rng, dims, -1.5, 1.5, &[-0.5, 0.8], 0.1)
}
