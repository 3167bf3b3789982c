//! `op_add_128x10`: the per-op overhead of an element-wise add of two 128×10 f32 tensors through
//! the public API; µs per add.

use std::hint::black_box;

use scalpel_tensor::random::Rng;

use super::timing::seconds_per_call;
use super::{Outcome, Workload, SEED};

/// The one workload of this file.
pub fn workloads() -> Vec<Workload> {
    vec![Workload::new("op_add_128x10", "µs/op", add)]
}

fn add() -> Outcome {
    let mut rng = Rng::seed(SEED);
    let a = rng.uniform([128, 10], -1.0f32, 1.0)?;
    let b = rng.uniform([128, 10], -1.0f32, 1.0)?;
    a.add(&b)?;
    let seconds = seconds_per_call(|| {
        let _ = black_box(black_box(&a).add(black_box(&b)));
    });
    Ok(seconds * 1e6)
}
