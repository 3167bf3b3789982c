//! The Trainer end to end: early stopping on a scripted validation sequence, bit-exact resume
//! from a checkpoint, and the files of a run folder.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use scalpel_autograd::{is_grad_enabled, Var};
use scalpel_data::{synthetic, DataLoader, TensorDataset};
use scalpel_models::trainer::{LoaderState, TrainerCheckpoint, METRICS_HEADER};
use scalpel_models::{
    Criterion, CrossEntropyLoss, EarlyStopping, MSELoss, Mlp, ModelsError, Monitor, Progress,
    Result, Trainer,
};
use scalpel_nn::{Module, Sequential, StateDict, StateTensor};
use scalpel_optim::{
    Adam, AdamConfig, CosineAnnealingLR, PlateauConfig, PlateauMode, ReduceLROnPlateau, Sgd,
    SgdConfig,
};
use scalpel_tensor::{Rng, Tensor};

/// A fresh, empty folder under the target directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("scalpel-models")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn spiral_loader(seed: u64, shuffle: u64, batch: usize) -> DataLoader<TensorDataset> {
    let (x, y) = synthetic::spiral(40, 3, &mut Rng::seed(seed)).unwrap();
    DataLoader::new(TensorDataset::new(x, y).unwrap(), batch)
        .unwrap()
        .shuffle(shuffle)
}

/// A network with every kind of state: batch-norm statistics and dropout's random stream.
fn network(seed: u64) -> Sequential {
    Mlp::new(&[2, 16, 16, 3])
        .batch_norm(true)
        .dropout(0.2)
        .build(&mut Rng::seed(seed))
        .unwrap()
}

fn bits(dict: &StateDict) -> Vec<(String, Vec<u64>)> {
    dict.iter()
        .map(|(name, t)| {
            let v: Vec<u64> = match t {
                StateTensor::F32(t) => t.to_vec().iter().map(|x| u64::from(x.to_bits())).collect(),
                StateTensor::F64(t) => t.to_vec().iter().map(|x| x.to_bits()).collect(),
                StateTensor::I64(t) => t.to_vec().iter().map(|&x| x as u64).collect(),
            };
            (name.to_string(), v)
        })
        .collect()
}

/// Builds model, optimizer, schedule and trainer from nothing, as a new process would.
fn run(
    model: &Sequential,
    epochs: usize,
    dir: &Path,
    resume: Option<usize>,
    loader: &DataLoader<TensorDataset>,
) -> Result<scalpel_models::History> {
    run_with(model, epochs, dir, resume, loader, Schedule::Cosine)
}

/// How [`run_with`] sets the learning rate after each epoch.
#[derive(Clone, Copy)]
enum Schedule {
    /// Cosine annealing over 4 epochs.
    Cosine,
    /// Halved when the training loss improves by less than 20 % for more than `patience`
    /// epochs: a schedule whose state (best loss, bad epochs) a resume must restore.
    Plateau { patience: usize },
}

fn run_with(
    model: &Sequential,
    epochs: usize,
    dir: &Path,
    resume: Option<usize>,
    loader: &DataLoader<TensorDataset>,
    schedule: Schedule,
) -> Result<scalpel_models::History> {
    let mut opt = Adam::new(
        model.parameters(),
        AdamConfig {
            lr: 0.02,
            ..Default::default()
        },
    )?;
    let trainer = match schedule {
        Schedule::Cosine => {
            let cosine = CosineAnnealingLR::new(&mut opt, 4, 0.001)?;
            Trainer::new(model, opt, CrossEntropyLoss).scheduler(cosine)
        }
        Schedule::Plateau { patience } => {
            let config = PlateauConfig {
                factor: 0.5,
                patience,
                threshold: 0.2,
                ..Default::default()
            };
            let plateau = ReduceLROnPlateau::new(&opt, config)?;
            Trainer::new(model, opt, CrossEntropyLoss)
                .reduce_lr_on_plateau(plateau, Monitor::TrainLoss)
        }
    };
    let mut trainer = trainer
        .epochs(epochs)
        .l2(1e-4)
        .progress(Progress::Silent)
        .run_dir(dir);
    if let Some(done) = resume {
        assert_eq!(trainer.resume(dir.join("checkpoint"))?, done);
    }
    let val = spiral_loader(99, 0, 64);
    trainer.fit(loader, Some(&val))
}

