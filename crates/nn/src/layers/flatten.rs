//! [`Flatten`]: merges a range of axes into one (a CNN's feature maps into a vector).

use scalpel_autograd::{Result, Var};
use scalpel_tensor::Float;

use crate::module::Module;

/// Flattens axes `start_dim..=end_dim` into one; the default keeps the batch axis:
/// `(N, C, H, W)` → `(N, C·H·W)`. A view: nothing is copied for a contiguous input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flatten {
    start_dim: isize,
    end_dim: isize,
}

impl Flatten {
    /// Flattens every axis after the first (PyTorch's default `Flatten(1, -1)`).
    pub fn new() -> Self {
        Flatten {
            start_dim: 1,
            end_dim: -1,
        }
    }
    /// Flattens axes `start_dim..=end_dim` (negative counts from the end).
    pub fn with_dims(start_dim: isize, end_dim: isize) -> Self {
        Flatten { start_dim, end_dim }
    }
}

impl Default for Flatten {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Float> Module<T> for Flatten {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        x.flatten(self.start_dim, self.end_dim)
    }
}
