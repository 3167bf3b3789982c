//! Cross-entropy with class probabilities as targets: hand-worked values, PyTorch's reductions,
//! the fused operation against the composition −Σ_c w·t̃·log_softmax(x), agreement with the
//! class-index loss on one-hot targets, views, errors, first and second derivatives.

use scalpel_autograd::{grad, Result, Var};
use scalpel_nn::{
    cross_entropy_soft, cross_entropy_soft_with, cross_entropy_with, CrossEntropyOptions, Reduction,
};
use scalpel_tensor::Tensor;

use crate::common::{assert_close, assert_gradcheck, assert_gradgradcheck, grads, project, rand};

const REDUCTIONS: [Reduction; 4] = [
    Reduction::Mean,
    Reduction::Sum,
    Reduction::None,
    Reduction::BatchMean,
];

/// Positive targets of `dims` whose rows along axis 1 sum to 1.
fn probabilities(seed: u64, dims: &[usize]) -> Tensor<f64> {
    rand(seed, dims).softmax(1).unwrap()
}

fn options(
    reduction: Reduction,
    smoothing: f64,
    weight: Option<&[f64]>,
) -> CrossEntropyOptions<f64> {
    CrossEntropyOptions {
        reduction,
        label_smoothing: smoothing,
        ignore_index: None,
        weight: weight.map(|w| Tensor::from_vec1(w.to_vec())),
    }
}

/// PyTorch's definition written with primitive operations, classes on axis 1:
/// −Σ_c w\[c\]·((1 − ε)·t + ε/C)·log_softmax(x), the mean over every sample and position.
fn reference(
    x: &Var<f64>,
    t: &Var<f64>,
    eps: f64,
    weight: Option<&[f64]>,
    reduction: Reduction,
) -> Result<Var<f64>> {
    let dims = x.dims();
    let c = dims[1];
    let mut q = t.mul_scalar(1.0 - eps)?.add_scalar(eps / c as f64)?;
    if let Some(w) = weight {
        let mut wdims = vec![1; dims.len()];
        wdims[1] = c;
        q = q.mul(&Var::constant(Tensor::from_vec(w.to_vec(), wdims).unwrap()))?;
    }
    let per = x.log_softmax(1)?.mul(&q)?.sum(&[1], false)?.neg()?;
    match reduction {
        Reduction::Mean => per.mean_all(),
        Reduction::Sum => per.sum_all(),
        Reduction::None => Ok(per),
        Reduction::BatchMean => per.sum_all()?.div_scalar(dims[0] as f64),
    }
}

