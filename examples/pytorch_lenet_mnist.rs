//! Weights from PyTorch: the LeNet-5 that PyTorch trained on MNIST, saved with safetensors,
//! loaded by name into scalpel's `LeNet5` and run on the MNIST test set. Prints how far
//! scalpel's logits are from PyTorch's on the first 32 images and the test accuracy over all
//! 10,000 (PyTorch measured 0.9832).
//!
//! ```sh
//! SCALPEL_DATA_DIR=../shared/data cargo run --release --example pytorch_lenet_mnist
//! ```
//!
//! Needs `$SCALPEL_DATA_DIR/interop/lenet5_mnist.{safetensors,expected.json}` and the MNIST test
//! files in `$SCALPEL_DATA_DIR/mnist`.

use std::process::ExitCode;
use std::time::Instant;

use scalpel::data::data_dir::data_dir;
use scalpel::data::transforms::Normalize;
use scalpel::data::{mnist, Split};
use scalpel::prelude::*;
use scalpel_models::cnn::LeNet5;
use scalpel_nn::{Module, StateDict};
use serde_json::Value;

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
    let dir = data_dir();
    let weights = dir.join("interop/lenet5_mnist.safetensors");
    let expected_file = dir.join("interop/lenet5_mnist.expected.json");
    for file in [&weights, &expected_file] {
        if !file.is_file() {
            return Err(format!(
                "file not found: {}\nThe weights PyTorch wrote live in the interop/ folder of the \
                 folder named by the environment variable SCALPEL_DATA_DIR (default ./data). \
                 They come with the project's shared data folder (../shared/data; see its \
                 README.md, section interop/): run with SCALPEL_DATA_DIR=../shared/data",
                file.display()
            )
            .into());
        }
    }

    // PyTorch's state-dict names (conv1.weight, …, fc3.bias) are LeNet5's: a strict load.
    let model: LeNet5 = LeNet5::new(&mut Rng::seed(0));
    let state = StateDict::load_safetensors(&weights)?;
    model.load_state_dict(&state, true)?;
    model.eval();
    println!("loaded {} tensors from {}", state.len(), weights.display());

    // The normalisation PyTorch trained with: pixel/255, then (x − 0.1307)/0.3081.
    let test = mnist::load(dir.join("mnist"), Split::Test)?;
    let (images, labels) = test.image_dataset().into_parts();
    let x = Normalize::new(vec![0.1307f32], vec![0.3081])?.apply(&images)?;

    let expected: Value = serde_json::from_slice(&std::fs::read(&expected_file)?)?;
    let first = expected["first_test_images"].as_u64().unwrap_or(32) as usize;
    let _frozen = no_grad();
    let logits = model
        .forward(&Var::constant(x.narrow(0, 0, first)?))?
        .value();
    let mut worst = 0.0f64;
    for (i, row) in expected["logits"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        for (j, v) in row.as_array().into_iter().flatten().enumerate() {
            let ours = f64::from(logits.get(&[i, j])?);
            worst = worst.max((ours - v.as_f64().unwrap_or(f64::NAN)).abs());
        }
    }
    println!("first {first} test images: max |scalpel − PyTorch| logit = {worst:.2e}");

    let start = Instant::now();
    let n = labels.numel();
    let mut correct = 0;
    for from in (0..n).step_by(1000) {
        let len = 1000.min(n - from);
        let predicted = model
            .forward(&Var::constant(x.narrow(0, from, len)?))?
            .value()
            .argmax(1, false)?;
        let truth = labels.narrow(0, from, len)?;
        correct += predicted
            .to_vec()
            .into_iter()
            .zip(truth.to_vec())
            .filter(|(p, t)| p == t)
            .count();
    }
    println!(
        "test accuracy: {correct}/{n} = {:.4} (PyTorch: {:.4}), {:.2} s",
        correct as f64 / n as f64,
        expected["test_accuracy"].as_f64().unwrap_or(f64::NAN),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
