//! # scalpel
//!
//! A deep learning library written from zero in Rust, following the book "Anatomy of Deep
//! Learning Principles: writing a deep learning library from scratch". This facade re-exports
//! the layered crates; pick a single crate instead when you need only one layer:
//!
//! | crate | what it holds |
//! |---|---|
//! | [`tensor`] (`scalpel-tensor`) | n-d strided tensors and every numeric kernel |
//! | [`autograd`] (`scalpel-autograd`) | reverse-mode automatic differentiation, gradcheck |
//! | [`nn`] (`scalpel-nn`) | modules, layers, losses, initialisation, state dicts |
//! | [`optim`] (`scalpel-optim`) | optimizers, schedules, gradient clipping |
//! | [`data`] (`scalpel-data`) | datasets, loaders, file formats |
//! | [`models`] (`scalpel-models`) | the book's models and the Trainer |
//!
//! ```
//! use scalpel::prelude::*;
//! let x = Tensor::from_vec(vec![1.0f32, -2.0, 3.0], [3]).unwrap();
//! assert_eq!(x.relu().to_vec(), vec![1.0, 0.0, 3.0]);
//! ```

#![warn(missing_docs)]

pub use scalpel_autograd as autograd;
pub use scalpel_data as data;
pub use scalpel_models as models;
pub use scalpel_nn as nn;
pub use scalpel_optim as optim;
pub use scalpel_tensor as tensor;

/// The names most programs need, in one import: `use scalpel::prelude::*;`.
pub mod prelude {
    pub use scalpel_autograd::{grad, no_grad, AutogradError, BackwardOptions, Var};
    pub use scalpel_models::{Mlp, Trainer};
    pub use scalpel_nn::{Module, Sequential};
    pub use scalpel_optim::{clip_grad_norm, Adam, AdamW, LrScheduler, Optimizer, Sgd};
    pub use scalpel_tensor::random::Rng;
    pub use scalpel_tensor::{DType, Element, Float, Numeric, Shape, Tensor, TensorError};
}
