//! Checkpoints: everything a [`Trainer`](crate::Trainer) needs to continue a run exactly as if it
//! had not stopped.
//!
//! A checkpoint is a folder (`<run dir>/checkpoint/`) of four files:
//!
//! | file | what |
//! |---|---|
//! | `model.safetensors` | the model's state dict: parameters and buffers (batch-norm statistics, the random state of [`ResumableDropout`](crate::ResumableDropout)) |
//! | `best.safetensors` | with early stopping, the state dict of the best epoch so far |
//! | `optimizer.json` | the optimizer's state dict (learning rates, step counts, moment buffers) |
//! | `trainer.json` | [`TrainerCheckpoint`]: epochs done, history, early-stopping and schedule progress, and the training loader's state |
//!
//! Each file is written to a temporary name and renamed, `trainer.json` last, so a run killed
//! while saving leaves the previous checkpoint readable.
//!
//! The loader's random state needs no generator: [`DataLoader`] derives each epoch's order from
//! its seed and the epoch number, so the checkpoint stores the next epoch and a fingerprint of
//! its order, and resuming checks that the loader given to `fit` produces that same order.

use std::path::Path;

use scalpel_data::{DataLoader, Dataset};
use scalpel_nn::StateDict;
use scalpel_optim::{OptimizerState, SchedulerState};
use scalpel_tensor::Float;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::early_stopping::EarlyStoppingState;
use super::metrics::EpochMetrics;
use crate::error::{ModelsError, Result};
use crate::io::{create_dir, write_atomic};

/// The checkpoint's model weights.
pub const MODEL_FILE: &str = "model.safetensors";
/// The best epoch's weights (early stopping).
pub const BEST_FILE: &str = "best.safetensors";
/// The optimizer state.
pub const OPTIMIZER_FILE: &str = "optimizer.json";
/// The trainer state, [`TrainerCheckpoint`].
pub const TRAINER_FILE: &str = "trainer.json";
/// The version of the `trainer.json` format.
pub const FORMAT_VERSION: u32 = 1;

/// The state of the training loader at a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoaderState {
    /// Samples in the data set.
    pub samples: usize,
    /// Samples per batch.
    pub batch_size: usize,
    /// Batches per epoch.
    pub batches_per_epoch: usize,
    /// The epoch (0-based) that the resumed run starts with.
    pub next_epoch: u64,
    /// FNV-1a hash of the sample order of `next_epoch`.
    pub order_fingerprint: u64,
}

impl LoaderState {
    /// The state of `loader` before epoch `next_epoch`.
    pub fn of<D: Dataset + 'static>(loader: &DataLoader<D>, next_epoch: u64) -> Self {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for i in loader.order(next_epoch) {
            for byte in (i as u64).to_le_bytes() {
                hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        LoaderState {
            samples: loader.dataset().len(),
            batch_size: loader.batch_size(),
            batches_per_epoch: loader.len(),
            next_epoch,
            order_fingerprint: hash,
        }
    }
}

/// The contents of `trainer.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainerCheckpoint {
    /// [`FORMAT_VERSION`] of the writer.
    pub format: u32,
    /// Epochs completed.
    pub epochs_done: usize,
    /// The metrics of those epochs.
    pub history: Vec<EpochMetrics>,
    /// Early-stopping progress.
    pub early_stopping: EarlyStoppingState,
    /// The learning-rate schedule's progress, if the run has one.
    pub scheduler: Option<SchedulerState>,
    /// The training loader's state.
    pub loader: LoaderState,
    /// True when `best.safetensors` is part of the checkpoint.
    pub has_best: bool,
}

/// Everything read back from a checkpoint folder.
pub(crate) struct LoadedCheckpoint<T: Float> {
    pub trainer: TrainerCheckpoint,
    pub model: StateDict,
    pub best: Option<StateDict>,
    pub optimizer: OptimizerState<T>,
}

/// Writes a checkpoint into `dir` (created if needed).
pub(crate) fn save<T: Float + Serialize>(
    dir: &Path,
    trainer: &TrainerCheckpoint,
    model: &StateDict,
    best: Option<&StateDict>,
    optimizer: &OptimizerState<T>,
) -> Result<()> {
    create_dir(dir)?;
    write_atomic(&dir.join(MODEL_FILE), &model.to_safetensors()?)?;
    if let Some(best) = best {
        write_atomic(&dir.join(BEST_FILE), &best.to_safetensors()?)?;
    }
    write_json(&dir.join(OPTIMIZER_FILE), optimizer)?;
    write_json(&dir.join(TRAINER_FILE), trainer)
}

/// Reads the checkpoint in `dir`.
pub(crate) fn load<T: Float + DeserializeOwned>(dir: &Path) -> Result<LoadedCheckpoint<T>> {
    let trainer: TrainerCheckpoint = read_json(&dir.join(TRAINER_FILE))?;
    if trainer.format != FORMAT_VERSION {
        return Err(ModelsError::Checkpoint {
            path: dir.to_path_buf(),
            reason: format!(
                "trainer.json has format {}, this version reads {FORMAT_VERSION}",
                trainer.format
            ),
        });
    }
    let read_dict = |name: &str| -> Result<StateDict> {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(|e| ModelsError::io(&path, e))?;
        Ok(StateDict::from_safetensors(&bytes)?)
    };
    let model = read_dict(MODEL_FILE)?;
    let best = if trainer.has_best {
        Some(read_dict(BEST_FILE)?)
    } else {
        None
    };
    let optimizer = read_json(&dir.join(OPTIMIZER_FILE))?;
    Ok(LoadedCheckpoint {
        trainer,
        model,
        best,
        optimizer,
    })
}

fn write_json<V: Serialize>(path: &Path, value: &V) -> Result<()> {
    let text = serde_json::to_vec(value).map_err(|source| ModelsError::Json {
        path: path.to_path_buf(),
        source,
    })?;
    write_atomic(path, &text)
}

fn read_json<V: DeserializeOwned>(path: &Path) -> Result<V> {
    let bytes = std::fs::read(path).map_err(|e| ModelsError::io(path, e))?;
    serde_json::from_slice(&bytes).map_err(|source| ModelsError::Json {
        path: path.to_path_buf(),
        source,
    })
}
