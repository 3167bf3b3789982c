//! # scalpel-data
//!
//! Data for training: the [`Dataset`] trait and [`TensorDataset`], the [`DataLoader`] (batches,
//! seeded per-epoch shuffling, `drop_last`, background prefetch), readers of real formats
//! (MNIST / Fashion-MNIST IDX files gzipped or not, CSV, the book's data files), transforms
//! (train/validation split, standardisation, min-max scaling, one-hot) and seeded synthetic
//! data (linear, blobs, moons, the book's spiral, sine waves). Depends only on
//! `scalpel-tensor`.
//!
//! ```
//! use scalpel_data::{synthetic, DataLoader, TensorDataset};
//! use scalpel_tensor::Rng;
//!
//! let (x, y) = synthetic::spiral(100, 3, &mut Rng::seed(0))?;   // [300, 2], [300]
//! let (train, val) = TensorDataset::new(x, y)?.train_val_split(0.2, 1)?;
//! let loader = DataLoader::new(train, 32)?.shuffle(42);
//! for epoch in 0..2 {
//!     for batch in loader.epoch(epoch) {
//!         let (bx, by) = batch?;                                  // [≤32, 2] f32, [≤32] i64
//!         assert_eq!(bx.dims()[0], by.dims()[0]);
//!     }
//! }
//! # let _ = val;
//! # Ok::<(), scalpel_data::DataError>(())
//! ```
//!
//! ## Where data lives
//! Real data sets are read from the folder named by `SCALPEL_DATA_DIR` (default `./data`); see
//! [`data_dir`] for the layout and for the policy of tests that need real data.
//!
//! ## Errors
//! See [`error`]: everything that reads files or bytes returns a typed [`DataError`] saying what
//! was expected and what was found, and never panics on bad input.

#![warn(missing_docs)]

pub mod data_dir;
mod dataset;
pub mod error;
pub mod formats;
pub mod loader;
pub mod synthetic;
mod tensor_dataset;
pub mod transforms;

pub use dataset::{Dataset, Sample};
pub use error::{DataError, Result};
pub use formats::mnist::{self, Mnist, Split};
pub use loader::{Batches, DataLoader};
pub use tensor_dataset::TensorDataset;

/// The README's code blocks, compiled and run as doc tests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
