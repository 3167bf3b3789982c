//! The checks of the train suite: what each trains, the files it needs and its threshold.

use std::fmt;
use std::path::Path;

use scalpel_data::data_dir::test_data_dir;
use scalpel_models::recipes::{
    book_cnn_mnist, cnn_mnist, conv_speedup, fashion_mlp, food_truck, mnist_mlp, mnist_softmax,
    resnet_fashion_mnist, spiral_mlp, ClassifierReport, FashionVariant, RecipeOptions,
    CONV_SPEEDUP_BOOK_BATCH,
};
use scalpel_models::Progress;

/// A measured figure and the bound it must meet.
pub struct Figure {
    name: &'static str,
    value: f64,
    bound: Bound,
}

/// Which side of the threshold passes.
#[derive(Clone, Copy)]
pub enum Bound {
    AtLeast(f64),
    AtMost(f64),
}

impl Figure {
    /// True when the value meets the bound (NaN never does).
    pub fn passes(&self) -> bool {
        match self.bound {
            Bound::AtLeast(t) => self.value >= t,
            Bound::AtMost(t) => self.value <= t,
        }
    }
}

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.bound {
            Bound::AtLeast(t) => write!(f, "{}={:.4} >= {t}", self.name, self.value),
            Bound::AtMost(t) => write!(f, "{}={:.3e} <= {t:e}", self.name, self.value),
        }
    }
}

/// How a check ended.
pub enum Outcome {
    Measured(Figure),
    Skipped(String),
    Error(String),
}

/// One check: a name, a description for `--list`, and the function that runs it in a run
/// folder.
pub struct Check {
    pub name: &'static str,
    pub describe: &'static str,
    pub run: fn(&Path) -> Outcome,
}

/// Every check, in the order the suite runs them (fast ones first).
pub const CHECKS: &[Check] = &[
    Check {
        name: "spiral_mlp",
        describe: "MLP on the book's spiral: training accuracy >= 0.99 (no files)",
        run: spiral,
    },
    Check {
        name: "food_truck",
        describe: "linear regression: gradient descent within 1e-3 of the normal equation",
        run: truck,
    },
    Check {
        name: "mnist_softmax",
        describe: "softmax regression on MNIST: test accuracy >= 0.91",
        run: softmax,
    },
    Check {
        name: "mnist_mlp",
        describe: "MLP on MNIST: test accuracy >= 0.98",
        run: mlp,
    },
    Check {
        name: "fashion_mlp",
        describe: "MLP on Fashion-MNIST: test accuracy >= 0.87",
        run: fashion_plain,
    },
    Check {
        name: "fashion_mlp_bn",
        describe: "MLP with batch norm on Fashion-MNIST, eval mode: test accuracy >= 0.885",
        run: fashion_bn,
    },
    Check {
        name: "book_cnn_mnist",
        describe:
            "the book's small CNN on MNIST, one epoch: training accuracy >= 0.84 (book 0.84064)",
        run: book_cnn,
    },
    Check {
        name: "cnn_mnist",
        describe: "LeNet-5 on MNIST: test accuracy >= 0.99",
        run: lenet,
    },
    Check {
        name: "conv_speedup",
        describe: "the book's conv timing (N=128): direct loops / fast kernels >= 9 (book 9x)",
        run: speedup,
    },
    Check {
        name: "resnet_fashion_mnist",
        describe: "a small ResNet on Fashion-MNIST: test accuracy >= 0.91",
        run: resnet,
    },
];

const MNIST_FILES: [&str; 4] = [
    "mnist/train-images-idx3-ubyte.gz",
    "mnist/train-labels-idx1-ubyte.gz",
    "mnist/t10k-images-idx3-ubyte.gz",
    "mnist/t10k-labels-idx1-ubyte.gz",
];
const FASHION_FILES: [&str; 4] = [
    "fashion-mnist/train-images-idx3-ubyte.gz",
    "fashion-mnist/train-labels-idx1-ubyte.gz",
    "fashion-mnist/t10k-images-idx3-ubyte.gz",
    "fashion-mnist/t10k-labels-idx1-ubyte.gz",
];

