//! Property tests of the reductions, softmax, log-softmax, logsumexp and `sum_to`: each against
//! naive nested loops over multi-indices, on random shapes (rank 0–4, dimensions 0–5), random
//! axis sets given in any order and sign, keepdim both ways, and non-contiguous inputs
//! (permuted, narrowed, strided, expanded and flipped views).

use crate::common;

use common::{
    assert_close, broadcast_index, build, close, half_integer, half_integer_or_nan, indices,
    recipe, shape, Dense, Recipe,
};
use proptest::prelude::*;
use scalpel_tensor::Tensor;

/// A reduction of `x` over the sorted `axes`, computed by visiting every multi-index: `f`
/// receives the reduced elements in row-major order of the reduced axes.
fn reduce_ref(
    x: &Dense<f64>,
    axes: &[usize],
    keepdim: bool,
    f: impl Fn(&[f64]) -> f64,
) -> Dense<f64> {
    let rank = x.shape.len();
    let kept: Vec<usize> = (0..rank).filter(|a| !axes.contains(a)).collect();
    let kept_shape: Vec<usize> = kept.iter().map(|&a| x.shape[a]).collect();
    let red_shape: Vec<usize> = axes.iter().map(|&a| x.shape[a]).collect();
    let out_shape: Vec<usize> = if keepdim {
        (0..rank)
            .map(|a| if axes.contains(&a) { 1 } else { x.shape[a] })
            .collect()
    } else {
        kept_shape.clone()
    };
    let reds = indices(&red_shape);
    let data = indices(&kept_shape)
        .iter()
        .map(|k| {
            let values: Vec<f64> = reds
                .iter()
                .map(|r| {
                    let mut full = vec![0; rank];
                    for (&a, &i) in kept.iter().zip(k) {
                        full[a] = i;
                    }
                    for (&a, &i) in axes.iter().zip(r) {
                        full[a] = i;
                    }
                    x.at(&full)
                })
                .collect();
            f(&values)
        })
        .collect();
    Dense::new(out_shape, data)
}

fn sum_ref(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |s, &x| s + x)
}

/// Σ v with Neumaier's compensation: accurate to about one rounding whatever the length, so that
/// the reference is not the less accurate side of a comparison.
fn compensated_sum(v: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut c) = (0.0f64, 0.0f64);
    for x in v {
        let t = s + x;
        c += if s.abs() >= x.abs() {
            (s - t) + x
        } else {
            (x - t) + s
        };
        s = t;
    }
    s + c
}

fn var_ref(v: &[f64], correction: usize) -> f64 {
    let mean = sum_ref(v) / v.len() as f64;
    let ss = compensated_sum(v.iter().map(|&x| (x - mean) * (x - mean)));
    ss / v.len().saturating_sub(correction) as f64
}

/// Maximum (or minimum) where any NaN wins.
fn extreme_ref(v: &[f64], max: bool) -> f64 {
    if v.iter().any(|x| x.is_nan()) {
        return f64::NAN;
    }
    let pick = |a: f64, b: f64| if max { a.max(b) } else { a.min(b) };
    v[1..].iter().fold(v[0], |m, &x| pick(m, x))
}

/// Index of the first NaN, else of the first maximum (or minimum).
fn arg_ref(v: &[f64], max: bool) -> f64 {
    if let Some(i) = v.iter().position(|x| x.is_nan()) {
        return i as f64;
    }
    let best = extreme_ref(v, max);
    v.iter().position(|&x| x == best).unwrap() as f64
}

fn logsumexp_ref(v: &[f64]) -> f64 {
    if v.is_empty() {
        return f64::NEG_INFINITY;
    }
    let m = extreme_ref(v, true);
    m + v
        .iter()
        .map(|&x| (x - m).exp())
        .fold(0.0, |s, x| s + x)
        .ln()
}

