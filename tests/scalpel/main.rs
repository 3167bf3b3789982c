//! Integration tests of the `scalpel` facade crate, one module per area, built as a single test
//! binary.

mod book_losses;
mod facade;
mod interop_lenet5;
mod interop_mlp_bn;
