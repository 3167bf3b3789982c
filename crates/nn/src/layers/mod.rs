//! Layers, one family per file: fully connected, convolution, pooling, normalisation,
//! dropout, flatten.

mod adaptive_pool;
mod conv;
mod conv1d;
mod conv_init;
mod conv_transpose;
mod dropout;
mod dropout2d;
mod flatten;
mod linear;
mod naive_conv;
mod norm;
mod pool;

pub use adaptive_pool::{global_avg_pool2d, AdaptiveAvgPool2d, GlobalAvgPool2d};
pub use conv::Conv2d;
pub use conv1d::Conv1d;
pub use conv_transpose::ConvTranspose2d;
pub use dropout::{dropout, Dropout};
pub use dropout2d::{dropout2d, Dropout2d};
pub use flatten::Flatten;
pub use linear::{linear, Linear};
pub use naive_conv::{naive_conv2d, NaiveConv2d};
pub use norm::{
    batch_norm_eval, batch_norm_train, layer_norm, BatchNorm, BatchNorm1d, BatchNorm2d,
    BatchNormConfig, BatchStats, LayerNorm,
};
pub use pool::{AvgPool2d, MaxPool2d};
