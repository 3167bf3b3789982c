//! Logistic regression on Fisher's Iris data (book §3.5.3): one binary classifier per species
//! ("this species or not"), each trained with the `Trainer` on the binary cross-entropy, then
//! combined one-vs-rest into a three-class classifier.
//!
//! ```sh
//! SCALPEL_DATA_DIR=/path/to/data cargo run --release --example logistic_regression
//! ```
//!
//! Reads `$SCALPEL_DATA_DIR/book/iris.csv` (default `./data/book/`); writes one run folder per
//! species under `runs/logistic_regression/`. Features are standardised with the training
//! part's statistics; 30 of the 150 flowers are held out for testing.

use std::path::PathBuf;
use std::process::ExitCode;

use scalpel::data::formats::book;
use scalpel::data::transforms::Standardizer;
use scalpel::data::{DataLoader, TensorDataset};
use scalpel::optim::{Sgd, SgdConfig};
use scalpel::tensor::{Rng, Tensor};
use scalpel_models::{BCEWithLogitsLoss, LogisticRegression, Progress, Trainer};
use scalpel_nn::Module;

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
    let iris = book::iris::<f32>(&scalpel::data::data_dir::data_dir().join("book"))?;
    let all = TensorDataset::new(iris.features, iris.labels)?;
    let (train, test) = all.train_val_split(0.2, 3)?;
    let scaler = Standardizer::fit(train.inputs())?;
    let (train_x, test_x) = (
        scaler.transform(train.inputs())?,
        scaler.transform(test.inputs())?,
    );
    println!(
        "Iris: {} flowers for training, {} for testing; 4 standardised features",
        train.targets().numel(),
        test.targets().numel()
    );

    let mut probabilities = Vec::new();
    for (class, name) in book::IRIS_CLASSES.iter().enumerate() {
        // Targets 1 for this species, 0 for the others.
        let binary = |y: &Tensor<i64>| y.eq_scalar(class as i64).to_numeric::<f32>();
        let data = TensorDataset::new(train_x.clone(), binary(train.targets()))?;
        let loader = DataLoader::new(data, 16)?.shuffle(class as u64);
        let model = LogisticRegression::<f32>::new(4, &mut Rng::seed(class as u64));
        let opt = Sgd::new(
            model.parameters(),
            SgdConfig {
                lr: 0.1,
                ..Default::default()
            },
        )?;
        let mut trainer = Trainer::new(&model, opt, BCEWithLogitsLoss)
            .name(*name)
            .epochs(100)
            .log_every(50)
            .progress(Progress::Lines)
            .run_dir(PathBuf::from("runs/logistic_regression").join(name));
        trainer.fit(&loader, None)?;
        let test_data = TensorDataset::new(test_x.clone(), binary(test.targets()))?;
        let result = trainer.evaluate(&DataLoader::new(test_data, 64)?)?;
        println!(
            "{name:<16} vs rest: test accuracy {:.3}  w = {:.3?}  b = {:.3}",
            result.accuracy.unwrap_or(0.0),
            model.weights(),
            model.bias_value()
        );
        probabilities.push(model.predict_proba(&test_x)?);
    }
    println!(
        "(versicolor lies between the other two species, so no straight line in the 4 features \
         separates it from both: its classifier is the weak one)"
    );
    // One-vs-rest: the species whose classifier is most confident (the argmax of the three
    // independent sigmoids), which is right even where versicolor's own classifier is unsure.
    let stacked = Tensor::concat(&probabilities.iter().collect::<Vec<_>>(), 1)?;
    let predicted = stacked.argmax(1, false)?;
    let correct = predicted.eq(test.targets())?.count_true();
    println!(
        "three species, one-vs-rest: test accuracy {:.3} ({correct}/{})",
        correct as f64 / test.targets().numel() as f64,
        test.targets().numel()
    );
    Ok(())
}
