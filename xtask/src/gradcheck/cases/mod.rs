//! The registry: one [`Entry`] per differentiable op, grouped like the autograd crate's ops, one
//! per layer and loss of scalpel-nn ([`nn`]), and helpers shared by the families.

mod binary;
mod conv;
mod index;
mod matmul;
pub mod nn;
mod pool;
mod reduce;
mod scalar;
mod sort;
mod unary;
mod view;

use scalpel_autograd::{Result, Var};
use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

use super::sample::{self, fmt_dims, View};
use super::{Case, Entry, Suite};

/// The two suites: the operations of scalpel-autograd, checked against `DIFFERENTIABLE_OPS`,
/// then the layers and losses of scalpel-nn, checked against `DIFFERENTIABLE_LAYERS`.
pub fn suites() -> Vec<Suite> {
    vec![
        Suite {
            list: "DIFFERENTIABLE_OPS",
            listed: scalpel_autograd::DIFFERENTIABLE_OPS,
            entries: registry(),
        },
        Suite {
            list: "DIFFERENTIABLE_LAYERS",
            listed: nn::LISTED,
            entries: nn::entries(),
        },
    ]
}

/// Every entry of the operations, in the order of the table.
pub fn registry() -> Vec<Entry> {
    let mut entries = Vec::new();
    entries.extend(binary::entries());
    entries.extend(scalar::entries());
    entries.extend(unary::entries());
    entries.extend(reduce::entries());
    entries.extend(matmul::entries());
    entries.extend(view::entries());
    entries.extend(index::entries());
    entries.extend(sort::entries());
    entries.extend(conv::entries());
    entries.extend(pool::entries());
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
        format!("{label} on {}{}", fmt_dims(dims), view.tag(dims.len())),
        vec![x],
        move |xs| op(&view.apply(&xs[0])?),
    )
}

/// A case over several inputs of `(dims, view)`, drawn uniformly from [−2, 2); `f` receives the
/// views.
pub fn several(
    rng: &mut Rng,
    label: &str,
    inputs: &[(Vec<usize>, View)],
    f: impl Fn(&[Var<f64>]) -> Result<Var<f64>> + 'static,
) -> Case {
    let tensors = inputs
        .iter()
        .map(|(d, v)| anywhere(rng, &v.stored_dims(d)))
        .collect();
    let views: Vec<View> = inputs.iter().map(|(_, v)| *v).collect();
    let shapes: Vec<String> = inputs
        .iter()
        .map(|(d, v)| format!("{}{}", fmt_dims(d), v.tag(d.len())))
        .collect();
    Case::new(
        format!("{label} on {}", shapes.join(", ")),
        tensors,
        move |xs| {
            let vs = xs
                .iter()
                .zip(&views)
                .map(|(x, v)| v.apply(x))
                .collect::<Result<Vec<_>>>()?;
            f(&vs)
        },
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

/// `y²` when `square`, else `y`. Composed after a linear or piecewise-linear op (a view, a
/// gather, a pooling), the square makes the second derivative not identically zero, so that
/// gradgradcheck exercises the backward of the op's backward.
pub fn maybe_squared(y: Var<f64>, square: bool) -> Result<Var<f64>> {
    if square {
        y.square()
    } else {
        Ok(y)
    }
}

/// [`one_input`] with the result squared when `square` (see [`maybe_squared`]).
pub fn one_input_squared(
    rng: &mut Rng,
    label: String,
    dims: &[usize],
    view: View,
    draw: Draw,
    square: bool,
    op: impl Fn(&Var<f64>) -> Result<Var<f64>> + 'static,
) -> Case {
    let label = squared_label(label, square);
    one_input(rng, &label, dims, view, draw, move |x| {
        maybe_squared(op(x)?, square)
    })
}

/// Views applied to an op's output, cycled over a family's cases: the op's backward then
/// receives an output gradient with the same strides (transposed, or negative along axis 0),
/// which is what backward kernels meet after a later transpose or flip.
pub const OUTPUT_VIEWS: [View; 3] = [View::Contiguous, View::Transposed, View::Flipped];

/// The label suffix of a view of an output of `rank`.
pub fn output_tag(view: View, rank: usize) -> String {
    match view.tag(rank) {
        "" => String::new(),
        tag => format!(", output{tag}"),
    }
}

/// The label of a case that squares its result when `square`.
pub fn squared_label(label: String, square: bool) -> String {
    if square {
        format!("({label})²")
    } else {
        label
    }
}
