//! The seeded generator (reproducibility, statistics, checkpoint and resume) and the serde form
//! of tensors (round trips of every dtype and layout; corrupted input is an error).

use scalpel_tensor::random::Rng;
use scalpel_tensor::{DType, Float, Tensor, TensorError};

// ---------------------------------------------------------------------------------------------
// Reproducibility

#[test]
fn same_seed_gives_the_same_tensors() {
    let draw = |seed| {
        let mut rng = Rng::seed(seed);
        (
            rng.uniform([4, 5], -1.0f32, 1.0).unwrap(),
            rng.normal([7], 0.0f64, 2.0).unwrap(),
            rng.bernoulli_mask([9], 0.3).unwrap(),
            rng.randint([3, 3], -5, 5).unwrap(),
            rng.permutation(20),
        )
    };
    assert_eq!(draw(7), draw(7));
}

#[test]
fn different_seeds_give_different_tensors() {
    let a = Rng::seed(1).uniform([64], 0.0f64, 1.0).unwrap();
    let b = Rng::seed(2).uniform([64], 0.0f64, 1.0).unwrap();
    assert_ne!(a, b);
    assert_ne!(Rng::seed(1).permutation(50), Rng::seed(2).permutation(50));
}

#[test]
fn fork_is_deterministic_and_independent_of_the_parent() {
    let mut parent = Rng::seed(3);
    let mut child = parent.fork();
    let mut parent2 = Rng::seed(3);
    let mut child2 = parent2.fork();
    let c = child.uniform([32], 0.0f64, 1.0).unwrap();
    assert_eq!(c, child2.uniform([32], 0.0f64, 1.0).unwrap());
    // The child's stream is neither the parent's continuation nor a second fork.
    assert_ne!(c, parent.uniform([32], 0.0f64, 1.0).unwrap());
    assert_ne!(c, parent2.fork().uniform([32], 0.0f64, 1.0).unwrap());
    // Drawing from the child leaves the parent's stream alone.
    let mut p1 = Rng::seed(3);
    let mut c1 = p1.fork();
    c1.uniform([100], 0.0f64, 1.0).unwrap();
    let mut p2 = Rng::seed(3);
    p2.fork();
    assert_eq!(
        p1.uniform([32], 0.0f64, 1.0).unwrap(),
        p2.uniform([32], 0.0f64, 1.0).unwrap()
    );
}

#[test]
fn serialised_state_resumes_the_exact_stream() {
    let mut rng = Rng::seed(11);
    rng.normal([10], 0.0f32, 1.0).unwrap();
    let checkpoint = serde_json::to_string(&rng).unwrap();
    let uninterrupted = (rng.normal([10], 0.0f32, 1.0).unwrap(), rng.permutation(10));
    let mut resumed: Rng = serde_json::from_str(&checkpoint).unwrap();
    let after_resume = (
        resumed.normal([10], 0.0f32, 1.0).unwrap(),
        resumed.permutation(10),
    );
    assert_eq!(uninterrupted, after_resume);
}

#[test]
fn rand_distributions_draw_from_the_generator() {
    use rand::{Rng as _, RngCore as _};
    let mut a = Rng::seed(5);
    let mut b = Rng::seed(5);
    let x: f64 = a.random();
    assert_eq!(x, b.random::<f64>());
    assert!((0.0..1.0).contains(&x));
    let mut bytes = [0u8; 13];
    a.fill_bytes(&mut bytes);
    assert!(bytes.iter().any(|&v| v != 0));
}

// ---------------------------------------------------------------------------------------------
// Statistics: each check allows five standard errors of the estimate for the sample size, so a
// correct generator fails with probability below 1e-6 per check.

const N: usize = 40_000;

fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0);
    (mean, var)
}

fn to_f64<T: Float>(t: &Tensor<T>) -> Vec<f64> {
    t.to_vec().into_iter().map(|v| v.to_f64_lossy()).collect()
}

