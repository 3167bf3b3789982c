//! The book's own small CNN on MNIST (§6.2.4), trained as the book trains it: one epoch of SGD
//! (lr 1e-3, momentum 0.9, batch 64) with the L2 penalty 1e-3·ΣW². The book reports a training
//! accuracy of 0.84064 after this epoch.
//!
//! ```sh
//! SCALPEL_DATA_DIR=/path/to/data cargo run --release --example book_cnn_mnist
//! ```
//!
//! Writes `runs/book_cnn_mnist/` (metrics.csv, curves.svg, checkpoint/). The training code is
//! `scalpel_models::recipes::book_cnn_mnist`, the one `cargo xtask train-suite` checks.

use std::path::PathBuf;
use std::process::ExitCode;

use scalpel_models::recipes::{book_cnn_mnist, RecipeOptions};

fn main() -> ExitCode {
    let options = RecipeOptions {
        run_dir: Some(PathBuf::from("runs/book_cnn_mnist")),
        ..Default::default()
    };
    match book_cnn_mnist(&options) {
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
