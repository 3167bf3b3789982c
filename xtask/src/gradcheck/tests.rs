//! Tests of the runner on fake registries.

use scalpel_autograd::{CustomOp, Result, Var};
use scalpel_tensor::Tensor;

use super::report::Status;
use super::{
    cases, check_registry, check_suites, coverage, op_seed, parse, run_entry, Case, Coverage,
    Entry, Suite, SEED,
};

#[test]
fn coverage_reports_a_listed_op_without_an_entry() {
    let c = coverage(&["add", "mul"], &["add", "sub", "mul", "exp"]);
    assert_eq!(c.missing, vec!["sub", "exp"]);
    assert!(c.unlisted.is_empty());
}

#[test]
fn coverage_reports_an_entry_for_an_unlisted_op() {
    let c = coverage(&["add", "frobnicate"], &["add"]);
    assert_eq!(
        c,
        Coverage {
            missing: vec![],
            unlisted: vec!["frobnicate"],
        }
    );
}

fn square_entry(op: &'static str) -> Entry {
    Entry::grad(op, |_| vec![square_case()])
}

#[test]
fn a_fake_registry_missing_an_op_fails_with_a_row_for_it() {
    let entries = [square_entry("square")];
    let (results, cov) = check_registry(&entries, &["square", "cube"], |_| true, SEED);
    assert_eq!(cov.missing, vec!["cube"]);
    let status: Vec<(&str, Status)> = results.iter().map(|r| (r.op, r.status)).collect();
    assert_eq!(
        status,
        vec![("square", Status::Ok), ("cube", Status::Missing)]
    );
}

#[test]
fn coverage_is_enforced_when_only_some_ops_run() {
    let entries = [square_entry("square"), square_entry("extra")];
    let (results, _) = check_registry(&entries, &["square", "cube"], |op| op == "square", SEED);
    let status: Vec<(&str, Status)> = results.iter().map(|r| (r.op, r.status)).collect();
    assert_eq!(
        status,
        vec![
            ("square", Status::Ok),
            ("cube", Status::Missing),
            ("extra", Status::Unlisted)
        ]
    );
}

#[test]
fn each_suite_has_at_most_one_entry_per_name() {
    for suite in cases::suites() {
        let mut names: Vec<&str> = suite.entries.iter().map(|e| e.op).collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "duplicate entries in {}", suite.list);
    }
}

#[test]
fn every_listed_op_and_layer_has_an_entry_and_no_entry_is_unlisted() {
    for suite in cases::suites() {
        let names: Vec<&'static str> = suite.entries.iter().map(|e| e.op).collect();
        assert_eq!(
            coverage(&names, suite.listed),
            Coverage::default(),
            "{}",
            suite.list
        );
    }
}

#[test]
fn the_layer_suite_is_checked_against_the_nn_crates_list() {
    let suites = cases::suites();
    let layers = suites
        .iter()
        .find(|s| s.list == "DIFFERENTIABLE_LAYERS")
        .expect("a layer suite");
    assert_eq!(layers.listed, scalpel_nn::DIFFERENTIABLE_LAYERS);
    let ops = suites
        .iter()
        .find(|s| s.list == "DIFFERENTIABLE_OPS")
        .expect("an op suite");
    assert_eq!(ops.listed, scalpel_autograd::DIFFERENTIABLE_OPS);
}

#[test]
fn each_suite_enforces_its_own_list() {
    let suites = [
        Suite {
            list: "OPS",
            listed: &["square"],
            entries: vec![square_entry("square")],
        },
        Suite {
            list: "LAYERS",
            listed: &["Square", "Cube"],
            entries: vec![square_entry("Square"), square_entry("square")],
        },
    ];
    let (results, coverages) = check_suites(&suites, |_| true, SEED);
    let status: Vec<(&str, Status)> = results.iter().map(|r| (r.op, r.status)).collect();
    assert_eq!(
        status,
        vec![
            ("square", Status::Ok),
            ("Square", Status::Ok),
            ("square", Status::Unlisted),
            ("Cube", Status::Missing),
        ]
    );
    assert_eq!(coverages[0], ("OPS", Coverage::default()));
    assert_eq!(
        coverages[1],
        (
            "LAYERS",
            Coverage {
                missing: vec!["Cube"],
                unlisted: vec!["square"],
            }
        )
    );
}

#[test]
fn each_op_draws_from_its_own_seed() {
    assert_ne!(op_seed(SEED, "add"), op_seed(SEED, "sub"));
    assert_eq!(op_seed(SEED, "add"), op_seed(SEED, "add"));
}

fn square_case() -> Case {
    let x = Tensor::from_vec1(vec![0.5f64, -1.25, 2.0]);
    Case::new("x²", vec![x], |xs| xs[0].square())
}

#[test]
fn a_correct_op_passes_to_second_order() {
    let r = run_entry(&Entry::gradgrad("square", |_| vec![square_case()]), SEED);
    assert_eq!(r.status, Status::Ok, "{:?}", r.failures);
    assert_eq!(r.cases, 1);
    assert!(r.worst_abs < 1e-6);
}

/// y = 2x whose backward forgets the factor 2.
struct WrongDouble;

impl CustomOp<f64> for WrongDouble {
    fn name(&self) -> &'static str {
        "wrong_double"
    }
    fn backward(
        &self,
        _inputs: &[Var<f64>],
        _output: &Var<f64>,
        grad: &Var<f64>,
    ) -> Result<Vec<Option<Var<f64>>>> {
        Ok(vec![Some(grad.clone())])
    }
}

#[test]
fn a_wrong_gradient_fails_and_names_the_case() {
    let entry = Entry::grad("wrong_double", |_| {
        vec![Case::new(
            "2x",
            vec![Tensor::from_vec1(vec![1.0, 2.0])],
            |xs| Var::from_custom(xs[0].value().mul_scalar(2.0), xs, WrongDouble),
        )]
    });
    let r = run_entry(&entry, SEED);
    assert_eq!(r.status, Status::Failed);
    assert_eq!(r.failures.len(), 1);
    assert!(
        r.failures[0].contains("case 0 `2x`: gradcheck failed"),
        "{}",
        r.failures[0]
    );
    assert!(
        r.worst_abs > 0.1,
        "the failing error is reported: {}",
        r.worst_abs
    );
}

#[test]
fn an_error_in_a_case_is_a_failure() {
    let entry = Entry::grad("matmul", |_| {
        vec![Case::new(
            "mismatched",
            vec![Tensor::zeros([2, 3]), Tensor::zeros([2, 3])],
            |xs| xs[0].matmul(&xs[1]),
        )]
    });
    let r = run_entry(&entry, SEED);
    assert_eq!(r.status, Status::Failed);
    assert!(
        r.failures[0].contains("returned an error"),
        "{}",
        r.failures[0]
    );
}

#[test]
fn an_entry_without_cases_fails() {
    let r = run_entry(&Entry::grad("exp", |_| Vec::new()), SEED);
    assert_eq!(r.status, Status::Failed);
}

#[test]
fn the_seed_is_read_in_decimal_or_hexadecimal() {
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        parse(&args(&["relu", "--seed", "42"])).unwrap(),
        (vec!["relu".to_string()], 42)
    );
    assert_eq!(parse(&args(&["--seed", "0x9c4e_c4ec"])).unwrap().1, SEED);
    assert!(parse(&args(&["--seed", "0xzz"]))
        .unwrap_err()
        .contains("0xzz"));
}
