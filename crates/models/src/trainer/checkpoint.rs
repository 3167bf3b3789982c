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
//! The files must come from one save: the weights of one epoch with the optimizer state of
//! another would resume to a different run, silently. So `trainer.json` records a hash of each
//! of the other files, and a save writes them as `<name>.next` first, then `trainer.json`
//! (through a temporary name and a rename), then renames each `<name>.next` over `<name>`.
//! Loading takes, for each file, whichever of `<name>` and `<name>.next` has the hash that
//! `trainer.json` records. A run killed at any point of a save thus leaves a checkpoint that
//! loads whole: the previous one (before `trainer.json` is replaced) or the new one (after).
//! A save first finishes the renames a killed one left undone, so that its own `.next` files
//! never overwrite the only copy of what `trainer.json` records. A file changed since, or
//! damaged, matches neither and is an error that names it. Each file is flushed to disk before
//! it is renamed into place, and the folder (on Unix) after the rename of each `.next` file,
//! after `trainer.json`'s and after the final renames, so that a crash of the machine cannot
//! keep a later step of a save and lose an earlier one.
//!
//! The loader's random state needs no generator: [`DataLoader`] derives each epoch's order from
//! its seed and the epoch number, so the checkpoint stores the next epoch and a fingerprint of
//! its order, and resuming checks that the loader given to `fit` produces that same order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use scalpel_data::{DataLoader, Dataset};
use scalpel_nn::StateDict;
use scalpel_optim::{OptimizerState, ReduceLROnPlateau, SchedulerState};
use scalpel_tensor::Float;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::early_stopping::{EarlyStoppingState, Monitor};
use super::metrics::EpochMetrics;
use crate::error::{ModelsError, Result};
use crate::io::{create_dir, sync_dir, write_durable};

/// The checkpoint's model weights.
pub const MODEL_FILE: &str = "model.safetensors";
/// The best epoch's weights (early stopping).
pub const BEST_FILE: &str = "best.safetensors";
/// The optimizer state.
pub const OPTIMIZER_FILE: &str = "optimizer.json";
/// The trainer state, [`TrainerCheckpoint`].
pub const TRAINER_FILE: &str = "trainer.json";
/// The version of the `trainer.json` format (2: with the hashes of the other files).
pub const FORMAT_VERSION: u32 = 2;

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
        let order = loader
            .order(next_epoch)
            .into_iter()
            .flat_map(|i| (i as u64).to_le_bytes());
        LoaderState {
            samples: loader.dataset().len(),
            batch_size: loader.batch_size(),
            batches_per_epoch: loader.len(),
            next_epoch,
            order_fingerprint: fnv1a(order),
        }
    }
}

/// The 64-bit FNV-1a hash of `bytes`.
fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
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
    /// The plateau schedule and the figure it watches, if the run reduces its learning rate on
    /// a plateau. (Absent from files written before it existed, which had none.)
    #[serde(default)]
    pub plateau: Option<PlateauState>,
    /// The training loader's state.
    pub loader: LoaderState,
    /// True when `best.safetensors` is part of the checkpoint.
    pub has_best: bool,
    /// The FNV-1a hash of each other file of the checkpoint, by file name; filled in by the
    /// save. (Absent from format 1, which is then refused by its version, not by this field.)
    #[serde(default)]
    pub files: BTreeMap<String, u64>,
}

/// The plateau schedule of a run ([`Trainer::reduce_lr_on_plateau`](crate::Trainer::reduce_lr_on_plateau))
/// and the figure it watches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlateauState {
    /// The schedule, whole: settings and progress.
    pub schedule: ReduceLROnPlateau,
    /// The figure it is stepped with.
    pub monitor: Monitor,
}

/// Everything read back from a checkpoint folder.
pub(crate) struct LoadedCheckpoint<T: Float> {
    pub trainer: TrainerCheckpoint,
    pub model: StateDict,
    pub best: Option<StateDict>,
    pub optimizer: OptimizerState<T>,
}

/// `<dir>/<name>.next`, where a save writes `name` before `trainer.json` refers to it.
fn next_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.next"))
}

/// Writes a checkpoint into `dir` (created if needed), in the order the module documentation
/// gives, filling in `trainer.files`.
pub(crate) fn save<T: Float + Serialize>(
    dir: &Path,
    trainer: TrainerCheckpoint,
    model: &StateDict,
    best: Option<&StateDict>,
    optimizer: &OptimizerState<T>,
) -> Result<()> {
    let (trainer, names) = stage(dir, trainer, model, best, optimizer)?;
    publish(dir, &trainer)?;
    rename_staged(dir, &names)
}

