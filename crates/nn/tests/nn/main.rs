//! Integration tests of scalpel-nn, one module per area, built as a single test binary.

mod activations;
mod batch_norm;
mod cnn_layers;
mod common;
mod conv_pool;
mod cross_entropy_soft;
mod dropout;
mod init;
mod interop;
mod layer_norm;
mod linear;
mod losses;
mod module;
mod registry;
mod state;
