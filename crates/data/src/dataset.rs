//! The [`Dataset`] trait: a fixed number of samples, each an (input, target) pair of tensors.

use scalpel_tensor::{Element, Tensor};

use crate::error::{DataError, Result};

/// One sample, or one batch of samples: (input, target).
pub type Sample<X, Y> = (Tensor<X>, Tensor<Y>);

/// A data set of `len()` samples addressed by index, like PyTorch's map-style `Dataset`.
///
/// A sample is an (input, target) pair of tensors, e.g. an image `[28, 28]` and a class label
/// `[]`. [`get_batch`](Dataset::get_batch) gathers several samples into one batch whose first
/// axis is the batch; the default stacks the samples [`get`](Dataset::get) returns, and data
/// sets that hold whole tensors (such as [`TensorDataset`](crate::TensorDataset)) override it
/// with a faster row copy.
///
/// Data sets are `Send + Sync` so that a [`DataLoader`](crate::DataLoader) can build batches on a
/// background thread.
pub trait Dataset: Send + Sync {
    /// Element type of the inputs (f32 for images and features).
    type Input: Element;
    /// Element type of the targets (i64 for class labels, f32 for regression).
    type Target: Element;

    /// The number of samples.
    fn len(&self) -> usize;

    /// True when there are no samples.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Sample `index`.
    ///
    /// # Errors
    /// [`DataError::IndexOutOfRange`] when `index >= len()`; a data set that reads lazily may
    /// also return its read errors.
    fn get(&self, index: usize) -> Result<Sample<Self::Input, Self::Target>>;

    /// The samples at `indices`, stacked along a new first axis: inputs `[B, …]` and targets
    /// `[B, …]` with `B = indices.len()`.
    ///
    /// # Errors
    /// As [`get`](Dataset::get); [`DataError::Tensor`] when samples differ in shape;
    /// [`DataError::InvalidArgument`] for an empty `indices`.
    fn get_batch(&self, indices: &[usize]) -> Result<Sample<Self::Input, Self::Target>> {
        if indices.is_empty() {
            return Err(DataError::arg(
                "get_batch",
                "no indices: a batch needs samples",
            ));
        }
        let samples = indices
            .iter()
            .map(|&i| self.get(i))
            .collect::<Result<Vec<_>>>()?;
        let xs: Vec<&Tensor<Self::Input>> = samples.iter().map(|(x, _)| x).collect();
        let ys: Vec<&Tensor<Self::Target>> = samples.iter().map(|(_, y)| y).collect();
        Ok((Tensor::stack(&xs, 0)?, Tensor::stack(&ys, 0)?))
    }
}

/// Checks that `index` addresses one of `len` samples.
pub(crate) fn check_index(op: &'static str, index: usize, len: usize) -> Result<()> {
    if index < len {
        Ok(())
    } else {
        Err(DataError::IndexOutOfRange { op, index, len })
    }
}
