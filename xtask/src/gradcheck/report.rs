//! The per-op results of a gradcheck run and the table they are printed as.

use std::time::Duration;

use scalpel_autograd::GradcheckReport;

use super::Coverage;

/// The verdict on one op.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Every case passed.
    Ok,
    /// A case failed, errored or panicked, or the entry has no cases.
    Failed,
    /// The op is listed (in `DIFFERENTIABLE_OPS` or `DIFFERENTIABLE_LAYERS`) but has no entry.
    Missing,
    /// The entry names an op that its suite's list does not hold.
    Unlisted,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Failed => "FAILED",
            Status::Missing => "MISSING",
            Status::Unlisted => "UNLISTED",
        }
    }
}

/// What the checks of one op found.
#[derive(Debug)]
pub struct OpResult {
    /// The op's name.
    pub op: &'static str,
    /// Number of cases checked.
    pub cases: usize,
    /// Largest relative error over every case and both orders (|a − n| / |n|: large where the
    /// numeric derivative is near 0, which is why the verdict uses atol + rtol·|n|).
    pub worst_rel: f64,
    /// Largest absolute error over every case and both orders.
    pub worst_abs: f64,
    /// Number of reports folded into the worst errors (checks that errored have none).
    pub reports: usize,
    /// Whether second derivatives were checked.
    pub double: bool,
    /// The verdict.
    pub status: Status,
    /// One message per failed check.
    pub failures: Vec<String>,
}

impl OpResult {
    /// An empty passing result for `op`.
    pub fn new(op: &'static str, double: bool) -> OpResult {
        OpResult {
            op,
            cases: 0,
            worst_rel: 0.0,
            worst_abs: 0.0,
            reports: 0,
            double,
            status: Status::Ok,
            failures: Vec::new(),
        }
    }

    /// The result of a listed op that has no entry.
    pub fn missing(op: &'static str) -> OpResult {
        OpResult {
            status: Status::Missing,
            ..OpResult::new(op, false)
        }
    }

    /// The result of an entry for an op that is not listed, not run.
    pub fn unlisted(op: &'static str) -> OpResult {
        OpResult {
            status: Status::Unlisted,
            ..OpResult::new(op, false)
        }
    }

    /// Folds a report (passing or not) into the worst errors.
    pub fn record(&mut self, report: &GradcheckReport) {
        self.reports += 1;
        self.worst_rel = self.worst_rel.max(report.max_rel_error());
        self.worst_abs = self.worst_abs.max(report.max_abs_error());
    }

    /// Records a failure.
    pub fn fail(&mut self, message: String) {
        self.status = Status::Failed;
        self.failures.push(message);
    }
}

/// Prints the table, the failures in detail, each list's coverage gaps and the summary line.
pub fn print(results: &[OpResult], coverages: &[(&str, Coverage)], elapsed: Duration) {
    let width = results.iter().map(|r| r.op.len()).fold(20, usize::max);
    println!(
        "{:<width$} {:>5} {:>13} {:>13} {:>6}  status",
        "op", "cases", "worst_rel_err", "worst_abs_err", "double"
    );
    for r in results {
        let (rel, abs) = if r.reports == 0 {
            ("-".to_string(), "-".to_string())
        } else {
            (
                format!("{:.2e}", r.worst_rel),
                format!("{:.2e}", r.worst_abs),
            )
        };
        println!(
            "{:<width$} {:>5} {:>13} {:>13} {:>6}  {}",
            r.op,
            r.cases,
            rel,
            abs,
            if r.double { "yes" } else { "no" },
            r.status.label()
        );
    }
    for r in results.iter().filter(|r| !r.failures.is_empty()) {
        println!("\n--- {} ---", r.op);
        for f in &r.failures {
            println!("{}", f.trim_end());
        }
    }
    for (list, coverage) in coverages {
        if !coverage.missing.is_empty() {
            println!(
                "\nnames in {list} without a gradcheck entry: {}",
                coverage.missing.join(", ")
            );
        }
        if !coverage.unlisted.is_empty() {
            println!(
                "\ngradcheck entries for names not in {list}: {}",
                coverage.unlisted.join(", ")
            );
        }
    }
    let cases: usize = results.iter().map(|r| r.cases).sum();
    let failed = results.iter().filter(|r| r.status != Status::Ok).count();
    println!("\n({:.1} s)", elapsed.as_secs_f64());
    println!(
        "gradcheck: {} ops, {cases} cases, {failed} failed",
        results.len()
    );
}
