//! The book's timing experiment (§6.4): the same convolution layer written as direct loops
//! (`NaiveConv2d`, §6.2) and as scalpel's fast kernels (`Conv2d`: im2col + GEMM, §6.3–6.4),
//! forward and backward, on N, C, H, W = 128, 16, 64, 64 with 32 filters 5 × 5.
//!
//! ```sh
//! cargo run --release --example conv_speedup          # N = 32: about ten seconds
//! cargo run --release --example conv_speedup -- 128   # the book's full batch (about a minute)
//! ```
//!
//! The two layers share their weights, and the example checks that their outputs and gradients
//! agree before printing the times.

use std::time::{Duration, Instant};

use scalpel::prelude::*;
use scalpel_nn::{Conv2d, Module, NaiveConv2d};

/// The batch size used when none is given: small enough for the loops to finish quickly.
const DEFAULT_BATCH: usize = 32;
const CHANNELS: usize = 16;
const SIZE: usize = 64;
const FILTERS: usize = 32;
const KERNEL: usize = 5;

/// Forward, then backward of the sum of the outputs; returns the time, the output and the
/// input gradient.
fn time_step(
    layer: &dyn Module<f32>,
    x: &Tensor<f32>,
) -> Result<(Duration, Tensor<f32>, Tensor<f32>), AutogradError> {
    layer.zero_grad();
    let input = Var::parameter(x.clone());
    let start = Instant::now();
    let y = layer.forward(&input)?;
    y.sum_all()?.backward()?;
    let elapsed = start.elapsed();
    let dx = input.grad().expect("the input requires a gradient");
    Ok((elapsed, y.value(), dx))
}

/// The largest difference between `a` and `b`, relative to the largest magnitude in `a`.
fn relative_difference(a: &Tensor<f32>, b: &Tensor<f32>) -> f32 {
    let (a, b) = (a.to_vec(), b.to_vec());
    let scale = a
        .iter()
        .fold(0.0f32, |m, v| m.max(v.abs()))
        .max(f32::MIN_POSITIVE);
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
        / scale
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let batch = match std::env::args().nth(1) {
        Some(n) => n.parse().map_err(|e| format!("batch size `{n}`: {e}"))?,
        None => DEFAULT_BATCH,
    };
    let mut rng = Rng::seed(0);
    let x = rng.normal([batch, CHANNELS, SIZE, SIZE], 0.0f32, 1.0)?;
    let fast: Conv2d = Conv2d::new(CHANNELS, FILTERS, (KERNEL, KERNEL), &mut rng);
    let naive = NaiveConv2d::from_tensors(
        fast.weight().value(),
        fast.bias().map(Var::value),
        (1, 1),
        (0, 0),
    )?;
    println!(
        "input (N, C, H, W) = ({batch}, {CHANNELS}, {SIZE}, {SIZE}), {FILTERS} filters {KERNEL}x{KERNEL}, \
         stride 1, no padding; forward + backward, {} hardware threads",
        hardware_threads()
    );
    if batch < 128 {
        println!("(the book uses N = 128: pass it as the first argument)");
    }

    // One warm-up step of the fast layer (allocator, thread pool), then the measured ones.
    time_step(&fast, &x)?;
    let (t_fast, y_fast, dx_fast) = time_step(&fast, &x)?;
    println!("fast  (im2col + GEMM): {:>9.3} s", t_fast.as_secs_f64());
    let (t_naive, y_naive, dx_naive) = time_step(&naive, &x)?;
    println!("naive (direct loops) : {:>9.3} s", t_naive.as_secs_f64());
    println!(
        "speed-up: {:.1}x",
        t_naive.as_secs_f64() / t_fast.as_secs_f64()
    );

    let dw = relative_difference(
        &fast.weight().grad().expect("weight gradient"),
        &naive.weight().grad().expect("weight gradient"),
    );
    println!(
        "agreement (max difference / max magnitude): y {:.1e}, dx {:.1e}, dw {dw:.1e}",
        relative_difference(&y_fast, &y_naive),
        relative_difference(&dx_fast, &dx_naive)
    );
    Ok(())
}

/// Threads the machine offers (the fast kernels' pool uses them all unless RAYON_NUM_THREADS
/// says otherwise).
fn hardware_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
