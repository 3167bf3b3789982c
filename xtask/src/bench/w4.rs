//! W4: f32 conv2d, batch 32, 64→64 channels, 32×32, 3×3 kernel, padding 1, stride 1.
//! `W4-fwd` times the forward pass; `W4-fwdbwd` the forward pass and both backward kernels
//! (input and weight). GFLOP/s = 2·B·Cout·H·W·Cin·9 / t, three times that for `W4-fwdbwd`.

use std::hint::black_box;

use scalpel_tensor::ops::conv::Conv2dParams;
use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

use super::timing::seconds_per_call;
use super::{Outcome, Workload, SEED};

const BATCH: usize = 32;
const CHANNELS: usize = 64;
const SIZE: usize = 32;
const KERNEL: usize = 3;

/// Floating point operations of one forward convolution.
const FLOPS: f64 = 2.0 * (BATCH * CHANNELS * SIZE * SIZE * CHANNELS * KERNEL * KERNEL) as f64;

/// The two workloads of this file.
pub fn workloads() -> Vec<Workload> {
    vec![
        Workload::new("W4-fwd", "GFLOP/s", || conv(false)),
        Workload::new("W4-fwdbwd", "GFLOP/s", || conv(true)),
    ]
}

fn conv(backward: bool) -> Outcome {
    let mut rng = Rng::seed(SEED);
    let x = rng.uniform([BATCH, CHANNELS, SIZE, SIZE], -1.0f32, 1.0)?;
    let w = rng.uniform([CHANNELS, CHANNELS, KERNEL, KERNEL], -0.1f32, 0.1)?;
    let b = rng.uniform([CHANNELS], -0.1f32, 0.1)?;
    let g = rng.uniform([BATCH, CHANNELS, SIZE, SIZE], -1.0f32, 1.0)?;
    let p = Conv2dParams {
        padding: (1, 1),
        ..Default::default()
    };
    let step = |x: &Tensor<f32>| -> scalpel_tensor::Result<()> {
        black_box(x.conv2d(&w, Some(&b), p)?);
        if backward {
            black_box(g.conv2d_backward_input(&w, x.shape(), p)?);
            black_box(x.conv2d_backward_weight(&g, w.shape(), p)?);
        }
        Ok(())
    };
    step(&x)?;
    let seconds = seconds_per_call(|| {
        let _ = step(black_box(&x));
    });
    let passes = if backward { 3.0 } else { 1.0 };
    Ok(passes * FLOPS / seconds / 1e9)
}
