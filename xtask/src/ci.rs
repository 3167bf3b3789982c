//! `cargo xtask ci`: runs every check in order, prints a summary, fails if any step failed.

use std::process::Command;
use std::time::Instant;

/// One check of the CI run.
struct Step {
    name: &'static str,
    run: Box<dyn Fn() -> Result<(), String>>,
}

fn cargo(args: &[&str]) -> Result<(), String> {
    let status = Command::new(env!("CARGO"))
        .args(args)
        .status()
        .map_err(|e| format!("could not start cargo {}: {e}", args.join(" ")))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` exited with {status}", args.join(" ")))
    }
}

fn steps() -> Vec<Step> {
    vec![
        Step {
            name: "fmt",
            run: Box::new(|| cargo(&["fmt", "--all", "--", "--check"])),
        },
        Step {
            name: "clippy",
            run: Box::new(|| {
                cargo(&[
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ])
            }),
        },
        Step {
            name: "test",
            // Optimised (the tests train real models) but without release's LTO and single
            // code-generation unit, which would make building the test binaries most of CI's time.
            run: Box::new(|| cargo(&["test", "--workspace", "--profile", "ci-test"])),
        },
        Step {
            name: "gradcheck",
            run: Box::new(|| crate::gradcheck::run(&[])),
        },
        Step {
            name: "train-suite",
            run: Box::new(|| crate::train_suite::run(&[])),
        },
        Step {
            name: "doc",
            run: Box::new(doc),
        },
        Step {
            name: "layering",
            run: Box::new(crate::layering::run),
        },
    ]
}

/// Builds the docs with warnings as errors, so broken intra-doc links fail CI.
fn doc() -> Result<(), String> {
    let status = Command::new(env!("CARGO"))
        .args(["doc", "--workspace", "--no-deps", "--quiet"])
        .env("RUSTDOCFLAGS", "-D warnings")
        .status()
        .map_err(|e| format!("could not start cargo doc: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo doc` exited with {status}"))
    }
}

/// Runs every step (all of them, even after a failure) and reports.
pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(a) = args.first() {
        return Err(format!("ci takes no arguments, got `{a}`"));
    }
    let start = Instant::now();
    let mut results = Vec::new();
    for step in steps() {
        println!("\n==> xtask ci: {}", step.name);
        let t = Instant::now();
        let r = (step.run)();
        if let Err(e) = &r {
            eprintln!("xtask ci: step {} failed: {e}", step.name);
        }
        results.push((step.name, r, t.elapsed()));
    }
    println!(
        "\n==> xtask ci summary ({:.0} s)",
        start.elapsed().as_secs_f64()
    );
    let mut failed = 0;
    for (name, r, t) in &results {
        let status = if r.is_ok() { "ok" } else { "FAILED" };
        failed += usize::from(r.is_err());
        println!("  {name:<12} {status:<7} {:>6.1} s", t.as_secs_f64());
    }
    if failed == 0 {
        println!("all {} steps passed", results.len());
        Ok(())
    } else {
        Err(format!("{failed} of {} steps failed", results.len()))
    }
}