#[test]
fn hand_worked_values_under_every_reduction() {
    // Row 0: −(0.2·1 + 0.3·2 + 0.5·3) + ln(e + e² + e³); row 1: uniform logits, ln 3 whatever
    // the target.
    let x = Var::parameter(Tensor::from_rows(&[[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]).unwrap());
    let t = Var::constant(Tensor::from_rows(&[[0.2, 0.3, 0.5], [0.5, 0.5, 0.0]]).unwrap());
    let e = std::f64::consts::E;
    let rows = [(e + e * e + e * e * e).ln() - 2.3, 3f64.ln()];
    let none = cross_entropy_soft(&x, &t, Reduction::None).unwrap();
    assert_eq!(none.dims(), [2]);
    assert_close(&none.value(), &Tensor::from_vec1(rows.to_vec()), 1e-12);
    let sum = cross_entropy_soft(&x, &t, Reduction::Sum).unwrap();
    assert!((sum.item().unwrap() - (rows[0] + rows[1])).abs() < 1e-12);
    for r in [Reduction::Mean, Reduction::BatchMean] {
        let mean = cross_entropy_soft(&x, &t, r).unwrap();
        assert!((mean.item().unwrap() - (rows[0] + rows[1]) / 2.0).abs() < 1e-12);
    }
}

#[test]
fn the_mean_divides_by_samples_times_positions_not_by_the_total_weight() {
    // (N, C, L) = (2, 3, 4): 8 rows; BatchMean divides by N = 2 alone.
    let x = Var::parameter(rand(21, &[2, 3, 4]));
    let t = Var::constant(probabilities(22, &[2, 3, 4]));
    let weighted = options(Reduction::Sum, 0.0, Some(&[3.0, 0.5, 2.0]));
    let sum = cross_entropy_soft_with(&x, &t, &weighted)
        .unwrap()
        .item()
        .unwrap();
    for (reduction, divisor) in [(Reduction::Mean, 8.0), (Reduction::BatchMean, 2.0)] {
        let o = CrossEntropyOptions {
            reduction,
            ..weighted.clone()
        };
        let reduced = cross_entropy_soft_with(&x, &t, &o).unwrap().item().unwrap();
        assert!((reduced - sum / divisor).abs() < 1e-12, "{reduction:?}");
    }
    let per = cross_entropy_soft_with(
        &x,
        &t,
        &CrossEntropyOptions {
            reduction: Reduction::None,
            ..weighted
        },
    )
    .unwrap();
    assert_eq!(per.dims(), [2, 4]);
}

#[test]
fn fused_loss_matches_the_composition_in_values_and_both_gradients() {
    let weight = [0.5, 2.0, 1.0, 0.25];
    for dims in [vec![5, 4], vec![2, 4, 3], vec![2, 4, 2, 3]] {
        for eps in [0.0, 0.15] {
            for w in [None, Some(&weight[..])] {
                for reduction in REDUCTIONS {
                    let x = Var::parameter(rand(4, &dims).mul_scalar(3.0));
                    let t = Var::parameter(probabilities(5, &dims));
                    let o = options(reduction, eps, w);
                    let fused = cross_entropy_soft_with(&x, &t, &o).unwrap();
                    let oracle = reference(&x, &t, eps, w, reduction).unwrap();
                    let what = format!("{dims:?} ε {eps} weights {w:?} {reduction:?}");
                    assert_eq!(fused.dims(), oracle.dims(), "{what}");
                    assert_close(&fused.value(), &oracle.value(), 1e-12);
                    let gf = grads(&project(&fused, 6), &[&x, &t]);
                    let go = grads(&project(&oracle, 6), &[&x, &t]);
                    assert_close(&gf[0], &go[0], 1e-12);
                    assert_close(&gf[1], &go[1], 1e-12);
                }
            }
        }
    }
}

#[test]
fn the_input_gradient_is_softmax_times_the_target_sum_minus_the_target_over_n() {
    // Rows that do not sum to 1, so that the Σ_c t[c] factor shows.
    let x = Var::parameter(rand(7, &[3, 4]));
    let t_values = rand(8, &[3, 4]).abs().mul_scalar(0.7);
    let t = Var::parameter(t_values.clone());
    let loss = cross_entropy_soft(&x, &t, Reduction::Mean).unwrap();
    let g = grads(&loss, &[&x, &t]);
    let sums = t_values.sum(&[1], true).unwrap();
    let dx = x
        .value()
        .softmax(1)
        .unwrap()
        .mul(&sums)
        .unwrap()
        .sub(&t_values)
        .unwrap()
        .div_scalar(3.0);
    assert_close(&g[0], &dx, 1e-12);
    let dt = x.value().log_softmax(1).unwrap().neg().div_scalar(3.0);
    assert_close(&g[1], &dt, 1e-12);
}

#[test]
fn a_constant_target_gets_no_gradient() {
    let x = Var::parameter(rand(9, &[2, 3]));
    let t = Var::constant(probabilities(10, &[2, 3]));
    cross_entropy_soft(&x, &t, Reduction::Mean)
        .unwrap()
        .backward()
        .unwrap();
    assert!(x.grad().is_some());
    assert!(t.grad().is_none());
}

/// The one-hot rows of class indices `y`, classes on axis 1, as `Var` constants.
fn one_hot(y: &Tensor<i64>, c: usize) -> Var<f64> {
    let onehot: Tensor<f64> = Tensor::one_hot(y, c).unwrap();
    let r = onehot.rank();
    let mut perm: Vec<isize> = vec![0, r as isize - 1];
    perm.extend(1..r as isize - 1);
    Var::constant(onehot.permute(&perm).unwrap().contiguous())
}

#[test]
fn one_hot_targets_give_the_class_index_loss_with_smoothing_and_weights() {
    let weight = [0.5, 2.0, 1.0, 3.0];
    for (dims, labels) in [
        (vec![5, 4], Tensor::from_vec1(vec![1i64, 0, 3, 3, 2])),
        (
            vec![2, 4, 3],
            Tensor::from_vec(vec![0i64, 3, 1, 2, 2, 0], [2, 3]).unwrap(),
        ),
    ] {
        let t = one_hot(&labels, 4);
        let n = labels.numel() as f64;
        let total_weight: f64 = labels.to_vec().iter().map(|&y| weight[y as usize]).sum();
        for eps in [0.0, 0.1] {
            for w in [None, Some(&weight[..])] {
                for reduction in REDUCTIONS {
                    let x = Var::parameter(rand(11, &dims).mul_scalar(2.0));
                    let o = options(reduction, eps, w);
                    let soft = cross_entropy_soft_with(&x, &t, &o).unwrap();
                    let hard = cross_entropy_with(&x, &labels, &o).unwrap();
                    // The mean of class indices is over Σ w[y], that of probabilities over N.
                    let ratio = match (reduction, w) {
                        (Reduction::Mean, Some(_)) => total_weight / n,
                        _ => 1.0,
                    };
                    let hard_value = hard.value().mul_scalar(ratio);
                    assert_close(&soft.value(), &hard_value, 1e-12);
                    let gs = grads(&project(&soft, 12), &[&x]).remove(0);
                    let gh = grads(&project(&hard, 12), &[&x]).remove(0);
                    assert_close(&gs, &gh.mul_scalar(ratio), 1e-12);
                }
            }
        }
    }
}

#[test]
fn a_zero_probability_class_adds_nothing_even_at_a_logit_of_minus_infinity() {
    let x = Var::parameter(Tensor::from_rows(&[[0.0, f64::NEG_INFINITY, 1.0]]).unwrap());
    let t = Var::constant(Tensor::from_rows(&[[0.5, 0.0, 0.5]]).unwrap());
    let loss = cross_entropy_soft(&x, &t, Reduction::Sum).unwrap();
    let lse = (1.0 + std::f64::consts::E).ln();
    assert!((loss.item().unwrap() - (lse - 0.5)).abs() < 1e-12);
    let g = grads(&loss, &[&x]).remove(0).to_vec();
    assert!(g.iter().all(|v| v.is_finite()), "{g:?}");
    assert_eq!(g[1], 0.0);
}

#[test]
fn a_single_sample_of_shape_c_is_one_row_of_a_batch() {
    let row = rand(13, &[1, 5]);
    let t = probabilities(14, &[1, 5]);
    for reduction in REDUCTIONS {
        let batch = cross_entropy_soft(
            &Var::constant(row.clone()),
            &Var::constant(t.clone()),
            reduction,
        )
        .unwrap();
        let single = cross_entropy_soft(
            &Var::constant(row.reshape([5]).unwrap()),
            &Var::constant(t.reshape([5]).unwrap()),
            reduction,
        )
        .unwrap();
        // Without reduction, one sample gives a 0-d loss, as its class-index target is 0-d.
        assert!(single.dims().is_empty());
        assert!(
            (single.item().unwrap() - batch.value().sum_all()).abs() < 1e-12,
            "{reduction:?}"
        );
    }
}

#[test]
fn non_contiguous_input_and_target_give_the_contiguous_results() {
    // Logits stored (C, N) and viewed transposed; targets flipped along the batch axis.
    let stored = rand(15, &[4, 3]);
    let t_stored = probabilities(16, &[3, 4]);
    for reduction in REDUCTIONS {
        let xs = Var::parameter(stored.clone());
        let x_view = xs.t().unwrap();
        let ts = Var::parameter(t_stored.clone());
        let t_view = ts.flip(&[0]).unwrap();
        assert!(!x_view.value().is_contiguous() && !t_view.value().is_contiguous());
        let xc = Var::parameter(x_view.value().contiguous());
        let tc = Var::parameter(t_view.value().contiguous());
        let o = options(reduction, 0.1, Some(&[1.0, 2.0, 0.5, 1.5]));
        let viewed = cross_entropy_soft_with(&x_view, &t_view, &o).unwrap();
        let copied = cross_entropy_soft_with(&xc, &tc, &o).unwrap();
        assert_close(&viewed.value(), &copied.value(), 1e-12);
        let gv = grads(&project(&viewed, 17), &[&xs, &ts]);
        let gc = grads(&project(&copied, 17), &[&xc, &tc]);
        assert_close(&gv[0], &gc[0].t().contiguous(), 1e-12);
        assert_close(&gv[1], &gc[1].flip(&[0]).unwrap().contiguous(), 1e-12);
    }
    // (N, C, L) logits viewed through a permutation, compared with the oracle.
    let stored = Var::parameter(rand(18, &[2, 5, 3]));
    // One view per loss: the first backward frees the graph it walks, the view's node included.
    let view = || stored.permute(&[0, 2, 1]).unwrap();
    let t = Var::constant(probabilities(19, &[2, 3, 5]));
    let fused = cross_entropy_soft(&view(), &t, Reduction::None).unwrap();
    let oracle = reference(&view(), &t, 0.0, None, Reduction::None).unwrap();
    assert_close(&fused.value(), &oracle.value(), 1e-12);
    let gf = grads(&project(&fused, 20), &[&stored]).remove(0);
    let go = grads(&project(&oracle, 20), &[&stored]).remove(0);
    assert_close(&gf, &go, 1e-12);
}

#[test]
fn shapes_that_differ_are_an_error_naming_the_op_and_both_shapes() {
    let x = Var::parameter(Tensor::<f64>::zeros([2, 3]));
    for target in [vec![2, 4], vec![2], vec![3, 2], vec![2, 3, 1]] {
        let t = Var::constant(Tensor::<f64>::zeros(target.clone()));
        let err = cross_entropy_soft(&x, &t, Reduction::Mean)
            .unwrap_err()
            .to_string();
        let target_shape = format!("{target:?}");
        assert!(
            err.contains("cross_entropy_soft")
                && err.contains("[2, 3]")
                && err.contains(&target_shape),
            "{err}"
        );
    }
    let scalar = Var::parameter(Tensor::scalar(1.0));
    let err = cross_entropy_soft(&scalar, &scalar, Reduction::Mean).unwrap_err();
    assert!(err.to_string().contains("cross_entropy_soft"), "{err}");
    let empty = Var::parameter(Tensor::<f64>::zeros([2, 0]));
    let err = cross_entropy_soft(&empty, &empty, Reduction::Mean).unwrap_err();
    assert!(err.to_string().contains("cross_entropy_soft"), "{err}");
    let t = Var::constant(Tensor::<f64>::zeros([2, 3]));
    let err = cross_entropy_soft_with(&x, &t, &options(Reduction::Mean, 0.0, Some(&[1.0, 2.0])))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("cross_entropy_soft") && err.contains("[3]") && err.contains("[2]"),
        "{err}"
    );
}

