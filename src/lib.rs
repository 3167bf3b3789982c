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
///
/// Enough to build a model, train it with the [`Trainer`](scalpel_models::Trainer) or by hand,
/// and save it:
///
/// ```
/// use scalpel::prelude::*;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut rng = Rng::seed(0);
/// // y = 2x − 1 on 64 points, learned by one linear layer.
/// let x = rng.uniform([64, 1], -1.0f32, 1.0)?;
/// let y = x.mul_scalar(2.0).add_scalar(-1.0);
/// let loader = DataLoader::new(TensorDataset::new(x, y)?, 16)?;
/// let mut model = Sequential::new();
/// model.push(Linear::new(1, 1, &mut rng));
/// let opt = Sgd::new(model.parameters(), SgdConfig { lr: 0.1, ..Default::default() })?;
/// let mut trainer = Trainer::new(&model, opt, MSELoss)
///     .epochs(100)
///     .progress(Progress::Silent);
/// let history = trainer.fit(&loader, None)?;
/// assert!(history.last().unwrap().train_loss < 1e-4);
/// let weights: StateDict = model.state_dict();
/// assert_eq!(weights.get("0.weight").unwrap().shape().dims(), &[1, 1]);
/// # Ok(())
/// # }
/// ```
pub mod prelude {
    pub use scalpel_autograd::{grad, no_grad, AutogradError, BackwardOptions, Var};
    pub use scalpel_data::{DataLoader, Dataset, TensorDataset};
    pub use scalpel_models::{
        BCEWithLogitsLoss, CrossEntropyLoss, EarlyStopping, MSELoss, Mlp, Progress, Trainer,
    };
    pub use scalpel_nn::{
        cross_entropy, mse_loss, BatchNorm1d, BatchNorm2d, Conv2d, Dropout, Flatten, Linear,
        MaxPool2d, Module, ReLU, Reduction, Sequential, Sigmoid, StateDict, Tanh,
    };
    pub use scalpel_optim::{
        clip_grad_norm, Adam, AdamConfig, AdamW, AdamWConfig, LrScheduler, Optimizer, Sgd,
        SgdConfig,
    };
    pub use scalpel_tensor::random::Rng;
    pub use scalpel_tensor::{DType, Element, Float, Numeric, Shape, Tensor, TensorError};
}
