//! `cargo xtask train-suite [CHECK…]`: trains the book's models on real data with fixed seeds
//! and checks each result against a threshold (the book's results are the floor).
//!
//! Every check runs a recipe of `scalpel_models::recipes` — the code of the examples — and
//! prints one line with the figure, the threshold and the time:
//!
//! ```text
//! train-suite: mnist_mlp test_accuracy=0.9827 >= 0.98 ok (26 s)
//! ```
//!
//! Data comes from `SCALPEL_DATA_DIR` under the policy of
//! `scalpel_data::data_dir::test_data_dir`: a check whose files are missing is skipped, unless
//! the `CI` environment variable is set, where missing data fails the suite. Runs (metrics,
//! curves, checkpoints) are written to `target/train-suite/<check>/`.

mod checks;

use std::path::PathBuf;
use std::time::Instant;

use checks::{Check, Outcome, CHECKS};

/// Runs the named checks (all when `args` names none).
pub fn run(args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == "--list") {
        for c in CHECKS {
            println!("{:<16} {}", c.name, c.describe);
        }
        return Ok(());
    }
    if let Some(flag) = args.iter().find(|a| a.starts_with('-')) {
        return Err(format!(
            "unknown option `{flag}` (use --list or check names)"
        ));
    }
    let selected: Vec<&Check> = if args.is_empty() {
        CHECKS.iter().collect()
    } else {
        let mut v = Vec::new();
        for a in args {
            match CHECKS.iter().find(|c| c.name == a) {
                Some(c) => v.push(c),
                None => return Err(format!("unknown check `{a}` (see --list)")),
            }
        }
        v
    };
    let runs = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("target")
        .join("train-suite");
    let start = Instant::now();
    let mut lines = Vec::new();
    let mut failed = 0;
    for check in selected {
        let t = Instant::now();
        let outcome = (check.run)(&runs.join(check.name));
        let secs = t.elapsed().as_secs_f64();
        let line = match &outcome {
            Outcome::Measured(figure) => {
                let ok = figure.passes();
                failed += usize::from(!ok);
                format!(
                    "train-suite: {} {} {} ({secs:.0} s)",
                    check.name,
                    figure,
                    if ok { "ok" } else { "FAILED" }
                )
            }
            Outcome::Skipped(why) => format!("train-suite: {} skipped: {why}", check.name),
            Outcome::Error(e) => {
                failed += 1;
                format!("train-suite: {} FAILED: {e} ({secs:.0} s)", check.name)
            }
        };
        println!("{line}");
        lines.push(line);
    }
    println!(
        "\ntrain-suite summary ({:.0} s):",
        start.elapsed().as_secs_f64()
    );
    for l in &lines {
        println!("  {l}");
    }
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} of {} checks failed", lines.len()))
    }
}
