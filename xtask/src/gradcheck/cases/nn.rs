//! The layers, activations and losses of scalpel-nn, one entry per name of
//! `scalpel_nn::DIFFERENTIABLE_LAYERS`, all checked in f64 and to second order.
//!
//! A layer with parameters is checked through its functional form, with the input and every
//! parameter as inputs of the case, and once more as a module (`f64` parameters drawn when the
//! case is made) for the gradient of its input: the module's own parameters are leaves of its
//! own, which finite differences of the case's inputs cannot reach. Stateful layers are
//! re-created at every evaluation, so that each one sees the same batch-norm parameters and the
//! same dropout mask.
//!
//! The fused operations (softmax cross-entropy, batch norm in training, binary cross-entropy)
//! are checked against the composition of primitive operations, in values and gradients, by
//! scalpel-nn's own tests (`tests/nn/losses.rs`, `tests/nn/cross_entropy_soft.rs`,
//! `tests/nn/batch_norm.rs`); here they meet finite differences.

mod conv;
mod layers;
mod losses;
mod norm;

use scalpel_autograd::{Result, Var};
use scalpel_nn::{
    LeakyReLU, LogSoftmax, Module, ReLU, SiLU, Sigmoid, Softmax, Softplus, Tanh,
    DIFFERENTIABLE_LAYERS, ELU, GELU,
};
use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

use super::super::sample::{self, fmt_dims, View};
use super::super::{Case, Entry};
use super::{any_shape, one_input, Draw};

/// The names these entries are checked against.
pub const LISTED: &[&str] = DIFFERENTIABLE_LAYERS;

/// Every entry of this family: layers, activations, losses.
pub fn entries() -> Vec<Entry> {
    let mut entries = layers::entries();
    entries.extend(conv::entries());
    entries.extend(norm::entries());
    entries.extend(activations());
    entries.extend(losses::entries());
    entries
}

/// The activation layers, applied as modules. Each is smooth away from the points sampled
/// around (0 for the piecewise ones), so all are checked to second order.
fn activations() -> Vec<Entry> {
    vec![
        Entry::gradgrad("ReLU", |rng| {
            any_shape(rng, "ReLU", away_from_zero, |x| ReLU.forward(x))
        }),
        Entry::gradgrad("LeakyReLU", |rng| {
            let mut cases = any_shape(rng, "LeakyReLU(0.01)", away_from_zero, |x| {
                LeakyReLU::default().forward(x)
            });
            // The book's slope.
            cases.extend(any_shape(rng, "LeakyReLU(0.2)", away_from_zero, |x| {
                LeakyReLU::new(0.2).forward(x)
            }));
            cases
        }),
        Entry::gradgrad("ELU", |rng| {
            // α = 1 is C¹ at 0 but its second derivative jumps there; α = 0.5 has a kink.
            let mut cases = any_shape(rng, "ELU(1)", away_from_zero, |x| ELU::default().forward(x));
            cases.extend(any_shape(rng, "ELU(0.5)", away_from_zero, |x| {
                ELU::new(0.5).forward(x)
            }));
            cases
        }),
        Entry::gradgrad("GELU", |rng| {
            let mut cases = any_shape(rng, "GELU", wide, |x| GELU::new().forward(x));
            cases.extend(any_shape(rng, "GELU tanh", wide, |x| {
                GELU::tanh().forward(x)
            }));
            cases
        }),
        Entry::gradgrad("Sigmoid", |rng| {
            any_shape(rng, "Sigmoid", wide, |x| Sigmoid.forward(x))
        }),
        Entry::gradgrad("Tanh", |rng| {
            any_shape(rng, "Tanh", wide, |x| Tanh.forward(x))
        }),
        Entry::gradgrad("SiLU", |rng| {
            any_shape(rng, "SiLU", wide, |x| SiLU.forward(x))
        }),
        Entry::gradgrad("Softplus", |rng| {
            any_shape(rng, "Softplus", wide, |x| Softplus.forward(x))
        }),
        Entry::gradgrad("Softmax", |rng| {
            along_axes(rng, "Softmax", |dim, x| Softmax::new(dim).forward(x))
        }),
        Entry::gradgrad("LogSoftmax", |rng| {
            along_axes(rng, "LogSoftmax", |dim, x| LogSoftmax::new(dim).forward(x))
        }),
    ]
}

/// An activation along one axis, over ranks 1 to 4, the first, a middle and the last axis,
/// contiguous and not.
fn along_axes(
    rng: &mut Rng,
    label: &str,
    f: fn(isize, &Var<f64>) -> Result<Var<f64>>,
) -> Vec<Case> {
    // (rank, axis, view; `None` for a random one)
    let plan: [(usize, isize, Option<View>); 5] = [
        (1, 0, Some(View::Flipped)),
        (2, 1, Some(View::Contiguous)),
        (2, 0, Some(View::Transposed)),
        (3, -1, Some(View::Strided)),
        (4, 2, None),
    ];
    plan.into_iter()
        .map(|(rank, dim, view)| {
            let dims = sample::dims(rng, rank, 1, 4);
            let view = view.unwrap_or_else(|| View::pick(rng));
            one_input(
                rng,
                &format!("{label}(dim {dim})"),
                &dims,
                view,
                wide,
                move |x| f(dim, x),
            )
        })
        .collect()
}

/// [−3, 3): activations whose interesting region is wider than [−2, 2).
fn wide(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    sample::uniform(rng, dims, -3.0, 3.0)
}

/// [−2, 2) at least 0.1 from 0, where the piecewise activations have their kink.
fn away_from_zero(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    sample::avoiding(rng, dims, -2.0, 2.0, &[0.0], 0.1)
}

/// One input of a case: its dimensions, the view the function sees and how it is drawn.
pub struct Input {
    dims: Vec<usize>,
    view: View,
    draw: Draw,
}

impl Input {
    /// An input of `dims`, stored and viewed as `view`, drawn by `draw`.
    pub fn new(dims: &[usize], view: View, draw: Draw) -> Input {
        Input {
            dims: dims.to_vec(),
            view,
            draw,
        }
    }
}

/// A case over `inputs`, each drawn by its own distribution; `f` receives the views.
pub fn drawn(
    rng: &mut Rng,
    label: &str,
    inputs: &[Input],
    f: impl Fn(&[Var<f64>]) -> Result<Var<f64>> + 'static,
) -> Case {
    let tensors = inputs
        .iter()
        .map(|i| (i.draw)(rng, &i.view.stored_dims(&i.dims)))
        .collect();
    let views: Vec<View> = inputs.iter().map(|i| i.view).collect();
    let shapes: Vec<String> = inputs
        .iter()
        .map(|i| format!("{}{}", fmt_dims(&i.dims), i.view.tag(i.dims.len())))
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
