//! Gradient clipping, applied between `backward` and `step` (the book's `grad_clipping` and
//! `clip_grad_norm_nn`, §7.6, used against exploding gradients in RNNs).
//!
//! - [`clip_grad_norm`]: rescales all gradients together so that their global norm is at most
//!   `max_norm`.
//! - [`clip_grad_value`]: clamps every gradient element to `[-clip, clip]`.
//!
//! Parameters without a gradient are left alone. Both write the clipped gradients back with
//! [`Var::set_grad`](scalpel_autograd::Var::set_grad).

mod norm;
mod value;

pub use norm::clip_grad_norm;
pub use value::clip_grad_value;