#[test]
fn a_class_ignore_index_or_a_smoothing_outside_zero_one_is_refused() {
    let x = Var::parameter(Tensor::<f64>::zeros([2, 3]));
    let t = Var::constant(probabilities(23, &[2, 3]));
    let with_ignore = |ignore| CrossEntropyOptions {
        ignore_index: Some(ignore),
        ..Default::default()
    };
    for ignore in [0, 2, 7] {
        let err = cross_entropy_soft_with(&x, &t, &with_ignore(ignore))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("cross_entropy_soft") && err.contains("ignore_index"),
            "{err}"
        );
    }
    // A negative index names no class: as in PyTorch, it changes nothing.
    let plain = cross_entropy_soft(&x, &t, Reduction::Mean)
        .unwrap()
        .item()
        .unwrap();
    let ignoring = cross_entropy_soft_with(&x, &t, &with_ignore(-100)).unwrap();
    assert_eq!(ignoring.item().unwrap(), plain);
    for eps in [-0.1, 1.5, f64::NAN] {
        let err = cross_entropy_soft_with(&x, &t, &options(Reduction::Mean, eps, None))
            .unwrap_err()
            .to_string();
        assert!(err.contains("label_smoothing"), "{err}");
    }
}

#[test]
fn the_mean_of_an_empty_batch_is_nan_as_in_pytorch() {
    let x = Var::parameter(Tensor::<f64>::zeros([0, 3]));
    let t = Var::constant(Tensor::<f64>::zeros([0, 3]));
    assert!(cross_entropy_soft(&x, &t, Reduction::Mean)
        .unwrap()
        .item()
        .unwrap()
        .is_nan());
    assert_eq!(
        cross_entropy_soft(&x, &t, Reduction::Sum)
            .unwrap()
            .item()
            .unwrap(),
        0.0
    );
}