#[test]
fn resuming_from_a_checkpoint_gives_bit_for_bit_the_uninterrupted_run() {
    let straight_dir = scratch("straight");
    let straight = network(1);
    run(&straight, 4, &straight_dir, None, &spiral_loader(0, 5, 16)).unwrap();

    let split_dir = scratch("split");
    let first = network(1);
    run(&first, 2, &split_dir, None, &spiral_loader(0, 5, 16)).unwrap();
    drop(first);
    // Fresh objects: another initialisation, a new loader and trainer; only the files carry over.
    let second = network(12345);
    let history = run(&second, 4, &split_dir, Some(2), &spiral_loader(0, 5, 16)).unwrap();

    assert_eq!(history.epochs.len(), 4);
    assert_eq!(bits(&straight.state_dict()), bits(&second.state_dict()));
    // The metrics of the resumed run continue the saved history.
    let csv = std::fs::read_to_string(split_dir.join("metrics.csv")).unwrap();
    assert_eq!(csv.lines().count(), 5);
}

#[test]
fn a_run_that_reduces_on_a_plateau_resumes_bit_for_bit() {
    let go = |model: &Sequential, epochs, dir: &Path, resume, schedule| {
        run_with(
            model,
            epochs,
            dir,
            resume,
            &spiral_loader(0, 5, 16),
            schedule,
        )
        .map(|h| h.epochs.iter().map(|m| m.lr).collect::<Vec<f64>>())
    };
    let plateau = Schedule::Plateau { patience: 0 };
    let straight = network(1);
    let lrs = go(&straight, 5, &scratch("plateau_straight"), None, plateau).unwrap();
    // The schedule did cut the rate within the run, so its state matters on resume.
    assert!(lrs[4] < lrs[0], "{lrs:?}");

    let split_dir = scratch("plateau_split");
    go(&network(1), 2, &split_dir, None, plateau).unwrap();
    let resumed = network(4321);
    assert_eq!(go(&resumed, 5, &split_dir, Some(2), plateau).unwrap(), lrs);
    assert_eq!(bits(&straight.state_dict()), bits(&resumed.state_dict()));

    // A trainer with a cosine schedule instead does not take that checkpoint, nor one whose
    // plateau schedule has other settings (the saved ones would silently replace them).
    let e = go(&network(1), 5, &split_dir, Some(2), Schedule::Cosine).unwrap_err();
    assert!(
        e.to_string()
            .contains("differ in having a learning-rate schedule"),
        "{e}"
    );
    let patient = Schedule::Plateau { patience: 1000 };
    let e = go(&network(1), 5, &split_dir, Some(2), patient).unwrap_err();
    let e = e.to_string();
    assert!(
        e.contains("on a plateau of train_loss") && e.contains("patience: 1000"),
        "{e}"
    );
}

/// The run folder of a 2-epoch run, and the checkpoint folder of the same run after 3 epochs.
fn checkpoints_after_2_and_3_epochs(name: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    run(&network(1), 2, &dir, None, &spiral_loader(0, 5, 16)).unwrap();
    let later = scratch(&format!("{name}_later"));
    run(&network(1), 3, &later, None, &spiral_loader(0, 5, 16)).unwrap();
    (dir, later.join("checkpoint"))
}

/// Resumes the run in `dir` (`done` epochs saved) to 4 epochs and compares it with an
/// uninterrupted 4-epoch run.
fn assert_resumes_to_the_uninterrupted_run(dir: &Path, done: usize) {
    let straight = network(1);
    let name = dir.file_name().unwrap().to_string_lossy();
    let straight_dir = scratch(&format!("{name}_straight"));
    run(&straight, 4, &straight_dir, None, &spiral_loader(0, 5, 16)).unwrap();
    let resumed = network(777);
    run(&resumed, 4, dir, Some(done), &spiral_loader(0, 5, 16)).unwrap();
    assert_eq!(bits(&straight.state_dict()), bits(&resumed.state_dict()));
}

