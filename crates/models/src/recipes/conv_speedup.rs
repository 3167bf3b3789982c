//! The book's timing experiment (§6.4): the same convolution layer written as direct loops
//! ([`NaiveConv2d`], §6.2) and as scalpel's fast kernels ([`Conv2d`]: im2col + GEMM, §6.3–6.4),
//! forward and backward.

use std::time::{Duration, Instant};

use scalpel_autograd::Var;
use scalpel_nn::{Conv2d, Module, NaiveConv2d};
use scalpel_tensor::{Rng, Tensor};

use crate::error::{ModelsError, Result};

/// Input channels of the experiment.
pub const CONV_SPEEDUP_CHANNELS: usize = 16;
/// Input height and width.
pub const CONV_SPEEDUP_SIZE: usize = 64;
/// Number of 5 × 5 filters.
pub const CONV_SPEEDUP_FILTERS: usize = 32;
/// Kernel height and width.
pub const CONV_SPEEDUP_KERNEL: usize = 5;
/// The book's batch size.
pub const CONV_SPEEDUP_BOOK_BATCH: usize = 128;

/// What [`conv_speedup`] measured.
#[derive(Clone, Debug, PartialEq)]
pub struct ConvSpeedupReport {
    /// The batch size N.
    pub batch: usize,
    /// Seconds of one forward + backward of the fast layer (after a warm-up step).
    pub fast_seconds: f64,
    /// Seconds of one forward + backward of the direct loops.
    pub naive_seconds: f64,
    /// `naive_seconds / fast_seconds`.
    pub speedup: f64,
    /// The largest difference between the two layers' outputs, input gradients and weight
    /// gradients, each relative to the largest magnitude of the fast layer's.
    pub max_relative_difference: f64,
}

/// Forward, then backward of the sum of the outputs; returns the time, the output and the
/// input gradient.
fn time_step(layer: &dyn Module, x: &Tensor<f32>) -> Result<(Duration, Tensor<f32>, Tensor<f32>)> {
    layer.zero_grad();
    let input = Var::parameter(x.clone());
    let start = Instant::now();
    let y = layer.forward(&input)?;
    y.sum_all()?.backward()?;
    let elapsed = start.elapsed();
    let dx = input
        .grad()
        .unwrap_or_else(|| Tensor::zeros(x.shape().clone()));
    Ok((elapsed, y.value(), dx))
}

/// The gradient backward left in `v`; its absence is an error, not a zero to compare.
fn gradient(v: &Var<f32>, what: &str) -> Result<Tensor<f32>> {
    v.grad().ok_or_else(|| ModelsError::InvalidArgument {
        op: "conv_speedup",
        reason: format!("backward left no gradient in {what}"),
    })
}

/// The largest difference between `a` and `b`, relative to the largest magnitude in `a`.
fn relative_difference(a: &Tensor<f32>, b: &Tensor<f32>) -> f64 {
    let (a, b) = (a.to_vec(), b.to_vec());
    if a.len() != b.len() {
        return f64::INFINITY;
    }
    let scale = a
        .iter()
        .fold(0.0f32, |m, v| m.max(v.abs()))
        .max(f32::MIN_POSITIVE);
    let worst = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max);
    f64::from(worst / scale)
}

/// Times one forward + backward of a convolution layer of 32 filters 5 × 5 (stride 1, no
/// padding, bias) on `(batch, 16, 64, 64)` random inputs, as the fast [`Conv2d`] and as the
/// direct loops of [`NaiveConv2d`] sharing its weights, and checks that both give the same
/// outputs and gradients. The book uses a batch of 128 and measures a 9× speed-up of its
/// im2row version over its loops.
///
/// # Errors
/// A zero batch size (the layers reject an empty input).
pub fn conv_speedup(batch: usize) -> Result<ConvSpeedupReport> {
    let mut rng = Rng::seed(0);
    let x = rng.normal(
        [
            batch,
            CONV_SPEEDUP_CHANNELS,
            CONV_SPEEDUP_SIZE,
            CONV_SPEEDUP_SIZE,
        ],
        0.0f32,
        1.0,
    )?;
    let kernel = (CONV_SPEEDUP_KERNEL, CONV_SPEEDUP_KERNEL);
    let fast: Conv2d = Conv2d::new(
        CONV_SPEEDUP_CHANNELS,
        CONV_SPEEDUP_FILTERS,
        kernel,
        &mut rng,
    );
    let naive = NaiveConv2d::from_tensors(
        fast.weight().value(),
        fast.bias().map(Var::value),
        (1, 1),
        (0, 0),
    )?;
    // One warm-up step of the fast layer (allocator, thread pool), then the measured ones.
    time_step(&fast, &x)?;
    let (t_fast, y_fast, dx_fast) = time_step(&fast, &x)?;
    let (t_naive, y_naive, dx_naive) = time_step(&naive, &x)?;
    let max_relative_difference = [
        relative_difference(&y_fast, &y_naive),
        relative_difference(&dx_fast, &dx_naive),
        relative_difference(
            &gradient(fast.weight(), "the fast layer's weight")?,
            &gradient(naive.weight(), "the naive layer's weight")?,
        ),
    ]
    .into_iter()
    .fold(0.0, f64::max);
    let (fast_seconds, naive_seconds) = (t_fast.as_secs_f64(), t_naive.as_secs_f64());
    Ok(ConvSpeedupReport {
        batch,
        fast_seconds,
        naive_seconds,
        speedup: naive_seconds / fast_seconds,
        max_relative_difference,
    })
}
