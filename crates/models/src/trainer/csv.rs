//! The metrics CSV of a run: one row per epoch.

use std::fmt::Write as _;
use std::path::Path;

use super::metrics::EpochMetrics;
use crate::error::Result;
use crate::io::write_atomic;

/// The header of the metrics CSV.
pub const METRICS_HEADER: &str = "epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds";

/// The metrics CSV as text: [`METRICS_HEADER`], then one row per epoch. Missing figures (no
/// validation data, no accuracy) are empty fields.
pub fn metrics_csv(history: &[EpochMetrics]) -> String {
    let opt = |v: Option<f64>| v.map(|v| format!("{v}")).unwrap_or_default();
    let mut out = String::from(METRICS_HEADER);
    out.push('\n');
    for m in history {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{:.3}",
            m.epoch,
            m.train_loss,
            opt(m.train_accuracy),
            opt(m.val_loss),
            opt(m.val_accuracy),
            m.lr,
            m.seconds
        );
    }
    out
}

/// Writes [`metrics_csv`] to `path` (replacing the file).
///
/// # Errors
/// [`ModelsError::Io`](crate::ModelsError::Io).
pub fn write_metrics_csv(path: &Path, history: &[EpochMetrics]) -> Result<()> {
    write_atomic(path, metrics_csv(history).as_bytes())
}