/// Options for a recipe: the data folder if `files` are there (the data policy decides
/// otherwise), the run folder, progress lines or bar.
fn options(files: &[&str], run_dir: &Path) -> Result<RecipeOptions, Outcome> {
    let data_dir = if files.is_empty() {
        scalpel_data::data_dir::data_dir()
    } else {
        match test_data_dir(files) {
            Ok(Some(dir)) => dir,
            Ok(None) => {
                return Err(Outcome::Skipped(format!(
                    "data missing (needs {}; set SCALPEL_DATA_DIR)",
                    files.join(", ")
                )))
            }
            Err(e) => return Err(Outcome::Error(e.to_string())),
        }
    };
    Ok(RecipeOptions {
        data_dir,
        run_dir: Some(run_dir.to_path_buf()),
        progress: Progress::Auto,
    })
}

fn measured<T, E: fmt::Display>(
    result: Result<T, E>,
    figure: impl FnOnce(&T) -> Figure,
) -> Outcome {
    match result {
        Ok(r) => Outcome::Measured(figure(&r)),
        Err(e) => Outcome::Error(e.to_string()),
    }
}

fn test_accuracy(r: &ClassifierReport, threshold: f64) -> Figure {
    Figure {
        name: "test_accuracy",
        value: r.test.and_then(|t| t.accuracy).unwrap_or(f64::NAN),
        bound: Bound::AtLeast(threshold),
    }
}

fn classifier(
    files: &[&str],
    run_dir: &Path,
    threshold: f64,
    recipe: impl FnOnce(&RecipeOptions) -> scalpel_models::Result<ClassifierReport>,
) -> Outcome {
    match options(files, run_dir) {
        Ok(o) => measured(recipe(&o), |r| test_accuracy(r, threshold)),
        Err(outcome) => outcome,
    }
}

fn spiral(run_dir: &Path) -> Outcome {
    match options(&[], run_dir) {
        Ok(o) => measured(spiral_mlp(&o), |r| Figure {
            name: "train_accuracy",
            value: r.train.accuracy.unwrap_or(f64::NAN),
            bound: Bound::AtLeast(0.99),
        }),
        Err(outcome) => outcome,
    }
}

fn truck(run_dir: &Path) -> Outcome {
    match options(&["book/food_truck_data.txt"], run_dir) {
        Ok(o) => measured(food_truck(&o), |r| Figure {
            name: "max_abs_diff_gd_vs_normal_equation",
            value: r.max_abs_difference,
            bound: Bound::AtMost(1e-3),
        }),
        Err(outcome) => outcome,
    }
}

fn softmax(run_dir: &Path) -> Outcome {
    classifier(&MNIST_FILES, run_dir, 0.91, mnist_softmax)
}

fn mlp(run_dir: &Path) -> Outcome {
    classifier(&MNIST_FILES, run_dir, 0.98, mnist_mlp)
}

fn fashion_plain(run_dir: &Path) -> Outcome {
    classifier(&FASHION_FILES, run_dir, 0.87, |o| {
        fashion_mlp(o, FashionVariant::Plain)
    })
}

fn fashion_bn(run_dir: &Path) -> Outcome {
    classifier(&FASHION_FILES, run_dir, 0.885, |o| {
        fashion_mlp(o, FashionVariant::BatchNorm)
    })
}

fn book_cnn(run_dir: &Path) -> Outcome {
    match options(&MNIST_FILES, run_dir) {
        Ok(o) => measured(book_cnn_mnist(&o), |r| Figure {
            name: "train_accuracy",
            value: r.train.accuracy.unwrap_or(f64::NAN),
            bound: Bound::AtLeast(0.84),
        }),
        Err(outcome) => outcome,
    }
}

fn lenet(run_dir: &Path) -> Outcome {
    classifier(&MNIST_FILES, run_dir, 0.99, cnn_mnist)
}

fn resnet(run_dir: &Path) -> Outcome {
    classifier(&FASHION_FILES, run_dir, 0.91, resnet_fashion_mnist)
}

/// Outputs and gradients of the two layers must agree to f32 rounding before the times count.
const SPEEDUP_AGREEMENT: f64 = 1e-4;

fn speedup(_run_dir: &Path) -> Outcome {
    match conv_speedup(CONV_SPEEDUP_BOOK_BATCH) {
        Ok(r) if r.max_relative_difference > SPEEDUP_AGREEMENT => Outcome::Error(format!(
            "the direct loops and the fast kernels disagree: {:.1e} > {SPEEDUP_AGREEMENT:e}",
            r.max_relative_difference
        )),
        result => measured(result, |r| {
            println!(
                "conv_speedup: fast {:.3} s, naive {:.3} s (N = {})",
                r.fast_seconds, r.naive_seconds, r.batch
            );
            Figure {
                name: "speedup",
                value: r.speedup,
                bound: Bound::AtLeast(9.0),
            }
        }),
    }
}
