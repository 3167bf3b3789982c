//! Forward operations on [`Var`](crate::Var), one file per family like scalpel-tensor's ops.
//! Each computes its value with the tensor kernel and records an [`Op`](crate::op::Op); the
//! matching backward rule is in `backward.rs`.

mod conv;
mod diagonal;
mod einsum;
mod elementwise;
mod index;
mod matmul;
mod pool;
mod reduce;
mod sort;
mod triangle;
mod view;
