//! Results: the printed line (the README's format) and `target/bench/results.json`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;

/// One measured result.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// Workload name, e.g. `W1-1024`.
    pub workload: String,
    /// The implementation measured: always `scalpel` here.
    #[serde(rename = "impl")]
    pub implementation: &'static str,
    /// Size of the rayon pool.
    pub threads: usize,
    /// The measured value.
    pub metric: f64,
    /// Its unit.
    pub unit: &'static str,
}

impl Record {
    /// A result of scalpel.
    pub fn new(workload: &str, threads: usize, metric: f64, unit: &'static str) -> Self {
        Record {
            workload: workload.to_string(),
            implementation: "scalpel",
            threads,
            metric,
            unit,
        }
    }

    /// `workload=… impl=… threads=… metric=… unit=…`, the metric with at least four
    /// significant digits and one decimal.
    pub fn line(&self) -> String {
        let magnitude = self.metric.abs().log10().floor();
        let decimals = if magnitude.is_finite() {
            (3.0 - magnitude).max(1.0) as usize
        } else {
            1
        };
        format!(
            "workload={} impl={} threads={} metric={:.*} unit={}",
            self.workload, self.implementation, self.threads, decimals, self.metric, self.unit
        )
    }
}

/// Writes `records` to `bench/results.json` in the workspace's target directory, replacing any
/// earlier file; returns its path.
pub fn write_json(records: &[Record]) -> Result<PathBuf, String> {
    let dir = target_dir()?.join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join("results.json");
    let json = serde_json::to_string_pretty(&serde_json::json!({ "results": records }))
        .map_err(|e| format!("cannot serialise results: {e}"))?;
    std::fs::write(&path, json + "\n")
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// The workspace's target directory, as cargo resolves it (`CARGO_TARGET_DIR`, config, or
/// `target/` beside the workspace manifest).
fn target_dir() -> Result<PathBuf, String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--manifest-path",
        ])
        .arg(&manifest)
        .output()
        .map_err(|e| format!("could not run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata output: {e}"))?;
    meta["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "cargo metadata: no target_directory".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_has_the_benchmarks_md_form() {
        let r = Record::new("W1-1024", 2, 453.21, "GFLOP/s");
        assert_eq!(
            r.line(),
            "workload=W1-1024 impl=scalpel threads=2 metric=453.2 unit=GFLOP/s"
        );
        let r = Record::new("op_add_128x10", 1, 0.21347, "µs/op");
        assert_eq!(
            r.line(),
            "workload=op_add_128x10 impl=scalpel threads=1 metric=0.2135 unit=µs/op"
        );
        assert!(Record::new("W2", 1, 12345.64, "samples/s")
            .line()
            .contains("metric=12345.6 "));
    }

    #[test]
    fn json_names_the_implementation_field_impl() {
        let v = serde_json::to_value(Record::new("W2", 1, 2.5, "samples/s")).unwrap();
        assert_eq!(v["impl"], "scalpel");
        assert_eq!(v["threads"], 1);
    }
}
