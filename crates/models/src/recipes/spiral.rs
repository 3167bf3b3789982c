//! The book's spiral (§3.6.1, §4.3) learned by a small MLP: the quickstart.

use std::time::Instant;

use scalpel_data::{synthetic, DataLoader, TensorDataset};
use scalpel_nn::Module;
use scalpel_optim::{Adam, AdamConfig, CosineAnnealingLR};
use scalpel_tensor::Rng;

use super::{ClassifierReport, RecipeOptions};
use crate::error::Result;
use crate::mlp::Mlp;
use crate::trainer::{CrossEntropyLoss, Trainer};

/// Epochs of [`spiral_mlp`].
const EPOCHS: usize = 300;

/// Trains an MLP 2-64-64-3 (ReLU) on the book's spiral — 3 arms of 100 points, seed 7 — with
/// Adam (lr 0.01, cosine decay to 0), batches of 32 shuffled each epoch, 300 epochs; about a
/// second in a release build. Needs no files; with a run folder, a checkpoint is saved every 50
/// epochs. The report's `train` is the accuracy on the 300 points afterwards
/// (the book reaches 0.99 with a 2-100-3 network).
///
/// # Errors
/// Only errors of the run folder's files.
pub fn spiral_mlp(options: &RecipeOptions) -> Result<ClassifierReport> {
    let started = Instant::now();
    let mut rng = Rng::seed(7);
    let (x, y) = synthetic::spiral(100, 3, &mut rng)?;
    let loader = DataLoader::new(TensorDataset::new(x, y)?, 32)?
        .shuffle(7)
        .prefetch(0);
    let model = Mlp::new(&[2, 64, 64, 3]).build::<f32>(&mut rng)?;
    let mut opt = Adam::new(
        model.parameters(),
        AdamConfig {
            lr: 0.01,
            ..Default::default()
        },
    )?;
    let schedule = CosineAnnealingLR::new(&mut opt, EPOCHS, 0.0)?;
    let mut trainer = Trainer::new(&model, opt, CrossEntropyLoss)
        .name("spiral_mlp")
        .epochs(EPOCHS)
        .scheduler(schedule)
        .log_every(EPOCHS / 6)
        // A checkpoint at each log line rather than after each of the 300 short epochs: a save
        // is four files flushed to disk, which on a busy disk takes longer than the epoch.
        .checkpoint_every(EPOCHS / 6)
        .progress(options.progress);
    if let Some(dir) = &options.run_dir {
        trainer = trainer.run_dir(dir);
    }
    let history = trainer.fit(&loader, None)?;
    let train = trainer.evaluate(&loader)?;
    Ok(ClassifierReport {
        name: "spiral_mlp".into(),
        history,
        train,
        test: None,
        curves: trainer.curves_path(),
        seconds: started.elapsed().as_secs_f64(),
    })
}
