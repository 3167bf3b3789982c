//! Initialisation: gains, fans, distributions, the run-time dispatcher.

use scalpel_autograd::Var;
use scalpel_nn::init::{self, calculate_gain, fan_in_and_fan_out, FanMode, Init, Nonlinearity};
use scalpel_tensor::random::Rng;
use scalpel_tensor::{Shape, Tensor};

fn stats(t: &Tensor<f64>) -> (f64, f64, f64) {
    let v = t.to_vec();
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    let max = v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    (mean, var.sqrt(), max)
}

#[test]
fn gains_match_pytorch() {
    assert_eq!(calculate_gain(Nonlinearity::Linear), 1.0);
    assert_eq!(calculate_gain(Nonlinearity::Conv), 1.0);
    assert_eq!(calculate_gain(Nonlinearity::Sigmoid), 1.0);
    assert_eq!(calculate_gain(Nonlinearity::Tanh), 5.0 / 3.0);
    assert_eq!(calculate_gain(Nonlinearity::ReLU), 2f64.sqrt());
    let leaky = calculate_gain(Nonlinearity::LeakyReLU(0.2));
    assert!((leaky - (2.0 / 1.04f64).sqrt()).abs() < 1e-15);
    assert!(
        (calculate_gain(Nonlinearity::LeakyReLU(5f64.sqrt())) - (1.0 / 3.0f64).sqrt()).abs()
            < 1e-15
    );
}

#[test]
fn fans_of_matrices_and_convolution_weights() {
    assert_eq!(
        fan_in_and_fan_out(&Shape::from([256, 784])).unwrap(),
        (784, 256)
    );
    assert_eq!(
        fan_in_and_fan_out(&Shape::from([16, 6, 5, 5])).unwrap(),
        (150, 400)
    );
    let err = fan_in_and_fan_out(&Shape::from([10]))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("fan_in_and_fan_out") && err.contains("[10]"),
        "{err}"
    );
}

#[test]
fn xavier_and_kaiming_have_the_documented_spread() {
    let mut rng = Rng::seed(1);
    let shape = [200, 300];
    let (_, _, max) = stats(&init::xavier_uniform(shape, 2.0, &mut rng).unwrap());
    let bound = 2.0 * (6.0f64 / 500.0).sqrt();
    assert!(max <= bound && max > 0.99 * bound);
    let (mean, std, _) = stats(&init::xavier_normal(shape, 1.0, &mut rng).unwrap());
    assert!(mean.abs() < 0.005 && (std / (2.0f64 / 500.0).sqrt() - 1.0).abs() < 0.02);
    let relu_in = 2f64.sqrt() / 300f64.sqrt();
    let t = init::kaiming_uniform(shape, FanMode::FanIn, Nonlinearity::ReLU, &mut rng).unwrap();
    let (_, std, max) = stats(&t);
    assert!(max <= 3f64.sqrt() * relu_in && (std / relu_in - 1.0).abs() < 0.02);
    let t = init::kaiming_normal(shape, FanMode::FanOut, Nonlinearity::ReLU, &mut rng).unwrap();
    let relu_out = 2f64.sqrt() / 200f64.sqrt();
    assert!((stats(&t).1 / relu_out - 1.0).abs() < 0.02);
}

#[test]
fn constant_zeros_uniform_and_normal() {
    let mut rng = Rng::seed(2);
    assert_eq!(init::zeros::<f32>([2, 2]), Tensor::zeros([2, 2]));
    assert_eq!(init::constant::<f64>([3], 0.5).to_vec(), vec![0.5; 3]);
    let u = init::uniform::<f64>([1000], -0.1, 0.3, &mut rng).unwrap();
    assert!(u.to_vec().iter().all(|v| (-0.1..0.3).contains(v)));
    let (mean, std, _) = stats(&init::normal([20000], 1.0, 0.02, &mut rng).unwrap());
    assert!((mean - 1.0).abs() < 0.001 && (std - 0.02).abs() < 0.001);
    assert!(init::normal::<f32>([2], 0.0, -1.0, &mut rng).is_err());
}

#[test]
fn the_dispatcher_draws_from_the_scheme_it_names() {
    // The book's kaiming() always fell through to the normal branch; uniform must stay bounded.
    let scheme = Init::KaimingUniform(FanMode::FanIn, Nonlinearity::ReLU);
    let t: Tensor<f64> = scheme.tensor([100, 50], &mut Rng::seed(3)).unwrap();
    let bound = 3f64.sqrt() * 2f64.sqrt() / 50f64.sqrt();
    assert!(stats(&t).2 <= bound);
    let normal: Tensor<f64> = Init::KaimingNormal(FanMode::FanIn, Nonlinearity::ReLU)
        .tensor([100, 50], &mut Rng::seed(3))
        .unwrap();
    assert!(
        stats(&normal).2 > bound,
        "a normal sample of 5000 exceeds √3·std"
    );
    let w = Var::parameter(Tensor::<f32>::zeros([4, 3]));
    Init::Constant(0.25).apply(&w, &mut Rng::seed(0)).unwrap();
    assert_eq!(w.value().to_vec(), vec![0.25; 12]);
}
