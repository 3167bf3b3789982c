//! Matrix multiplication: 2-D, batched, broadcast batch dimensions, strided operands.

pub mod kernel;
