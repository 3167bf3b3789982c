//! Layers, one family per file: fully connected, convolution, pooling, normalisation,
//! dropout, flatten.

mod conv;
mod dropout;
mod flatten;
mod linear;
mod norm;
mod pool;

pub use conv::Conv2d;
pub use dropout::{dropout, Dropout};
pub use flatten::Flatten;
pub use linear::{linear, Linear};
pub use norm::{
    batch_norm_eval, batch_norm_train, layer_norm, BatchNorm, BatchNorm1d, BatchNorm2d,
    BatchNormConfig, BatchStats, LayerNorm,
};
pub use pool::{AvgPool2d, MaxPool2d};