/// The first step of a save: finishes a killed save's renames, then writes the new files as
/// `<name>.next` and records their hashes in `trainer`. Returns it and the names written.
fn stage<T: Float + Serialize>(
    dir: &Path,
    mut trainer: TrainerCheckpoint,
    model: &StateDict,
    best: Option<&StateDict>,
    optimizer: &OptimizerState<T>,
) -> Result<(TrainerCheckpoint, Vec<&'static str>)> {
    create_dir(dir)?;
    finish_renames(dir)?;
    let mut files = vec![(MODEL_FILE, model.to_safetensors()?)];
    if let Some(best) = best {
        files.push((BEST_FILE, best.to_safetensors()?));
    }
    files.push((
        OPTIMIZER_FILE,
        json_bytes(&dir.join(OPTIMIZER_FILE), optimizer)?,
    ));
    trainer.files.clear();
    for (name, bytes) in &files {
        write_durable(&next_path(dir, name), bytes)?;
        trainer
            .files
            .insert(name.to_string(), fnv1a(bytes.iter().copied()));
    }
    Ok((trainer, files.into_iter().map(|(name, _)| name).collect()))
}

/// The step that makes the new checkpoint the current one: replaces `trainer.json`.
fn publish(dir: &Path, trainer: &TrainerCheckpoint) -> Result<()> {
    let path = dir.join(TRAINER_FILE);
    write_durable(&path, &json_bytes(&path, trainer)?)
}

/// The last step: renames each staged `<name>.next` over `<name>`.
fn rename_staged(dir: &Path, names: &[&str]) -> Result<()> {
    for name in names {
        let (from, to) = (next_path(dir, name), dir.join(name));
        std::fs::rename(&from, &to).map_err(|e| ModelsError::io(&to, e))?;
    }
    sync_dir(dir)
}

/// Completes the renames of a save that was killed after writing `trainer.json`: each file
/// that `trainer.json` records only as `<name>.next` is renamed over `<name>`. Nothing to do
/// without a readable `trainer.json`.
fn finish_renames(dir: &Path) -> Result<()> {
    let Ok(bytes) = std::fs::read(dir.join(TRAINER_FILE)) else {
        return Ok(());
    };
    let Ok(trainer) = serde_json::from_slice::<TrainerCheckpoint>(&bytes) else {
        return Ok(());
    };
    let hash_of = |path: &Path| std::fs::read(path).ok().map(|b| fnv1a(b.iter().copied()));
    let mut renamed = false;
    for (name, &expected) in &trainer.files {
        let (path, next) = (dir.join(name), next_path(dir, name));
        if hash_of(&path) != Some(expected) && hash_of(&next) == Some(expected) {
            std::fs::rename(&next, &path).map_err(|e| ModelsError::io(&path, e))?;
            renamed = true;
        }
    }
    if renamed {
        sync_dir(dir)?;
    }
    Ok(())
}

/// Reads the checkpoint in `dir`.
pub(crate) fn load<T: Float + DeserializeOwned>(dir: &Path) -> Result<LoadedCheckpoint<T>> {
    let trainer: TrainerCheckpoint = read_json(&dir.join(TRAINER_FILE))?;
    let damaged = |reason: String| ModelsError::Checkpoint {
        path: dir.to_path_buf(),
        reason,
    };
    if trainer.format != FORMAT_VERSION {
        return Err(damaged(format!(
            "trainer.json has format {}, this version reads {FORMAT_VERSION}",
            trainer.format
        )));
    }
    // The bytes of `name` as `trainer.json` recorded them: from `name`, or from `name.next`
    // when a save stopped after writing `trainer.json`.
    let read = |name: &str| -> Result<Vec<u8>> {
        let expected = *trainer
            .files
            .get(name)
            .ok_or_else(|| damaged(format!("trainer.json records no hash of {name}")))?;
        let path = dir.join(name);
        let current = std::fs::read(&path).map_err(|e| ModelsError::io(&path, e));
        if current
            .as_ref()
            .is_ok_and(|b| fnv1a(b.iter().copied()) == expected)
        {
            return current;
        }
        match std::fs::read(next_path(dir, name)) {
            Ok(bytes) if fnv1a(bytes.iter().copied()) == expected => Ok(bytes),
            _ => {
                current?;
                Err(damaged(format!(
                    "{name} is not the file trainer.json was saved with (changed or damaged \
                     since)"
                )))
            }
        }
    };
    let model = StateDict::from_safetensors(&read(MODEL_FILE)?)?;
    let best = if trainer.has_best {
        Some(StateDict::from_safetensors(&read(BEST_FILE)?)?)
    } else {
        None
    };
    let path = dir.join(OPTIMIZER_FILE);
    let optimizer = from_json(&path, &read(OPTIMIZER_FILE)?)?;
    Ok(LoadedCheckpoint {
        trainer,
        model,
        best,
        optimizer,
    })
}

