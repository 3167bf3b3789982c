//! [`Batches`]: the iterator over one epoch, building batches on the calling thread or on a
//! background prefetch thread.

use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::thread::JoinHandle;

use super::order::EpochPlan;
use crate::dataset::{Dataset, Sample};
use crate::error::{DataError, Result};

type BatchOf<D> = Sample<<D as Dataset>::Input, <D as Dataset>::Target>;

/// The batches of one epoch, in order, each `Ok((inputs [B, …], targets [B, …]))`.
///
/// After an error the iterator ends. Dropping it early stops its prefetch thread.
pub struct Batches<D: Dataset> {
    source: Source<D>,
    next: usize,
    total: usize,
    done: bool,
}

enum Source<D: Dataset> {
    /// Each batch is built when `next()` is called.
    Inline { dataset: Arc<D>, plan: EpochPlan },
    /// A thread builds the batches ahead, at most `depth` waiting in the channel.
    Prefetch {
        rx: Option<Receiver<Result<BatchOf<D>>>>,
        worker: Option<JoinHandle<()>>,
    },
    /// The prefetch thread could not start: this error is the one item.
    Failed(Option<DataError>),
}

impl<D: Dataset + 'static> Batches<D> {
    /// The batches of `plan`, prefetched `depth` ahead on a background thread (`depth == 0`:
    /// built on the calling thread).
    pub(crate) fn new(dataset: Arc<D>, plan: EpochPlan, depth: usize) -> Self {
        let total = plan.len();
        let source = if depth == 0 || total == 0 {
            Source::Inline { dataset, plan }
        } else {
            let (tx, rx) = sync_channel(depth);
            let worker = std::thread::Builder::new()
                .name("scalpel-data-prefetch".into())
                .spawn(move || {
                    for k in 0..plan.len() {
                        let batch = dataset.get_batch(plan.batch(k));
                        let failed = batch.is_err();
                        // A send fails only when the iterator was dropped: stop quietly.
                        if tx.send(batch).is_err() || failed {
                            return;
                        }
                    }
                });
            match worker {
                Ok(handle) => Source::Prefetch {
                    rx: Some(rx),
                    worker: Some(handle),
                },
                Err(e) => Source::Failed(Some(DataError::arg(
                    "DataLoader",
                    format!("cannot start the prefetch thread: {e}"),
                ))),
            }
        };
        Batches {
            source,
            next: 0,
            total,
            done: false,
        }
    }
}

impl<D: Dataset> Iterator for Batches<D> {
    type Item = Result<BatchOf<D>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.next >= self.total {
            return None;
        }
        let item = match &mut self.source {
            Source::Inline { dataset, plan } => dataset.get_batch(plan.batch(self.next)),
            Source::Prefetch { rx, .. } => match rx.as_ref().map(|r| r.recv()) {
                Some(Ok(item)) => item,
                // The worker hung up before sending every batch: it panicked.
                _ => Err(DataError::PrefetchStopped {
                    delivered: self.next,
                    expected: self.total,
                }),
            },
            Source::Failed(err) => Err(err.take()?),
        };
        self.next += 1;
        self.done = item.is_err();
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = if self.done { 0 } else { self.total - self.next };
        (0, Some(left))
    }
}

impl<D: Dataset> Drop for Batches<D> {
    fn drop(&mut self) {
        if let Source::Prefetch { rx, worker } = &mut self.source {
            // Closing the channel first unblocks a worker waiting to send.
            drop(rx.take());
            if let Some(handle) = worker.take() {
                // A worker panic was already reported as `PrefetchStopped`, or the batches it
                // would have made were not wanted.
                let _ = handle.join();
            }
        }
    }
}