#[test]
fn uniform_has_the_mean_and_variance_of_its_interval() {
    fn check<T: Float>(seed: u64, low: T, high: T) {
        let t = Rng::seed(seed).uniform([N], low, high).unwrap();
        assert!(t.to_vec().iter().all(|&v| v >= low && v < high));
        let (lo, hi) = (low.to_f64_lossy(), high.to_f64_lossy());
        let width = hi - lo;
        let (mean, var) = mean_var(&to_f64(&t));
        let sigma2 = width * width / 12.0;
        assert!((mean - (lo + hi) / 2.0).abs() < 5.0 * (sigma2 / N as f64).sqrt());
        // Standard error of the sample variance: sqrt((μ₄ − σ⁴)/n), μ₄ = width⁴/80.
        let se = ((width.powi(4) / 80.0 - sigma2 * sigma2) / N as f64).sqrt();
        assert!((var - sigma2).abs() < 5.0 * se, "var {var} vs {sigma2}");
    }
    check(1, -2.0f32, 3.0);
    check(2, 0.0f64, 1.0);
    check(3, 10.0f64, 10.5);
}

#[test]
fn uniform_of_an_empty_interval_is_constant() {
    let t = Rng::seed(0).uniform([5], 2.5f32, 2.5).unwrap();
    assert_eq!(t.to_vec(), vec![2.5; 5]);
}

#[test]
fn normal_has_the_requested_mean_and_variance() {
    fn check<T: Float>(seed: u64, mean: T, std: T) {
        let t = Rng::seed(seed).normal([N], mean, std).unwrap();
        let (m, s) = (mean.to_f64_lossy(), std.to_f64_lossy());
        let (sample_mean, sample_var) = mean_var(&to_f64(&t));
        assert!((sample_mean - m).abs() < 5.0 * s / (N as f64).sqrt());
        // Standard error of the sample variance of a normal: σ²·sqrt(2/(n−1)).
        let se = s * s * (2.0 / (N as f64 - 1.0)).sqrt();
        assert!((sample_var - s * s).abs() < 5.0 * se, "var {sample_var}");
        // About 68.3% within one standard deviation (binomial standard error).
        let inside = to_f64(&t).iter().filter(|v| (*v - m).abs() < s).count() as f64 / N as f64;
        assert!((inside - 0.6827).abs() < 5.0 * (0.6827 * 0.3173 / N as f64).sqrt());
    }
    check(4, 0.0f32, 1.0);
    check(5, -3.0f64, 0.5);
}

#[test]
fn bernoulli_has_mean_p_and_exact_ends() {
    for (seed, p) in [(6u64, 0.1), (7, 0.5), (8, 0.93)] {
        let t: Tensor<f32> = Rng::seed(seed).bernoulli([N], p).unwrap();
        assert!(t.to_vec().iter().all(|&v| v == 0.0 || v == 1.0));
        let mean = t.to_vec().iter().map(|&v| v as f64).sum::<f64>() / N as f64;
        assert!((mean - p).abs() < 5.0 * (p * (1.0 - p) / N as f64).sqrt());
    }
    let mut rng = Rng::seed(9);
    assert!(!rng.bernoulli_mask([100], 0.0).unwrap().any_all());
    assert!(rng.bernoulli_mask([100], 1.0).unwrap().all_all());
}

#[test]
fn randint_covers_its_range_uniformly() {
    let (low, high) = (-3i64, 4);
    let k = (high - low) as usize;
    let t = Rng::seed(10).randint([N], low, high).unwrap();
    let mut counts = vec![0usize; k];
    for v in t.to_vec() {
        assert!((low..high).contains(&v));
        counts[(v - low) as usize] += 1;
    }
    let p = 1.0 / k as f64;
    let se = (N as f64 * p * (1.0 - p)).sqrt();
    for c in counts {
        assert!((c as f64 - N as f64 * p).abs() < 5.0 * se, "{c}");
    }
}

#[test]
fn permutation_is_a_permutation_and_every_order_is_equally_likely() {
    let mut rng = Rng::seed(12);
    for n in [0, 1, 2, 17, 100] {
        let mut p = rng.permutation(n);
        p.sort_unstable();
        assert_eq!(p, (0..n).collect::<Vec<_>>());
    }
    // The 6 orders of 3 items, each with probability 1/6.
    let trials = 12_000;
    let mut counts = std::collections::HashMap::new();
    for _ in 0..trials {
        *counts.entry(rng.permutation(3)).or_insert(0usize) += 1;
    }
    assert_eq!(counts.len(), 6);
    let p = 1.0 / 6.0;
    let se = (trials as f64 * p * (1.0 - p)).sqrt();
    for c in counts.values() {
        assert!(
            (*c as f64 - trials as f64 * p).abs() < 5.0 * se,
            "{counts:?}"
        );
    }
}

