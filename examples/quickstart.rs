//! Quickstart: an MLP learns the book's spiral data set (§3.6.1) through scalpel's `Trainer`,
//! with a progress bar. Needs no data files and runs in a second or two. It writes, in
//! `runs/quickstart/`, a metrics CSV, a loss/accuracy curve image, a checkpoint every 50 epochs
//! (`checkpoint/`) and the final weights (`model.safetensors`):
//!
//! ```sh
//! cargo run --release --example quickstart
//! ```
//!
//! The training itself is `scalpel_models::recipes::spiral_mlp` (crates/models/src/recipes/
//! spiral.rs): the same code that `cargo xtask train-suite` checks. In short:
//!
//! ```text
//! let model = Mlp::new(&[2, 64, 64, 3]).build::<f32>(&mut rng)?;
//! let opt = Adam::new(model.parameters(), AdamConfig { lr: 0.01, ..Default::default() })?;
//! let mut trainer = Trainer::new(&model, opt, CrossEntropyLoss).epochs(300).run_dir(dir);
//! trainer.fit(&loader, None)?;
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use scalpel_models::recipes::{spiral_mlp, RecipeOptions};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), scalpel_models::ModelsError> {
    println!(
        "spiral: 300 points in 3 classes (book §3.6.1); MLP 2-64-64-3 with ReLU, Adam, 300 epochs"
    );
    let options = RecipeOptions {
        run_dir: Some(PathBuf::from("runs/quickstart")),
        ..Default::default()
    };
    let report = spiral_mlp(&options)?;
    let accuracy = report.train.accuracy.unwrap_or(0.0);
    println!(
        "training accuracy {accuracy:.3} (the book reports 0.99), in {:.1} s",
        report.seconds
    );
    if let Some(curves) = &report.curves {
        println!("loss and accuracy curves: {}", curves.display());
    }
    Ok(())
}
