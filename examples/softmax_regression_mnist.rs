//! Softmax regression on MNIST (book §3.7): one linear layer 784 → 10 and the softmax
//! cross-entropy, trained in mini-batches with Adam. The book reports 0.9056 test accuracy;
//! `cargo xtask train-suite` requires 0.91.
//!
//! ```sh
//! SCALPEL_DATA_DIR=/path/to/data cargo run --release --example softmax_regression_mnist
//! ```
//!
//! Reads `$SCALPEL_DATA_DIR/mnist/` (default `./data/mnist/`); writes
//! `runs/softmax_regression_mnist/`. The training code is
//! `scalpel_models::recipes::mnist_softmax`, the one `cargo xtask train-suite` checks.

use std::path::PathBuf;
use std::process::ExitCode;

use scalpel_models::recipes::{mnist_softmax, RecipeOptions};

fn main() -> ExitCode {
    let options = RecipeOptions {
        run_dir: Some(PathBuf::from("runs/softmax_regression_mnist")),
        ..Default::default()
    };
    match mnist_softmax(&options) {
        Ok(report) => {
            let test = report.test.and_then(|t| t.accuracy).unwrap_or(0.0);
            println!(
                "softmax regression: test accuracy {test:.4} (book 0.9056, train-suite threshold 0.91), training accuracy {:.4}, {:.0} s",
                report.train.accuracy.unwrap_or(0.0),
                report.seconds
            );
            if let Some(curves) = &report.curves {
                println!("curves: {}", curves.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