/// Softmax (or log-softmax) along `axis`, one line at a time.
fn softmax_ref(x: &Dense<f64>, axis: usize, log: bool) -> Dense<f64> {
    let mut out = x.clone();
    let mut line_shape = x.shape.clone();
    line_shape[axis] = 1;
    for start in indices(&line_shape) {
        let line: Vec<Vec<usize>> = (0..x.shape[axis])
            .map(|i| {
                let mut idx = start.clone();
                idx[axis] = i;
                idx
            })
            .collect();
        if line.is_empty() {
            continue;
        }
        let v: Vec<f64> = line.iter().map(|i| x.at(i)).collect();
        let m = extreme_ref(&v, true);
        let s = v.iter().map(|&a| (a - m).exp()).fold(0.0, |s, e| s + e);
        for (idx, &a) in line.iter().zip(&v) {
            let pos = common::ravel(idx, &x.shape);
            out.data[pos] = if log {
                a - m - s.ln()
            } else {
                (a - m).exp() / s
            };
        }
    }
    out
}

/// The axes picked by `mask` (sorted), and the same axes as the caller passes them: in the
/// order of `keys`, each negative where `neg` has its bit set.
fn pick_axes(rank: usize, mask: u8, neg: u8, keys: [u8; 4]) -> (Vec<usize>, Vec<isize>) {
    let axes: Vec<usize> = (0..rank).filter(|a| mask >> a & 1 == 1).collect();
    let mut given: Vec<(u8, isize)> = axes
        .iter()
        .map(|&a| {
            let signed = if neg >> a & 1 == 1 {
                a as isize - rank as isize
            } else {
                a as isize
            };
            (keys[a], signed)
        })
        .collect();
    given.sort();
    (axes, given.into_iter().map(|(_, a)| a).collect())
}

