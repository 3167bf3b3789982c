//! Readers of real file formats: gzip, IDX (MNIST, Fashion-MNIST), CSV, and the book's files.
//!
//! Every reader has two entry points: one taking a path, and one parsing bytes already in
//! memory under a label that error messages use in place of the file name. Both return typed
//! errors — truncated or corrupt input is never a panic.

pub mod book;
pub mod csv;
pub mod gzip;
pub mod idx;
pub mod mnist;
