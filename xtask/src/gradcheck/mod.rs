//! `cargo xtask gradcheck [OP…] [--seed N]`: every differentiable op of scalpel-autograd and
//! every layer and loss of scalpel-nn checked in f64 against central finite differences, and
//! twice-differentiable ones again through their gradient (`gradgradcheck`).
//!
//! The registry (`cases/`) holds two [`Suite`]s: one [`Entry`] per name of
//! `scalpel_autograd::DIFFERENTIABLE_OPS`, and one per name of
//! `scalpel_nn::DIFFERENTIABLE_LAYERS` (`cases/nn`). An entry has its seeded cases and says
//! whether second derivatives are checked too. The run fails when a case fails, when a listed
//! name has no entry in its suite (so that adding an op or a layer without a check breaks CI)
//! and when an entry names something its suite's list does not hold. Positional arguments run
//! only the named entries; `--seed` draws other random cases.
//!
//! Output: one line per op, `op cases worst_rel_err worst_abs_err double status`, the failures
//! in detail, then `gradcheck: N ops, M cases, K failed` where K counts the ops whose status is
//! not `ok`.

mod cases;
mod report;
mod sample;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use rayon::prelude::*;
use scalpel_autograd::{gradcheck, gradgradcheck, GradcheckOptions, GradcheckReport, Result, Var};
use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

use report::{OpResult, Status};

/// Base seed of the cases; each op's generator is seeded with it and the op's name, so that
/// adding an op does not change the cases of the others.
const SEED: u64 = 0x9c4e_c4ec;

/// The function a case checks, over variables for its input tensors.
pub type CaseFn = Box<dyn Fn(&[Var<f64>]) -> Result<Var<f64>>>;

/// One point at which an op is checked: a function of the inputs (which may view or combine
/// them before applying the op) and the input tensors.
pub struct Case {
    /// What the case exercises, printed when it fails, e.g. `(3,1,4) + (2,4)`.
    pub name: String,
    /// The inputs, one variable each.
    pub inputs: Vec<Tensor<f64>>,
    /// The function checked.
    pub f: CaseFn,
}

impl Case {
    /// A case named `name` checking `f` at `inputs`.
    pub fn new(
        name: impl Into<String>,
        inputs: Vec<Tensor<f64>>,
        f: impl Fn(&[Var<f64>]) -> Result<Var<f64>> + 'static,
    ) -> Case {
        Case {
            name: name.into(),
            inputs,
            f: Box::new(f),
        }
    }
}

/// Makes an op's cases from its seeded generator.
pub type CaseGen = Box<dyn Fn(&mut Rng) -> Vec<Case> + Send + Sync>;

/// The registry entry of one op.
pub struct Entry {
    /// The op's or layer's name, as in its suite's list (`DIFFERENTIABLE_OPS`,
    /// `DIFFERENTIABLE_LAYERS`).
    pub op: &'static str,
    /// Whether second derivatives are checked too (gradgradcheck).
    pub double: bool,
    /// Tolerances and step; the defaults unless the entry documents why not.
    pub options: GradcheckOptions,
    /// Makes the cases.
    pub cases: CaseGen,
}

impl Entry {
    /// An entry whose first derivatives are checked.
    pub fn grad(
        op: &'static str,
        cases: impl Fn(&mut Rng) -> Vec<Case> + Send + Sync + 'static,
    ) -> Entry {
        Entry {
            op,
            double: false,
            options: GradcheckOptions::default(),
            cases: Box::new(cases),
        }
    }

    /// An entry whose first and second derivatives are checked.
    pub fn gradgrad(
        op: &'static str,
        cases: impl Fn(&mut Rng) -> Vec<Case> + Send + Sync + 'static,
    ) -> Entry {
        Entry {
            double: true,
            ..Entry::grad(op, cases)
        }
    }
}

/// A registry checked against one list of differentiable names: every listed name needs one
/// entry, and every entry a listed name.
pub struct Suite {
    /// The list's name, for the report, e.g. `DIFFERENTIABLE_OPS`.
    pub list: &'static str,
    /// The names that must be checked.
    pub listed: &'static [&'static str],
    /// The entries.
    pub entries: Vec<Entry>,
}

/// Listed ops without an entry, and entries for ops that are not listed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Listed names that no entry checks.
    pub missing: Vec<&'static str>,
    /// Entry names that are not listed.
    pub unlisted: Vec<&'static str>,
}

/// Compares the registry's op names with the list of differentiable ops.
pub fn coverage(entries: &[&'static str], listed: &[&'static str]) -> Coverage {
    Coverage {
        missing: listed
            .iter()
            .filter(|op| !entries.contains(op))
            .copied()
            .collect(),
        unlisted: entries
            .iter()
            .filter(|op| !listed.contains(op))
            .copied()
            .collect(),
    }
}

