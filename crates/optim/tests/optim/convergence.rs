//! Convergence on the test functions of the book's chapter 2, with gradients from autograd:
//! - Beale's function (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)², minimum 0 at
//!   (3, 0.5), started from (1, 1);
//! - the bowl x²/16 + 9y², minimum 0 at (0, 0), started from (−2.4, 0.2) (a valley 12 times
//!   steeper across than along, where plain gradient descent zig-zags).
//!
//! Each optimizer gets hyperparameters that suit it and must end within the stated distance
//! (largest coordinate error) of the minimum. RMSProp and AdaDelta take steps of a roughly fixed
//! size near the minimum, so they run with an exponential learning-rate decay per iteration.

use scalpel_autograd::Var;
use scalpel_optim::{
    Adadelta, AdadeltaConfig, Adagrad, AdagradConfig, Adam, AdamConfig, AdamW, AdamWConfig,
    ExponentialLR, LrScheduler, Optimizer, RmsProp, RmsPropConfig, Sgd, SgdConfig,
};
use scalpel_tensor::Tensor;

type Objective = fn(&Var<f64>, &Var<f64>) -> Var<f64>;

fn beale(x: &Var<f64>, y: &Var<f64>) -> Var<f64> {
    let term = |c: f64, y_power: &Var<f64>| {
        let t = x
            .mul(y_power)
            .unwrap()
            .sub(x)
            .unwrap()
            .add_scalar(c)
            .unwrap();
        t.mul(&t).unwrap()
    };
    let y2 = y.mul(y).unwrap();
    let y3 = y2.mul(y).unwrap();
    term(1.5, y)
        .add(&term(2.25, &y2))
        .unwrap()
        .add(&term(2.625, &y3))
        .unwrap()
        .sum_all()
        .unwrap()
}

fn bowl(x: &Var<f64>, y: &Var<f64>) -> Var<f64> {
    let xx = x.mul(x).unwrap().mul_scalar(1.0 / 16.0).unwrap();
    let yy = y.mul(y).unwrap().mul_scalar(9.0).unwrap();
    xx.add(&yy).unwrap().sum_all().unwrap()
}

const BEALE: (Objective, [f64; 2], [f64; 2]) = (beale, [1.0, 1.0], [3.0, 0.5]);
const BOWL: (Objective, [f64; 2], [f64; 2]) = (bowl, [-2.4, 0.2], [0.0, 0.0]);

/// Minimises `problem` with the optimizer `make` builds, for `iters` steps, optionally decaying
/// the learning rate by `decay` per step, and checks the distance to the minimum.
fn converges<O: Optimizer<f64>>(
    problem: (Objective, [f64; 2], [f64; 2]),
    make: impl Fn(Vec<Var<f64>>) -> O,
    iters: usize,
    decay: Option<f64>,
    tol: f64,
) {
    let (f, start, minimum) = problem;
    let x = Var::parameter(Tensor::from_vec1(vec![start[0]]));
    let y = Var::parameter(Tensor::from_vec1(vec![start[1]]));
    let mut opt = make(vec![x.clone(), y.clone()]);
    let mut schedule = decay.map(|gamma| ExponentialLR::new(&mut opt, gamma));
    for _ in 0..iters {
        opt.zero_grad();
        f(&x, &y).backward().unwrap();
        opt.step().unwrap();
        if let Some(s) = schedule.as_mut() {
            s.step(&mut opt);
        }
    }
    let got = [x.item().unwrap(), y.item().unwrap()];
    let err = (got[0] - minimum[0]).abs().max((got[1] - minimum[1]).abs());
    assert!(
        err < tol,
        "{}: ended at {got:?}, {err:e} from {minimum:?} (tolerance {tol:e})",
        opt.name()
    );
}

fn sgd(lr: f64, momentum: f64, nesterov: bool) -> impl Fn(Vec<Var<f64>>) -> Sgd<f64> {
    move |p| {
        let config = SgdConfig {
            lr,
            momentum,
            nesterov,
            ..Default::default()
        };
        Sgd::new(p, config).unwrap()
    }
}

