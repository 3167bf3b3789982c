//! Normalisation layers: batch norm (fused, with running statistics) and layer norm.

mod batch_norm;
mod batch_norm_fn;
mod layer_norm;

pub use batch_norm::{BatchNorm, BatchNorm1d, BatchNorm2d, BatchNormConfig};
pub use batch_norm_fn::{batch_norm_eval, batch_norm_train, BatchStats};
pub use layer_norm::{layer_norm, LayerNorm};
