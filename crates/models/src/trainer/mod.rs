//! The [`Trainer`]: the book's `train_nn` loop (§4.3.1) grown up — epochs over a
//! [`DataLoader`], a progress bar, validation after each epoch, early stopping, exact
//! checkpoints, a metrics CSV and loss/accuracy curves.

mod checkpoint;
mod criterion;
mod csv;
mod early_stopping;
mod metrics;
mod progress;

pub use checkpoint::{
    LoaderState, PlateauState, TrainerCheckpoint, BEST_FILE, FORMAT_VERSION, MODEL_FILE,
    OPTIMIZER_FILE, TRAINER_FILE,
};
pub use criterion::{BCEWithLogitsLoss, Criterion, CrossEntropyLoss, MSELoss};
pub use csv::{metrics_csv, write_metrics_csv, METRICS_HEADER};
pub use early_stopping::{EarlyStopping, EarlyStoppingState, Monitor};
pub use metrics::{evaluate, EpochMetrics, Evaluation};
pub use progress::{epoch_line, Progress};

use std::path::{Path, PathBuf};
use std::time::Instant;

use scalpel_autograd::Var;
use scalpel_data::{DataLoader, Dataset};
use scalpel_nn::{l2_penalty, Module, StateDict};
use scalpel_optim::{clip_grad_norm, LrScheduler, Optimizer, PlateauMode, ReduceLROnPlateau};
use scalpel_tensor::{Element, Float};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{ModelsError, Result};
use crate::io::{create_dir, write_atomic, write_durable};
use crate::plot::{render_svg, training_curves};
use progress::EpochProgress;

/// The metrics CSV in the run folder.
pub const METRICS_FILE: &str = "metrics.csv";
/// The loss and accuracy curves in the run folder.
pub const CURVES_FILE: &str = "curves.svg";
/// The checkpoint folder in the run folder.
pub const CHECKPOINT_DIR: &str = "checkpoint";
/// The final weights in the run folder (the best epoch's when early stopping restores them).
pub const FINAL_MODEL_FILE: &str = "model.safetensors";

/// What [`Trainer::fit`] did: every epoch's metrics and how it ended.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// One entry per epoch run, including epochs run before a resume.
    pub epochs: Vec<EpochMetrics>,
    /// The best epoch (1-based) according to early stopping, if it was on.
    pub best_epoch: Option<usize>,
    /// True when early stopping ended the run before the last epoch.
    pub stopped_early: bool,
}

impl History {
    /// The last epoch's metrics.
    pub fn last(&self) -> Option<&EpochMetrics> {
        self.epochs.last()
    }
}