fn input(shape: &[usize], r: &Recipe, seed: u64) -> (Tensor<f64>, Dense<f64>) {
    build(shape, r, |k| half_integer(seed, k))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sum_prod_mean_var_std_match_naive_loops(
        shape in shape(4, 5), r in recipe(), seed in any::<u64>(),
        mask in any::<u8>(), neg in any::<u8>(), keys in any::<[u8; 4]>(), keepdim in any::<bool>(),
    ) {
        let (x, d) = input(&shape, &r, seed);
        let (axes, given) = pick_axes(shape.len(), mask, neg, keys);
        // Half-integers sum exactly in any order: sum and mean must match to the last bit.
        assert_close("sum", &x.sum(&given, keepdim).unwrap(), &reduce_ref(&d, &axes, keepdim, sum_ref), 0.0);
        assert_close("mean", &x.mean(&given, keepdim).unwrap(),
            &reduce_ref(&d, &axes, keepdim, |v| sum_ref(v) / v.len() as f64), 0.0);
        assert_close("prod", &x.prod(&given, keepdim).unwrap(),
            &reduce_ref(&d, &axes, keepdim, |v| v.iter().fold(1.0, |p, &a| p * a)), 1e-12);
        for c in [0, 1] {
            assert_close("var", &x.var(&given, c, keepdim).unwrap(),
                &reduce_ref(&d, &axes, keepdim, |v| var_ref(v, c)), 1e-12);
        }
        assert_close("std", &x.std(&given, 1, keepdim).unwrap(),
            &reduce_ref(&d, &axes, keepdim, |v| var_ref(v, 1).sqrt()), 1e-12);
    }

    #[test]
    fn max_min_logsumexp_match_naive_loops(
        shape in shape(4, 5), r in recipe(), seed in any::<u64>(),
        mask in any::<u8>(), neg in any::<u8>(), keys in any::<[u8; 4]>(), keepdim in any::<bool>(),
    ) {
        let (x, d) = input(&shape, &r, seed);
        let (axes, given) = pick_axes(shape.len(), mask, neg, keys);
        assert_close("logsumexp", &x.logsumexp(&given, keepdim).unwrap(),
            &reduce_ref(&d, &axes, keepdim, logsumexp_ref), 1e-12);
        let empty = axes.iter().any(|&a| shape[a] == 0);
        for (name, max) in [("max", true), ("min", false)] {
            let got = if max { x.max(&given, keepdim) } else { x.min(&given, keepdim) };
            if empty {
                let e = got.unwrap_err().to_string();
                prop_assert!(e.starts_with(name), "{e}");
            } else {
                assert_close(name, &got.unwrap(), &reduce_ref(&d, &axes, keepdim, |v| extreme_ref(v, max)), 0.0);
            }
        }
    }

    #[test]
    fn whole_tensor_reductions_match_naive_loops(shape in shape(4, 5), r in recipe(), seed in any::<u64>()) {
        let (x, d) = input(&shape, &r, seed);
        prop_assert_eq!(x.sum_all(), sum_ref(&d.data));
        let mean = x.mean_all();
        prop_assert!(close(mean, sum_ref(&d.data) / d.data.len() as f64, 0.0), "{}", mean);
        if d.data.is_empty() {
            prop_assert!(x.max_all().is_err() && x.min_all().is_err());
        } else {
            prop_assert_eq!(x.max_all().unwrap(), extreme_ref(&d.data, true));
            prop_assert_eq!(x.min_all().unwrap(), extreme_ref(&d.data, false));
        }
    }

    #[test]
    fn argmax_argmin_pick_the_first_extreme(
        shape in shape(4, 5), r in recipe(), seed in any::<u64>(), axis in any::<u8>(),
        negative in any::<bool>(), keepdim in any::<bool>(),
    ) {
        let (x, d) = input(&shape, &r, seed);
        check_arg_reductions(&x, &d, axis, negative, keepdim)?;
    }

    #[test]
    fn nan_propagates_through_max_min_and_wins_arg_reductions(
        shape in shape(3, 5), r in recipe(), seed in any::<u64>(), axis in any::<u8>(),
        mask in any::<u8>(), keepdim in any::<bool>(),
    ) {
        let (x, d) = build(&shape, &r, |k| half_integer_or_nan(seed, k));
        let (axes, given) = pick_axes(shape.len(), mask, 0, [0; 4]);
        if !axes.iter().any(|&a| shape[a] == 0) {
            assert_close("max", &x.max(&given, keepdim).unwrap(),
                &reduce_ref(&d, &axes, keepdim, |v| extreme_ref(v, true)), 0.0);
            assert_close("min", &x.min(&given, keepdim).unwrap(),
                &reduce_ref(&d, &axes, keepdim, |v| extreme_ref(v, false)), 0.0);
        }
        check_arg_reductions(&x, &d, axis, false, keepdim)?;
    }

    #[test]
    fn softmax_and_log_softmax_match_naive_lines(
        shape in shape(4, 5), r in recipe(), seed in any::<u64>(), axis in any::<u8>(),
        scale in prop_oneof![Just(1.0), Just(300.0)],
    ) {
        let (x, d) = build(&shape, &r, |k| half_integer(seed, k) * scale);
        if shape.is_empty() {
            // One element along axis 0 or −1, as in PyTorch; no axis 1.
            prop_assert_eq!(x.softmax(0).unwrap().to_vec(), vec![1.0]);
            prop_assert_eq!(x.log_softmax(-1).unwrap().to_vec(), vec![0.0]);
            prop_assert!(x.softmax(1).is_err() && x.log_softmax(-2).is_err());
            return Ok(());
        }
        let a = axis as usize % shape.len();
        assert_close("softmax", &x.softmax(a as isize).unwrap(), &softmax_ref(&d, a, false), 1e-12);
        let neg = a as isize - shape.len() as isize;
        assert_close("log_softmax", &x.log_softmax(neg).unwrap(), &softmax_ref(&d, a, true), 1e-12);
    }

    #[test]
    fn sum_to_matches_summing_every_broadcast_copy(
        shape in shape(4, 5), r in recipe(), seed in any::<u64>(),
        drop in 0usize..5, ones in any::<u8>(),
    ) {
        let (x, d) = input(&shape, &r, seed);
        let drop = drop.min(shape.len());
        let target: Vec<usize> = shape[drop..]
            .iter()
            .enumerate()
            .map(|(i, &s)| if ones >> i & 1 == 1 { 1 } else { s })
            .collect();
        let mut want = Dense::new(target.clone(), vec![0.0; common::numel(&target)]);
        for idx in indices(&shape) {
            let t = common::ravel(&broadcast_index(&idx, &target), &target);
            want.data[t] += d.at(&idx);
        }
        assert_close("sum_to", &x.sum_to(target.clone()).unwrap(), &want, 0.0);
        // A dimension that neither matches nor is 1 does not broadcast back.
        if let Some(i) = target.iter().position(|&t| t != 1) {
            let mut bad = target.clone();
            bad[i] = if bad[i] == 0 { 2 } else { bad[i] + 1 };
            let e = x.sum_to(bad).unwrap_err().to_string();
            prop_assert!(e.starts_with("sum_to: "), "{e}");
        }
    }

    #[test]
    fn repeated_or_out_of_range_axes_are_errors(shape in shape(4, 5), axis in any::<u8>()) {
        let x = Tensor::<f64>::zeros(shape.clone());
        // A 0-d tensor reduces along 0 or −1 as a tensor of rank 1 would (PyTorch's rule).
        let rank = (shape.len() as isize).max(1);
        prop_assert!(x.sum(&[rank], false).is_err());
        prop_assert!(x.var(&[-rank - 1], 0, false).is_err());
        let a = axis as isize % rank;
        prop_assert!(x.sum(&[a, a - rank], false).is_err());
        prop_assert!(x.max(&[a, a], true).is_err());
    }
}

