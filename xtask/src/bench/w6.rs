//! `W6`: peak resident memory (MiB) of one full MNIST training epoch of LeNet-5, batch 64,
//! SGD, measured on a child process.
//!
//! The workload starts this very binary again as `xtask bench __w6-epoch`, with
//! `RAYON_NUM_THREADS` set to the pool size being measured. The child loads MNIST's training
//! split, trains scalpel-models' `LeNet5` for one epoch the way a user would — images kept as
//! bytes and normalised batch by batch (`MapInputs`), a shuffling `DataLoader` with its
//! prefetch thread, fused cross-entropy, `Sgd` with momentum — and prints its peak resident
//! set size, `VmHWM` from `/proc/self/status`, which the parent reads back. The parent's own
//! memory (other workloads' buffers) does not count.
//!
//! Skipped, with the reason, when MNIST is not under `$SCALPEL_DATA_DIR/mnist` or where
//! `/proc` does not exist.

use std::process::Command;

use scalpel_autograd::Var;
use scalpel_data::transforms::{to_unit_interval, MapInputs, Normalize};
use scalpel_data::{mnist, DataError, DataLoader, Split, TensorDataset};
use scalpel_models::cnn::LeNet5;
use scalpel_nn::{cross_entropy, Module, Reduction};
use scalpel_optim::{Optimizer, Sgd, SgdConfig};
use scalpel_tensor::random::Rng;

use super::{NoMetric, Outcome, Workload, SEED};

/// The hidden `bench` subcommand that runs the measured epoch.
pub const CHILD_COMMAND: &str = "__w6-epoch";
/// The child's exit code when the data is missing (the workload is skipped, not failed).
const NO_DATA: i32 = 3;
/// The line prefix of the child's report on stdout.
const REPORT: &str = "W6 VmHWM kB:";
const BATCH: usize = 64;

/// The one workload of this file.
pub fn workloads() -> Vec<Workload> {
    vec![Workload::new("W6", "MiB", peak_memory)]
}

fn peak_memory() -> Outcome {
    if !std::path::Path::new("/proc/self/status").is_file() {
        return Err(NoMetric::Skipped(
            "peak memory is read from /proc, which this system lacks".into(),
        ));
    }
    let exe = std::env::current_exe().map_err(|e| NoMetric::Failed(e.to_string()))?;
    let output = Command::new(exe)
        .args(["bench", CHILD_COMMAND])
        .env(
            "RAYON_NUM_THREADS",
            rayon::current_num_threads().to_string(),
        )
        .output()
        .map_err(|e| NoMetric::Failed(format!("cannot start the child: {e}")))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(0) => {}
        Some(NO_DATA) => return Err(NoMetric::Skipped(stderr.trim().to_string())),
        _ => {
            return Err(NoMetric::Failed(format!(
                "the training child failed ({}): {}",
                output.status,
                stderr.trim()
            )))
        }
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let kib: f64 = stdout
        .lines()
        .find_map(|l| l.strip_prefix(REPORT))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| NoMetric::Failed(format!("no `{REPORT}` line in {stdout:?}")))?;
    Ok(kib / 1024.0)
}

/// The child's work: one training epoch, then its peak resident set on stdout. Exits with
/// [`NO_DATA`] when MNIST is missing.
pub fn child() -> Result<(), String> {
    let train = match mnist::load(mnist::default_dir(), Split::Train) {
        Ok(t) => t,
        Err(DataError::MissingFile { path, .. }) => {
            eprintln!(
                "MNIST training data not found ({} is missing; set SCALPEL_DATA_DIR)",
                path.display()
            );
            std::process::exit(NO_DATA);
        }
        Err(e) => return Err(e.to_string()),
    };
    let (loss, seconds) = train_one_epoch(train).map_err(|e| e.to_string())?;
    let status = std::fs::read_to_string("/proc/self/status").map_err(|e| e.to_string())?;
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .ok_or("no VmHWM in /proc/self/status")?;
    eprintln!("W6 epoch: last loss {loss:.4}, {seconds:.1} s");
    println!("{REPORT} {kib}");
    Ok(())
}

/// Trains a fresh LeNet-5 for one epoch over `train`; returns the last batch's loss and the
/// seconds taken.
fn train_one_epoch(train: mnist::Mnist) -> Result<(f32, f64), Box<dyn std::error::Error>> {
    let start = std::time::Instant::now();
    let (images, labels) = train.into_parts();
    let n = labels.numel();
    let bytes = TensorDataset::new(images.reshape([n, 1, mnist::SIDE, mnist::SIDE])?, labels)?;
    let normalize = Normalize::new(vec![0.1307f32], vec![0.3081])?;
    let data = MapInputs::new(bytes, move |x| normalize.apply(&to_unit_interval(&x)));
    let loader = DataLoader::new(data, BATCH)?.shuffle(SEED);

    let model: LeNet5 = LeNet5::new(&mut Rng::seed(SEED));
    let config = SgdConfig {
        lr: 0.01,
        momentum: 0.9,
        ..Default::default()
    };
    let mut optimizer = Sgd::new(model.parameters(), config)?;
    let mut last = f32::NAN;
    for batch in loader.epoch(0) {
        let (x, y) = batch?;
        optimizer.zero_grad();
        let loss = cross_entropy(&model.forward(&Var::constant(x))?, &y, Reduction::Mean)?;
        loss.backward()?;
        optimizer.step()?;
        last = loss.item()?;
    }
    Ok((last, start.elapsed().as_secs_f64()))
}
