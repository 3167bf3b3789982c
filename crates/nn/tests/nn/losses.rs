//! Losses: hand-worked values, reductions, the fused operations against their compositions,
//! gradients.

use scalpel_autograd::{grad, Result, Var};
use scalpel_nn::{
    binary_cross_entropy, binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_with,
    cross_entropy, cross_entropy_with, kl_div, l1_loss, l2_penalty, mse_loss, nll_loss,
    nll_loss_with, BceWithLogitsOptions, CrossEntropyOptions, Linear, Module, NllOptions,
    Reduction,
};
use scalpel_tensor::Tensor;

use crate::common::{assert_close, assert_gradcheck, assert_gradgradcheck, grads, project, rand};

fn v(xs: &[f64]) -> Var<f64> {
    Var::parameter(Tensor::from_vec1(xs.to_vec()))
}

fn item(x: Result<Var<f64>>) -> f64 {
    x.unwrap().item().unwrap()
}

const REDUCTIONS: [Reduction; 4] = [
    Reduction::Mean,
    Reduction::Sum,
    Reduction::None,
    Reduction::BatchMean,
];

#[test]
fn mse_and_l1_reduce_like_pytorch() {
    let (x, t) = (v(&[1.0, 2.0, 3.0]), v(&[0.0, 2.0, 5.0]));
    assert!((item(mse_loss(&x, &t, Reduction::Mean)) - 5.0 / 3.0).abs() < 1e-12);
    assert_eq!(item(mse_loss(&x, &t, Reduction::Sum)), 5.0);
    let none = mse_loss(&x, &t, Reduction::None).unwrap().value();
    assert_eq!(none.to_vec(), vec![1.0, 0.0, 4.0]);
    assert_eq!(item(l1_loss(&x, &t, Reduction::Mean)), 1.0);
    let two_by_two = Var::constant(Tensor::from_rows(&[[1.0, 1.0], [1.0, 1.0]]).unwrap());
    let zeros = Var::constant(Tensor::zeros([2, 2]));
    assert_eq!(
        item(mse_loss(&two_by_two, &zeros, Reduction::BatchMean)),
        2.0
    );
}

#[test]
fn losses_reject_prediction_and_target_of_different_shapes() {
    let err = mse_loss(&v(&[1.0, 2.0]), &v(&[1.0, 2.0, 3.0]), Reduction::Mean)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("mse_loss") && err.contains("[2]") && err.contains("[3]"),
        "{err}"
    );
}

#[test]
fn binary_cross_entropy_matches_the_formula() {
    let loss = item(binary_cross_entropy(
        &v(&[0.2, 0.9]),
        &v(&[0.0, 1.0]),
        Reduction::Mean,
    ));
    let expected = -(0.8f64.ln() + 0.9f64.ln()) / 2.0;
    assert!((loss - expected).abs() < 1e-12);
}

#[test]
fn binary_cross_entropy_clamps_logs_at_minus_100_with_finite_gradients() {
    let p = v(&[0.0, 1.0, 0.0, 1.0]);
    let t = v(&[0.0, 1.0, 1.0, 0.0]);
    let loss = binary_cross_entropy(&p, &t, Reduction::None).unwrap();
    assert_eq!(loss.value().to_vec(), vec![0.0, 0.0, 100.0, 100.0]);
    let g = grads(&loss.sum_all().unwrap(), &[&p, &t]);
    assert!(
        g.iter().all(|g| g.to_vec().iter().all(|x| x.is_finite())),
        "{g:?}"
    );
}

#[test]
fn binary_cross_entropy_rejects_inputs_outside_zero_one() {
    let err = binary_cross_entropy(&v(&[1.5]), &v(&[1.0]), Reduction::Mean).unwrap_err();
    assert!(err.to_string().contains("binary_cross_entropy"), "{err}");
}

/// BCE from primitive ops (valid away from 0 and 1).
fn bce_reference(p: &Var<f64>, t: &Var<f64>) -> Result<Var<f64>> {
    let pos = t.mul(&p.ln()?)?;
    let neg = t.rsub_scalar(1.0)?.mul(&p.rsub_scalar(1.0)?.ln()?)?;
    pos.add(&neg)?.neg()?.mean_all()
}

