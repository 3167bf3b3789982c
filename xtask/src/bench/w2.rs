//! `W2`: one training step of the MLP 784-256-128-10 (ReLU, softmax cross-entropy, SGD lr 0.1,
//! batch 128) through the public API, the way a user writes it: a scalpel-nn `Sequential` of
//! `Linear` and `ReLU`, the fused `cross_entropy`, and scalpel-optim's `Sgd`. samples/s.
//!
//! Each step is `zero_grad`, forward, loss, backward, `step` on the same random batch (f32, from
//! the fixed seed). `W2-raw` is the same network on raw autograd variables.

use std::hint::black_box;

use scalpel_autograd::Var;
use scalpel_nn::{cross_entropy, Linear, Module, ReLU, Reduction, Sequential};
use scalpel_optim::{Optimizer, Sgd, SgdConfig};
use scalpel_tensor::random::Rng;

use super::timing::seconds_per_call;
use super::{NoMetric, Outcome, Workload, SEED};

const BATCH: usize = 128;
const SIZES: [usize; 4] = [784, 256, 128, 10];
const LR: f64 = 0.1;

/// The one workload of this file.
pub fn workloads() -> Vec<Workload> {
    vec![Workload::new("W2", "samples/s", step_rate)]
}

/// The network, initialised as PyTorch initialises it, from `rng`.
fn mlp(rng: &mut Rng) -> Sequential {
    let mut model = Sequential::new();
    for (i, w) in SIZES.windows(2).enumerate() {
        if i > 0 {
            model.push(ReLU);
        }
        model.push(Linear::new(w[0], w[1], rng));
    }
    model
}

fn failed(e: impl std::fmt::Display) -> NoMetric {
    NoMetric::Failed(e.to_string())
}

fn step_rate() -> Outcome {
    let mut rng = Rng::seed(SEED);
    let model = mlp(&mut rng);
    let x = Var::constant(rng.uniform([BATCH, SIZES[0]], 0.0f32, 1.0)?);
    let labels = rng.randint([BATCH], 0, SIZES[3] as i64)?;
    let config = SgdConfig {
        lr: LR,
        ..Default::default()
    };
    let mut optimizer = Sgd::new(model.parameters(), config).map_err(failed)?;
    let mut step = || -> Result<f32, NoMetric> {
        optimizer.zero_grad();
        let logits = model.forward(&x).map_err(failed)?;
        let loss = cross_entropy(&logits, &labels, Reduction::Mean).map_err(failed)?;
        loss.backward().map_err(failed)?;
        optimizer.step().map_err(failed)?;
        loss.item().map_err(failed)
    };
    let first = step()?;
    if !first.is_finite() {
        return Err(NoMetric::Failed(format!("the first loss is {first}")));
    }
    let seconds = seconds_per_call(|| {
        let _ = black_box(step());
    });
    Ok(BATCH as f64 / seconds)
}
