//! # scalpel-nn
//!
//! Neural-network building blocks over scalpel-autograd, following chapters 4 and 5 of the book
//! (layers, the `add_layer` network, losses, initialisation, batch norm, dropout, saving and
//! loading parameters), with PyTorch's names and defaults.
//!
//! - [`Module`]: `forward(&self, x)`, named parameters (`0.weight`), named buffers
//!   (`1.running_mean`), sub-modules by name and by type (`downcast_ref`), train/eval mode,
//!   freezing, state dicts. [`Sequential`] chains layers the way the book's
//!   `NeuralNetwork.add_layer` does.
//! - Layers: [`Linear`], [`Conv1d`], [`Conv2d`], [`ConvTranspose2d`], [`NaiveConv2d`] (the
//!   book's direct loops), [`MaxPool2d`], [`AvgPool2d`], [`AdaptiveAvgPool2d`],
//!   [`GlobalAvgPool2d`], [`Flatten`], [`Dropout`], [`Dropout2d`], [`BatchNorm1d`],
//!   [`BatchNorm2d`], [`LayerNorm`]; activations [`ReLU`], [`LeakyReLU`],
//!   [`ELU`], [`GELU`], [`Sigmoid`], [`Tanh`], [`SiLU`], [`Softplus`], [`Softmax`],
//!   [`LogSoftmax`]. Each is generic over the element type (`f32` by default, `f64` for gradient
//!   checks).
//! - Losses with PyTorch's [`Reduction`]s: [`mse_loss`], [`l1_loss`], [`binary_cross_entropy`],
//!   [`binary_cross_entropy_with_logits`], [`cross_entropy`] (fused log-softmax + NLL),
//!   [`cross_entropy_soft`] (class probabilities as targets: mixup, distillation),
//!   [`nll_loss`], [`kl_div`], and the book's [`l2_penalty`]; class weights, label smoothing
//!   and an ignored class through [`cross_entropy_with`] (and [`nll_loss_with`]; weights and
//!   smoothing through [`cross_entropy_soft_with`]), element and positive-class weights
//!   through [`binary_cross_entropy_with_logits_with`].
//! - [`init`]: zeros, constant, uniform, normal, Xavier and Kaiming with PyTorch's fans and gains.
//! - [`state`]: [`StateDict`], safetensors files, name maps for PyTorch weights.
//! - [`functional`]: every layer and loss as a function of variables.
//!
//! Batch norm's training pass, softmax cross-entropy and binary cross-entropy are fused
//! operations with a hand-written backward (as the book writes each layer's backward), checked
//! against the composition of primitive operations and by finite differences.
//!
//! ```
//! use scalpel_autograd::Var;
//! use scalpel_nn::{cross_entropy, Linear, Module, ReLU, Reduction, Sequential};
//! use scalpel_tensor::{random::Rng, Tensor};
//!
//! let mut rng = Rng::seed(0);
//! let model = Sequential::new()
//!     .add(Linear::new(4, 16, &mut rng))
//!     .add(ReLU)
//!     .add(Linear::new(16, 3, &mut rng));
//! let x = Var::constant(rng.normal([8, 4], 0.0, 1.0).unwrap());
//! let y = Tensor::from_vec1(vec![0i64, 1, 2, 0, 1, 2, 0, 1]);
//! let loss = cross_entropy(&model.forward(&x).unwrap(), &y, Reduction::Mean).unwrap();
//! loss.backward().unwrap();
//! assert!(model.parameters().iter().all(|p| p.grad().is_some()));
//! ```

#![warn(missing_docs)]

mod activation;
mod buffer;
pub mod functional;
pub mod init;
mod layers;
pub mod loss;
mod module;
mod registry;
mod sequential;
pub mod state;

pub use activation::{
    elu, gelu, gelu_tanh, leaky_relu, log_softmax, relu, sigmoid, silu, softmax, softplus, tanh,
    GeluApproximation, LeakyReLU, LogSoftmax, ReLU, SiLU, Sigmoid, Softmax, Softplus, Tanh, ELU,
    GELU,
};
pub use buffer::{Buffer, BufferValue};
pub use layers::{
    AdaptiveAvgPool2d, AvgPool2d, BatchNorm, BatchNorm1d, BatchNorm2d, BatchNormConfig, BatchStats,
    Conv1d, Conv2d, ConvTranspose2d, Dropout, Dropout2d, Flatten, GlobalAvgPool2d, LayerNorm,
    Linear, MaxPool2d, NaiveConv2d,
};
pub use loss::{
    binary_cross_entropy, binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_with,
    cross_entropy, cross_entropy_soft, cross_entropy_soft_with, cross_entropy_with, kl_div,
    l1_loss, l2_penalty, mse_loss, nll_loss, nll_loss_with, BceWithLogitsOptions,
    CrossEntropyOptions, NllOptions, Reduction,
};
pub use module::{Module, TrainingFlag};
pub use registry::DIFFERENTIABLE_LAYERS;
pub use sequential::Sequential;
pub use state::{LoadReport, NameMap, StateDict, StateError, StateTensor};

/// The README's code blocks, compiled and run as doc tests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