#[test]
fn fused_binary_cross_entropy_matches_the_composition() {
    let p = Var::parameter(rand(1, &[3, 4]).mul_scalar(0.2).add_scalar(0.5));
    let t = Var::parameter(rand(2, &[3, 4]).mul_scalar(0.25).add_scalar(0.5));
    let fused = binary_cross_entropy(&p, &t, Reduction::Mean).unwrap();
    let reference = bce_reference(&p, &t).unwrap();
    assert!((fused.item().unwrap() - reference.item().unwrap()).abs() < 1e-12);
    for (a, b) in grads(&fused, &[&p, &t])
        .iter()
        .zip(grads(&reference, &[&p, &t]))
    {
        assert_close(a, &b, 1e-12);
    }
}

#[test]
fn binary_cross_entropy_with_logits_is_stable_and_agrees_with_sigmoid_then_bce() {
    let x = v(&[-3.0, -0.5, 0.0, 2.0]);
    let t = v(&[0.0, 1.0, 0.5, 1.0]);
    let logits = item(binary_cross_entropy_with_logits(&x, &t, Reduction::Sum));
    let probs = item(binary_cross_entropy(
        &x.sigmoid().unwrap(),
        &t,
        Reduction::Sum,
    ));
    assert!((logits - probs).abs() < 1e-12);
    let big =
        binary_cross_entropy_with_logits(&v(&[100.0, -100.0]), &v(&[0.0, 1.0]), Reduction::None)
            .unwrap()
            .value();
    assert_close(&big, &Tensor::from_vec1(vec![100.0, 100.0]), 1e-12);
    // A confident right answer keeps its digits: ln(1 + e^−|x|), not 0, on either side, in f32.
    let confident = [10.0f32, 15.0, 20.0, -10.0, -15.0, -20.0];
    let right = [1.0f32, 1.0, 1.0, 0.0, 0.0, 0.0];
    let loss = binary_cross_entropy_with_logits(
        &Var::constant(Tensor::from_vec1(confident.to_vec())),
        &Var::constant(Tensor::from_vec1(right.to_vec())),
        Reduction::None,
    )
    .unwrap()
    .value()
    .to_vec();
    for (l, x) in loss.iter().zip(confident) {
        let exact = (-(x.abs() as f64)).exp().ln_1p();
        assert!(
            ((*l as f64) - exact).abs() <= 1e-6 * exact,
            "x {x}: {l} vs {exact}"
        );
    }
    // gradient σ(x) − t, also at x = 0
    let loss = binary_cross_entropy_with_logits(&x, &t, Reduction::Sum).unwrap();
    let g = grads(&loss, &[&x]).remove(0);
    let expected = x.value().sigmoid().sub(&t.value()).unwrap();
    assert_close(&g, &expected, 1e-12);
}