/// A seed per op from the base seed and the op's name (FNV-1a).
fn op_seed(base: u64, op: &str) -> u64 {
    op.bytes().fold(base ^ 0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Runs one check of a case and records its report or its failure.
fn check(
    result: &mut OpResult,
    case: &str,
    which: &str,
    run: impl FnOnce() -> Result<GradcheckReport>,
) {
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(Ok(report)) => {
            result.record(&report);
            if !report.passed() {
                result.fail(format!("{case}: {which} failed:\n{report}"));
            }
        }
        Ok(Err(e)) => result.fail(format!("{case}: {which} returned an error: {e}")),
        Err(_) => result.fail(format!("{case}: {which} panicked (message above)")),
    }
}

/// Checks every case of one entry.
pub fn run_entry(entry: &Entry, base_seed: u64) -> OpResult {
    let mut result = OpResult::new(entry.op, entry.double);
    let mut rng = Rng::seed(op_seed(base_seed, entry.op));
    let cases = match catch_unwind(AssertUnwindSafe(|| (entry.cases)(&mut rng))) {
        Ok(cases) => cases,
        Err(_) => {
            result.fail("making the cases panicked (message above)".into());
            return result;
        }
    };
    if cases.is_empty() {
        result.fail("the entry has no cases".into());
    }
    for (i, case) in cases.iter().enumerate() {
        result.cases += 1;
        let label = format!("case {i} `{}`", case.name);
        check(&mut result, &label, "gradcheck", || {
            gradcheck(&*case.f, &case.inputs, entry.options)
        });
        if entry.double {
            check(&mut result, &label, "gradgradcheck", || {
                gradgradcheck(&*case.f, &case.inputs, entry.options)
            });
        }
    }
    result
}

/// Parses `[OP…] [--seed N]`.
fn parse(args: &[String]) -> std::result::Result<(Vec<String>, u64), String> {
    let mut ops = Vec::new();
    let mut seed = SEED;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--seed" {
            let v = it.next().ok_or("--seed needs a value")?;
            // Decimal, or hexadecimal after `0x` (as the default seed is written).
            let parsed = match v.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(&hex.replace('_', ""), 16),
                None => v.parse(),
            };
            seed = parsed.map_err(|e| format!("--seed {v}: {e}"))?;
        } else if a.starts_with('-') {
            return Err(format!(
                "unknown option `{a}` (usage: gradcheck [OP…] [--seed N])"
            ));
        } else {
            ops.push(a.clone());
        }
    }
    Ok((ops, seed))
}

/// Checks the entries that `selected` accepts, then adds a row for every op of `listed` without
/// an entry and marks the entries of ops not in `listed`: coverage is enforced whatever the
/// selection.
pub fn check_registry(
    entries: &[Entry],
    listed: &[&'static str],
    selected: impl Fn(&str) -> bool + Sync,
    seed: u64,
) -> (Vec<OpResult>, Coverage) {
    let mut results: Vec<OpResult> = entries
        .par_iter()
        .filter(|e| selected(e.op))
        .map(|e| run_entry(e, seed))
        .collect();
    let names: Vec<&'static str> = entries.iter().map(|e| e.op).collect();
    let cov = coverage(&names, listed);
    results.extend(cov.missing.iter().map(|op| OpResult::missing(op)));
    for op in &cov.unlisted {
        match results.iter_mut().find(|r| r.op == *op) {
            Some(r) => r.status = Status::Unlisted,
            None => results.push(OpResult::unlisted(op)),
        }
    }
    (results, cov)
}

/// Checks every suite with [`check_registry`]: the results of all, and each suite's coverage
/// with the name of its list.
pub fn check_suites(
    suites: &[Suite],
    selected: impl Fn(&str) -> bool + Sync,
    seed: u64,
) -> (Vec<OpResult>, Vec<(&'static str, Coverage)>) {
    let mut results = Vec::new();
    let mut coverages = Vec::new();
    for suite in suites {
        let (r, cov) = check_registry(&suite.entries, suite.listed, &selected, seed);
        results.extend(r);
        coverages.push((suite.list, cov));
    }
    (results, coverages)
}

/// Runs the suites (or the entries named in `args`), prints the table and fails on any failure.
pub fn run(args: &[String]) -> std::result::Result<(), String> {
    let (filter, seed) = parse(args)?;
    let suites = cases::suites();
    let known = |op: &str| {
        suites
            .iter()
            .any(|s| s.entries.iter().any(|e| e.op == op) || s.listed.contains(&op))
    };
    let unknown: Vec<&String> = filter.iter().filter(|f| !known(f)).collect();
    if !unknown.is_empty() {
        return Err(format!("no op or layer named {unknown:?}"));
    }
    let start = Instant::now();
    let selected = |op: &str| filter.is_empty() || filter.iter().any(|f| f == op);
    let (results, coverages) = check_suites(&suites, selected, seed);
    report::print(&results, &coverages, start.elapsed());
    let failed = results.iter().filter(|r| r.status != Status::Ok).count();
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} ops failed"))
    }
}

#[cfg(test)]
mod tests;
