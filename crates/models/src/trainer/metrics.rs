//! What training and evaluation measure: [`EpochMetrics`] per epoch, [`Evaluation`] of a data
//! set, and [`evaluate`].

use std::time::Instant;

use scalpel_autograd::{no_grad, Var};
use scalpel_data::{DataLoader, Dataset};
use scalpel_nn::Module;
use scalpel_tensor::{Element, Float};
use serde::{Deserialize, Serialize};

use super::criterion::Criterion;
use crate::error::Result;

/// The figures of one training epoch: one row of the metrics CSV.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochMetrics {
    /// The epoch, counting from 1.
    pub epoch: usize,
    /// Mean training loss over the epoch's samples (the data loss, without the L2 term), with
    /// the model in training mode as it changed during the epoch.
    pub train_loss: f64,
    /// Fraction of training samples predicted correctly during the epoch, if the criterion
    /// counts accuracy.
    pub train_accuracy: Option<f64>,
    /// Validation loss after the epoch, in evaluation mode.
    pub val_loss: Option<f64>,
    /// Validation accuracy after the epoch, in evaluation mode.
    pub val_accuracy: Option<f64>,
    /// The learning rate of the first parameter group during the epoch.
    pub lr: f64,
    /// Wall-clock seconds for the epoch, training and validation.
    pub seconds: f64,
    /// Training samples per second.
    pub samples_per_second: f64,
}

/// The result of [`evaluate`]: mean loss and accuracy over a data set.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Mean loss per sample.
    pub loss: f64,
    /// Fraction predicted correctly, if the criterion counts accuracy.
    pub accuracy: Option<f64>,
    /// Number of samples seen.
    pub samples: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// Evaluates `model` on every batch of epoch 0 of `loader`: under
/// [`no_grad`](scalpel_autograd::no_grad) (no graph is recorded) and in evaluation mode
/// (dropout off, batch norm on its running statistics). The model's train/eval mode is put back
/// afterwards.
///
/// # Errors
/// Errors of the data set, the model or the criterion;
/// [`ModelsError::InvalidArgument`](crate::ModelsError::InvalidArgument) when the loader yields
/// no batches (there is no mean loss over no samples).
pub fn evaluate<T, Y, D>(
    model: &(impl Module<T> + ?Sized),
    criterion: &(impl Criterion<T, Y> + ?Sized),
    loader: &DataLoader<D>,
) -> Result<Evaluation>
where
    T: Float,
    Y: Element,
    D: Dataset<Input = T, Target = Y> + 'static,
{
    if loader.is_empty() {
        return Err(crate::ModelsError::arg(
            "evaluate",
            "the loader yields no batches",
        ));
    }
    let start = Instant::now();
    let was_training = model.is_training();
    model.eval();
    let _no_grad = no_grad();
    let result = (|| {
        let (mut loss_sum, mut samples, mut correct, mut counted) = (0.0f64, 0usize, 0usize, true);
        for batch in loader.epoch(0) {
            let (x, y) = batch?;
            let n = x.dims().first().copied().unwrap_or(1);
            let out = model.forward(&Var::constant(x))?;
            let loss = criterion.loss(&out, &y)?.item()?.to_f64_lossy();
            loss_sum += loss * n as f64;
            samples += n;
            match criterion.correct(&out.value(), &y)? {
                Some(c) => correct += c,
                None => counted = false,
            }
        }
        let denom = samples as f64;
        Ok(Evaluation {
            loss: loss_sum / denom,
            accuracy: counted.then(|| correct as f64 / denom),
            samples,
            seconds: start.elapsed().as_secs_f64(),
        })
    })();
    model.train(was_training);
    result
}
