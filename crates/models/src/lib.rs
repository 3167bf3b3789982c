//! # scalpel-models
//!
//! The book's models and the loop that trains them:
//!
//! - Chapter 3: [`LinearRegression`] (normal equation through a small f64 solver,
//!   [`linalg::solve`], and gradient descent), [`LogisticRegression`], [`SoftmaxRegression`],
//!   and [`features::polynomial_features`].
//! - Chapters 4–5: [`Mlp`], a builder of fully connected networks (sizes, activation, optional
//!   batch norm and dropout) that returns an nn [`Sequential`](scalpel_nn::Sequential).
//! - Chapter 6: [`cnn`] — LeNet-5, the book's small CNN, and VGG, ResNet, Inception and NiN
//!   blocks with a small model each.
//! - [`Trainer`]: epochs over a [`DataLoader`](scalpel_data::DataLoader), a progress bar with
//!   loss, accuracy and samples/s, validation each epoch, [`EarlyStopping`], checkpoints that
//!   resume bit for bit, a metrics CSV and loss/accuracy curves as SVG ([`plot`]).
//! - [`recipes`]: the trainings of the examples and of `cargo xtask train-suite` (spiral,
//!   food truck, MNIST, Fashion-MNIST), one function each, so both run the same code.
//!
//! ```
//! use scalpel_data::{synthetic, DataLoader, TensorDataset};
//! use scalpel_models::{evaluate, CrossEntropyLoss, Mlp, Progress, Trainer};
//! use scalpel_nn::Module;
//! use scalpel_optim::{Adam, AdamConfig};
//! use scalpel_tensor::Rng;
//!
//! let mut rng = Rng::seed(0);
//! let (x, y) = synthetic::spiral(100, 3, &mut rng)?;
//! let data = TensorDataset::new(x, y)?;
//! let loader = DataLoader::new(data, 32)?.shuffle(7);
//! let model = Mlp::new(&[2, 64, 3]).build::<f32>(&mut rng)?;
//! let opt = Adam::new(model.parameters(), AdamConfig { lr: 0.01, ..Default::default() })?;
//! Trainer::new(&model, opt, CrossEntropyLoss)
//!     .epochs(20)
//!     .progress(Progress::Silent)
//!     .fit(&loader, None)?;
//! let result = evaluate(&model, &CrossEntropyLoss, &loader)?;
//! assert!(result.accuracy.unwrap() > 0.6);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Errors
//! One type, [`ModelsError`]; see [`error`].

#![warn(missing_docs)]

pub mod cnn;
pub mod error;
pub mod features;
mod io;
pub mod linalg;
mod mlp;
pub mod plot;
pub mod recipes;
mod regression;
pub mod trainer;

pub use error::{ModelsError, Result};
pub use mlp::{Activation, Mlp, ResumableDropout};
pub use regression::{
    GradientDescent, GradientDescentReport, LinearRegression, LogisticRegression, SoftmaxRegression,
};
pub use trainer::{
    evaluate, BCEWithLogitsLoss, Criterion, CrossEntropyLoss, EarlyStopping, EpochMetrics,
    Evaluation, History, MSELoss, Monitor, Progress, Trainer,
};

/// The README's code blocks, compiled and run as doc tests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