#[test]
fn a_save_interrupted_before_trainer_json_resumes_from_the_previous_checkpoint() {
    let (dir, later) = checkpoints_after_2_and_3_epochs("cut_before");
    // The save of epoch 3 wrote its new files under `.next` names, then stopped.
    let cp = dir.join("checkpoint");
    for f in ["model.safetensors", "optimizer.json"] {
        std::fs::copy(later.join(f), cp.join(format!("{f}.next"))).unwrap();
    }
    assert_resumes_to_the_uninterrupted_run(&dir, 2);
}

#[test]
fn a_save_interrupted_after_trainer_json_resumes_from_the_new_checkpoint() {
    let (dir, later) = checkpoints_after_2_and_3_epochs("cut_after");
    // The save of epoch 3 replaced trainer.json and renamed the model, not yet the optimizer.
    let cp = dir.join("checkpoint");
    for f in ["trainer.json", "model.safetensors"] {
        std::fs::copy(later.join(f), cp.join(f)).unwrap();
    }
    std::fs::copy(later.join("optimizer.json"), cp.join("optimizer.json.next")).unwrap();
    assert_resumes_to_the_uninterrupted_run(&dir, 3);
}

#[test]
fn weights_from_another_save_are_an_error_naming_the_file_and_change_nothing() {
    let (dir, later) = checkpoints_after_2_and_3_epochs("mixed");
    let cp = dir.join("checkpoint");
    std::fs::copy(
        later.join("model.safetensors"),
        cp.join("model.safetensors"),
    )
    .unwrap();
    let model = network(5);
    let before = bits(&model.state_dict());
    let e = run(&model, 4, &dir, Some(2), &spiral_loader(0, 5, 16)).unwrap_err();
    assert!(matches!(e, ModelsError::Checkpoint { .. }), "{e}");
    assert!(e.to_string().contains("model.safetensors"), "{e}");
    assert_eq!(before, bits(&model.state_dict()));
}

#[test]
fn a_resume_that_fails_on_the_optimizer_leaves_the_model_as_it_was() {
    let (dir, _) = checkpoints_after_2_and_3_epochs("wrong_optimizer");
    let model = network(6);
    let before = bits(&model.state_dict());
    // The checkpoint holds Adam's state; this trainer has SGD (and no schedule, which the
    // checkpoint has: drop the schedule from trainer.json so that the optimizer is reached).
    let path = dir.join("checkpoint/trainer.json");
    let mut state: TrainerCheckpoint =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    state.scheduler = None;
    std::fs::write(&path, serde_json::to_vec(&state).unwrap()).unwrap();
    let opt = Sgd::new(model.parameters(), SgdConfig::default()).unwrap();
    let mut trainer = Trainer::new(&model, opt, CrossEntropyLoss).progress(Progress::Silent);
    let e = trainer.resume(dir.join("checkpoint")).unwrap_err();
    assert!(!matches!(e, ModelsError::Checkpoint { .. }), "{e}");
    drop(trainer);
    assert_eq!(before, bits(&model.state_dict()));
}

#[test]
fn resuming_with_another_shuffle_seed_is_an_error() {
    let dir = scratch("wrong_loader");
    let model = network(1);
    run(&model, 2, &dir, None, &spiral_loader(0, 5, 16)).unwrap();
    let fresh = network(2);
    let e = run(&fresh, 4, &dir, Some(2), &spiral_loader(0, 6, 16)).unwrap_err();
    assert!(matches!(e, ModelsError::Checkpoint { .. }), "{e}");
    assert!(e.to_string().contains("shuffle seed"), "{e}");
}

