//! An MLP on MNIST (book §4.3.6): 784-512-256-10 with ReLU, trained with Adam and a cosine
//! learning-rate decay; the book's networks reach about 0.97–0.98 test accuracy.
//!
//! ```sh
//! SCALPEL_DATA_DIR=/path/to/data cargo run --release --example mlp_mnist
//! ```
//!
//! Reads `$SCALPEL_DATA_DIR/mnist/` (default `./data/mnist/`); writes `runs/mlp_mnist/`
//! (metrics.csv, curves.svg, checkpoint/, model.safetensors). The training code is
//! `scalpel_models::recipes::mnist_mlp`, the one `cargo xtask train-suite` checks.

use std::path::PathBuf;
use std::process::ExitCode;

use scalpel_models::recipes::{mnist_mlp, ClassifierReport, RecipeOptions};

fn main() -> ExitCode {
    let options = RecipeOptions {
        run_dir: Some(PathBuf::from("runs/mlp_mnist")),
        ..Default::default()
    };
    match mnist_mlp(&options) {
        Ok(report) => {
            print_report(&report, 0.98);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print_report(report: &ClassifierReport, target: f64) {
    let test = report
        .test
        .map(|t| t.accuracy.unwrap_or(0.0))
        .unwrap_or(0.0);
    println!(
        "{}: test accuracy {test:.4} (target {target}), training accuracy {:.4}, {:.0} s",
        report.name,
        report.train.accuracy.unwrap_or(0.0),
        report.seconds
    );
    if let Some(curves) = &report.curves {
        println!("curves: {}", curves.display());
    }
}
