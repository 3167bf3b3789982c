//! # scalpel-autograd
//!
//! Reverse-mode automatic differentiation over scalpel-tensor, define-by-run like PyTorch and like
//! the computational graphs of the book (§1.3.5, §4.2.2).
//!
//! ```
//! use scalpel_autograd::Var;
//! use scalpel_tensor::Tensor;
//! let w = Var::parameter(Tensor::from_vec1(vec![1.0f64, 2.0]));
//! let x = Var::constant(Tensor::from_vec1(vec![3.0, 4.0]));
//! let loss = w.mul(&x).unwrap().sum_all().unwrap(); // w·x
//! loss.backward().unwrap();
//! assert_eq!(w.grad().unwrap().to_vec(), vec![3.0, 4.0]);
//! ```
//!
//! - [`Var`]: a tensor, its gradient and the node that made it. Operations return `Result`
//!   (shape errors of the kernels, and anomaly mode).
//! - [`Var::backward`] walks the graph iteratively (no recursion: deep graphs cannot overflow
//!   the stack) and frees it unless told to retain it; [`grad`] is the functional form, and with
//!   `create_graph` gradients are differentiable again (higher-order derivatives);
//!   [`grad_with`] takes `retain_graph` on its own.
//! - [`no_grad`] turns recording off; [`detect_anomaly`] turns NaN/∞ into errors naming the op.
//! - [`gradcheck()`] and [`gradgradcheck()`] compare analytic gradients with central differences.

#![warn(missing_docs)]

mod backward;
mod backward_index;
pub mod custom;
mod dot;
mod engine;
pub mod error;
pub mod grad_mode;
pub mod gradcheck;
mod op;
mod ops;
mod registry;
mod var;

pub use custom::CustomOp;
pub use engine::{grad, grad_with, BackwardOptions};
pub use error::{AutogradError, Result};
pub use grad_mode::{detect_anomaly, is_grad_enabled, no_grad, set_grad_enabled, with_no_grad};
pub use gradcheck::{gradcheck, gradgradcheck, GradcheckOptions, GradcheckReport};
pub use registry::DIFFERENTIABLE_OPS;
pub use var::{live_nodes, Hook, Var};

/// The README's code blocks, compiled and run as doc tests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
