//! Dropout: inverted scaling in training, identity in evaluation, seeded masks.

use scalpel_autograd::Var;
use scalpel_nn::{Dropout, Module};
use scalpel_tensor::Tensor;

use crate::common::{assert_gradcheck, rand};

#[test]
fn training_zeroes_about_p_and_scales_the_rest_by_one_over_keep() {
    let d = Dropout::with_seed(0.3, 1);
    let y = d
        .forward(&Var::constant(Tensor::<f64>::ones([100, 100])))
        .unwrap();
    let v = y.value().to_vec();
    let zeros = v.iter().filter(|&&x| x == 0.0).count() as f64 / v.len() as f64;
    assert!((zeros - 0.3).abs() < 0.02, "dropped fraction {zeros}");
    assert!(v.iter().all(|&x| x == 0.0 || (x - 1.0 / 0.7).abs() < 1e-12));
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    assert!((mean - 1.0).abs() < 0.03, "mean {mean}");
}

#[test]
fn eval_mode_is_the_identity() {
    let d = Dropout::with_seed(0.9, 1);
    // The layer serves every element type; its own switches need none named.
    d.eval();
    assert!(!d.is_training() && !Module::<f32>::is_training(&d));
    let x = Var::constant(Tensor::<f32>::ones([3, 4]));
    assert_eq!(d.forward(&x).unwrap().value(), x.value());
    d.train(true);
    assert!(Module::<f64>::is_training(&d));
    assert_ne!(d.forward(&x).unwrap().value(), x.value());
}

#[test]
fn the_same_seed_gives_the_same_masks_and_successive_calls_differ() {
    let x = Var::constant(Tensor::<f32>::ones([8, 8]));
    let (a, b) = (Dropout::with_seed(0.5, 3), Dropout::with_seed(0.5, 3));
    let first = a.forward(&x).unwrap().value();
    assert_eq!(first, b.forward(&x).unwrap().value());
    assert_ne!(first, a.forward(&x).unwrap().value());
}

#[test]
fn p_zero_keeps_everything_and_p_one_drops_everything() {
    let x = Var::constant(Tensor::<f32>::ones([4, 4]));
    assert_eq!(
        Dropout::with_seed(0.0, 1).forward(&x).unwrap().value(),
        x.value()
    );
    let dropped = Dropout::with_seed(1.0, 1).forward(&x).unwrap().value();
    assert_eq!(dropped, Tensor::zeros([4, 4]));
}

#[test]
fn dropout_gradcheck_with_a_fixed_mask() {
    // A fresh layer with the same seed per evaluation draws the same mask each time.
    assert_gradcheck(
        |v| Dropout::with_seed(0.4, 7).forward(&v[0]),
        &[rand(1, &[4, 5])],
    );
}

#[test]
fn functional_dropout_checks_p_in_evaluation_too() {
    use scalpel_nn::functional::dropout;
    use scalpel_tensor::random::Rng;
    let x = Var::constant(Tensor::<f32>::ones([2, 2]));
    let mut rng = Rng::seed(1);
    for (p, training) in [(1.5, false), (1.5, true), (-0.5, true), (f64::NAN, false)] {
        let err = dropout(&x, p, training, &mut rng).unwrap_err().to_string();
        assert!(
            err.contains("dropout") && err.contains("drop probability"),
            "p {p}, training {training}: {err}"
        );
    }
    assert_eq!(
        dropout(&x, 0.5, false, &mut rng).unwrap().value(),
        x.value()
    );
}