#[test]
fn shuffle_keeps_the_elements() {
    let mut items: Vec<char> = "scalpel".chars().collect();
    Rng::seed(13).shuffle(&mut items);
    items.sort_unstable();
    let mut expected: Vec<char> = "scalpel".chars().collect();
    expected.sort_unstable();
    assert_eq!(items, expected);
}

#[test]
fn invalid_distribution_parameters_are_errors() {
    let mut rng = Rng::seed(0);
    let invalid =
        |r: Result<(), TensorError>| matches!(r, Err(TensorError::InvalidArgument { .. }));
    assert!(invalid(rng.uniform([2], 1.0f32, 0.0).map(drop)));
    assert!(invalid(rng.uniform([2], f64::NAN, 1.0).map(drop)));
    assert!(invalid(rng.uniform([2], f64::MIN, f64::MAX).map(drop)));
    assert!(invalid(rng.normal([2], 0.0f32, -1.0).map(drop)));
    assert!(invalid(rng.normal([2], f64::INFINITY, 1.0).map(drop)));
    assert!(invalid(rng.bernoulli::<f32>([2], 1.5).map(drop)));
    assert!(invalid(rng.bernoulli_mask([2], f64::NAN).map(drop)));
    assert!(invalid(rng.randint([2], 3, 3).map(drop)));
}

// ---------------------------------------------------------------------------------------------
// serde

fn round_trip<T>(t: &Tensor<T>) -> Tensor<T>
where
    T: scalpel_tensor::Element + serde::Serialize + serde::de::DeserializeOwned,
{
    let json = serde_json::to_string(t).unwrap();
    let back: Tensor<T> = serde_json::from_str(&json).unwrap();
    assert!(back.is_contiguous());
    back
}

/// A tensor and views of it: transposed, strided slice, flipped, expanded, empty, scalar.
fn layouts<T: scalpel_tensor::Element>(base: Tensor<T>) -> Vec<Tensor<T>> {
    let m = base.reshape([3, 4]).unwrap();
    vec![
        m.clone(),
        m.t(),
        m.slice(1, 0, 4, 3).unwrap(),
        m.flip(&[0, 1]).unwrap(),
        m.narrow(0, 1, 1).unwrap().expand([5, 4]).unwrap(),
        m.narrow(0, 0, 0).unwrap(),
        Tensor::scalar(m.get(&[2, 1]).unwrap()),
    ]
}

#[test]
fn every_dtype_and_layout_round_trips_through_json() {
    fn check<T>(base: Tensor<T>)
    where
        T: scalpel_tensor::Element + serde::Serialize + serde::de::DeserializeOwned,
    {
        for t in layouts(base) {
            assert_eq!(round_trip(&t), t);
        }
    }
    let mut rng = Rng::seed(14);
    check(rng.normal([12], 0.0f32, 1e3).unwrap());
    check(rng.normal([12], 0.0f64, 1e-3).unwrap());
    check(rng.randint([12], i64::MIN, i64::MAX).unwrap());
    check(Tensor::from_fn([12], |i| i as i32 * -7));
    check(Tensor::from_fn([12], |i| (i * 23) as u8));
    check(Tensor::from_fn([12], |i| u32::MAX - i as u32));
    check(rng.bernoulli_mask([12], 0.5).unwrap());
}

#[test]
fn views_serialise_their_logical_row_major_elements() {
    let t = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], [2, 2])
        .unwrap()
        .t();
    assert_eq!(
        serde_json::to_string(&t).unwrap(),
        r#"{"dtype":"F32","shape":[2,2],"data":[1.0,3.0,2.0,4.0]}"#
    );
}