#[test]
fn the_checkpoint_records_the_epoch_the_loader_and_the_history() {
    let dir = scratch("checkpoint_files");
    let model = network(3);
    run(&model, 2, &dir, None, &spiral_loader(0, 5, 16)).unwrap();
    let cp = dir.join("checkpoint");
    for f in ["model.safetensors", "optimizer.json", "trainer.json"] {
        assert!(cp.join(f).is_file(), "{f}");
    }
    let state: TrainerCheckpoint =
        serde_json::from_slice(&std::fs::read(cp.join("trainer.json")).unwrap()).unwrap();
    assert_eq!((state.epochs_done, state.history.len()), (2, 2));
    assert_eq!(state.loader, LoaderState::of(&spiral_loader(0, 5, 16), 2));
    assert!(state.scheduler.is_some());
    let weights = StateDict::load_safetensors(cp.join("model.safetensors")).unwrap();
    assert!(weights.contains_key("1.running_mean") && weights.contains_key("3.step"));
}

/// Training loss: real cross-entropy. Validation loss (evaluation runs without gradients): the
/// next value of a script, so that the stopping epoch is known in advance.
struct ScriptedValidation {
    script: Vec<f32>,
    calls: Mutex<usize>,
}

impl Criterion<f32, i64> for ScriptedValidation {
    fn loss(&self, output: &Var<f32>, target: &Tensor<i64>) -> Result<Var<f32>> {
        if is_grad_enabled() {
            return CrossEntropyLoss.loss(output, target);
        }
        let mut calls = self.calls.lock().unwrap();
        let v = self.script[*calls];
        *calls += 1;
        Ok(Var::constant(Tensor::scalar(v)))
    }
}

/// Validation losses 1.0, 0.8, 0.9, 0.85, 0.7, 0.6, 0.5, one per epoch.
fn scripted() -> ScriptedValidation {
    ScriptedValidation {
        script: vec![1.0, 0.8, 0.9, 0.85, 0.7, 0.6, 0.5],
        calls: Mutex::new(0),
    }
}

fn sgd_lr(lr: f64) -> SgdConfig {
    SgdConfig {
        lr,
        ..Default::default()
    }
}

fn scripted_fit(
    epochs: usize,
    rule: Option<EarlyStopping>,
) -> (Sequential, scalpel_models::History) {
    let model: Sequential = Mlp::new(&[2, 8, 3]).build(&mut Rng::seed(4)).unwrap();
    let opt = Sgd::new(model.parameters(), sgd_lr(0.1)).unwrap();
    let mut trainer = Trainer::new(&model, opt, scripted())
        .epochs(epochs)
        .progress(Progress::Silent);
    if let Some(rule) = rule {
        trainer = trainer.early_stopping(rule);
    }
    // One validation batch per epoch: one scripted value per epoch.
    let val = spiral_loader(8, 0, 1000);
    let history = trainer.fit(&spiral_loader(0, 1, 30), Some(&val)).unwrap();
    drop(trainer);
    (model, history)
}

#[test]
fn early_stopping_stops_at_the_right_epoch_on_a_scripted_validation_sequence() {
    // Validation losses 1.0, 0.8, 0.9, 0.85, …: best at epoch 2; with patience 2, epochs 3 and
    // 4 do not improve, so training stops after epoch 4 of 7.
    let (model, history) = scripted_fit(7, Some(EarlyStopping::new(2)));
    assert_eq!(history.epochs.len(), 4);
    assert_eq!(history.best_epoch, Some(2));
    assert!(history.stopped_early);
    let vals: Vec<f32> = history
        .epochs
        .iter()
        .map(|m| m.val_loss.unwrap() as f32)
        .collect();
    assert_eq!(vals, [1.0, 0.8, 0.9, 0.85]);
    // The best weights are restored: those of a run that trained exactly two epochs.
    let (two_epochs, _) = scripted_fit(2, None);
    assert_eq!(bits(&model.state_dict()), bits(&two_epochs.state_dict()));
}

