//! `W3`: one training step of LeNet-5 (scalpel-models' `LeNet5`: conv 1→6 5×5 pad 2, ReLU,
//! max-pool 2, conv 6→16 5×5, ReLU, max-pool 2, 400→120→84→10 with ReLU), softmax
//! cross-entropy, SGD lr 0.01, batch 64 of 1×28×28 inputs. samples/s.
//!
//! Each step is `zero_grad`, forward, loss, backward, `step` on the same random batch (f32, from
//! the fixed seed).

use std::hint::black_box;

use scalpel_autograd::Var;
use scalpel_models::cnn::LeNet5;
use scalpel_nn::{cross_entropy, Module, Reduction};
use scalpel_optim::{Optimizer, Sgd, SgdConfig};
use scalpel_tensor::random::Rng;

use super::timing::seconds_per_call;
use super::{NoMetric, Outcome, Workload, SEED};

/// Samples per step.
pub const BATCH: usize = 64;
/// SGD's learning rate.
pub const LR: f64 = 0.01;

/// The one workload of this file.
pub fn workloads() -> Vec<Workload> {
    vec![Workload::new("W3", "samples/s", step_rate)]
}

fn failed(e: impl std::fmt::Display) -> NoMetric {
    NoMetric::Failed(e.to_string())
}

fn step_rate() -> Outcome {
    let mut rng = Rng::seed(SEED);
    let model: LeNet5 = LeNet5::new(&mut rng);
    let x = Var::constant(rng.normal([BATCH, 1, 28, 28], 0.0f32, 1.0)?);
    let labels = rng.randint([BATCH], 0, 10)?;
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
