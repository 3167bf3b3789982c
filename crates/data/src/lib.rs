//! # scalpel-data
//!
//! Datasets and loaders: the `Dataset` trait, `DataLoader` with seeded shuffling and prefetch, MNIST/Fashion-MNIST IDX and CSV readers, transforms and synthetic data generators.
//!
//! Not built yet: see the crate README.
