//! Batch norm: the fused training pass against the composition of primitive ops, running
//! statistics, evaluation mode, gradients.

use scalpel_autograd::{Result, Var};
use scalpel_nn::functional::{batch_norm_eval, batch_norm_train};
use scalpel_nn::{BatchNorm1d, BatchNorm2d, BatchNormConfig, Module};
use scalpel_tensor::Tensor;

use crate::common::{assert_close, assert_gradcheck, assert_gradgradcheck, grads, project, rand};

const EPS: f64 = 1e-5;

/// Batch norm from primitive Var ops: the oracle for the fused operation.
fn reference(x: &Var<f64>, w: Option<&Var<f64>>, b: Option<&Var<f64>>) -> Result<Var<f64>> {
    let rank = x.rank();
    let axes: Vec<isize> = std::iter::once(0).chain(2..rank as isize).collect();
    let mut pshape = vec![1; rank];
    pshape[1] = x.dims()[1];
    let centred = x.sub(&x.mean(&axes, true)?)?;
    let var = centred.square()?.mean(&axes, true)?;
    let mut y = centred.div(&var.add_scalar(EPS)?.sqrt()?)?;
    if let Some(w) = w {
        y = y.mul(&w.reshape(pshape.clone())?)?;
    }
    if let Some(b) = b {
        y = y.add(&b.reshape(pshape)?)?;
    }
    Ok(y)
}

fn fused(x: &Var<f64>, w: Option<&Var<f64>>, b: Option<&Var<f64>>) -> Result<Var<f64>> {
    Ok(batch_norm_train(x, w, b, EPS)?.0)
}

#[test]
fn fused_batch_norm_matches_the_composition_in_values_and_gradients() {
    // The last two are large enough for the parallel kernels (planes of 9·13 values, not a
    // multiple of the 8 summing lanes; many one-value planes).
    let shapes = [
        vec![6, 3],
        vec![4, 3, 5],
        vec![2, 3, 4, 2],
        vec![64, 9, 9, 13],
        vec![20000, 5],
    ];
    for dims in shapes {
        let c = dims[1];
        let x = Var::parameter(rand(1, &dims).mul_scalar(3.0).add_scalar(2.0));
        let w = Var::parameter(rand(2, &[c]));
        let b = Var::parameter(rand(3, &[c]));
        let y_fused = fused(&x, Some(&w), Some(&b)).unwrap();
        let y_ref = reference(&x, Some(&w), Some(&b)).unwrap();
        assert_close(&y_fused.value(), &y_ref.value(), 1e-12);
        let g_fused = grads(&project(&y_fused, 4), &[&x, &w, &b]);
        let g_ref = grads(&project(&y_ref, 4), &[&x, &w, &b]);
        for (f, r) in g_fused.iter().zip(&g_ref) {
            assert_close(f, r, 1e-10);
        }
    }
}

#[test]
fn fused_batch_norm_gradcheck_with_and_without_affine_parameters() {
    let x2 = rand(5, &[5, 3]);
    let x4 = rand(6, &[2, 2, 3, 2]);
    let (w, b) = (rand(7, &[3]), rand(8, &[3]));
    assert_gradcheck(
        |v| fused(&v[0], Some(&v[1]), Some(&v[2])),
        &[x2.clone(), w, b],
    );
    assert_gradcheck(|v| fused(&v[0], None, None), std::slice::from_ref(&x4));
    assert_gradcheck(
        |v| fused(&v[0], Some(&v[1]), Some(&v[2])),
        &[x4, rand(9, &[2]), rand(10, &[2])],
    );
    assert_gradcheck(|v| fused(&v[0], None, None), &[rand(11, &[3, 2, 4])]);
}

#[test]
fn fused_batch_norm_is_twice_differentiable() {
    assert_gradgradcheck(
        |v| fused(&v[0], Some(&v[1]), Some(&v[2])),
        &[rand(12, &[4, 2]), rand(13, &[2]), rand(14, &[2])],
    );
    assert_gradgradcheck(|v| fused(&v[0], None, None), &[rand(15, &[2, 2, 2, 2])]);
}

#[test]
fn training_output_has_zero_mean_and_unit_biased_variance_per_channel() {
    let bn: BatchNorm1d<f64> = BatchNorm1d::new(3);
    let x = Var::constant(rand(16, &[8, 3]).mul_scalar(5.0).add_scalar(-1.0));
    let y = bn.forward(&x).unwrap().value();
    let mean = y.mean(&[0], false).unwrap();
    let var = y.var(&[0], 0, false).unwrap();
    assert_close(&mean, &Tensor::zeros([3]), 1e-12);
    assert_close(&var, &Tensor::ones([3]), 1e-5);
}

#[test]
fn running_statistics_use_momentum_and_the_unbiased_variance() {
    let bn: BatchNorm1d<f64> = BatchNorm1d::new(2);
    let x = Tensor::from_rows(&[[1.0, 10.0], [2.0, 20.0], [6.0, 30.0]]).unwrap();
    bn.forward(&Var::constant(x)).unwrap();
    // means 3 and 20; unbiased variances 7 and 100
    assert_close(
        &bn.running_mean().unwrap(),
        &Tensor::from_vec1(vec![0.3, 2.0]),
        1e-12,
    );
    assert_close(
        &bn.running_var().unwrap(),
        &Tensor::from_vec1(vec![0.9 + 0.7, 0.9 + 10.0]),
        1e-12,
    );
    assert_eq!(bn.num_batches_tracked(), Some(1));
    bn.forward(&Var::constant(Tensor::zeros([3, 2]))).unwrap();
    assert_close(
        &bn.running_mean().unwrap(),
        &Tensor::from_vec1(vec![0.27, 1.8]),
        1e-12,
    );
    assert_eq!(bn.num_batches_tracked(), Some(2));
}

