//! Operations, one folder per family.

pub mod conv;
pub mod elementwise;
pub mod index;
pub mod matmul;
pub mod pool;
pub mod reduce;
