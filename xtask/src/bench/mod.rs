//! `cargo xtask bench` (being written).

/// Runs the benchmark workloads named in `args` (all when empty).
pub fn run(_args: &[String]) -> Result<(), String> {
    Err("bench: not written yet".into())
}
