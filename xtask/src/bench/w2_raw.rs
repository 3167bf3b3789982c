//! `W2-raw`: one training step of the MLP 784-256-128-10 (ReLU, softmax cross-entropy, SGD lr
//! 0.1, batch 128) written with raw autograd variables — matmul, bias add, relu, log_softmax +
//! gather, and a hand-written SGD update. samples/s. (W2 through the nn/optim API is `W2`.)

use std::hint::black_box;

use scalpel_autograd::{no_grad, AutogradError, Var};
use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

use super::timing::seconds_per_call;
use super::{NoMetric, Outcome, Workload, SEED};

const BATCH: usize = 128;
const SIZES: [usize; 4] = [784, 256, 128, 10];
const LR: f32 = 0.1;

/// The one workload of this file.
pub fn workloads() -> Vec<Workload> {
    vec![Workload::new("W2-raw", "samples/s", step_rate)]
}

fn step_rate() -> Outcome {
    let mut rng = Rng::seed(SEED);
    let x = Var::constant(rng.uniform([BATCH, SIZES[0]], 0.0f32, 1.0)?);
    let labels = rng.randint([BATCH, 1], 0, SIZES[3] as i64)?;
    let mut params = Vec::new();
    for w in SIZES.windows(2) {
        let bound = 1.0 / (w[0] as f32).sqrt();
        params.push(Var::parameter(rng.uniform([w[0], w[1]], -bound, bound)?));
        params.push(Var::parameter(Tensor::zeros([w[1]])));
    }
    let step = || -> Result<f32, AutogradError> {
        let mut h = x.clone();
        for (i, layer) in params.chunks(2).enumerate() {
            h = h.matmul(&layer[0])?.add(&layer[1])?;
            if i + 1 < params.len() / 2 {
                h = h.relu()?;
            }
        }
        let loss = h.log_softmax(1)?.gather(1, &labels)?.mean_all()?.neg()?;
        loss.backward()?;
        let _frozen = no_grad();
        for p in &params {
            if let Some(g) = p.grad() {
                p.set_value(p.value().zip_with(&g, |p, g| p - LR * g)?)?;
                p.zero_grad();
            }
        }
        loss.item()
    };
    step().map_err(|e| NoMetric::Failed(e.to_string()))?;
    let seconds = seconds_per_call(|| {
        let _ = black_box(step());
    });
    Ok(BATCH as f64 / seconds)
}