#[test]
fn weighted_binary_cross_entropy_with_logits_matches_the_formula_element_by_element() {
    // (2, 3) logits, a positive weight per class (last axis), a weight per sample (rows)
    let xs = [-2.0, 0.5, 1.5, 3.0, -0.7, 0.0];
    let ts = [1.0, 0.0, 0.3, 1.0, 1.0, 0.0];
    let pos = [3.0, 0.5, 2.0];
    let rows = [0.25, 2.0];
    let x = Var::parameter(Tensor::from_vec(xs.to_vec(), [2, 3]).unwrap());
    let t = Var::constant(Tensor::from_vec(ts.to_vec(), [2, 3]).unwrap());
    let options = BceWithLogitsOptions {
        reduction: Reduction::None,
        weight: Some(Tensor::from_vec(rows.to_vec(), [2, 1]).unwrap()),
        pos_weight: Some(Tensor::from_vec1(pos.to_vec())),
    };
    let loss = binary_cross_entropy_with_logits_with(&x, &t, &options).unwrap();
    let g = grads(&project(&loss, 11), &[&x]).remove(0);
    let projection = rand(11, &[2, 3]).to_vec(); // project's random weights
    let sigmoid = |x: f64| 1.0 / (1.0 + (-x).exp());
    for i in 0..6 {
        let (x, t, p, w) = (xs[i], ts[i], pos[i % 3], rows[i / 3]);
        let s = sigmoid(x);
        let by_hand = -w * (p * t * s.ln() + (1.0 - t) * (1.0 - s).ln());
        assert!(
            (loss.value().to_vec()[i] - by_hand).abs() < 1e-12,
            "element {i}"
        );
        // d/dx = w·(σ(x)·(p·t + 1 − t) − p·t)
        let slope = w * (s * (p * t + 1.0 - t) - p * t);
        assert!(
            (g.to_vec()[i] - slope * projection[i]).abs() < 1e-12,
            "gradient {i}"
        );
    }
    let mean = BceWithLogitsOptions {
        reduction: Reduction::Mean,
        ..options.clone()
    };
    let total: f64 = loss.value().to_vec().iter().sum();
    let averaged = item(binary_cross_entropy_with_logits_with(&x, &t, &mean));
    assert!((averaged - total / 6.0).abs() < 1e-12);
    // a weight that does not broadcast names the loss, the input and the weight
    let bad = BceWithLogitsOptions {
        pos_weight: Some(Tensor::from_vec1(vec![1.0, 2.0])),
        ..options
    };
    let err = binary_cross_entropy_with_logits_with(&x, &t, &bad)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("binary_cross_entropy_with_logits")
            && err.contains("pos_weight")
            && err.contains("[2, 3]"),
        "{err}"
    );
}

#[test]
fn cross_entropy_of_one_sample_is_log_sum_exp_minus_the_target_logit() {
    let x = Var::parameter(Tensor::from_rows(&[[1.0, 2.0, 3.0]]).unwrap());
    let loss = item(cross_entropy(
        &x,
        &Tensor::from_vec1(vec![2]),
        Reduction::Mean,
    ));
    let e = std::f64::consts::E;
    assert!((loss - ((e + e * e + e * e * e).ln() - 3.0)).abs() < 1e-12);
    // the same sample as a 1-D input with a 0-d target
    let single = Var::parameter(Tensor::from_vec1(vec![1.0, 2.0, 3.0]));
    let loss1 = item(cross_entropy(&single, &Tensor::scalar(2), Reduction::Mean));
    assert!((loss - loss1).abs() < 1e-15);
}

#[test]
fn cross_entropy_names_a_class_out_of_range_with_the_class_axis_and_input_shape() {
    let x = Var::parameter(Tensor::<f64>::zeros([2, 3, 4]));
    let y = Tensor::from_vec(vec![0i64, 1, 2, 0, 1, 2, 3, 0], [2, 4]).unwrap();
    let err = cross_entropy(&x, &y, Reduction::Mean).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cross_entropy: index 3 is out of range for axis 1 of size 3 in shape [2, 3, 4]"
    );
    let single = Var::parameter(Tensor::<f64>::zeros([3]));
    let err = cross_entropy(&single, &Tensor::scalar(-2), Reduction::Mean).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cross_entropy: index -2 is out of range for axis 0 of size 3 in shape [3]"
    );
}

#[test]
fn cross_entropy_gradient_is_softmax_minus_onehot_over_n() {
    let x = Var::parameter(rand(3, &[4, 3]));
    let y = Tensor::from_vec1(vec![0i64, 2, 1, 2]);
    let loss = cross_entropy(&x, &y, Reduction::Mean).unwrap();
    let g = grads(&loss, &[&x]).remove(0);
    let expected = x
        .value()
        .softmax(1)
        .unwrap()
        .sub(&Tensor::one_hot(&y, 3).unwrap())
        .unwrap()
        .div_scalar(4.0);
    assert_close(&g, &expected, 1e-12);
}

