//! LeNet-5 learns MNIST (book §6.5): convolution, pooling and fully connected layers trained
//! with SGD and momentum by scalpel-models' `Trainer`, then evaluated on the test set.
//!
//! ```sh
//! SCALPEL_DATA_DIR=../shared/data cargo run --release --example cnn_mnist            # 3 epochs
//! SCALPEL_DATA_DIR=../shared/data cargo run --release --example cnn_mnist -- 10      # 10 epochs
//! ```
//!
//! Inputs are normalised as usual for MNIST, (pixel/255 − 0.1307)/0.3081, shape (N, 1, 28, 28).
//! Three epochs reach about 98.6 % test accuracy (the Trainer reports it after each epoch).

use scalpel::data::transforms::{to_unit_interval, MapInputs, Normalize};
use scalpel::data::{mnist, DataLoader, Dataset, Split, TensorDataset};
use scalpel::optim::{Sgd, SgdConfig};
use scalpel::prelude::*;
use scalpel_models::cnn::LeNet5;
use scalpel_models::{evaluate, CrossEntropyLoss, Trainer};
use scalpel_nn::Module;

const BATCH: usize = 64;

/// The split's images `(N, 1, 28, 28)` and labels. The images stay bytes (a quarter of their
/// size as floats); each batch is scaled to [0, 1] and normalised as it is built.
fn dataset(
    split: Split,
) -> Result<impl Dataset<Input = f32, Target = i64>, Box<dyn std::error::Error>> {
    let (images, labels) = mnist::load(mnist::default_dir(), split)?.into_parts();
    let n = labels.numel();
    let bytes = TensorDataset::new(images.reshape([n, 1, mnist::SIDE, mnist::SIDE])?, labels)?;
    let normalize = Normalize::new(vec![0.1307f32], vec![0.3081])?;
    Ok(MapInputs::new(bytes, move |x| {
        normalize.apply(&to_unit_interval(&x))
    }))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let epochs = match std::env::args().nth(1) {
        Some(n) => n.parse().map_err(|e| format!("epochs `{n}`: {e}"))?,
        None => 3,
    };
    let train = DataLoader::new(dataset(Split::Train)?, BATCH)?.shuffle(42);
    let test = DataLoader::new(dataset(Split::Test)?, 1000)?;

    let model: LeNet5 = LeNet5::new(&mut Rng::seed(0));
    println!(
        "LeNet-5, {} parameters; MNIST {} training images, batch {BATCH}, SGD lr 0.01 momentum 0.9",
        model.num_parameters(),
        train.dataset().len()
    );
    let sgd = Sgd::new(
        model.parameters(),
        SgdConfig {
            lr: 0.01,
            momentum: 0.9,
            ..Default::default()
        },
    )?;
    Trainer::new(&model, sgd, CrossEntropyLoss)
        .epochs(epochs)
        .name("lenet5")
        .fit(&train, Some(&test))?;

    let result = evaluate(&model, &CrossEntropyLoss, &test)?;
    println!(
        "test: loss {:.4}, accuracy {:.4} ({} images)",
        result.loss,
        result.accuracy.unwrap_or(f64::NAN),
        result.samples
    );
    Ok(())
}