#[test]
fn fields_in_any_order_are_accepted() {
    let t: Tensor<i64> =
        serde_json::from_str(r#"{"data":[1,2,3],"shape":[3,1],"dtype":"I64"}"#).unwrap();
    assert_eq!(t.dims(), &[3, 1]);
    assert_eq!(t.to_vec(), vec![1, 2, 3]);
    assert_eq!(t.dtype(), DType::I64);
}

#[test]
fn dtype_is_read_as_written_or_as_it_prints() {
    // Written "F32"; a hand-written file may spell it as errors and Display do, "f32".
    let t = Tensor::from_vec1(vec![1.5f32]);
    assert!(serde_json::to_string(&t)
        .unwrap()
        .contains(r#""dtype":"F32""#));
    for (json, dtype) in [
        (r#"{"dtype":"f32","shape":[1],"data":[1.5]}"#, DType::F32),
        (r#"{"dtype":"F32","shape":[1],"data":[1.5]}"#, DType::F32),
    ] {
        let back: Tensor<f32> = serde_json::from_str(json).unwrap();
        assert_eq!((back.dtype(), back.to_vec()), (dtype, vec![1.5]));
    }
    let b: Tensor<bool> =
        serde_json::from_str(r#"{"dtype":"bool","shape":[2],"data":[true,false]}"#).unwrap();
    assert_eq!(b.to_vec(), vec![true, false]);
    let e = read_error::<f32>(r#"{"dtype":"i64","shape":[1],"data":[1]}"#);
    assert!(
        e.contains("dtype i64 does not match the element type f32"),
        "{e}"
    );
}

/// The message of the error that reading `json` as a `Tensor<T>` gives.
fn read_error<T>(json: &str) -> String
where
    T: scalpel_tensor::Element + serde::de::DeserializeOwned,
{
    match serde_json::from_str::<Tensor<T>>(json) {
        Ok(t) => panic!("{json} was read as {t:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn wrong_element_count_is_an_error() {
    let e = read_error::<f32>(r#"{"dtype":"F32","shape":[2,3],"data":[1,2,3,4,5]}"#);
    assert!(
        e.contains("deserialize: shape [2, 3] needs 6 elements, got 5"),
        "{e}"
    );
    let e = read_error::<f32>(r#"{"dtype":"F32","shape":[],"data":[]}"#);
    assert!(e.contains("needs 1 elements, got 0"), "{e}");
    let e = read_error::<f32>(r#"{"dtype":"F32","shape":[18446744073709551615,3],"data":[]}"#);
    assert!(e.contains("too many elements"), "{e}");
}

#[test]
fn wrong_dtype_is_an_error() {
    let e = read_error::<f32>(r#"{"dtype":"F64","shape":[1],"data":[1.0]}"#);
    assert!(
        e.contains("dtype f64 does not match the element type f32"),
        "{e}"
    );
    // Reported as a dtype mismatch even though the data would not parse either.
    let e = read_error::<i64>(r#"{"dtype":"F32","shape":[1],"data":[1.5]}"#);
    assert!(
        e.contains("dtype f32 does not match the element type i64"),
        "{e}"
    );
    let e = read_error::<f32>(r#"{"dtype":"complex","shape":[1],"data":[1.0]}"#);
    assert!(e.contains("unknown variant"), "{e}");
}

#[test]
fn malformed_json_is_an_error_not_a_panic() {
    let bad = [
        (r#"{"dtype":"F32","shape":[1]}"#, "missing field `data`"),
        (r#"{"shape":[1],"data":[1.0]}"#, "missing field `dtype`"),
        (
            r#"{"dtype":"F32","shape":[1],"shape":[1],"data":[1.0]}"#,
            "duplicate field",
        ),
        (
            r#"{"dtype":"F32","shape":[1],"data":[1.0],"strides":[1]}"#,
            "unknown field",
        ),
        (r#"{"dtype":"F32","shape":[-1],"data":[]}"#, "invalid value"),
        (
            r#"{"dtype":"F32","shape":[1],"data":[null]}"#,
            "invalid type",
        ),
        (r#"{"dtype":"F32","shape":[1],"data":[1.0"#, "EOF"),
        ("[]", "invalid length 0"),
        ("17", "invalid type"),
    ];
    for (json, message) in bad {
        let e = read_error::<f32>(json);
        assert!(e.contains(message), "{json}: {e}");
    }
    let e = read_error::<u8>(r#"{"dtype":"U8","shape":[1],"data":[256]}"#);
    assert!(e.contains("invalid value"), "{e}");
}