#[test]
fn the_plateau_schedule_halves_the_rate_after_the_scripted_bad_epochs() {
    // Validation losses 1.0, 0.8, 0.9, 0.85, 0.7, …; patience 1: epochs 3 and 4 do not improve
    // on 0.8, so after epoch 4 (more than 1 bad epoch) the rate halves, and epoch 5 runs at
    // 0.05. The recorded lr of an epoch is the rate it trained with.
    let model: Sequential = Mlp::new(&[2, 8, 3]).build(&mut Rng::seed(4)).unwrap();
    let opt = Sgd::new(model.parameters(), sgd_lr(0.1)).unwrap();
    let config = PlateauConfig {
        factor: 0.5,
        patience: 1,
        ..Default::default()
    };
    let plateau = ReduceLROnPlateau::new(&opt, config).unwrap();
    let mut trainer = Trainer::new(&model, opt, scripted())
        .epochs(7)
        .reduce_lr_on_plateau(plateau, Monitor::ValLoss)
        .progress(Progress::Silent);
    let val = spiral_loader(8, 0, 1000);
    let history = trainer.fit(&spiral_loader(0, 1, 30), Some(&val)).unwrap();
    let lrs: Vec<f64> = history.epochs.iter().map(|m| m.lr).collect();
    assert_eq!(lrs, [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05]);
}

#[test]
fn a_plateau_schedule_that_cannot_work_is_refused_before_training() {
    let model: Sequential = Mlp::new(&[2, 3]).build(&mut Rng::seed(0)).unwrap();
    let fit = |mode: PlateauMode, monitor: Monitor, cosine: bool, val: bool| {
        let mut opt = Sgd::new(model.parameters(), sgd_lr(0.1)).unwrap();
        let config = PlateauConfig {
            mode,
            ..Default::default()
        };
        let plateau = ReduceLROnPlateau::new(&opt, config).unwrap();
        let schedule = cosine.then(|| CosineAnnealingLR::new(&mut opt, 4, 0.0).unwrap());
        let mut trainer = Trainer::new(&model, opt, CrossEntropyLoss);
        if let Some(schedule) = schedule {
            trainer = trainer.scheduler(schedule);
        }
        let mut trainer = trainer
            .epochs(1)
            .reduce_lr_on_plateau(plateau, monitor)
            .progress(Progress::Silent);
        let val_loader = spiral_loader(8, 0, 100);
        let result = trainer.fit(&spiral_loader(0, 1, 30), val.then_some(&val_loader));
        result.map(|_| ()).map_err(|e| e.to_string())
    };
    assert_eq!(
        fit(PlateauMode::Max, Monitor::ValAccuracy, false, true),
        Ok(())
    );
    let e = fit(PlateauMode::Min, Monitor::ValAccuracy, false, true).unwrap_err();
    assert!(
        e.contains("watches val_acc, where higher is better, but its mode is Min"),
        "{e}"
    );
    let e = fit(PlateauMode::Min, Monitor::ValLoss, false, false).unwrap_err();
    assert!(e.contains("no validation loader"), "{e}");
    let e = fit(PlateauMode::Min, Monitor::TrainLoss, true, false).unwrap_err();
    assert!(e.contains("give one of them"), "{e}");
}

#[test]
fn early_stopping_on_validation_figures_needs_a_validation_loader() {
    let model: Sequential = Mlp::new(&[2, 3]).build(&mut Rng::seed(0)).unwrap();
    let opt = Sgd::new(model.parameters(), SgdConfig::default()).unwrap();
    let mut trainer = Trainer::new(&model, opt, CrossEntropyLoss)
        .early_stopping(EarlyStopping::new(1))
        .progress(Progress::Silent);
    let e = trainer.fit(&spiral_loader(0, 1, 30), None).unwrap_err();
    assert!(e.to_string().contains("no validation loader"), "{e}");
}

#[test]
fn early_stopping_on_an_accuracy_the_criterion_lacks_is_an_error_not_a_silent_stop() {
    let model: Sequential = Mlp::new(&[2, 3]).build(&mut Rng::seed(0)).unwrap();
    let opt = Sgd::new(model.parameters(), SgdConfig::default()).unwrap();
    let (x, _) = synthetic::spiral(20, 3, &mut Rng::seed(1)).unwrap();
    let y = Tensor::<f32>::zeros([x.dims()[0], 3]);
    let data = TensorDataset::new(x, y).unwrap();
    let (train, val) = (
        DataLoader::new(data.clone(), 16).unwrap(),
        DataLoader::new(data, 16).unwrap(),
    );
    let mut trainer = Trainer::new(&model, opt, MSELoss)
        .epochs(10)
        .early_stopping(EarlyStopping::new(3).monitor(Monitor::ValAccuracy))
        .progress(Progress::Silent);
    let e = trainer.fit(&train, Some(&val)).unwrap_err();
    assert!(
        e.to_string().contains("val_acc") && e.to_string().contains("no accuracy"),
        "{e}"
    );
}