/// Cross-entropy from log_softmax and gather, with smoothing and class weights, as PyTorch
/// writes it: (1 − ε)·nll(weight) + (ε/C)·Σ_c w_c·(−log p_c), the mean divided by Σ w\[y\]. The
/// oracle for the fused op.
fn ce_reference(
    x: &Var<f64>,
    y: &Tensor<i64>,
    eps: f64,
    weight: &[f64],
    reduction: Reduction,
) -> Result<Var<f64>> {
    let (n, c) = (y.numel(), weight.len());
    let lp = x.log_softmax(1)?;
    let w = Var::constant(Tensor::from_vec(weight.to_vec(), [1, c]).unwrap());
    let weighted = lp.mul(&w)?;
    let picked = weighted
        .gather(1, &y.reshape([n, 1]).unwrap())?
        .reshape([n])?;
    let per = picked
        .mul_scalar(1.0 - eps)?
        .add(&weighted.sum(&[1], false)?.mul_scalar(eps / c as f64)?)?
        .neg()?;
    let total_weight: f64 = y.to_vec().iter().map(|&k| weight[k as usize]).sum();
    match reduction {
        Reduction::Mean => per.sum_all()?.div_scalar(total_weight),
        Reduction::Sum => per.sum_all(),
        Reduction::None => Ok(per),
        Reduction::BatchMean => per.sum_all()?.div_scalar(n as f64),
    }
}

#[test]
fn fused_cross_entropy_matches_the_composition_for_every_reduction_smoothing_and_weight() {
    let y = Tensor::from_vec1(vec![1i64, 0, 4, 4, 2]);
    let uniform = [1.0; 5];
    let skewed = [0.5, 2.0, 1.0, 0.0, 3.5];
    for eps in [0.0, 0.1] {
        for (weight, given) in [(uniform, false), (uniform, true), (skewed, true)] {
            for reduction in REDUCTIONS {
                let x = Var::parameter(rand(4, &[5, 5]).mul_scalar(3.0));
                let options = CrossEntropyOptions {
                    reduction,
                    label_smoothing: eps,
                    ignore_index: None,
                    weight: given.then(|| Tensor::from_vec1(weight.to_vec())),
                };
                let fused = cross_entropy_with(&x, &y, &options).unwrap();
                let reference = ce_reference(&x, &y, eps, &weight, reduction).unwrap();
                assert_close(&fused.value(), &reference.value(), 1e-12);
                let (gf, gr) = (
                    grads(&project(&fused, 5), &[&x]),
                    grads(&project(&reference, 5), &[&x]),
                );
                assert_close(&gf[0], &gr[0], 1e-12);
            }
        }
    }
}

#[test]
fn class_weights_work_with_ignored_samples_and_second_derivatives() {
    // PyTorch: cross_entropy([[1, 2, 0], [0, 0, 3], [2, 1, 1]], [1, 2, -100],
    // weight=[1, 4, 0.5]) = (4·ln(1 + e⁻¹ + e⁻²) + 0.5·ln(2 + e³) − 0.5·3) / 4.5
    let x = Var::parameter(
        Tensor::from_rows(&[[1.0, 2.0, 0.0], [0.0, 0.0, 3.0], [2.0, 1.0, 1.0]]).unwrap(),
    );
    let y = Tensor::from_vec1(vec![1i64, 2, -100]);
    let options = CrossEntropyOptions {
        ignore_index: Some(-100),
        weight: Some(Tensor::from_vec1(vec![1.0, 4.0, 0.5])),
        ..Default::default()
    };
    let e = std::f64::consts::E;
    let by_hand =
        (4.0 * (1.0 + 1.0 / e + 1.0 / (e * e)).ln() + 0.5 * ((2.0 + e.powi(3)).ln() - 3.0)) / 4.5;
    let loss = cross_entropy_with(&x, &y, &options).unwrap();
    assert!((loss.item().unwrap() - by_hand).abs() < 1e-12);
    let g = grads(&loss, &[&x]).remove(0);
    assert_eq!(g.narrow(0, 2, 1).unwrap().to_vec(), vec![0.0; 3]);
    let smoothed = CrossEntropyOptions {
        label_smoothing: 0.2,
        ..options
    };
    assert_gradgradcheck(|v| cross_entropy_with(&v[0], &y, &smoothed), &[x.value()]);
}

