//! # scalpel-models
//!
//! The book's models (linear/logistic/softmax regression, MLP, CNNs, RNN language models, autoencoders, GANs) and the `Trainer` fit/evaluate loop.
//!
//! Not built yet: see the crate README.
