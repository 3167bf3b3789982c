//! MLPs on Fashion-MNIST (book §4.3.9 and chapter 5): the same 784-512-256-10 network plain,
//! with batch normalisation (§5.3) and with dropout (§5.4.2), each evaluated on the test set in
//! evaluation mode (dropout off, batch norm on its running statistics — the book's code never
//! switched modes).
//!
//! ```sh
//! SCALPEL_DATA_DIR=/path/to/data cargo run --release --example mlp_fashion_mnist [plain|bn|dropout]
//! ```
//!
//! With no argument all three run. Reads `$SCALPEL_DATA_DIR/fashion-mnist/` (default
//! `./data/fashion-mnist/`); writes `runs/mlp_fashion_mnist/fashion_mlp/`, `…/fashion_mlp_bn/` and
//! `…/fashion_mlp_dropout/` (the recipes' names). The training code is
//! `scalpel_models::recipes::fashion_mlp`, the one `cargo xtask train-suite` checks.

use std::path::PathBuf;
use std::process::ExitCode;

use scalpel_models::recipes::{fashion_mlp, FashionVariant, RecipeOptions};

fn main() -> ExitCode {
    let variants = match std::env::args().nth(1).as_deref() {
        None => vec![
            FashionVariant::Plain,
            FashionVariant::BatchNorm,
            FashionVariant::Dropout,
        ],
        Some("plain") => vec![FashionVariant::Plain],
        Some("bn") => vec![FashionVariant::BatchNorm],
        Some("dropout") => vec![FashionVariant::Dropout],
        Some(other) => {
            eprintln!("error: unknown variant `{other}`; use plain, bn or dropout");
            return ExitCode::from(2);
        }
    };
    let mut results = Vec::new();
    for variant in variants {
        let options = RecipeOptions {
            run_dir: Some(PathBuf::from("runs/mlp_fashion_mnist").join(variant.name())),
            ..Default::default()
        };
        match fashion_mlp(&options, variant) {
            Ok(report) => results.push(report),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!(
        "\n{:<22} {:>9} {:>9} {:>7}",
        "model", "test acc", "train acc", "seconds"
    );
    for r in &results {
        println!(
            "{:<22} {:>9.4} {:>9.4} {:>7.0}",
            r.name,
            r.test.and_then(|t| t.accuracy).unwrap_or(0.0),
            r.train.accuracy.unwrap_or(0.0),
            r.seconds
        );
    }
    for r in &results {
        if let Some(curves) = &r.curves {
            println!("curves of {}: {}", r.name, curves.display());
        }
    }
    ExitCode::SUCCESS
}