/// `value` as JSON, errors naming `path`.
fn json_bytes<V: Serialize>(path: &Path, value: &V) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|source| ModelsError::Json {
        path: path.to_path_buf(),
        source,
    })
}

fn read_json<V: DeserializeOwned>(path: &Path) -> Result<V> {
    let bytes = std::fs::read(path).map_err(|e| ModelsError::io(path, e))?;
    from_json(path, &bytes)
}

fn from_json<V: DeserializeOwned>(path: &Path, bytes: &[u8]) -> Result<V> {
    serde_json::from_slice(bytes).map_err(|source| ModelsError::Json {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalpel_nn::{Linear, Module};
    use scalpel_optim::{Optimizer, Sgd, SgdConfig};
    use scalpel_tensor::Rng;

    /// The parts of a checkpoint after `epochs` epochs: distinct weights and step counts.
    fn parts(epochs: usize) -> (TrainerCheckpoint, StateDict, OptimizerState<f32>) {
        let layer: Linear = Linear::new(3, 2, &mut Rng::seed(epochs as u64));
        let optimizer = Sgd::new(layer.parameters(), SgdConfig::default()).unwrap();
        let trainer = TrainerCheckpoint {
            format: FORMAT_VERSION,
            epochs_done: epochs,
            history: Vec::new(),
            early_stopping: EarlyStoppingState::default(),
            scheduler: None,
            plateau: None,
            loader: LoaderState {
                samples: 10,
                batch_size: 5,
                batches_per_epoch: 2,
                next_epoch: epochs as u64,
                order_fingerprint: 0,
            },
            has_best: false,
            files: BTreeMap::new(),
        };
        (trainer, layer.state_dict(), optimizer.state_dict())
    }

    /// The epochs done of the checkpoint `dir` loads, and whether its weights are that epoch's.
    fn loads(dir: &Path) -> usize {
        let loaded = load::<f32>(dir).unwrap();
        let done = loaded.trainer.epochs_done;
        let bytes = |d: &StateDict| d.to_safetensors().unwrap();
        assert!(
            bytes(&loaded.model) == bytes(&parts(done).1),
            "weights of epoch {done}"
        );
        done
    }

    /// A fresh folder named after `test` holding the whole checkpoint of epoch 1.
    fn saved_epoch_1(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("scalpel-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (t, m, o) = parts(1);
        save(&dir, t, &m, None, &o).unwrap();
        dir
    }

    #[test]
    fn a_save_killed_after_another_killed_save_leaves_a_whole_checkpoint() {
        let dir = saved_epoch_1("checkpoint");
        assert_eq!(loads(&dir), 1);
        // Epoch 2's save is killed after trainer.json, before its renames.
        let (t, m, o) = parts(2);
        let (t, _) = stage(&dir, t, &m, None, &o).unwrap();
        publish(&dir, &t).unwrap();
        assert_eq!(loads(&dir), 2);
        // Epoch 3's save is killed before trainer.json: its `.next` files must not have
        // replaced epoch 2's only copies.
        let (t, m, o) = parts(3);
        stage(&dir, t, &m, None, &o).unwrap();
        assert_eq!(loads(&dir), 2);
        // A whole save after all that.
        let (t, m, o) = parts(4);
        save(&dir, t, &m, None, &o).unwrap();
        assert_eq!(loads(&dir), 4);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_format_1_checkpoint_is_refused_by_its_version() {
        let dir = saved_epoch_1("format");
        let path = dir.join(TRAINER_FILE);
        let mut json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        json["format"] = 1.into();
        json.as_object_mut().unwrap().remove("files");
        std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
        let e = load::<f32>(&dir).err().unwrap().to_string();
        assert!(e.contains("format 1"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
