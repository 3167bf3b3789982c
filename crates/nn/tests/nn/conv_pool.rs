//! Conv2d, pooling and Flatten as modules.

use scalpel_autograd::Var;
use scalpel_nn::{AvgPool2d, Conv2d, Flatten, MaxPool2d, Module, Sequential};
use scalpel_tensor::ops::conv::Conv2dParams;
use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

use crate::common::{assert_gradcheck, rand};

#[test]
fn a_lenet_style_stack_has_the_expected_shapes_and_names() {
    let mut rng = Rng::seed(1);
    let pad2 = Conv2dParams {
        padding: (2, 2),
        ..Default::default()
    };
    let net = Sequential::new()
        .add(Conv2d::with_params(1, 6, (5, 5), pad2, true, &mut rng))
        .add(MaxPool2d::new((2, 2)))
        .add(Conv2d::new(6, 16, (5, 5), &mut rng))
        .add(AvgPool2d::new((2, 2)))
        .add(Flatten::new());
    let y = net
        .forward(&Var::constant(Tensor::ones([2, 1, 28, 28])))
        .unwrap();
    assert_eq!(y.dims(), [2, 16 * 5 * 5]);
    let names: Vec<String> = net.named_parameters().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["0.weight", "0.bias", "2.weight", "2.bias"]);
    assert_eq!(net.named_parameters()[2].1.dims(), [16, 6, 5, 5]);
}

#[test]
fn conv2d_default_init_is_bounded_by_one_over_sqrt_fan_in() {
    let conv: Conv2d<f64> = Conv2d::new(3, 8, (3, 3), &mut Rng::seed(2));
    let bound = 1.0 / 27f64.sqrt();
    assert!(conv
        .weight()
        .value()
        .to_vec()
        .iter()
        .all(|v| v.abs() < bound));
    assert!(conv
        .bias()
        .unwrap()
        .value()
        .to_vec()
        .iter()
        .all(|v| v.abs() < bound));
}

#[test]
fn conv_pool_and_flatten_modules_pass_gradcheck() {
    let params = Conv2dParams {
        stride: (2, 1),
        padding: (1, 1),
        ..Default::default()
    };
    let conv: Conv2d<f64> = Conv2d::with_params(2, 3, (3, 2), params, true, &mut Rng::seed(3));
    let x = rand(1, &[2, 2, 5, 4]);
    assert_gradcheck(|v| conv.forward(&v[0]), std::slice::from_ref(&x));
    assert_gradcheck(
        |v| MaxPool2d::new((2, 2)).forward(&v[0]),
        std::slice::from_ref(&x),
    );
    assert_gradcheck(
        |v| AvgPool2d::with_params((3, 3), (1, 2), (1, 1), false).forward(&v[0]),
        std::slice::from_ref(&x),
    );
    assert_gradcheck(|v| Flatten::new().forward(&v[0]), &[x]);
}