/// Trains a [`Module`] with an [`Optimizer`] and a [`Criterion`] over a [`DataLoader`].
///
/// Each epoch: the model in training mode; for every batch `zero_grad`, forward, loss (plus the
/// book's L2 term reg·ΣW² when [`l2`](Self::l2) is set), backward, optional gradient clipping,
/// `step` — the book's `train_nn`; then validation with [`evaluate`] (under `no_grad`, in
/// evaluation mode), the schedule's step, early stopping, and the run folder's files.
///
/// An epoch's train loss and accuracy are averages over its batches as they were trained: in
/// training mode (dropout on, batch norm on batch statistics) and with weights that moved
/// during the epoch. So they differ from [`evaluate`] on the training set after the epoch,
/// which runs in evaluation mode with the final weights; with dropout, noticeably.
///
/// The run folder ([`run_dir`](Self::run_dir)), when set, receives after every epoch
/// `metrics.csv` (epoch, train loss, train acc, val loss, val acc, lr, seconds), `curves.svg`
/// (loss and accuracy per epoch) and, every [`checkpoint_every`](Self::checkpoint_every) epochs,
/// the `checkpoint/` folder (model state dict as safetensors, optimizer state and
/// [`TrainerCheckpoint`] as JSON, flushed to disk), and at the end `model.safetensors`. A
/// run continued with [`resume`](Self::resume) on fresh objects gives bit-for-bit the
/// parameters of an uninterrupted run.
///
/// ```
/// use scalpel_data::{synthetic, DataLoader, TensorDataset};
/// use scalpel_models::{CrossEntropyLoss, Mlp, Progress, Trainer};
/// use scalpel_optim::{Adam, AdamConfig};
/// use scalpel_nn::Module;
/// use scalpel_tensor::Rng;
///
/// let mut rng = Rng::seed(0);
/// let (x, y) = synthetic::spiral(50, 3, &mut rng)?;
/// let loader = DataLoader::new(TensorDataset::new(x, y)?, 30)?.shuffle(1);
/// let model = Mlp::new(&[2, 32, 3]).build::<f32>(&mut rng)?;
/// let opt = Adam::new(model.parameters(), AdamConfig { lr: 0.01, ..Default::default() })?;
/// let mut trainer = Trainer::new(&model, opt, CrossEntropyLoss)
///     .epochs(5)
///     .progress(Progress::Silent);
/// let history = trainer.fit(&loader, None)?;
/// assert_eq!(history.epochs.len(), 5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Trainer<'a, T: Float = f32, Y: Element = i64> {
    model: &'a dyn Module<T>,
    optimizer: Box<dyn Optimizer<T> + 'a>,
    criterion: Box<dyn Criterion<T, Y> + 'a>,
    scheduler: Option<Box<dyn LrScheduler + 'a>>,
    plateau: Option<(ReduceLROnPlateau, Monitor)>,
    epochs: usize,
    l2: f64,
    max_grad_norm: Option<f64>,
    progress: Progress,
    log_every: usize,
    name: String,
    run_dir: Option<PathBuf>,
    checkpoint_every: usize,
    early_stopping: Option<EarlyStopping>,
    history: Vec<EpochMetrics>,
    stopping: EarlyStoppingState,
    best: Option<StateDict>,
    resumed_from: Option<(PathBuf, LoaderState)>,
}

