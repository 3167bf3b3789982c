//! # scalpel-tensor
//!
//! n-dimensional strided tensors and every numeric kernel of scalpel: element-wise maths with
//! numpy broadcasting, reductions, matrix multiplication (through the `gemm` crate),
//! convolution and pooling kernels, indexing, and seeded random numbers. No autograd here — that
//! is `scalpel-autograd`, built on top.
//!
//! ```
//! use scalpel_tensor::Tensor;
//! let a = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], [2, 3]).unwrap();
//! let b = a.t();                        // a view: no copy
//! assert_eq!(b.dims(), &[3, 2]);
//! assert_eq!(b.to_vec(), vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
//! ```
//!
//! ## Storage and views
//! A [`Tensor`] is an `Arc`-shared buffer plus a [`Layout`] (shape, strides, offset). Views
//! (`reshape` where possible, `transpose`, `permute`, `narrow`, `slice`, `squeeze`, `unsqueeze`,
//! `expand`, `flip`) copy nothing. Every operation accepts non-contiguous input.
//!
//! ## Errors
//! See [`error`] for the one policy applied everywhere: shape-dependent operations return
//! [`Result`] with a [`TensorError`] naming the operation and the shapes.
//!
//! ## Parallelism
//! Kernels use rayon only above a size threshold, so that small tensors pay no thread-pool
//! overhead.

#![warn(missing_docs)]

mod accumulate;
pub mod buffer_cache;
mod display;
pub mod element;
pub mod error;
pub mod layout;
pub mod ops;
pub mod parallel;
pub mod random;
mod serde_impl;
pub mod shape;
mod tensor;
mod view;

pub use element::{DType, Element, Float, Numeric};
pub use error::{Result, TensorError};
pub use layout::Layout;
pub use random::Rng;
pub use shape::Shape;
pub use tensor::Tensor;

/// The README's code blocks, compiled and run as doc tests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
