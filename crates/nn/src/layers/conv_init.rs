//! PyTorch's default initialisation of convolution weights and biases, shared by the
//! convolution layers of this folder.

use scalpel_autograd::Var;
use scalpel_tensor::random::Rng;
use scalpel_tensor::Float;

use crate::init::{self, FanMode, Nonlinearity};

/// A weight of `shape` drawn Kaiming uniform with a = √5 (bound 1/√fan_in, fan_in = `shape[1]`
/// times the kernel size), and, when `bias`, a bias of `bias_len` drawn from U(±1/√fan_in) —
/// what PyTorch's `_ConvNd.reset_parameters` does, for ordinary and transposed convolutions.
pub(crate) fn conv_parameters<T: Float>(
    shape: &[usize],
    bias_len: usize,
    bias: bool,
    rng: &mut Rng,
) -> (Var<T>, Option<Var<T>>) {
    let weight = init::kaiming_uniform::<T>(
        shape,
        FanMode::FanIn,
        Nonlinearity::LeakyReLU(5f64.sqrt()),
        rng,
    )
    .expect("a convolution weight has at least 3 dimensions and a finite bound");
    let fan_in: usize = shape[1..].iter().product();
    let bound = if fan_in > 0 {
        1.0 / (fan_in as f64).sqrt()
    } else {
        0.0
    };
    let bias = bias.then(|| {
        Var::parameter(
            init::uniform::<T>([bias_len], -bound, bound, rng)
                .expect("±1/√fan_in is a finite, ordered range"),
        )
    });
    (Var::parameter(weight), bias)
}

/// The parameters `weight` and, if present, `bias`, as [`Module::local_parameters`] lists them.
///
/// [`Module::local_parameters`]: crate::Module::local_parameters
pub(crate) fn named<T: Float>(weight: &Var<T>, bias: Option<&Var<T>>) -> Vec<(String, Var<T>)> {
    let mut p = vec![("weight".to_string(), weight.clone())];
    if let Some(b) = bias {
        p.push(("bias".to_string(), b.clone()));
    }
    p
}
