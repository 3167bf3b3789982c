//! What the convolution layers of this folder share: PyTorch's default initialisation of their
//! weights and biases, the checks of weights and biases given by the user, and their parameter
//! names.

use scalpel_autograd::{Result, Var};
use scalpel_tensor::random::Rng;
use scalpel_tensor::{Float, Tensor, TensorError};

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

/// Panics unless `groups` is positive and divides both channel counts (the constructors
/// document this panic).
pub(crate) fn assert_groups(op: &str, groups: usize, in_channels: usize, out_channels: usize) {
    assert!(
        groups > 0 && in_channels.is_multiple_of(groups) && out_channels.is_multiple_of(groups),
        "{op}: groups {groups} must divide in_channels {in_channels} and out_channels {out_channels}"
    );
}

/// A user-given weight and bias as parameters, after checking that the weight has `rank`
/// dimensions (laid out as `layout` says) and that the bias, if any, is `(out_channels(weight),)`.
///
/// # Errors
/// A weight of another rank or a bias of another shape, naming `op`.
pub(crate) fn checked_parameters<T: Float>(
    op: &'static str,
    (weight, layout, rank): (Tensor<T>, &str, usize),
    bias: Option<Tensor<T>>,
    out_channels: impl Fn(&[usize]) -> usize,
) -> Result<(Var<T>, Option<Var<T>>)> {
    if weight.rank() != rank {
        return Err(
            TensorError::shape(op, weight.shape(), format!("weight must be {layout}")).into(),
        );
    }
    let c_out = out_channels(weight.dims());
    if let Some(b) = &bias {
        if b.dims() != [c_out] {
            return Err(TensorError::mismatch(
                op,
                weight.shape(),
                b.shape(),
                format!("bias must be (C_out,) = ({c_out},)"),
            )
            .into());
        }
    }
    Ok((Var::parameter(weight), bias.map(Var::parameter)))
}