#[test]
fn weighted_nll_after_log_softmax_equals_weighted_cross_entropy() {
    let y = Tensor::from_vec(vec![2i64, -100, 0, 1, 2, 2], [2, 3]).unwrap();
    let weight = Tensor::from_vec1(vec![0.5, 2.0, 1.5, 3.0]);
    for reduction in REDUCTIONS {
        // (N, C, d) = (2, 4, 3) logits, classes on axis 1
        let x = Var::parameter(rand(12, &[2, 4, 3]).mul_scalar(2.0));
        let ce = CrossEntropyOptions {
            reduction,
            ignore_index: Some(-100),
            weight: Some(weight.clone()),
            ..Default::default()
        };
        let nll = NllOptions {
            reduction,
            ignore_index: Some(-100),
            weight: Some(weight.clone()),
        };
        let fused = cross_entropy_with(&x, &y, &ce).unwrap();
        let composed = nll_loss_with(&x.log_softmax(1).unwrap(), &y, &nll).unwrap();
        assert_close(&fused.value(), &composed.value(), 1e-12);
        let (gf, gc) = (
            grads(&project(&fused, 3), &[&x]),
            grads(&project(&composed, 3), &[&x]),
        );
        assert_close(&gf[0], &gc[0], 1e-12);
    }
    // by hand: −(w[1]·lp[0][1] + w[0]·lp[1][0]) / (w[1] + w[0]), sample 2 ignored
    let lp = Var::constant(Tensor::from_rows(&[[-1.0, -2.0], [-3.0, -4.0], [-5.0, -6.0]]).unwrap());
    let options = NllOptions {
        ignore_index: Some(7),
        weight: Some(Tensor::from_vec1(vec![0.25, 4.0])),
        ..Default::default()
    };
    let loss = item(nll_loss_with(
        &lp,
        &Tensor::from_vec1(vec![1, 0, 7]),
        &options,
    ));
    assert!((loss - (4.0 * 2.0 + 0.25 * 3.0) / 4.25).abs() < 1e-12);
    let bad = NllOptions {
        weight: Some(Tensor::from_vec1(vec![1.0; 3])),
        ..options
    };
    let err = nll_loss_with(&lp, &Tensor::from_vec1(vec![1, 0, 7]), &bad)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("nll_loss") && err.contains("[2]") && err.contains("[3]"),
        "{err}"
    );
}

