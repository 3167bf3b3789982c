//! The book's timing experiment (§6.4): the same convolution layer written as direct loops
//! (`NaiveConv2d`, §6.2) and as scalpel's fast kernels (`Conv2d`: im2col + GEMM, §6.3–6.4),
//! forward and backward, on N, C, H, W = 128, 16, 64, 64 with 32 filters 5 × 5.
//!
//! ```sh
//! cargo run --release --example conv_speedup          # the book's N = 128 (about a minute)
//! cargo run --release --example conv_speedup -- 32    # a quicker N = 32
//! ```
//!
//! The two layers share their weights; the example checks that their outputs and gradients
//! agree and prints the times. `cargo xtask train-suite conv_speedup` runs the same recipe.

use std::process::ExitCode;

use scalpel_models::recipes::{
    conv_speedup, CONV_SPEEDUP_BOOK_BATCH, CONV_SPEEDUP_CHANNELS, CONV_SPEEDUP_FILTERS,
    CONV_SPEEDUP_KERNEL, CONV_SPEEDUP_SIZE,
};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let batch = match std::env::args().nth(1) {
        Some(n) => n.parse().map_err(|e| format!("batch size `{n}`: {e}"))?,
        None => CONV_SPEEDUP_BOOK_BATCH,
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "input (N, C, H, W) = ({batch}, {CONV_SPEEDUP_CHANNELS}, {CONV_SPEEDUP_SIZE}, \
         {CONV_SPEEDUP_SIZE}), {CONV_SPEEDUP_FILTERS} filters \
         {CONV_SPEEDUP_KERNEL}x{CONV_SPEEDUP_KERNEL}, stride 1, no padding; forward + backward, \
         {threads} hardware threads"
    );
    let report = conv_speedup(batch)?;
    println!("fast  (im2col + GEMM): {:>9.3} s", report.fast_seconds);
    println!("naive (direct loops) : {:>9.3} s", report.naive_seconds);
    println!("speed-up: {:.1}x (the book measured 9x)", report.speedup);
    println!(
        "agreement (max difference / max magnitude over y, dx, dw): {:.1e}",
        report.max_relative_difference
    );
    Ok(())
}