/// argmax and argmin along one axis (chosen by `axis`, negative when `negative`) against the
/// first-occurrence reference; index 0 for a 0-d tensor (along 0 or −1, as in PyTorch); errors
/// for an empty axis.
fn check_arg_reductions(
    x: &Tensor<f64>,
    d: &Dense<f64>,
    axis: u8,
    negative: bool,
    keepdim: bool,
) -> Result<(), TestCaseError> {
    let rank = d.shape.len();
    if rank == 0 {
        prop_assert_eq!(x.argmax(0, keepdim).unwrap().to_vec(), vec![0]);
        prop_assert_eq!(x.argmin(-1, keepdim).unwrap().to_vec(), vec![0]);
        prop_assert!(x.argmax(1, keepdim).is_err());
        return Ok(());
    }
    let a = axis as usize % rank;
    let given = if negative {
        a as isize - rank as isize
    } else {
        a as isize
    };
    for (name, max) in [("argmax", true), ("argmin", false)] {
        let got = if max {
            x.argmax(given, keepdim)
        } else {
            x.argmin(given, keepdim)
        };
        if d.shape[a] == 0 {
            let e = got.unwrap_err().to_string();
            prop_assert!(e.starts_with(name), "{e}");
        } else {
            let got = got.unwrap().cast::<f64>();
            assert_close(
                name,
                &got,
                &reduce_ref(d, &[a], keepdim, |v| arg_ref(v, max)),
                0.0,
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4))]

    /// Inputs above the parallel threshold take the threaded paths.
    #[test]
    fn large_inputs_match_naive_loops(
        rows in 200usize..400, cols in 300usize..500, seed in any::<u64>(),
        transposed in any::<bool>(),
    ) {
        let base = Tensor::from_fn([rows, cols], |k| half_integer(seed, k));
        let d = Dense::new(vec![rows, cols], (0..rows * cols).map(|k| half_integer(seed, k)).collect());
        let (x, d) = if transposed { (base.t(), d.permute(&[1, 0])) } else { (base, d) };
        for axes in [vec![0], vec![1], vec![0, 1]] {
            let given: Vec<isize> = axes.iter().map(|&a| a as isize).collect();
            assert_close("sum", &x.sum(&given, false).unwrap(), &reduce_ref(&d, &axes, false, sum_ref), 0.0);
            assert_close("max", &x.max(&given, true).unwrap(),
                &reduce_ref(&d, &axes, true, |v| extreme_ref(v, true)), 0.0);
            assert_close("var", &x.var(&given, 1, false).unwrap(),
                &reduce_ref(&d, &axes, false, |v| var_ref(v, 1)), 1e-12);
        }
        let am = x.argmin(0, false).unwrap().cast::<f64>();
        assert_close("argmin", &am, &reduce_ref(&d, &[0], false, |v| arg_ref(v, false)), 0.0);
        for a in [0, 1] {
            assert_close("softmax", &x.softmax(a as isize).unwrap(), &softmax_ref(&d, a, false), 1e-12);
        }
    }
}
