//! MNIST and Fashion-MNIST classifiers (book §3.7, §4.3.6, §4.3.9, chapter 5): softmax
//! regression and MLPs, trained by the [`Trainer`] with Adam and a cosine learning-rate decay.

use std::path::Path;
use std::time::Instant;

use scalpel_data::{mnist, DataLoader, Dataset, Split, TensorDataset};
use scalpel_nn::Module;
use scalpel_optim::{Adam, AdamConfig, CosineAnnealingLR};
use scalpel_tensor::Rng;

use super::{fit_and_report, ClassifierReport, RecipeOptions};
use crate::error::Result;
use crate::mlp::Mlp;
use crate::regression::SoftmaxRegression;
use crate::trainer::{CrossEntropyLoss, Trainer};

/// The Fashion-MNIST MLPs of the book's chapter 5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FashionVariant {
    /// 784-512-256-10 with ReLU.
    Plain,
    /// The same with batch normalisation after each hidden Linear layer (§5.3).
    BatchNorm,
    /// The same with dropout 0.2 after each hidden activation (§5.4.2).
    Dropout,
}

impl FashionVariant {
    /// The recipe name: `fashion_mlp`, `fashion_mlp_bn`, `fashion_mlp_dropout`.
    pub fn name(self) -> &'static str {
        match self {
            FashionVariant::Plain => "fashion_mlp",
            FashionVariant::BatchNorm => "fashion_mlp_bn",
            FashionVariant::Dropout => "fashion_mlp_dropout",
        }
    }
}

/// Hyperparameters of one run.
struct Plan {
    name: &'static str,
    folder: &'static str,
    epochs: usize,
    batch_size: usize,
    lr: f64,
    seed: u64,
}

/// Samples of the training set held out for validation (the 60,000 become 55,000 + 5,000).
const VALIDATION: usize = 5000;

/// Softmax regression on MNIST (book §3.7): 784 → 10, Adam lr 2e-3 with cosine decay, batches
/// of 128, 5 epochs, seed 1. The book's mini-batch SGD reaches about 0.92 test accuracy.
///
/// # Errors
/// Missing or corrupt MNIST files under `<data dir>/mnist`.
pub fn mnist_softmax(options: &RecipeOptions) -> Result<ClassifierReport> {
    let plan = Plan {
        name: "mnist_softmax",
        folder: "mnist",
        epochs: 5,
        batch_size: 128,
        lr: 2e-3,
        seed: 1,
    };
    let model = SoftmaxRegression::<f32>::new(784, 10, &mut Rng::seed(plan.seed));
    run(&plan, &model, options)
}

/// An MLP on MNIST (book §4.3.6): 784-512-256-10 with ReLU, Adam lr 1e-3 with cosine decay,
/// batches of 128, 10 epochs, seed 2. The book's network reaches about 0.97–0.98.
///
/// # Errors
/// Missing or corrupt MNIST files under `<data dir>/mnist`.
pub fn mnist_mlp(options: &RecipeOptions) -> Result<ClassifierReport> {
    let plan = Plan {
        name: "mnist_mlp",
        folder: "mnist",
        epochs: 10,
        batch_size: 128,
        lr: 1e-3,
        seed: 2,
    };
    let model = Mlp::new(&[784, 512, 256, 10]).build::<f32>(&mut Rng::seed(plan.seed))?;
    run(&plan, &model, options)
}

/// An MLP on Fashion-MNIST (book §4.3.9, chapter 5): 784-512-256-10 with ReLU, plain, with
/// batch norm or with dropout ([`FashionVariant`]); Adam lr 1e-3 with cosine decay, batches of
/// 128, 10 epochs, seed 3.
///
/// # Errors
/// Missing or corrupt Fashion-MNIST files under `<data dir>/fashion-mnist`.
pub fn fashion_mlp(options: &RecipeOptions, variant: FashionVariant) -> Result<ClassifierReport> {
    let plan = Plan {
        name: variant.name(),
        folder: "fashion-mnist",
        epochs: 10,
        batch_size: 128,
        lr: 1e-3,
        seed: 3,
    };
    let mlp = Mlp::new(&[784, 512, 256, 10])
        .batch_norm(variant == FashionVariant::BatchNorm)
        .dropout(if variant == FashionVariant::Dropout {
            0.2
        } else {
            0.0
        });
    let model = mlp.build::<f32>(&mut Rng::seed(plan.seed))?;
    run(&plan, &model, options)
}

fn loaders(dir: &Path, plan: &Plan) -> Result<[DataLoader<TensorDataset>; 3]> {
    let train = mnist::load(dir, Split::Train)?.flat_dataset();
    let test = mnist::load(dir, Split::Test)?.flat_dataset();
    let fraction = VALIDATION as f64 / train.len() as f64;
    let (train, val) = train.train_val_split(fraction, plan.seed)?;
    Ok([
        DataLoader::new(train, plan.batch_size)?.shuffle(plan.seed),
        DataLoader::new(val, 1000)?,
        DataLoader::new(test, 1000)?,
    ])
}

fn run(plan: &Plan, model: &dyn Module, options: &RecipeOptions) -> Result<ClassifierReport> {
    let started = Instant::now();
    let [train, val, test] = loaders(&options.data_dir.join(plan.folder), plan)?;
    let mut opt = Adam::new(
        model.parameters(),
        AdamConfig {
            lr: plan.lr,
            ..Default::default()
        },
    )?;
    let schedule = CosineAnnealingLR::new(&mut opt, plan.epochs, 0.0)?;
    let trainer = Trainer::new(model, opt, CrossEntropyLoss)
        .epochs(plan.epochs)
        .scheduler(schedule);
    fit_and_report(
        plan.name,
        trainer,
        options,
        started,
        &train,
        Some(&val),
        &test,
    )
}
