//! `autograd_overhead`: forward and backward of a chain of 100 element-wise adds on 128×10 f32
//! variables, µs per operation. Measures what recording and walking a graph node costs on top
//! of the tensor kernel.

use std::hint::black_box;

use scalpel_autograd::{BackwardOptions, Var};
use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

use super::timing::seconds_per_call;
use super::{NoMetric, Outcome, Workload, SEED};

/// Operations in the chain.
const CHAIN: usize = 100;

/// The one workload of this file.
pub fn workloads() -> Vec<Workload> {
    vec![Workload::new("autograd_overhead", "µs/op", chain)]
}

fn chain() -> Outcome {
    let mut rng = Rng::seed(SEED);
    let x = Var::parameter(rng.uniform([128, 10], -1.0f32, 1.0)?);
    let c = Var::constant(rng.uniform([128, 10], -1.0f32, 1.0)?);
    let seed = Tensor::<f32>::ones([128, 10]);
    let step = || -> Result<(), scalpel_autograd::AutogradError> {
        let mut y = x.clone();
        for _ in 0..CHAIN {
            y = y.add(&c)?;
        }
        y.backward_with(Some(seed.clone()), BackwardOptions::default())?;
        x.zero_grad();
        Ok(())
    };
    step().map_err(|e| NoMetric::Failed(e.to_string()))?;
    let seconds = seconds_per_call(|| {
        let _ = black_box(step());
    });
    Ok(seconds * 1e6 / CHAIN as f64)
}
