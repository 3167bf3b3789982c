//! LeNet-5 learns MNIST (book §6.5): convolution, pooling and fully connected layers trained
//! with Adam and a cosine decay for 8 epochs; test accuracy about 0.99.
//!
//! ```sh
//! SCALPEL_DATA_DIR=/path/to/data cargo run --release --example cnn_mnist
//! ```
//!
//! Writes `runs/cnn_mnist/` (metrics.csv, curves.svg, checkpoint/). The training code is
//! `scalpel_models::recipes::cnn_mnist`, the one `cargo xtask train-suite` checks.

use std::path::PathBuf;
use std::process::ExitCode;

use scalpel_models::recipes::{cnn_mnist, RecipeOptions};

fn main() -> ExitCode {
    let options = RecipeOptions {
        run_dir: Some(PathBuf::from("runs/cnn_mnist")),
        ..Default::default()
    };
    match cnn_mnist(&options) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