#[test]
fn gradients_in_input_and_target_pass_gradcheck() {
    let weight = [0.5, 2.0, 1.0, 3.0];
    for dims in [vec![3, 4], vec![4], vec![2, 4, 3]] {
        let x = rand(24, &dims);
        let t = rand(25, &dims).abs();
        for reduction in REDUCTIONS {
            for (eps, w) in [(0.0, None), (0.2, Some(&weight[..]))] {
                let o = options(reduction, eps, w);
                assert_gradcheck(
                    |v| cross_entropy_soft_with(&v[0], &v[1], &o),
                    &[x.clone(), t.clone()],
                );
            }
        }
    }
}

#[test]
fn second_derivatives_in_input_target_and_output_gradient_pass_gradgradcheck() {
    let weight = [0.5, 2.0, 1.0, 3.0];
    let (x, t) = (rand(26, &[3, 4]), rand(27, &[3, 4]).abs());
    for reduction in [Reduction::Mean, Reduction::None] {
        for (eps, w) in [(0.0, None), (0.1, Some(&weight[..]))] {
            let o = options(reduction, eps, w);
            assert_gradgradcheck(
                |v| cross_entropy_soft_with(&v[0], &v[1], &o),
                &[x.clone(), t.clone()],
            );
        }
    }
}

#[test]
fn the_recorded_backward_gives_the_same_gradients_as_the_direct_one() {
    let x = Var::parameter(rand(28, &[3, 4]));
    let t = Var::parameter(probabilities(29, &[3, 4]));
    let o = options(Reduction::None, 0.1, Some(&[0.5, 2.0, 1.0, 3.0]));
    let loss = project(&cross_entropy_soft_with(&x, &t, &o).unwrap(), 30);
    let vars = [x.clone(), t.clone()];
    // create_graph keeps the graph, so that the direct backward can run after it.
    let recorded = grad(std::slice::from_ref(&loss), None, &vars, true).unwrap();
    let direct = grad(std::slice::from_ref(&loss), None, &vars, false).unwrap();
    for (d, r) in direct.iter().zip(&recorded) {
        let (d, r) = (d.as_ref().unwrap(), r.as_ref().unwrap());
        assert!(r.requires_grad(), "the recorded gradient is differentiable");
        assert_close(&d.value(), &r.value(), 1e-12);
    }
}
