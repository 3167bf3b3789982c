//! LayerNorm: normalisation over trailing axes, gradients.

use scalpel_autograd::Var;
use scalpel_nn::functional::layer_norm;
use scalpel_nn::{LayerNorm, Module};
use scalpel_tensor::Tensor;

use crate::common::{assert_close, assert_gradcheck, rand};

#[test]
fn layer_norm_normalises_each_sample_over_the_trailing_axes() {
    let ln: LayerNorm<f64> = LayerNorm::new(&[3, 4]);
    let x = rand(1, &[2, 3, 4]).mul_scalar(4.0).add_scalar(3.0);
    let y = ln.forward(&Var::constant(x)).unwrap().value();
    assert_close(&y.mean(&[1, 2], false).unwrap(), &Tensor::zeros([2]), 1e-12);
    assert_close(&y.var(&[1, 2], 0, false).unwrap(), &Tensor::ones([2]), 1e-5);
}

#[test]
fn layer_norm_rejects_mismatched_trailing_axes() {
    let ln: LayerNorm = LayerNorm::new(&[4]);
    let err = ln
        .forward(&Var::constant(Tensor::ones([2, 3])))
        .unwrap_err()
        .to_string();
    assert!(err.contains("layer_norm"), "{err}");
}

#[test]
fn functional_layer_norm_rejects_affine_parameters_that_only_broadcast() {
    let x = Var::constant(Tensor::<f64>::ones([2, 4]));
    // A bias (3, 1, 4) would broadcast the output to (3, 2, 4); a weight (1,) would scale all.
    let bias = Var::constant(Tensor::zeros([3, 1, 4]));
    let err = layer_norm(&x, &[4], None, Some(&bias), 1e-5)
        .unwrap_err()
        .to_string();
    assert!(err.contains("layer_norm") && err.contains("bias"), "{err}");
    let weight = Var::constant(Tensor::from_vec1(vec![2.0]));
    let err = layer_norm(&x, &[4], Some(&weight), None, 1e-5)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("layer_norm") && err.contains("weight"),
        "{err}"
    );
    let weight = Var::constant(Tensor::ones([4]));
    assert!(layer_norm(&x, &[4], Some(&weight), Some(&weight), 1e-5).is_ok());
}

#[test]
fn layer_norm_gradcheck_in_x_weight_and_bias() {
    assert_gradcheck(
        |v| layer_norm(&v[0], &[4], Some(&v[1]), Some(&v[2]), 1e-5),
        &[rand(2, &[3, 4]), rand(3, &[4]), rand(4, &[4])],
    );
    let ln: LayerNorm<f64> = LayerNorm::with_options(&[2, 3], 1e-5, false);
    assert_gradcheck(|v| ln.forward(&v[0]), &[rand(5, &[2, 2, 3])]);
}
