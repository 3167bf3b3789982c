//! DataLoader: coverage, seeded order, drop_last, prefetch equivalence, errors.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use scalpel_data::loader::epoch_seed;
use scalpel_data::{DataError, DataLoader, Dataset, Sample, TensorDataset};
use scalpel_tensor::Tensor;

/// `n` samples: input row `i` is `[i, i + 0.5]`, target `i`.
fn numbered(n: usize) -> TensorDataset<f32, i64> {
    let x = Tensor::from_fn([n, 2], |k| (k / 2) as f32 + 0.5 * (k % 2) as f32);
    let y = Tensor::from_fn([n], |i| i as i64);
    TensorDataset::new(x, y).unwrap()
}

/// The target of every sample of every batch of `epoch`, checking each input row matches.
fn visited<D: Dataset<Input = f32, Target = i64> + 'static>(
    loader: &DataLoader<D>,
    epoch: u64,
) -> Vec<Vec<i64>> {
    loader
        .epoch(epoch)
        .map(|b| {
            let (x, y) = b.unwrap();
            let ids = y.to_vec();
            let rows = x.to_vec();
            for (k, &i) in ids.iter().enumerate() {
                assert_eq!(&rows[2 * k..2 * k + 2], &[i as f32, i as f32 + 0.5]);
            }
            ids
        })
        .collect()
}

#[test]
fn every_sample_appears_exactly_once_per_epoch() {
    let loader = DataLoader::new(numbered(103), 10).unwrap().shuffle(5);
    assert_eq!(loader.len(), 11);
    for epoch in 0..3 {
        let batches = visited(&loader, epoch);
        let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
        assert_eq!(sizes, [vec![10; 10], vec![3]].concat());
        let mut all: Vec<i64> = batches.concat();
        all.sort_unstable();
        assert_eq!(all, (0..103).collect::<Vec<_>>());
    }
}

#[test]
fn without_shuffle_the_order_is_sequential_every_epoch() {
    let loader = DataLoader::new(numbered(7), 3).unwrap();
    for epoch in [0, 4] {
        assert_eq!(
            visited(&loader, epoch),
            vec![vec![0, 1, 2], vec![3, 4, 5], vec![6]]
        );
    }
}

#[test]
fn same_seed_gives_the_same_order_and_epochs_differ() {
    let a = DataLoader::new(numbered(50), 8).unwrap().shuffle(11);
    let b = DataLoader::new(numbered(50), 8).unwrap().shuffle(11);
    let c = DataLoader::new(numbered(50), 8).unwrap().shuffle(12);
    for epoch in 0..4 {
        assert_eq!(visited(&a, epoch), visited(&b, epoch));
        assert_ne!(a.order(epoch), c.order(epoch));
        assert_ne!(a.order(epoch), a.order(epoch + 1));
        assert_ne!(a.order(epoch), (0..50).collect::<Vec<_>>());
    }
}

#[test]
fn an_epoch_order_depends_only_on_seed_and_epoch_so_runs_resume() {
    let full = DataLoader::new(numbered(30), 4).unwrap().shuffle(3);
    let orders: Vec<_> = (0..6).map(|e| visited(&full, e)).collect();
    // A fresh loader asked for epoch 5 first sees what the uninterrupted run saw.
    let resumed = DataLoader::new(numbered(30), 4).unwrap().shuffle(3);
    assert_eq!(visited(&resumed, 5), orders[5]);
    assert_eq!(visited(&resumed, 2), orders[2]);
    assert_ne!(epoch_seed(3, 0), epoch_seed(3, 1));
    assert_ne!(epoch_seed(3, 0), epoch_seed(4, 0));
}

#[test]
fn drop_last_drops_only_the_partial_batch() {
    let keep = DataLoader::new(numbered(10), 4).unwrap().shuffle(1);
    let drop = keep.clone().drop_last(true);
    assert_eq!((keep.len(), drop.len()), (3, 2));
    let kept = visited(&keep, 0);
    let dropped = visited(&drop, 0);
    assert_eq!(dropped.iter().map(Vec::len).collect::<Vec<_>>(), vec![4, 4]);
    // Same order, the last two samples left out.
    assert_eq!(dropped, kept[..2].to_vec());
    // Fewer samples than one batch: nothing with drop_last, one short batch without.
    let tiny = DataLoader::new(numbered(3), 4).unwrap();
    assert!(tiny.clone().drop_last(true).epoch(0).next().is_none());
    assert_eq!(visited(&tiny, 0), vec![vec![0, 1, 2]]);
}

#[test]
fn prefetch_yields_the_same_batches_as_building_inline() {
    let base = DataLoader::new(numbered(77), 6).unwrap().shuffle(9);
    for depth in [1, 2, 8] {
        let pre = base.clone().prefetch(depth);
        let inline = base.clone().prefetch(0);
        for epoch in 0..3 {
            let a: Vec<Sample<f32, i64>> = pre.epoch(epoch).map(Result::unwrap).collect();
            let b: Vec<Sample<f32, i64>> = inline.epoch(epoch).map(Result::unwrap).collect();
            assert_eq!(a.len(), 13);
            assert_eq!(a, b);
        }
    }
}