#[test]
fn early_stopping_with_patience_0_or_a_negative_min_delta_is_an_error() {
    let model = network(0);
    let val = spiral_loader(1, 1, 30);
    let mut no_patience = EarlyStopping::new(1);
    no_patience.patience = 0;
    let mut negative = EarlyStopping::new(2);
    negative.min_delta = -0.1;
    let mut nan = EarlyStopping::new(2);
    nan.min_delta = f64::NAN;
    for rule in [no_patience, negative, nan] {
        let opt = Sgd::new(model.parameters(), SgdConfig::default()).unwrap();
        let mut trainer = Trainer::new(&model, opt, CrossEntropyLoss)
            .early_stopping(rule)
            .progress(Progress::Silent);
        let e = trainer
            .fit(&spiral_loader(0, 1, 30), Some(&val))
            .unwrap_err();
        assert!(e.to_string().contains("early stopping needs"), "{e}");
        assert!(trainer.history().is_empty());
    }
}

#[test]
fn a_loader_without_batches_is_an_error_not_a_loss_of_zero() {
    let model = network(0);
    // Five samples in batches of 16 with drop_last: no batch at all.
    let empty = || {
        let data = synthetic::spiral(5, 1, &mut Rng::seed(0)).unwrap();
        DataLoader::new(TensorDataset::new(data.0, data.1).unwrap(), 16)
            .unwrap()
            .drop_last(true)
    };
    let opt = Sgd::new(model.parameters(), SgdConfig::default()).unwrap();
    let mut trainer = Trainer::new(&model, opt, CrossEntropyLoss).progress(Progress::Silent);
    let e = trainer.fit(&empty(), None).unwrap_err();
    assert!(
        e.to_string().contains("training loader yields no batches"),
        "{e}"
    );
    assert!(trainer.history().is_empty());
    let e = trainer
        .fit(&spiral_loader(0, 1, 30), Some(&empty()))
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("validation loader yields no batches"),
        "{e}"
    );
    let e = trainer.evaluate(&empty()).unwrap_err();
    assert!(e.to_string().contains("no batches"), "{e}");
}

/// A minimal XML well-formedness check: every tag closes in order, attributes are quoted, text
/// holds no raw `<` and only the five predefined entities.
fn assert_well_formed_xml(text: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = text.trim_start();
    let prolog = r#"<?xml version="1.0" encoding="UTF-8"?>"#;
    assert!(rest.starts_with(prolog), "no XML declaration");
    rest = &rest[prolog.len()..];
    let mut roots = 0;
    while let Some(open) = rest.find('<') {
        check_text(&rest[..open]);
        assert!(
            !stack.is_empty() || rest[..open].trim().is_empty(),
            "text outside the root"
        );
        let close = rest[open..].find('>').expect("unterminated tag") + open;
        let tag = &rest[open + 1..close];
        assert!(!tag.contains('<'), "'<' inside a tag: {tag}");
        if let Some(name) = tag.strip_prefix('/') {
            let top = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> closes nothing"));
            assert_eq!(top, name.trim(), "</{name}> closes <{top}>");
        } else {
            let self_closing = tag.ends_with('/');
            let body = tag.trim_end_matches('/');
            let name_end = body.find(char::is_whitespace).unwrap_or(body.len());
            let name = &body[..name_end];
            assert!(
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
                "bad tag name {name:?}"
            );
            check_attributes(&body[name_end..]);
            if stack.is_empty() {
                roots += 1;
            }
            if !self_closing {
                stack.push(name.to_string());
            }
        }
        rest = &rest[close + 1..];
    }
    assert!(rest.trim().is_empty(), "text after the root");
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    assert_eq!(roots, 1, "one root element");
}

