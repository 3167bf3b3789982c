//! `cargo xtask`: scalpel's test driver.
//!
//! - `cargo xtask ci`        every check CI runs, with a summary (exit 1 if any fails)
//! - `cargo xtask gradcheck [OP…] [--seed N]`  every differentiable op against finite differences
//! - `cargo xtask layering`  the crate layering rule (CONTRIBUTING.md), checked on `cargo metadata`
//! - `cargo xtask train-suite [CHECK…]`  train the book's models on real data, check the results
//! - `cargo xtask bench [WORKLOAD…] [--threads N]`  the benchmark workloads (the README's table)

mod bench;
mod ci;
mod gradcheck;
mod layering;
mod train_suite;

use std::process::ExitCode;

fn usage() -> &'static str {
    "usage: cargo xtask <command>\n\
     commands:\n  \
       ci                              run every check (fmt, clippy, tests, layering, …)\n  \
       gradcheck [OP…] [--seed N]      check every op's gradients against finite differences\n  \
       layering                        check that crates depend only on crates beneath them\n  \
       train-suite [CHECK…] [--list]   train the book's models on real data and check the results\n  \
       bench [WORKLOAD…] [--threads N] run the benchmark workloads"
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprintln!("{}", usage());
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    let result = match cmd.as_str() {
        "ci" => ci::run(rest),
        "gradcheck" => gradcheck::run(rest),
        "layering" => layering::run(),
        "train-suite" => train_suite::run(rest),
        "bench" => bench::run(rest),
        "help" | "--help" | "-h" => {
            println!("{}", usage());
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n{}", usage())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {cmd}: {e}");
            ExitCode::FAILURE
        }
    }
}
