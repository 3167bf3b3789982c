//! The trainings behind the examples and `cargo xtask train-suite`, one function each, so that
//! both run exactly the same code with the same seeds and hyperparameters.
//!
//! | recipe | data | model | what it reports |
//! |---|---|---|---|
//! | [`spiral_mlp`] | the book's spiral (no files) | MLP 2-64-64-3 | training accuracy |
//! | [`food_truck`] | `book/food_truck_data.txt` | linear regression | normal equation vs gradient descent |
//! | [`mnist_softmax`] | `mnist/` | softmax regression 784-10 | test accuracy |
//! | [`mnist_mlp`] | `mnist/` | MLP 784-512-256-10 | test accuracy |
//! | [`fashion_mlp`] | `fashion-mnist/` | MLP, plain / batch norm / dropout | test accuracy |
//! | [`cnn_mnist`] | `mnist/` | LeNet-5 | test accuracy |
//! | [`book_cnn_mnist`] | `mnist/` | the book's small CNN, one epoch | training accuracy |
//! | [`resnet_fashion_mnist`] | `fashion-mnist/` | a small ResNet | test accuracy |
//! | [`conv_speedup`] | random (no files) | direct-loop vs fast convolution | the speed-up |
//!
//! Data comes from [`RecipeOptions::data_dir`] (default: `$SCALPEL_DATA_DIR`, else `./data`); a
//! missing file is a [`DataError::MissingFile`](scalpel_data::DataError::MissingFile) naming the
//! file and where to get it.

mod cnn;
mod conv_speedup;
mod food_truck;
mod mnist;
mod spiral;

pub use cnn::{book_cnn_mnist, cnn_mnist, resnet_fashion_mnist, ImageDataset};
pub use conv_speedup::{
    conv_speedup, ConvSpeedupReport, CONV_SPEEDUP_BOOK_BATCH, CONV_SPEEDUP_CHANNELS,
    CONV_SPEEDUP_FILTERS, CONV_SPEEDUP_KERNEL, CONV_SPEEDUP_SIZE,
};
pub use food_truck::{food_truck, FoodTruckReport, FOOD_TRUCK_GD};
pub use mnist::{fashion_mlp, mnist_mlp, mnist_softmax, FashionVariant};
pub use spiral::spiral_mlp;

use std::path::PathBuf;
use std::time::Instant;

use scalpel_data::{DataLoader, Dataset};

use crate::error::Result;
use crate::trainer::{Evaluation, History, Progress, Trainer};

/// Where a recipe reads data and writes its run, and how it shows progress.
#[derive(Clone, Debug, PartialEq)]
pub struct RecipeOptions {
    /// The data folder (with `mnist/`, `fashion-mnist/`, `book/`).
    pub data_dir: PathBuf,
    /// The run folder for metrics, curves and checkpoints; `None` writes nothing.
    pub run_dir: Option<PathBuf>,
    /// The progress display.
    pub progress: Progress,
}

impl Default for RecipeOptions {
    /// `$SCALPEL_DATA_DIR` (or `./data`), no run folder, automatic progress.
    fn default() -> Self {
        RecipeOptions {
            data_dir: scalpel_data::data_dir::data_dir(),
            run_dir: None,
            progress: Progress::Auto,
        }
    }
}

/// What a classification recipe measured.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassifierReport {
    /// The recipe's name (`mnist_mlp`, …).
    pub name: String,
    /// Every epoch's metrics.
    pub history: History,
    /// The whole training set, evaluated after training (in evaluation mode).
    pub train: Evaluation,
    /// The test set after training, for recipes that have one.
    pub test: Option<Evaluation>,
    /// The curves image, when there is a run folder.
    pub curves: Option<PathBuf>,
    /// Wall-clock seconds of the whole recipe, loading included.
    pub seconds: f64,
}

/// The end of every classification recipe `name`: points `trainer` at the run folder of `options`,
/// fits it on `train` (validating on `val` after each epoch), then evaluates the test set and
/// the whole training set. `started` is when the recipe began (loading included).
fn fit_and_report<D>(
    name: &str,
    trainer: Trainer<'_>,
    options: &RecipeOptions,
    started: Instant,
    train: &DataLoader<D>,
    val: Option<&DataLoader<D>>,
    test: &DataLoader<D>,
) -> Result<ClassifierReport>
where
    D: Dataset<Input = f32, Target = i64> + 'static,
{
    let mut trainer = trainer.name(name).progress(options.progress);
    if let Some(dir) = &options.run_dir {
        trainer = trainer.run_dir(dir);
    }
    let history = trainer.fit(train, val)?;
    let test = trainer.evaluate(test)?;
    let train = trainer.evaluate(train)?;
    Ok(ClassifierReport {
        name: name.to_string(),
        history,
        train,
        test: Some(test),
        curves: trainer.curves_path(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

impl std::fmt::Display for ClassifierReport {
    /// One line: the name, test and training accuracy, the seconds taken, and the curves image
    /// when there is one.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let accuracy = |e: Option<&Evaluation>| {
            e.and_then(|e| e.accuracy)
                .map_or_else(|| "-".to_string(), |a| format!("{a:.4}"))
        };
        write!(
            f,
            "{}: test accuracy {}, training accuracy {}, {:.0} s",
            self.name,
            accuracy(self.test.as_ref()),
            accuracy(Some(&self.train)),
            self.seconds
        )?;
        if let Some(curves) = &self.curves {
            write!(f, "; curves {}", curves.display())?;
        }
        Ok(())
    }
}
