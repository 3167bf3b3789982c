//! W1: square f32 GEMM `C = A·B` through `Tensor::matmul`; GFLOP/s = 2N³/t.

use std::hint::black_box;

use scalpel_tensor::random::Rng;

use super::timing::seconds_per_call;
use super::{Outcome, Workload, SEED};

/// The matrix sizes, named `W1-256` … `W1-2048`.
const SIZES: [usize; 4] = [256, 512, 1024, 2048];

/// One workload per size.
pub fn workloads() -> Vec<Workload> {
    SIZES
        .iter()
        .map(|&n| Workload::new(format!("W1-{n}"), "GFLOP/s", move || gemm(n)))
        .collect()
}

fn gemm(n: usize) -> Outcome {
    let mut rng = Rng::seed(SEED);
    let a = rng.uniform([n, n], -1.0f32, 1.0)?;
    let b = rng.uniform([n, n], -1.0f32, 1.0)?;
    a.matmul(&b)?;
    let seconds = seconds_per_call(|| {
        let _ = black_box(black_box(&a).matmul(black_box(&b)));
    });
    Ok(2.0 * (n as f64).powi(3) / seconds / 1e9)
}
