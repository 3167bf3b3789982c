//! # scalpel-nn
//!
//! Neural network building blocks: the `Module` trait, layers (Linear, Conv, BatchNorm, RNN/LSTM/GRU, …), activations, losses, initialisation and safetensors state dicts.
//!
//! Not built yet: see the crate README.