fn check_attributes(mut attrs: &str) {
    loop {
        attrs = attrs.trim_start();
        if attrs.is_empty() {
            return;
        }
        let eq = attrs.find('=').expect("attribute without a value");
        let name = attrs[..eq].trim();
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':'),
            "bad attribute name {name:?}"
        );
        let value = &attrs[eq + 1..];
        assert!(value.starts_with('"'), "unquoted value of {name}");
        let end = value[1..].find('"').expect("unterminated value") + 1;
        check_text(&value[1..end]);
        attrs = &value[end + 1..];
    }
}

fn check_text(text: &str) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        let entity = &rest[amp..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .iter()
                .any(|e| entity.starts_with(e)),
            "bare & in {text:?}"
        );
        rest = &rest[amp + 1..];
    }
}

#[test]
fn the_well_formedness_check_rejects_broken_xml() {
    let ok =
        r#"<?xml version="1.0" encoding="UTF-8"?><svg a="1"><g><text>x &lt; y</text></g></svg>"#;
    assert_well_formed_xml(ok);
    for bad in [
        r#"<?xml version="1.0" encoding="UTF-8"?><svg><g></svg>"#,
        r#"<?xml version="1.0" encoding="UTF-8"?><svg a=1></svg>"#,
        r#"<?xml version="1.0" encoding="UTF-8"?><svg><text>a & b</text></svg>"#,
    ] {
        assert!(
            std::panic::catch_unwind(|| assert_well_formed_xml(bad)).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn a_run_folder_gets_a_metrics_csv_and_well_formed_curves() {
    let dir = scratch("run_files");
    let model = network(5);
    run(&model, 3, &dir, None, &spiral_loader(0, 5, 16)).unwrap();

    let csv = std::fs::read_to_string(dir.join("metrics.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(METRICS_HEADER));
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|f| f.parse::<f64>().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 3);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.len(), 7);
        assert_eq!(row[0], (i + 1) as f64);
        assert!((0.0..=1.0).contains(&row[2]) && (0.0..=1.0).contains(&row[4]));
        assert!(row[5] > 0.0 && row[6] >= 0.0);
    }

    let svg = std::fs::read_to_string(dir.join("curves.svg")).unwrap();
    assert_well_formed_xml(&svg);
    assert_eq!(
        svg.matches(r#"class="chart""#).count(),
        2,
        "loss and accuracy panels"
    );
    assert_eq!(
        svg.matches(r#"class="series""#).count(),
        4,
        "train and validation in each"
    );
    assert!(svg.contains(">validation</text>"));
    assert!(dir.join("model.safetensors").is_file());
}

/// Records, on each loss call, whether gradients were being recorded.
struct RecordsGradMode(Mutex<Vec<bool>>);

impl Criterion<f32, i64> for RecordsGradMode {
    fn loss(&self, output: &Var<f32>, target: &Tensor<i64>) -> Result<Var<f32>> {
        self.0
            .lock()
            .unwrap()
            .push(is_grad_enabled() && output.requires_grad());
        CrossEntropyLoss.loss(output, target)
    }
    fn correct(&self, output: &Tensor<f32>, target: &Tensor<i64>) -> Result<Option<usize>> {
        CrossEntropyLoss.correct(output, target)
    }
}

#[test]
fn evaluation_records_no_graph_runs_in_eval_mode_and_restores_the_mode() {
    let model = network(6);
    let before = bits(&model.state_dict());
    let criterion = RecordsGradMode(Mutex::new(Vec::new()));
    let result = scalpel_models::evaluate(&model, &criterion, &spiral_loader(0, 1, 50)).unwrap();
    assert_eq!(result.samples, 120);
    assert!(result.accuracy.is_some());
    assert_eq!(*criterion.0.lock().unwrap(), [false, false, false]);
    // Eval mode: batch norm did not update its statistics, dropout drew no mask.
    assert_eq!(bits(&model.state_dict()), before);
    assert!(model.is_training());
}
