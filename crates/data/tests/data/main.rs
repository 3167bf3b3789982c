//! Integration tests of scalpel-data, one module per area, built as a single test binary.

mod augment;
mod common;
mod csv;
mod fuzz;
mod idx;
mod loader;
mod real_data;
mod synthetic;
mod transforms;