/// A data set that counts `get` calls and can fail or panic at a chosen sample. It keeps the
/// trait's default `get_batch`, which stacks samples.
struct Probe {
    inner: TensorDataset<f32, i64>,
    calls: Arc<AtomicUsize>,
    fail_at: Option<usize>,
    panic_at: Option<usize>,
}

impl Dataset for Probe {
    type Input = f32;
    type Target = i64;
    fn len(&self) -> usize {
        self.inner.len()
    }
    fn get(&self, index: usize) -> scalpel_data::Result<Sample<f32, i64>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if Some(index) == self.panic_at {
            panic!("probe panics at {index}");
        }
        if Some(index) == self.fail_at {
            return Err(DataError::IndexOutOfRange {
                op: "probe",
                index,
                len: 0,
            });
        }
        self.inner.get(index)
    }
}

fn probe(n: usize, fail_at: Option<usize>, panic_at: Option<usize>) -> (Probe, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let p = Probe {
        inner: numbered(n),
        calls: Arc::clone(&calls),
        fail_at,
        panic_at,
    };
    (p, calls)
}

#[test]
fn stacking_samples_gives_the_same_batches_as_row_copies() {
    let (p, _) = probe(20, None, None);
    let stacked = DataLoader::new(p, 6).unwrap().shuffle(4);
    let rows = DataLoader::new(numbered(20), 6).unwrap().shuffle(4);
    for epoch in 0..2 {
        assert_eq!(visited(&stacked, epoch), visited(&rows, epoch));
    }
}

#[test]
fn the_prefetch_thread_builds_batches_ahead_of_the_consumer() {
    let (p, calls) = probe(40, None, None);
    let loader = DataLoader::new(p, 4).unwrap().prefetch(3);
    let mut it = loader.epoch(0);
    it.next().unwrap().unwrap();
    // One batch of 4 samples taken; three more batches fit in the channel, and a fifth can be
    // built while the worker waits to send it.
    let deadline = Instant::now() + Duration::from_secs(5);
    while calls.load(Ordering::SeqCst) < 16 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(
        calls.load(Ordering::SeqCst) >= 16,
        "prefetch did not run ahead"
    );
    // Dropping the iterator mid-epoch stops (and joins) the worker instead of hanging.
    drop(it);
    let settled = calls.load(Ordering::SeqCst);
    assert!(
        settled <= 20,
        "worker kept going after the drop: {settled} samples"
    );
}

#[test]
fn a_failing_sample_is_yielded_as_an_error_and_ends_the_epoch() {
    for depth in [0, 2] {
        let (p, _) = probe(20, Some(9), None);
        let loader = DataLoader::new(p, 4).unwrap().prefetch(depth);
        let items: Vec<_> = loader.epoch(0).collect();
        assert_eq!(items.len(), 3, "depth {depth}");
        assert!(items[..2].iter().all(Result::is_ok));
        assert!(matches!(
            items[2],
            Err(DataError::IndexOutOfRange { index: 9, .. })
        ));
    }
}

#[test]
fn a_panicking_worker_is_reported_as_prefetch_stopped() {
    let (p, _) = probe(20, None, Some(13));
    let loader = DataLoader::new(p, 4).unwrap().prefetch(2);
    let items: Vec<_> = loader.epoch(0).collect();
    assert_eq!(items.len(), 4);
    assert!(matches!(
        items[3],
        Err(DataError::PrefetchStopped {
            delivered: 3,
            expected: 5
        })
    ));
}

#[test]
fn batch_size_zero_and_out_of_range_indices_are_errors() {
    assert!(matches!(
        DataLoader::new(numbered(3), 0),
        Err(DataError::InvalidArgument { .. })
    ));
    let ds = numbered(3);
    assert!(matches!(
        ds.get(3),
        Err(DataError::IndexOutOfRange {
            index: 3,
            len: 3,
            ..
        })
    ));
    assert!(matches!(
        ds.get_batch(&[0, 5]),
        Err(DataError::IndexOutOfRange { index: 5, .. })
    ));
    assert!(ds.get_batch(&[]).is_err());
    let bad = TensorDataset::new(Tensor::<f32>::zeros([3, 2]), Tensor::<i64>::zeros([4]));
    assert!(matches!(bad, Err(DataError::InvalidArgument { .. })));
}

#[test]
fn an_empty_data_set_has_no_batches() {
    let ds = TensorDataset::new(Tensor::<f32>::zeros([0, 2]), Tensor::<i64>::zeros([0])).unwrap();
    let loader = DataLoader::new(ds, 4).unwrap().shuffle(1);
    assert!(loader.is_empty());
    assert!(loader.epoch(0).next().is_none());
}
