//! Timing by the benchmark rules: warm up, then the median of at least 5 timed
//! repetitions.

use std::time::{Duration, Instant};

/// Timed repetitions per measurement.
pub const REPETITIONS: usize = 7;

/// The shortest repetition: shorter ones are dominated by timer resolution and noise, so fast
/// work is run many times within one repetition.
pub const MIN_REPETITION: Duration = Duration::from_millis(25);

/// Seconds per call of `work`.
///
/// Warm-up runs `work` in batches of 1, 2, 4, … calls until a batch lasts at least
/// [`MIN_REPETITION`] (so caches, allocator and thread pool are warm, and the batch size is
/// calibrated); then [`REPETITIONS`] batches of that size are timed and the median per-call time
/// is returned.
pub fn seconds_per_call(mut work: impl FnMut()) -> f64 {
    let mut calls = 1usize;
    while time_batch(calls, &mut work) < MIN_REPETITION {
        calls *= 2;
    }
    let mut per_call: Vec<f64> = (0..REPETITIONS)
        .map(|_| time_batch(calls, &mut work).as_secs_f64() / calls as f64)
        .collect();
    per_call.sort_by(f64::total_cmp);
    per_call[REPETITIONS / 2]
}

fn time_batch(calls: usize, work: &mut impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..calls {
        work();
    }
    start.elapsed()
}
