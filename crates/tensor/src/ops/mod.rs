//! Operations, one folder per family.

pub mod elementwise;
pub mod matmul;