#[test]
fn sgd_converges_on_beale_and_bowl() {
    converges(BEALE, sgd(0.01, 0.0, false), 5000, None, 1e-5);
    converges(BOWL, sgd(0.1, 0.0, false), 2000, None, 1e-8);
}

#[test]
fn sgd_momentum_converges_on_beale_and_bowl() {
    converges(BEALE, sgd(0.001, 0.9, false), 5000, None, 1e-5);
    converges(BOWL, sgd(0.05, 0.9, false), 500, None, 1e-8);
}

#[test]
fn sgd_nesterov_converges_on_beale_and_bowl() {
    converges(BEALE, sgd(0.001, 0.9, true), 5000, None, 1e-5);
    converges(BOWL, sgd(0.05, 0.9, true), 500, None, 1e-8);
}

#[test]
fn adagrad_converges_on_beale_and_bowl() {
    let make = |p| {
        let config = AdagradConfig {
            lr: 0.5,
            ..Default::default()
        };
        Adagrad::new(p, config).unwrap()
    };
    converges(BEALE, make, 2000, None, 1e-8);
    converges(BOWL, make, 500, None, 1e-8);
}

#[test]
fn adadelta_with_lr_decay_converges_on_beale_and_bowl() {
    let make = |p| Adadelta::new(p, AdadeltaConfig::default()).unwrap();
    converges(BEALE, make, 5000, Some(0.999), 1e-6);
    converges(BOWL, make, 5000, Some(0.999), 1e-6);
}

#[test]
fn rmsprop_with_lr_decay_converges_on_beale_and_bowl() {
    let make = |p| {
        let config = RmsPropConfig {
            lr: 0.01,
            ..Default::default()
        };
        RmsProp::new(p, config).unwrap()
    };
    converges(BEALE, make, 5000, Some(0.998), 1e-5);
    converges(BOWL, make, 5000, Some(0.998), 1e-5);
}

#[test]
fn rmsprop_centered_with_momentum_converges_on_beale_and_bowl() {
    let make = |p| {
        let config = RmsPropConfig {
            lr: 0.003,
            momentum: 0.9,
            centered: true,
            ..Default::default()
        };
        RmsProp::new(p, config).unwrap()
    };
    converges(BEALE, make, 5000, Some(0.998), 1e-5);
    converges(BOWL, make, 5000, Some(0.998), 1e-5);
}

#[test]
fn adam_converges_on_beale_and_bowl() {
    let make = |p| {
        let config = AdamConfig {
            lr: 0.05,
            ..Default::default()
        };
        Adam::new(p, config).unwrap()
    };
    converges(BEALE, make, 2000, None, 1e-8);
    converges(BOWL, make, 1000, None, 1e-8);
}

#[test]
fn adam_amsgrad_converges_on_beale_and_bowl() {
    let make = |p| {
        let config = AdamConfig {
            lr: 0.05,
            amsgrad: true,
            ..Default::default()
        };
        Adam::new(p, config).unwrap()
    };
    converges(BEALE, make, 2000, None, 1e-8);
    converges(BOWL, make, 1000, None, 1e-8);
}

#[test]
fn adamw_converges_on_beale_and_bowl() {
    // Decoupled decay also shrinks θ towards 0 at every step, which slows the final approach to
    // Beale's minimum (about 5e-5 away after 5000 steps with λ = 1e-4), hence the looser
    // tolerance there; at the bowl's minimum, 0, the decay agrees with the gradient.
    let make = |p| {
        let config = AdamWConfig {
            lr: 0.05,
            weight_decay: 1e-4,
            ..Default::default()
        };
        AdamW::new(p, config).unwrap()
    };
    converges(BEALE, make, 5000, None, 1e-4);
    converges(BOWL, make, 1000, None, 1e-8);
}
