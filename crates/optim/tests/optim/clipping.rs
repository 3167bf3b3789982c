//! Gradient clipping on hand-made gradients, against norms worked out by hand.

use scalpel_autograd::Var;
use scalpel_optim::{clip_grad_norm, clip_grad_value, OptimError};
use scalpel_tensor::Tensor;

fn param_with_grad(grad: Vec<f64>) -> Var<f64> {
    let p = Var::parameter(Tensor::zeros([grad.len()]));
    p.set_grad(Some(Tensor::from_vec1(grad))).unwrap();
    p
}

fn grad(p: &Var<f64>) -> Vec<f64> {
    p.grad().unwrap().to_vec()
}

fn assert_close(got: &[f64], want: &[f64]) {
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() < 1e-12, "got {got:?}, want {want:?}");
    }
}

#[test]
fn l2_norm_is_global_over_all_parameters_and_scales_every_gradient() {
    let a = param_with_grad(vec![3.0, 0.0]);
    let b = param_with_grad(vec![0.0, -4.0]);
    let total = clip_grad_norm([&a, &b], 1.0, 2.0).unwrap();
    assert_eq!(total, 5.0); // √(3² + 4²), not the norm of either parameter alone
    let c = 1.0 / (5.0 + 1e-6);
    assert_close(&grad(&a), &[3.0 * c, 0.0]);
    assert_close(&grad(&b), &[0.0, -4.0 * c]);
}

#[test]
fn gradients_under_max_norm_are_left_exactly_as_they_were() {
    let a = param_with_grad(vec![0.3, 0.4]);
    let total = clip_grad_norm([&a], 1.0, 2.0).unwrap();
    assert!((total - 0.5).abs() < 1e-15);
    assert_eq!(grad(&a), vec![0.3, 0.4]);
}

#[test]
fn infinity_norm_is_the_largest_absolute_element() {
    let a = param_with_grad(vec![-7.0, 2.0]);
    let b = param_with_grad(vec![5.0]);
    let total = clip_grad_norm([&a, &b], 3.5, f64::INFINITY).unwrap();
    assert_eq!(total, 7.0);
    let c = 3.5 / (7.0 + 1e-6);
    assert_close(&grad(&a), &[-7.0 * c, 2.0 * c]);
    assert_close(&grad(&b), &[5.0 * c]);
}

#[test]
fn one_norm_sums_absolute_values() {
    let a = param_with_grad(vec![1.0, -2.0]);
    let b = param_with_grad(vec![3.0]);
    let total = clip_grad_norm([&a, &b], 3.0, 1.0).unwrap();
    assert_eq!(total, 6.0);
    let c = 3.0 / (6.0 + 1e-6);
    assert_close(&grad(&a), &[c, -2.0 * c]);
}

#[test]
fn parameters_without_gradient_are_ignored_and_stay_without() {
    let a = param_with_grad(vec![6.0, 8.0]);
    let none = Var::parameter(Tensor::<f64>::zeros([3]));
    let total = clip_grad_norm([&none, &a], 5.0, 2.0).unwrap();
    assert_eq!(total, 10.0);
    assert!(none.grad().is_none());
    assert_eq!(clip_grad_norm([&none], 1.0, 2.0).unwrap(), 0.0);
}

#[test]
fn f32_gradients_are_clipped_with_the_norm_accumulated_in_f64() {
    let p = Var::parameter(Tensor::<f32>::zeros([2]));
    p.set_grad(Some(Tensor::from_vec1(vec![30.0, 40.0])))
        .unwrap();
    let total = clip_grad_norm([&p], 5.0, 2.0).unwrap();
    assert_eq!(total, 50.0);
    let g = p.grad().unwrap().to_vec();
    assert!(
        (g[0] - 3.0).abs() < 1e-5 && (g[1] - 4.0).abs() < 1e-5,
        "{g:?}"
    );
}

#[test]
fn non_finite_norm_poisons_the_gradients_like_pytorch() {
    let a = param_with_grad(vec![f64::NAN, 1.0]);
    assert!(clip_grad_norm([&a], 1.0, 2.0).unwrap().is_nan());
    assert!(grad(&a).iter().all(|g| g.is_nan()));
}

#[test]
fn invalid_clipping_arguments_are_errors() {
    let a = param_with_grad(vec![1.0]);
    let err = clip_grad_norm([&a], 1.0, 0.0).unwrap_err();
    assert!(matches!(
        err,
        OptimError::InvalidHyperparameter {
            name: "norm_type",
            ..
        }
    ));
    assert!(clip_grad_norm([&a], -1.0, 2.0).is_err());
    assert!(clip_grad_value([&a], f64::NAN).is_err());
}

#[test]
fn clip_by_value_clamps_each_element_and_keeps_nan() {
    let a = param_with_grad(vec![-3.0, 0.5, 7.0, -0.25]);
    let b = param_with_grad(vec![f64::NAN, 2.0]);
    let none = Var::parameter(Tensor::<f64>::zeros([1]));
    clip_grad_value([&a, &b, &none], 1.0).unwrap();
    assert_eq!(grad(&a), vec![-1.0, 0.5, 1.0, -0.25]);
    let gb = grad(&b);
    assert!(gb[0].is_nan());
    assert_eq!(gb[1], 1.0);
    assert!(none.grad().is_none());
}

#[test]
fn clipping_takes_an_optimizers_parameter_list() {
    use scalpel_optim::{Optimizer, Sgd, SgdConfig};
    let a = param_with_grad(vec![0.0, 8.0]);
    let b = param_with_grad(vec![6.0]);
    let opt = Sgd::new([a.clone(), b], SgdConfig::default()).unwrap();
    let total = clip_grad_norm(&opt.params(), 5.0, 2.0).unwrap();
    assert_eq!(total, 10.0);
    assert_close(&grad(&a), &[0.0, 8.0 * 5.0 / (10.0 + 1e-6)]);
}