impl<'a, T, Y> Trainer<'a, T, Y>
where
    T: Float + Serialize + DeserializeOwned,
    Y: Element,
{
    /// A trainer of `model` by `optimizer` (built over the model's parameters) on `criterion`:
    /// 10 epochs, no L2 term, automatic progress display, no run folder, no early stopping.
    pub fn new(
        model: &'a dyn Module<T>,
        optimizer: impl Optimizer<T> + 'a,
        criterion: impl Criterion<T, Y> + 'a,
    ) -> Self {
        Trainer {
            model,
            optimizer: Box::new(optimizer),
            criterion: Box::new(criterion),
            scheduler: None,
            plateau: None,
            epochs: 10,
            l2: 0.0,
            max_grad_norm: None,
            progress: Progress::Auto,
            log_every: 1,
            name: "train".into(),
            run_dir: None,
            checkpoint_every: 1,
            early_stopping: None,
            history: Vec::new(),
            stopping: EarlyStoppingState::default(),
            best: None,
            resumed_from: None,
        }
    }

    /// The total number of epochs (a resumed run counts the epochs done before).
    pub fn epochs(mut self, epochs: usize) -> Self {
        self.epochs = epochs;
        self
    }

    /// Adds the book's L2 penalty reg·ΣW² over the weights (parameters of rank ≥ 2) to the
    /// training loss; 0 for none.
    pub fn l2(mut self, reg: f64) -> Self {
        self.l2 = reg;
        self
    }

    /// Clips the global 2-norm of the gradients to `max_norm` before each step.
    pub fn clip_grad_norm(mut self, max_norm: f64) -> Self {
        self.max_grad_norm = Some(max_norm);
        self
    }

    /// A learning-rate schedule stepped once after every epoch (build it from the optimizer
    /// before handing the optimizer to [`new`](Self::new)).
    pub fn scheduler(mut self, scheduler: impl LrScheduler + 'a) -> Self {
        self.scheduler = Some(Box::new(scheduler));
        self
    }

    /// Cuts the learning rate with `plateau` (PyTorch's `ReduceLROnPlateau`) when `monitor`
    /// stops improving: after every epoch (and its validation) the schedule is stepped with the
    /// epoch's validation loss, validation accuracy or training loss. Build `plateau` with the
    /// [`PlateauMode`] that suits the figure (`Max` for an accuracy). It takes the place of a
    /// [`scheduler`](Self::scheduler); [`fit`](Self::fit) refuses both at once.
    pub fn reduce_lr_on_plateau(mut self, plateau: ReduceLROnPlateau, monitor: Monitor) -> Self {
        self.plateau = Some((plateau, monitor));
        self
    }

    /// How progress is shown; see [`Progress`].
    pub fn progress(mut self, progress: Progress) -> Self {
        self.progress = progress;
        self
    }

    /// Prints the line of every `k`-th epoch only (and of the last), for runs of many short
    /// epochs; 1 (the default) prints every epoch.
    pub fn log_every(mut self, k: usize) -> Self {
        self.log_every = k.max(1);
        self
    }

    /// The name at the start of each progress line.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The folder for `metrics.csv`, `curves.svg`, `checkpoint/` and `model.safetensors`
    /// (created if needed).
    pub fn run_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.run_dir = Some(dir.into());
        self
    }

    /// Saves a checkpoint every `k` epochs (and after the last one) when there is a run folder;
    /// 0 never saves. The default is 1.
    pub fn checkpoint_every(mut self, k: usize) -> Self {
        self.checkpoint_every = k;
        self
    }

    /// Stops early by `rule`.
    pub fn early_stopping(mut self, rule: EarlyStopping) -> Self {
        self.early_stopping = Some(rule);
        self
    }

    /// The optimizer.
    pub fn optimizer(&self) -> &dyn Optimizer<T> {
        &*self.optimizer
    }

    /// The metrics of the epochs run so far.
    pub fn history(&self) -> &[EpochMetrics] {
        &self.history
    }

    /// `<run dir>/curves.svg`, if there is a run folder.
    pub fn curves_path(&self) -> Option<PathBuf> {
        self.run_dir.as_ref().map(|d| d.join(CURVES_FILE))
    }

    /// `<run dir>/checkpoint`, if there is a run folder.
    pub fn checkpoint_dir(&self) -> Option<PathBuf> {
        self.run_dir.as_ref().map(|d| d.join(CHECKPOINT_DIR))
    }

    /// Evaluates the model on `loader` with the trainer's criterion; see [`evaluate`].
    ///
    /// # Errors
    /// Errors of the data, the model or the criterion.
    pub fn evaluate<D>(&self, loader: &DataLoader<D>) -> Result<Evaluation>
    where
        D: Dataset<Input = T, Target = Y> + 'static,
    {
        evaluate(self.model, &*self.criterion, loader)
    }

    /// Restores the checkpoint in `dir` (a `checkpoint/` folder written by a run): the model's
    /// parameters and buffers, the optimizer and schedule state, the history and early-stopping
    /// progress. The next [`fit`](Self::fit) continues with the epoch after the checkpoint and
    /// first checks that its training loader produces the order the checkpointed run would
    /// have seen. Returns the number of epochs already done.
    ///
    /// # Errors
    /// Missing or unreadable files; a checkpoint for another model (names or shapes, as a
    /// [`StateError`](scalpel_nn::StateError)) or optimizer; a schedule (or plateau schedule)
    /// state in the checkpoint without one in the trainer, or the other way round; a plateau
    /// schedule with other settings or another watched figure than the checkpointed one. On
    /// any error the model and the optimizer are left as they were.
    pub fn resume(&mut self, dir: impl AsRef<Path>) -> Result<usize> {
        let dir = dir.as_ref();
        let loaded = checkpoint::load::<T>(dir)?;
        let mismatch = |reason: &str| ModelsError::Checkpoint {
            path: dir.to_path_buf(),
            reason: reason.to_string(),
        };
        if loaded.trainer.scheduler.is_some() != self.scheduler.is_some() {
            return Err(mismatch(
                "the checkpointed run and this trainer differ in having a learning-rate schedule",
            ));
        }
        match (&loaded.trainer.plateau, &self.plateau) {
            (None, None) => {}
            (Some(saved), Some((mine, monitor))) => {
                // The saved schedule replaces this one whole, settings included: refuse other
                // settings rather than drop them silently.
                if saved.monitor != *monitor || saved.schedule.config() != mine.config() {
                    return Err(mismatch(&format!(
                        "the checkpointed run reduced its learning rate on a plateau of {} \
                         with {:?}; this trainer watches {} with {:?}",
                        saved.monitor.name(),
                        saved.schedule.config(),
                        monitor.name(),
                        mine.config()
                    )));
                }
            }
            _ => {
                return Err(mismatch(
                    "the checkpointed run and this trainer differ in reducing the learning \
                     rate on a plateau",
                ))
            }
        }
        // The model and optimizer as they were, put back if any part of the checkpoint does
        // not fit: a failed resume leaves the trainer as it found it.
        let model_before = self.model.state_dict();
        let optimizer_before = self.optimizer.state_dict();
        let restored = (|| -> Result<()> {
            self.model.load_state_dict(&loaded.model, true)?;
            self.optimizer.load_state_dict(&loaded.optimizer)?;
            if let (Some(s), Some(state)) = (self.scheduler.as_mut(), &loaded.trainer.scheduler) {
                s.load_state_dict(&mut *self.optimizer, state)?;
            }
            if let (Some((p, _)), Some(saved)) = (self.plateau.as_mut(), &loaded.trainer.plateau) {
                p.load_state_dict(&mut *self.optimizer, &saved.schedule)?;
            }
            Ok(())
        })();
        if let Err(e) = restored {
            self.model.load_state_dict(&model_before, true)?;
            self.optimizer.load_state_dict(&optimizer_before)?;
            return Err(e);
        }
        self.history = loaded.trainer.history;
        self.stopping = loaded.trainer.early_stopping;
        self.best = loaded.best;
        self.resumed_from = Some((dir.to_path_buf(), loaded.trainer.loader));
        Ok(self.history.len())
    }

    /// Trains for the remaining epochs (all of them, or those after a [`resume`](Self::resume)),
    /// validating on `val` after each epoch when given. Epoch `e` (from 0) reads
    /// `train.epoch(e)`, so a shuffled loader's order depends only on its seed and the epoch.
    ///
    /// # Errors
    /// Errors of the data, the model, the criterion, the optimizer or the run folder's files;
    /// [`ModelsError::NonFinite`] when the loss becomes NaN or infinite;
    /// [`ModelsError::InvalidArgument`] when a loader yields no batches (its mean loss would
    /// be meaningless), when early stopping has a patience of 0 or a negative or non-finite
    /// `min_delta`, when it watches validation figures and `val` is `None`, or when it
    /// watches validation accuracy and the criterion has none (after the first epoch), and the
    /// same for the figure [`reduce_lr_on_plateau`](Self::reduce_lr_on_plateau) watches; when
    /// the plateau schedule's mode does not suit its figure, or a schedule is given as well;
    /// [`ModelsError::Checkpoint`] when resuming with a training loader that
    /// differs from the checkpointed run's (data set size, batch size or shuffle seed).
    pub fn fit<D>(&mut self, train: &DataLoader<D>, val: Option<&DataLoader<D>>) -> Result<History>
    where
        D: Dataset<Input = T, Target = Y> + 'static,
    {
        if train.is_empty() {
            return Err(ModelsError::arg(
                "Trainer::fit",
                format!(
                    "the training loader yields no batches ({} samples, batch size {})",
                    train.dataset().len(),
                    train.batch_size()
                ),
            ));
        }
        if val.is_some_and(DataLoader::is_empty) {
            return Err(ModelsError::arg(
                "Trainer::fit",
                "the validation loader yields no batches",
            ));
        }
        self.check_plateau(val.is_some())?;
        if let Some(rule) = &self.early_stopping {
            if rule.patience == 0 || !rule.min_delta.is_finite() || rule.min_delta < 0.0 {
                return Err(ModelsError::arg(
                    "Trainer::fit",
                    format!(
                        "early stopping needs a patience of at least 1 epoch and a finite \
                         min_delta ≥ 0 (got patience {}, min_delta {})",
                        rule.patience, rule.min_delta
                    ),
                ));
            }
            require_validation(rule.monitor, val.is_some(), "early stopping")?;
        }
        let start = self.history.len();
        if let Some((dir, saved)) = self.resumed_from.take() {
            let found = LoaderState::of(train, start as u64);
            if found != saved {
                return Err(ModelsError::Checkpoint {
                    path: dir,
                    reason: format!(
                        "the training loader differs from the checkpointed run's (data set \
                         size, batch size or shuffle seed): saved {saved:?}, found {found:?}"
                    ),
                });
            }
        }
        if let Some(dir) = &self.run_dir {
            create_dir(dir)?;
        }
        let mode = self.progress.resolve();
        for epoch in start..self.epochs {
            if self.stopping.stopped {
                break;
            }
            let metrics = self.train_epoch(epoch, train, val, mode)?;
            if let Some((plateau, monitor)) = self.plateau.as_mut() {
                let value = monitored(*monitor, &metrics, "the plateau schedule")?;
                plateau.step(&mut *self.optimizer, value);
            }
            if let Some(rule) = self.early_stopping {
                let value = monitored(rule.monitor, &metrics, "early stopping")?;
                if self.stopping.update(&rule, metrics.epoch, value) && rule.restore_best {
                    self.best = Some(self.model.state_dict());
                }
            }
            self.history.push(metrics);
            self.write_run_files(epoch + 1, train)?;
        }
        self.finish()
    }

    /// The checks [`fit`](Self::fit) makes of the plateau schedule before training.
    fn check_plateau(&self, has_val: bool) -> Result<()> {
        let Some((plateau, monitor)) = &self.plateau else {
            return Ok(());
        };
        let refuse = |reason: String| Err(ModelsError::arg("Trainer::fit", reason));
        if self.scheduler.is_some() {
            return refuse(
                "a learning-rate schedule and reduce_lr_on_plateau both set the learning rate \
                 after each epoch; give one of them"
                    .into(),
            );
        }
        require_validation(*monitor, has_val, "the plateau schedule")?;
        let higher = plateau.config().mode == PlateauMode::Max;
        if higher != monitor.higher_is_better() {
            return refuse(format!(
                "the plateau schedule watches {}, where {} is better, but its mode is {:?}",
                monitor.name(),
                if monitor.higher_is_better() {
                    "higher"
                } else {
                    "lower"
                },
                plateau.config().mode
            ));
        }
        Ok(())
    }

    /// One epoch of training and validation.
    fn train_epoch<D>(
        &mut self,
        epoch: usize,
        train: &DataLoader<D>,
        val: Option<&DataLoader<D>>,
        mode: Progress,
    ) -> Result<EpochMetrics>
    where
        D: Dataset<Input = T, Target = Y> + 'static,
    {
        let started = Instant::now();
        let lr = self.optimizer.lr();
        let shown = (epoch + 1).is_multiple_of(self.log_every) || epoch + 1 == self.epochs;
        let mode = if shown { mode } else { Progress::Silent };
        let display = EpochProgress::start(mode, &self.name, epoch + 1, self.epochs, train.len());
        self.model.train(true);
        let (mut loss_sum, mut seen, mut correct, mut counted) = (0.0f64, 0usize, 0usize, true);
        for (b, batch) in train.epoch(epoch as u64).enumerate() {
            let (x, y) = batch?;
            let n = x.dims().first().copied().unwrap_or(1);
            self.optimizer.zero_grad();
            let output = self.model.forward(&Var::constant(x))?;
            let loss = self.criterion.loss(&output, &y)?;
            let value = loss.item()?.to_f64_lossy();
            if !value.is_finite() {
                return Err(ModelsError::NonFinite {
                    op: "Trainer::fit",
                    value,
                    epoch: epoch + 1,
                    batch: b + 1,
                });
            }
            let total = if self.l2 > 0.0 {
                loss.add(&l2_penalty(self.model, self.l2)?)?
            } else {
                loss
            };
            total.backward()?;
            if let Some(max_norm) = self.max_grad_norm {
                clip_grad_norm(&self.optimizer.params(), max_norm, 2.0)?;
            }
            self.optimizer.step()?;
            loss_sum += value * n as f64;
            seen += n;
            match self.criterion.correct(&output.value(), &y)? {
                Some(c) => correct += c,
                None => counted = false,
            }
            let accuracy = counted.then(|| correct as f64 / seen as f64);
            let rate = seen as f64 / started.elapsed().as_secs_f64().max(1e-9);
            display.batch(loss_sum / seen as f64, accuracy, rate);
        }
        let train_seconds = started.elapsed().as_secs_f64();
        let validation = match val {
            Some(v) => Some(evaluate(self.model, &*self.criterion, v)?),
            None => None,
        };
        if let Some(s) = self.scheduler.as_mut() {
            s.step(&mut *self.optimizer);
        }
        let denom = seen.max(1) as f64;
        let metrics = EpochMetrics {
            epoch: epoch + 1,
            train_loss: loss_sum / denom,
            train_accuracy: (counted && seen > 0).then(|| correct as f64 / denom),
            val_loss: validation.map(|v| v.loss),
            val_accuracy: validation.and_then(|v| v.accuracy),
            lr,
            seconds: started.elapsed().as_secs_f64(),
            samples_per_second: seen as f64 / train_seconds.max(1e-9),
        };
        display.finish(&epoch_line(&self.name, self.epochs, &metrics));
        Ok(metrics)
    }

    /// Writes the metrics CSV, the curves and, when due, a checkpoint.
    fn write_run_files<D>(&self, epochs_done: usize, train: &DataLoader<D>) -> Result<()>
    where
        D: Dataset<Input = T, Target = Y> + 'static,
    {
        let Some(dir) = &self.run_dir else {
            return Ok(());
        };
        write_metrics_csv(&dir.join(METRICS_FILE), &self.history)?;
        let svg = render_svg(&training_curves(&self.history));
        write_atomic(&dir.join(CURVES_FILE), svg.as_bytes())?;
        let k = self.checkpoint_every;
        let last = epochs_done >= self.epochs || self.stopping.stopped;
        if k > 0 && (epochs_done.is_multiple_of(k) || last) {
            let state = TrainerCheckpoint {
                format: FORMAT_VERSION,
                epochs_done,
                history: self.history.clone(),
                early_stopping: self.stopping.clone(),
                scheduler: self.scheduler.as_ref().map(|s| s.state_dict()),
                plateau: self
                    .plateau
                    .as_ref()
                    .map(|(schedule, monitor)| PlateauState {
                        schedule: schedule.clone(),
                        monitor: *monitor,
                    }),
                loader: LoaderState::of(train, epochs_done as u64),
                has_best: self.best.is_some(),
                files: Default::default(),
            };
            checkpoint::save(
                &dir.join(CHECKPOINT_DIR),
                state,
                &self.model.state_dict(),
                self.best.as_ref(),
                &self.optimizer.state_dict(),
            )?;
        }
        Ok(())
    }

    /// Restores the best weights if asked, writes the final model, and reports.
    fn finish(&mut self) -> Result<History> {
        let rule = self.early_stopping;
        if let (Some(rule), Some(best)) = (rule, &self.best) {
            let last = self.history.last().map(|m| m.epoch);
            if rule.restore_best && self.stopping.best_epoch != last {
                self.model.load_state_dict(best, true)?;
            }
        }
        if let Some(dir) = &self.run_dir {
            write_durable(
                &dir.join(FINAL_MODEL_FILE),
                &self.model.state_dict().to_safetensors()?,
            )?;
        }
        Ok(History {
            epochs: self.history.clone(),
            best_epoch: rule.and(self.stopping.best_epoch),
            stopped_early: self.stopping.stopped && self.history.len() < self.epochs,
        })
    }
}

/// Refuses a validation figure watched by `user` (named in the error) when there is no
/// validation loader.
fn require_validation(monitor: Monitor, has_val: bool, user: &str) -> Result<()> {
    if monitor != Monitor::TrainLoss && !has_val {
        return Err(ModelsError::arg(
            "Trainer::fit",
            format!(
                "{user} watches {} but no validation loader was given",
                monitor.name()
            ),
        ));
    }
    Ok(())
}

/// The figure of `metrics` that `monitor` names, for `user` (named in the error).
///
/// # Errors
/// When the figure is absent: an accuracy the criterion does not report.
fn monitored(monitor: Monitor, metrics: &EpochMetrics, user: &str) -> Result<f64> {
    match monitor {
        Monitor::ValLoss => metrics.val_loss,
        Monitor::ValAccuracy => metrics.val_accuracy,
        Monitor::TrainLoss => Some(metrics.train_loss),
    }
    .ok_or_else(|| {
        ModelsError::arg(
            "Trainer::fit",
            format!(
                "{user} watches {}, but the criterion reports no accuracy",
                monitor.name()
            ),
        )
    })
}