#[test]
fn momentum_none_keeps_a_cumulative_average() {
    let config = BatchNormConfig {
        momentum: None,
        ..Default::default()
    };
    let bn: BatchNorm1d<f64> = BatchNorm1d::with_config(1, config);
    for v in [1.0, 3.0, 8.0] {
        let x = Tensor::from_rows(&[[v - 1.0], [v + 1.0]]).unwrap();
        bn.forward(&Var::constant(x)).unwrap();
    }
    assert_close(
        &bn.running_mean().unwrap(),
        &Tensor::from_vec1(vec![4.0]),
        1e-12,
    );
    assert_close(
        &bn.running_var().unwrap(),
        &Tensor::from_vec1(vec![2.0]),
        1e-12,
    );
}

#[test]
fn eval_mode_normalises_with_running_statistics_and_leaves_them_unchanged() {
    let bn: BatchNorm1d<f64> = BatchNorm1d::new(2);
    bn.forward(&Var::constant(rand(17, &[5, 2]))).unwrap();
    let (rm, rv) = (bn.running_mean().unwrap(), bn.running_var().unwrap());
    bn.weight()
        .unwrap()
        .set_value(Tensor::from_vec1(vec![2.0, -1.0]))
        .unwrap();
    bn.bias()
        .unwrap()
        .set_value(Tensor::from_vec1(vec![0.5, 0.0]))
        .unwrap();
    bn.eval();
    let x = rand(18, &[4, 2]);
    let y = bn.forward(&Var::constant(x.clone())).unwrap().value();
    let expected = x
        .sub(&rm)
        .unwrap()
        .div(&rv.add_scalar(EPS).sqrt())
        .unwrap()
        .mul(&Tensor::from_vec1(vec![2.0, -1.0]))
        .unwrap()
        .add(&Tensor::from_vec1(vec![0.5, 0.0]))
        .unwrap();
    assert_close(&y, &expected, 1e-12);
    assert_eq!(bn.running_mean().unwrap(), rm);
    assert_eq!(bn.num_batches_tracked(), Some(1));
}

#[test]
fn batch_norm_2d_averages_over_batch_height_and_width() {
    let bn: BatchNorm2d<f64> = BatchNorm2d::new(3);
    let x = rand(19, &[2, 3, 4, 5]);
    bn.forward(&Var::constant(x.clone())).unwrap();
    let mean = x.mean(&[0, 2, 3], false).unwrap().mul_scalar(0.1);
    assert_close(&bn.running_mean().unwrap(), &mean, 1e-12);
    let var = x
        .var(&[0, 2, 3], 1, false)
        .unwrap()
        .mul_scalar(0.1)
        .add_scalar(0.9);
    assert_close(&bn.running_var().unwrap(), &var, 1e-12);
}

#[test]
fn without_running_statistics_both_modes_use_the_batch() {
    let config = BatchNormConfig {
        track_running_stats: false,
        ..Default::default()
    };
    let bn: BatchNorm1d<f64> = BatchNorm1d::with_config(2, config);
    assert!(bn.named_buffers().is_empty());
    let x = Var::constant(rand(20, &[4, 2]));
    let train = bn.forward(&x).unwrap().value();
    bn.eval();
    assert_eq!(bn.forward(&x).unwrap().value(), train);
}

#[test]
fn batch_norm_rejects_the_wrong_channel_count_and_single_values() {
    let bn: BatchNorm1d = BatchNorm1d::new(4);
    let err = bn
        .forward(&Var::constant(Tensor::ones([2, 3])))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("BatchNorm1d") && err.contains("[2, 3]"),
        "{err}"
    );
    let bn2: BatchNorm2d = BatchNorm2d::new(3);
    assert!(bn2.forward(&Var::constant(Tensor::ones([2, 3]))).is_err());
    let err = bn
        .forward(&Var::constant(Tensor::ones([1, 4])))
        .unwrap_err()
        .to_string();
    assert!(err.contains("more than one value per channel"), "{err}");
}

#[test]
fn batch_norm_modules_pass_gradcheck_in_both_modes() {
    let bn1: BatchNorm1d<f64> = BatchNorm1d::new(3);
    bn1.weight().unwrap().set_value(rand(21, &[3])).unwrap();
    assert_gradcheck(|v| bn1.forward(&v[0]), &[rand(22, &[4, 3])]);
    bn1.eval();
    assert_gradcheck(|v| bn1.forward(&v[0]), &[rand(23, &[4, 3])]);
    let bn2: BatchNorm2d<f64> = BatchNorm2d::new(2);
    assert_gradcheck(|v| bn2.forward(&v[0]), &[rand(24, &[2, 2, 3, 2])]);
    bn2.eval();
    assert_gradcheck(|v| bn2.forward(&v[0]), &[rand(25, &[2, 2, 3, 2])]);
}

#[test]
fn eval_function_gradcheck_in_x_weight_and_bias() {
    let (rm, rv) = (rand(26, &[3]), rand(27, &[3]).abs().add_scalar(0.5));
    assert_gradcheck(
        |v| batch_norm_eval(&v[0], &rm, &rv, Some(&v[1]), Some(&v[2]), EPS),
        &[rand(28, &[2, 3, 2]), rand(29, &[3]), rand(30, &[3])],
    );
}
