//! Integration tests of scalpel-models, one module per area, built as a single test binary.

mod cnn;
mod trainer;
