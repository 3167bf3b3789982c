//! `cargo xtask bench [WORKLOAD…] [--threads N]…`: the benchmark workloads (the README lists
//! them).
//!
//! Each result is printed as one line, `workload=W1-1024 impl=scalpel threads=2 metric=453.2
//! unit=GFLOP/s`, and all of them are written as JSON to `target/bench/results.json`. Positional
//! arguments select workloads by name: `W1-1024` selects that one, `W1` every `W1-…`. Without
//! `--threads`, every workload runs on a rayon pool of 1 thread and then of 2.
//!
//! A workload lives in its own file, exposing `pub fn workloads() -> Vec<Workload>`; the
//! [`REGISTRY`] below lists the files in the order they run.

mod autograd_overhead;
mod op_add;
mod report;
mod timing;
mod w1;
mod w2;
mod w2_raw;
mod w3;
mod w4;
mod w6;

use scalpel_tensor::TensorError;

/// Every workload file, in the order the workloads run.
const REGISTRY: &[fn() -> Vec<Workload>] = &[
    w1::workloads,
    w4::workloads,
    op_add::workloads,
    w2::workloads,
    w2_raw::workloads,
    w3::workloads,
    autograd_overhead::workloads,
    w6::workloads,
];

/// Pool sizes measured when `--threads` is not given.
const DEFAULT_THREADS: &[usize] = &[1, 2];

/// Seed of every random input, so that each run measures the same numbers.
pub const SEED: u64 = 20_240_601;

/// One benchmark: a name, the unit of its metric, and the code that measures it.
pub struct Workload {
    /// Printed as `workload=…` and matched by the command-line filters, e.g. `W1-1024`.
    pub name: String,
    /// Printed as `unit=…`, e.g. `GFLOP/s`.
    pub unit: &'static str,
    /// Prepares the inputs, times the work (see [`timing`]) and returns the metric. It runs
    /// inside the rayon pool of the thread count being measured.
    pub run: Box<dyn Fn() -> Outcome + Send + Sync>,
}

impl Workload {
    /// A workload named `name` whose metric, in `unit`, `run` measures.
    pub fn new(
        name: impl Into<String>,
        unit: &'static str,
        run: impl Fn() -> Outcome + Send + Sync + 'static,
    ) -> Self {
        Workload {
            name: name.into(),
            unit,
            run: Box::new(run),
        }
    }
}

/// The metric of one measurement, or why there is none.
pub type Outcome = Result<f64, NoMetric>;

/// Why a workload produced no metric.
#[derive(Debug)]
pub enum NoMetric {
    /// The workload cannot run here (e.g. its data set is absent); not an error.
    Skipped(String),
    /// The workload failed: the run exits with an error after the other workloads.
    Failed(String),
}

impl From<TensorError> for NoMetric {
    fn from(e: TensorError) -> Self {
        NoMetric::Failed(e.to_string())
    }
}

/// What the command line asks for.
struct Args {
    filters: Vec<String>,
    threads: Vec<usize>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut filters = Vec::new();
    let mut threads = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = match a.strip_prefix("--threads") {
            Some("") => it.next().ok_or("--threads needs a number")?.as_str(),
            Some(v) if v.starts_with('=') => &v[1..],
            _ if a.starts_with('-') => return Err(format!("unknown option `{a}`")),
            _ => {
                filters.push(a.clone());
                continue;
            }
        };
        for n in value.split(',') {
            match n.parse::<usize>() {
                Ok(n) if n > 0 => threads.push(n),
                _ => return Err(format!("--threads: `{n}` is not a positive number")),
            }
        }
    }
    if threads.is_empty() {
        threads = DEFAULT_THREADS.to_vec();
    }
    Ok(Args { filters, threads })
}

/// True when `name` is selected by `filter`: equal, or `filter` is its family (`W1` for `W1-256`).
fn selects(filter: &str, name: &str) -> bool {
    let (f, n) = (filter.to_ascii_lowercase(), name.to_ascii_lowercase());
    n == f || n.strip_prefix(&f).is_some_and(|rest| rest.starts_with('-'))
}

/// Runs the benchmark workloads named in `args` (all when empty).
pub fn run(args: &[String]) -> Result<(), String> {
    // W6 measures the memory of a training epoch in a child process: this binary, run again.
    if args.first().map(String::as_str) == Some(w6::CHILD_COMMAND) {
        return w6::child();
    }
    let args = parse(args)?;
    let all: Vec<Workload> = REGISTRY.iter().flat_map(|w| w()).collect();
    if let Some(f) = args
        .filters
        .iter()
        .find(|f| !all.iter().any(|w| selects(f, &w.name)))
    {
        let names: Vec<&str> = all.iter().map(|w| w.name.as_str()).collect();
        return Err(format!(
            "no workload matches `{f}`; workloads: {}",
            names.join(" ")
        ));
    }
    if cfg!(debug_assertions) {
        eprintln!("bench: this is a debug build; run `cargo xtask bench` for a release build");
    }
    let pools = args
        .threads
        .iter()
        .map(|&n| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| format!("cannot build a pool of {n} threads: {e}"))?;
            Ok((n, pool))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let mut results = Vec::new();
    let mut failed = Vec::new();
    let selected = all
        .iter()
        .filter(|w| args.filters.is_empty() || args.filters.iter().any(|f| selects(f, &w.name)));
    for w in selected {
        for (threads, pool) in &pools {
            match pool.install(|| (w.run)()) {
                Ok(metric) => {
                    let r = report::Record::new(&w.name, *threads, metric, w.unit);
                    println!("{}", r.line());
                    results.push(r);
                }
                Err(NoMetric::Skipped(why)) => {
                    eprintln!("workload={} threads={threads} skipped: {why}", w.name);
                }
                Err(NoMetric::Failed(why)) => {
                    eprintln!("workload={} threads={threads} failed: {why}", w.name);
                    failed.push(w.name.clone());
                }
            }
        }
    }
    let path = report::write_json(&results)?;
    eprintln!(
        "bench: {} results written to {}",
        results.len(),
        path.display()
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("failed: {}", failed.join(" ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_family_filter_selects_its_members_only() {
        assert!(selects("W1", "W1-1024"));
        assert!(selects("w1-1024", "W1-1024"));
        assert!(!selects("W1", "W10-1"));
        assert!(!selects("W1-10", "W1-1024"));
        assert!(selects("op_add_128x10", "op_add_128x10"));
    }

    #[test]
    fn threads_default_to_one_and_two_and_accept_both_spellings() {
        let a = parse(&strings(&["W1", "op_add_128x10"])).unwrap();
        assert_eq!(a.filters, strings(&["W1", "op_add_128x10"]));
        assert_eq!(a.threads, vec![1, 2]);
        let a = parse(&strings(&["--threads", "2", "--threads=1,4"])).unwrap();
        assert_eq!(a.threads, vec![2, 1, 4]);
        assert!(parse(&strings(&["--threads", "0"])).is_err());
        assert!(parse(&strings(&["--threads"])).is_err());
        assert!(parse(&strings(&["--fast"])).is_err());
    }

    #[test]
    fn every_workload_name_is_unique() {
        let names: Vec<String> = REGISTRY.iter().flat_map(|w| w()).map(|w| w.name).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len(), "{names:?}");
    }
}
