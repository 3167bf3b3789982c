//! Temporary: matmul timings across sizes (µs/call), to place PARALLEL_FLOPS.

use std::hint::black_box;

use scalpel_tensor::random::Rng;

use super::timing::seconds_per_call;
use super::{Outcome, Workload, SEED};

const SHAPES: &[(usize, usize, usize, usize)] = &[
    (1, 128, 784, 256),
    (1, 128, 256, 128),
    (1, 128, 128, 10),
    (1, 64, 64, 64),
    (1, 32, 64, 32),
    (1, 48, 48, 96),
    (1, 64, 64, 128),
    (1, 96, 96, 96),
    (1, 128, 128, 128),
    (1, 64, 128, 64),
    (64, 16, 16, 16),
    (64, 32, 32, 32),
    (256, 8, 8, 8),
    (32, 64, 128, 64),
];

pub fn workloads() -> Vec<Workload> {
    SHAPES
        .iter()
        .map(|&(b, m, k, n)| {
            Workload::new(format!("probe-{b}x{m}x{k}x{n}"), "us", move || {
                run(b, m, k, n)
            })
        })
        .collect()
}

fn run(b: usize, m: usize, k: usize, n: usize) -> Outcome {
    let mut rng = Rng::seed(SEED);
    let (x, w) = if b == 1 {
        (
            rng.uniform([m, k], -1.0f32, 1.0)?,
            rng.uniform([k, n], -1.0f32, 1.0)?,
        )
    } else {
        (
            rng.uniform([b, m, k], -1.0f32, 1.0)?,
            rng.uniform([b, k, n], -1.0f32, 1.0)?,
        )
    };
    let s = seconds_per_call(|| {
        let _ = black_box(black_box(&x).matmul(black_box(&w)));
    });
    Ok(s * 1e6)
}