#[test]
fn ignored_rows_are_not_read_even_when_they_hold_infinities_or_nan() {
    // The fused cross-entropy's two backward paths (one loop, and the differentiable form
    // behind create_graph) and nll_loss_with give the same finite gradient, 0 on ignored rows.
    let ninf = f64::NEG_INFINITY;
    let x = Var::parameter(
        Tensor::from_rows(&[[0.3, -1.2, 2.0], [ninf, ninf, ninf], [1.0, f64::NAN, 0.5]]).unwrap(),
    );
    let y = Tensor::from_vec1(vec![2i64, -100, -100]);
    let weight = Tensor::from_vec1(vec![2.0, 0.5, 1.5]);
    let lp0 = [0.3f64, -1.2, 2.0];
    let lse = lp0.iter().map(|v| v.exp()).sum::<f64>().ln();
    for (smoothing, reduction) in [(0.0, Reduction::Mean), (0.2, Reduction::Sum)] {
        let options = CrossEntropyOptions {
            reduction,
            label_smoothing: smoothing,
            ignore_index: Some(-100),
            weight: Some(weight.clone()),
        };
        let loss = cross_entropy_with(&x, &y, &options).unwrap();
        assert!(loss.item().unwrap().is_finite());
        let one = std::slice::from_ref(&loss);
        let fast = grad(one, None, std::slice::from_ref(&x), false).unwrap();
        let loss = cross_entropy_with(&x, &y, &options).unwrap();
        let one = std::slice::from_ref(&loss);
        let recorded = grad(one, None, std::slice::from_ref(&x), true).unwrap();
        let (fast, recorded) = (fast[0].as_ref().unwrap(), recorded[0].as_ref().unwrap());
        assert!(recorded.requires_grad());
        assert_close(&fast.value(), &recorded.value(), 1e-14);
        // by hand, row 0: (softmax·Σq − q)·s with q = (1 − ε)·w_y·onehot + ε/C·w
        let s = if reduction == Reduction::Mean {
            1.0 / 1.5
        } else {
            1.0
        };
        let w = weight.to_vec();
        let sum_q = (1.0 - smoothing) * w[2] + smoothing / 3.0 * w.iter().sum::<f64>();
        for c in 0..3 {
            let q = smoothing / 3.0 * w[c]
                + if c == 2 {
                    (1.0 - smoothing) * w[2]
                } else {
                    0.0
                };
            let want = ((lp0[c] - lse).exp() * sum_q - q) * s;
            assert!((fast.value().get(&[0, c]).unwrap() - want).abs() < 1e-14);
        }
        assert_eq!(fast.value().narrow(0, 1, 2).unwrap().to_vec(), vec![0.0; 6]);
    }
    // nll_loss_with on log-probabilities with −∞ and NaN in ignored rows (log_softmax's own
    // backward would turn them into NaN, as PyTorch's does, so they are the leaf here).
    let log_p = Var::parameter(x.value().log_softmax(1).unwrap());
    let nll = NllOptions {
        ignore_index: Some(-100),
        weight: Some(weight),
        ..Default::default()
    };
    let loss = nll_loss_with(&log_p, &y, &nll).unwrap();
    assert!((loss.item().unwrap() - (lse - 2.0)).abs() < 1e-14);
    let g = grads(&loss, &[&log_p]).remove(0);
    assert_eq!(g.to_vec(), [0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
}

#[test]
fn class_weights_of_the_wrong_shape_are_an_error_naming_both_shapes() {
    let x = Var::parameter(Tensor::<f64>::zeros([2, 3]));
    let options = CrossEntropyOptions {
        weight: Some(Tensor::from_vec1(vec![1.0, 2.0])),
        ..Default::default()
    };
    let err = cross_entropy_with(&x, &Tensor::from_vec1(vec![0, 2]), &options)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("cross_entropy") && err.contains("[3]") && err.contains("[2]"),
        "{err}"
    );
}

#[test]
fn ignored_samples_add_no_loss_and_no_gradient_and_leave_the_mean() {
    let x = Var::parameter(rand(6, &[4, 3]));
    let y = Tensor::from_vec1(vec![0i64, -100, 2, -100]);
    let options = CrossEntropyOptions {
        ignore_index: Some(-100),
        ..Default::default()
    };
    let loss = cross_entropy_with(&x, &y, &options).unwrap();
    let kept = Var::constant(
        x.value()
            .index_select(0, &Tensor::from_vec1(vec![0, 2]))
            .unwrap(),
    );
    let expected = cross_entropy(&kept, &Tensor::from_vec1(vec![0, 2]), Reduction::Mean).unwrap();
    assert!((loss.item().unwrap() - expected.item().unwrap()).abs() < 1e-12);
    let g = grads(&loss, &[&x]).remove(0);
    for row in [1usize, 3] {
        for c in 0..3 {
            assert_eq!(g.get(&[row, c]).unwrap(), 0.0);
        }
    }
}

#[test]
fn cross_entropy_takes_classes_on_axis_one_of_a_multi_dimensional_input() {
    // (N, C, L) logits against (N, L) targets, as for per-position classification
    let x = Var::parameter(rand(7, &[2, 3, 4]));
    let y = Tensor::from_vec(vec![0i64, 1, 2, 0, 2, 2, 1, 0], [2, 4]).unwrap();
    let per = cross_entropy(&x, &y, Reduction::None).unwrap();
    assert_eq!(per.dims(), [2, 4]);
    let rows = x.permute(&[0, 2, 1]).unwrap().reshape([8, 3]).unwrap();
    let flat = cross_entropy(&rows, &y.reshape([8]).unwrap(), Reduction::None).unwrap();
    assert_close(&per.value().reshape([8]).unwrap(), &flat.value(), 1e-12);
}

#[test]
fn cross_entropy_rejects_bad_classes_and_shapes() {
    let x = Var::parameter(Tensor::<f64>::zeros([2, 3]));
    let err = cross_entropy(&x, &Tensor::from_vec1(vec![0, 3]), Reduction::Mean)
        .unwrap_err()
        .to_string();
    assert!(err.contains("cross_entropy") && err.contains('3'), "{err}");
    assert!(cross_entropy(&x, &Tensor::from_vec1(vec![0, 1, 2]), Reduction::Mean).is_err());
    assert!(nll_loss(&x, &Tensor::from_vec1(vec![-1, 0]), Reduction::Mean).is_err());
    // No classes at all, every sample ignored: an error naming the op, not a panic.
    let empty = Var::parameter(Tensor::<f64>::zeros([2, 0]));
    let ignored = Tensor::from_vec1(vec![-100i64, -100]);
    let options = CrossEntropyOptions {
        ignore_index: Some(-100),
        ..Default::default()
    };
    let err = cross_entropy_with(&empty, &ignored, &options).unwrap_err();
    assert!(err.to_string().contains("cross_entropy"), "{err}");
    let options = NllOptions {
        ignore_index: Some(-100),
        ..Default::default()
    };
    let err = nll_loss_with(&empty, &ignored, &options).unwrap_err();
    assert!(err.to_string().contains("nll_loss"), "{err}");
}

#[test]
fn nll_loss_picks_minus_the_target_log_probability() {
    let lp = Var::parameter(Tensor::from_rows(&[[-0.1, -2.0], [-3.0, -0.5]]).unwrap());
    let y = Tensor::from_vec1(vec![1i64, 0]);
    assert!((item(nll_loss(&lp, &y, Reduction::Mean)) - 2.5).abs() < 1e-12);
    assert_eq!(item(nll_loss(&lp, &y, Reduction::Sum)), 5.0);
}

#[test]
fn kl_div_takes_log_probabilities_and_counts_zero_targets_as_zero() {
    let input = Var::parameter(
        Tensor::from_rows(&[[0.25f64.ln(), 0.75f64.ln()], [0.5f64.ln(), 0.5f64.ln()]]).unwrap(),
    );
    let target = Var::constant(Tensor::from_rows(&[[0.5, 0.5], [1.0, 0.0]]).unwrap());
    let per = kl_div(&input, &target, Reduction::None, false)
        .unwrap()
        .value();
    let row0 = 0.5 * (0.5f64 / 0.25).ln() + 0.5 * (0.5f64 / 0.75).ln();
    let row1 = (1.0f64 / 0.5).ln();
    let sum: f64 = per.to_vec().iter().sum();
    assert!((sum - (row0 + row1)).abs() < 1e-12);
    let batch = item(kl_div(&input, &target, Reduction::BatchMean, false));
    assert!((batch - (row0 + row1) / 2.0).abs() < 1e-12);
    let log_target =
        Var::constant(Tensor::from_rows(&[[0.5f64.ln(), 0.5f64.ln()], [0.0, -1e300]]).unwrap());
    let same = item(kl_div(&input, &log_target, Reduction::Sum, true));
    assert!((same - (row0 + row1)).abs() < 1e-12);
    let g = grads(
        &kl_div(&input, &target, Reduction::Sum, false).unwrap(),
        &[&input],
    )
    .remove(0);
    assert_close(&g, &target.value().neg(), 1e-12);
}

#[test]
fn kl_div_of_a_negative_or_nan_target_is_nan_not_zero() {
    let input = Var::constant(Tensor::from_vec1(vec![-1.0f64, -1.0, -1.0]));
    let target = Var::constant(Tensor::from_vec1(vec![-0.5, f64::NAN, 0.0]));
    let per = kl_div(&input, &target, Reduction::None, false)
        .unwrap()
        .value()
        .to_vec();
    assert!(per[0].is_nan() && per[1].is_nan(), "{per:?}");
    assert_eq!(per[2], 0.0);
}

#[test]
fn l2_penalty_sums_squared_weights_but_not_biases() {
    let layer: Linear<f64> = Linear::from_tensors(
        Tensor::from_rows(&[[1.0, -2.0], [0.5, 0.0]]).unwrap(),
        Some(Tensor::from_vec1(vec![10.0, 10.0])),
    )
    .unwrap();
    let penalty = l2_penalty(&layer, 0.1).unwrap();
    assert!((penalty.item().unwrap() - 0.1 * 5.25).abs() < 1e-12);
    penalty.backward().unwrap();
    let expected = layer.weight().value().mul_scalar(0.2);
    assert_close(&layer.weight().grad().unwrap(), &expected, 1e-12);
    assert!(layer.bias().unwrap().grad().is_none());
}

#[test]
fn every_loss_passes_gradcheck() {
    let (a, b) = (rand(8, &[3, 4]), rand(9, &[3, 4]));
    let probs = a.mul_scalar(0.2).add_scalar(0.5);
    let targets = b.mul_scalar(0.25).add_scalar(0.5);
    for r in REDUCTIONS {
        assert_gradcheck(|v| mse_loss(&v[0], &v[1], r), &[a.clone(), b.clone()]);
        assert_gradcheck(|v| l1_loss(&v[0], &v[1], r), &[a.clone(), b.clone()]);
        assert_gradcheck(
            |v| binary_cross_entropy(&v[0], &v[1], r),
            &[probs.clone(), targets.clone()],
        );
        assert_gradcheck(
            |v| binary_cross_entropy_with_logits(&v[0], &v[1], r),
            &[a.clone(), targets.clone()],
        );
    }
    let y = Tensor::from_vec1(vec![3i64, 0, 2]);
    for r in REDUCTIONS {
        assert_gradcheck(|v| cross_entropy(&v[0], &y, r), std::slice::from_ref(&a));
        assert_gradcheck(|v| nll_loss(&v[0], &y, r), std::slice::from_ref(&a));
    }
    let smoothed = CrossEntropyOptions {
        label_smoothing: 0.2,
        ignore_index: Some(0),
        ..Default::default()
    };
    assert_gradcheck(
        |v| cross_entropy_with(&v[0], &y, &smoothed),
        std::slice::from_ref(&a),
    );
    let log_p = a.log_softmax(1).unwrap();
    let p = b.softmax(1).unwrap();
    assert_gradcheck(
        |v| kl_div(&v[0], &v[1], Reduction::BatchMean, false),
        &[log_p.clone(), p.clone()],
    );
    assert_gradcheck(
        |v| kl_div(&v[0], &v[1], Reduction::Mean, true),
        &[log_p, p.ln()],
    );
    assert_gradcheck(
        |v| l2_penalty(&Holder(vec![v[0].clone(), v[1].clone()]), 0.3),
        &[a.clone(), rand(12, &[4])],
    );
}

/// A module whose parameters are given variables, to gradcheck module-level functions.
struct Holder(Vec<Var<f64>>);

impl Module<f64> for Holder {
    fn forward(&self, x: &Var<f64>) -> Result<Var<f64>> {
        Ok(x.clone())
    }
    fn local_parameters(&self) -> Vec<(String, Var<f64>)> {
        self.0
            .iter()
            .enumerate()
            .map(|(i, p)| (i.to_string(), p.clone()))
            .collect()
    }
}

#[test]
fn fused_losses_are_twice_differentiable() {
    let a = rand(10, &[3, 4]);
    let y = Tensor::from_vec1(vec![3i64, 0, 2]);
    let options = CrossEntropyOptions {
        label_smoothing: 0.1,
        ..Default::default()
    };
    assert_gradgradcheck(
        |v| cross_entropy_with(&v[0], &y, &options),
        std::slice::from_ref(&a),
    );
    let probs = a.mul_scalar(0.2).add_scalar(0.5);
    let targets = rand(11, &[3, 4]).mul_scalar(0.25).add_scalar(0.5);
    assert_gradgradcheck(
        |v| binary_cross_entropy(&v[0], &v[1], Reduction::Mean),
        &[probs, targets],
    );
}
