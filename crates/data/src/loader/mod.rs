//! [`DataLoader`]: mini-batches of a [`Dataset`], with seeded per-epoch shuffling, `drop_last`
//! and a background prefetch thread.

mod batches;
mod order;

use std::sync::Arc;

pub use batches::Batches;
pub use order::epoch_seed;

use crate::dataset::Dataset;
use crate::error::{DataError, Result};
use order::{batch_count, epoch_order, EpochPlan};

/// Batches waiting in the prefetch channel unless [`DataLoader::prefetch`] says otherwise.
pub const DEFAULT_PREFETCH: usize = 2;

/// Mini-batches of a data set, like PyTorch's `DataLoader`.
///
/// - **Batches** hold `batch_size` samples stacked along a new first axis; the last one is
///   shorter unless [`drop_last`](Self::drop_last) is set (the book's `data_iterator` drops it).
/// - **Shuffling** is off by default (the book's `train_nn` does not shuffle). With
///   [`shuffle(seed)`](Self::shuffle), epoch `e` visits the samples in a permutation drawn from a
///   generator seeded with [`epoch_seed`]`(seed, e)`: the same seed gives the same orders, each
///   epoch a different one, and a run resumed at epoch `e` sees exactly the order an
///   uninterrupted run would have.
/// - **Prefetch**: by default a background thread builds up to [`DEFAULT_PREFETCH`] batches
///   ahead of the training loop, so loading overlaps compute. `prefetch(0)` builds each batch
///   on the calling thread; both give identical batches.
///
/// ```
/// use scalpel_data::{DataLoader, TensorDataset};
/// use scalpel_tensor::Tensor;
/// let x = Tensor::from_fn([10, 3], |i| i as f32);
/// let y = Tensor::from_fn([10], |i| (i % 2) as i64);
/// let loader = DataLoader::new(TensorDataset::new(x, y)?, 4)?.shuffle(7);
/// assert_eq!(loader.len(), 3);                 // 4 + 4 + 2
/// for epoch in 0..2 {
///     for batch in loader.epoch(epoch) {
///         let (bx, by) = batch?;
///         assert_eq!(bx.dims()[1], 3);
///         assert_eq!(bx.dims()[0], by.dims()[0]);
///     }
/// }
/// # Ok::<(), scalpel_data::DataError>(())
/// ```
#[derive(Debug)]
pub struct DataLoader<D: Dataset> {
    dataset: Arc<D>,
    batch_size: usize,
    shuffle_seed: Option<u64>,
    drop_last: bool,
    prefetch: usize,
}

impl<D: Dataset> Clone for DataLoader<D> {
    fn clone(&self) -> Self {
        DataLoader {
            dataset: Arc::clone(&self.dataset),
            ..*self
        }
    }
}

impl<D: Dataset + 'static> DataLoader<D> {
    /// A loader of `dataset` in batches of `batch_size`, unshuffled, keeping the last partial
    /// batch, prefetching [`DEFAULT_PREFETCH`] batches.
    ///
    /// # Errors
    /// [`DataError::InvalidArgument`] when `batch_size` is 0.
    pub fn new(dataset: D, batch_size: usize) -> Result<Self> {
        Self::from_arc(Arc::new(dataset), batch_size)
    }

    /// Like [`new`](Self::new) for a data set shared with other loaders or threads.
    ///
    /// # Errors
    /// [`DataError::InvalidArgument`] when `batch_size` is 0.
    pub fn from_arc(dataset: Arc<D>, batch_size: usize) -> Result<Self> {
        if batch_size == 0 {
            return Err(DataError::arg(
                "DataLoader::new",
                "batch size must be at least 1",
            ));
        }
        Ok(DataLoader {
            dataset,
            batch_size,
            shuffle_seed: None,
            drop_last: false,
            prefetch: DEFAULT_PREFETCH,
        })
    }

    /// Shuffles every epoch with a permutation derived from `(seed, epoch)`.
    pub fn shuffle(mut self, seed: u64) -> Self {
        self.shuffle_seed = Some(seed);
        self
    }

    /// Drops (`true`) or keeps (`false`, the default) the last batch when it is not full.
    pub fn drop_last(mut self, drop_last: bool) -> Self {
        self.drop_last = drop_last;
        self
    }

    /// Builds up to `depth` batches ahead on a background thread; 0 builds each batch on the
    /// thread that asks for it.
    pub fn prefetch(mut self, depth: usize) -> Self {
        self.prefetch = depth;
        self
    }

    /// The data set.
    pub fn dataset(&self) -> &D {
        &self.dataset
    }

    /// Samples per (full) batch.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// Batches per epoch: ⌈N / batch_size⌉, or ⌊N / batch_size⌋ with `drop_last`.
    pub fn len(&self) -> usize {
        batch_count(self.dataset.len(), self.batch_size, self.drop_last)
    }

    /// True when an epoch has no batch.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The order in which epoch `epoch` visits the sample indices (before cutting into batches
    /// and dropping any partial batch).
    pub fn order(&self, epoch: u64) -> Vec<usize> {
        epoch_order(self.dataset.len(), self.shuffle_seed, epoch)
    }

    /// The batches of epoch `epoch` (counting from 0).
    pub fn epoch(&self, epoch: u64) -> Batches<D> {
        let plan = EpochPlan::new(self.order(epoch), self.batch_size, self.drop_last);
        Batches::new(Arc::clone(&self.dataset), plan, self.prefetch)
    }
}
