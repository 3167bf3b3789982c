//! Operations, one folder per family.

pub mod conv;
mod diagonal;
pub mod einsum;
pub mod elementwise;
#[cfg(target_arch = "x86_64")]
mod f32_slices;
pub mod index;
pub mod matmul;
pub mod pool;
pub mod reduce;
mod scan;
mod sort;
pub mod triangle;
pub mod unique;
