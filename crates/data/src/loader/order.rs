//! The order in which an epoch visits the samples, and how it is cut into batches.

use scalpel_tensor::Rng;

/// The SplitMix64 finaliser: a bijection of `u64` that spreads every input bit over the output.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The seed of epoch `epoch`'s shuffle, a function of `(seed, epoch)` only: epoch `e` can be
/// replayed — or a run resumed at it — without drawing the shuffles of the epochs before it.
pub fn epoch_seed(seed: u64, epoch: u64) -> u64 {
    mix64(seed ^ mix64(epoch.wrapping_add(0x9e37_79b9_7f4a_7c15)))
}

/// The sample order of one epoch: `0..n`, or with a shuffle seed a permutation of it drawn from
/// a generator seeded with [`epoch_seed`].
pub fn epoch_order(n: usize, shuffle_seed: Option<u64>, epoch: u64) -> Vec<usize> {
    match shuffle_seed {
        None => (0..n).collect(),
        Some(seed) => Rng::seed(epoch_seed(seed, epoch)).permutation(n),
    }
}

/// An epoch's order cut into batches of `batch_size` (the last one shorter unless dropped).
#[derive(Clone, Debug)]
pub struct EpochPlan {
    order: Vec<usize>,
    batch_size: usize,
    batches: usize,
}

impl EpochPlan {
    /// Cuts `order` into batches; `batch_size` must be at least 1.
    pub fn new(order: Vec<usize>, batch_size: usize, drop_last: bool) -> Self {
        EpochPlan {
            batches: batch_count(order.len(), batch_size, drop_last),
            order,
            batch_size,
        }
    }

    /// The number of batches.
    pub fn len(&self) -> usize {
        self.batches
    }

    /// The sample indices of batch `k` (`k < len()`).
    pub fn batch(&self, k: usize) -> &[usize] {
        let start = k * self.batch_size;
        let end = (start + self.batch_size).min(self.order.len());
        &self.order[start..end]
    }
}

/// Batches per epoch for `n` samples: ⌈n / b⌉, or ⌊n / b⌋ when the last partial batch is dropped.
pub fn batch_count(n: usize, batch_size: usize, drop_last: bool) -> usize {
    if drop_last {
        n / batch_size
    } else {
        n.div_ceil(batch_size)
    }
}
