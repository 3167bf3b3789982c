//! The registry: one [`Entry`] per differentiable op, grouped like the autograd crate's ops, and
//! helpers shared by the families.

mod binary;
mod conv;
mod index;
mod matmul;
mod reduce;
mod scalar;
mod unary;
mod view;

use scalpel_autograd::{Result, Var};
use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

use super::sample::{self, fmt_dims, View};
use super::{Case, Entry};

/// Every entry, in the order of the table.
pub fn registry() -> Vec<Entry> {
    let mut entries = Vec::new();
    entries.extend(binary::entries());
    entries.extend(scalar::entries());
    entries.extend(unary::entries());
    entries.extend(reduce::entries());
    entries.extend(matmul::entries());
    entries.extend(view::entries());
    entries.extend(index::entries());
    entries.extend(conv::entries());
    entries
}

/// Draws an input's values for the dimensions it is stored with.
pub type Draw = fn(&mut Rng, &[usize]) -> Tensor<f64>;

/// A one-input function of a variable.
pub type UnaryFn = fn(&Var<f64>) -> Result<Var<f64>>;

/// Values in `[-2, 2)`, for ops differentiable everywhere.
pub fn anywhere(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    sample::uniform(rng, dims, -2.0, 2.0)
}

/// A case applying `op` to one input of `dims`, stored and viewed as `view`, drawn by `draw`.
pub fn one_input(
    rng: &mut Rng,
    label: &str,
    dims: &[usize],
    view: View,
    draw: Draw,
    op: impl Fn(&Var<f64>) -> Result<Var<f64>> + 'static,
) -> Case {
    let x = draw(rng, &view.stored_dims(dims));
    Case::new(
        format!("{label} {}{}", fmt_dims(dims), view.tag()),
        vec![x],
        move |xs| op(&view.apply(&xs[0])?),
    )
}

/// The usual spread of cases for an op of one input that accepts any shape: a 0-d input, then
/// ranks 1 to 4 with random sizes, at least two of them non-contiguous.
pub fn any_shape(rng: &mut Rng, label: &str, draw: Draw, op: UnaryFn) -> Vec<Case> {
    let d1 = sample::dims(rng, 1, 1, 4);
    let d2 = sample::dims(rng, 2, 1, 4);
    let d3 = sample::dims(rng, 3, 1, 4);
    let d4 = sample::dims(rng, 4, 1, 3);
    let v3 = View::pick(rng);
    vec![
        one_input(rng, label, &[], View::Contiguous, draw, op),
        one_input(rng, label, &d1, View::Flipped, draw, op),
        one_input(rng, label, &d2, View::Transposed, draw, op),
        one_input(rng, label, &d3, v3, draw, op),
        one_input(rng, label, &d4, View::Strided, draw, op),
    ]
}

/// `v²`: composed after a linear op (a view, a gather) so that its second derivative is not
/// identically zero and gradgradcheck exercises the backward of the op's backward.
pub fn squared(v: Var<f64>) -> Result<Var<f64>> {
    v.square()
}
