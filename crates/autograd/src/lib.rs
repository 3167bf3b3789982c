//! # scalpel-autograd
//!
//! Reverse-mode automatic differentiation over scalpel-tensor: `Var`, define-by-run graphs, `backward`, higher-order gradients, and `gradcheck` against finite differences.
//!
//! Not built yet: see the crate README.
