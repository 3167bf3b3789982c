//! Linear: values, PyTorch's initialisation, shapes, gradients.

use scalpel_autograd::Var;
use scalpel_nn::functional::linear;
use scalpel_nn::{Linear, Module};
use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

use crate::common::{assert_close, assert_gradcheck, rand};

#[test]
fn linear_computes_x_times_weight_transposed_plus_bias() {
    let w = Tensor::from_rows(&[[1.0f64, 2.0, 3.0], [-1.0, 0.5, 0.0]]).unwrap();
    let b = Tensor::from_vec1(vec![0.25, -0.5]);
    let layer = Linear::from_tensors(w, Some(b)).unwrap();
    let x = Var::constant(Tensor::from_rows(&[[1.0, 1.0, 1.0], [2.0, 0.0, -1.0]]).unwrap());
    let y = layer.forward(&x).unwrap().value();
    let expected = Tensor::from_rows(&[[6.25, -1.0], [-0.75, -2.5]]).unwrap();
    assert_close(&y, &expected, 1e-12);
}

#[test]
fn default_init_is_uniform_within_one_over_sqrt_fan_in() {
    let (fan_in, fan_out) = (400, 300);
    let layer: Linear<f64> = Linear::new(fan_in, fan_out, &mut Rng::seed(9));
    let bound = 1.0 / (fan_in as f64).sqrt();
    let w = layer.weight().value().to_vec();
    assert!(w.iter().all(|v| v.abs() < bound));
    let max = w.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    assert!(max > 0.99 * bound, "max {max} bound {bound}");
    let var = w.iter().map(|v| v * v).sum::<f64>() / w.len() as f64;
    assert!(
        (var / (bound * bound / 3.0) - 1.0).abs() < 0.02,
        "variance {var}"
    );
    let b = layer.bias().unwrap().value().to_vec();
    assert!(b.iter().all(|v| v.abs() < bound));
    assert_eq!(layer.weight().dims(), [fan_out, fan_in]);
}

#[test]
fn linear_maps_the_last_axis_of_a_batch_of_sequences() {
    let layer: Linear = Linear::new(4, 3, &mut Rng::seed(1));
    let y = layer
        .forward(&Var::constant(Tensor::ones([2, 5, 4])))
        .unwrap();
    assert_eq!(y.dims(), [2, 5, 3]);
}

#[test]
fn linear_rejects_the_wrong_number_of_features_naming_both_shapes() {
    let layer: Linear = Linear::new(4, 3, &mut Rng::seed(1));
    let err = layer
        .forward(&Var::constant(Tensor::ones([2, 5])))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("linear") && err.contains("[2, 5]") && err.contains("[3, 4]"),
        "{err}"
    );
}

#[test]
fn linear_without_bias_has_only_a_weight() {
    let layer: Linear = Linear::with_bias(4, 3, false, &mut Rng::seed(1));
    let names: Vec<String> = layer
        .named_parameters()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["weight"]);
}

#[test]
fn from_tensors_rejects_a_bias_of_the_wrong_length() {
    let w = Tensor::<f32>::zeros([3, 4]);
    assert!(Linear::from_tensors(w, Some(Tensor::zeros([4]))).is_err());
}

#[test]
fn linear_module_gradcheck_in_x() {
    let layer: Linear<f64> = Linear::new(4, 3, &mut Rng::seed(2));
    assert_gradcheck(|v| layer.forward(&v[0]), &[rand(1, &[2, 5, 4])]);
}

#[test]
fn linear_function_gradcheck_in_x_weight_and_bias() {
    assert_gradcheck(
        |v| linear(&v[0], &v[1], Some(&v[2])),
        &[rand(1, &[3, 4]), rand(2, &[2, 4]), rand(3, &[2])],
    );
}
