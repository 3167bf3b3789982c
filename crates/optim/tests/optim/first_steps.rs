//! Oracle: the first three steps of every optimizer on the quadratic f(x) = ½ Σ aᵢ xᵢ², whose
//! gradient is aᵢ·xᵢ, against the update formulas written out by hand below in scalar f64 code
//! (one element at a time, textbook form, independent of the crate's kernels).

use scalpel_autograd::Var;
use scalpel_optim::{
    Adadelta, AdadeltaConfig, Adagrad, AdagradConfig, Adam, AdamConfig, AdamW, AdamWConfig,
    Optimizer, RmsProp, RmsPropConfig, Sgd, SgdConfig,
};
use scalpel_tensor::Tensor;

const A: [f64; 4] = [1.0, 0.5, 2.0, 4.0];
const X0: [f64; 4] = [1.0, -2.0, 0.5, 3.0];
const STEPS: usize = 3;

/// A reference optimizer: the next value of one coordinate, given its gradient and step t (1…).
trait Reference {
    fn next(&mut self, x: f64, g: f64, t: usize) -> f64;
}

/// Runs `opt` for three steps on the quadratic, each coordinate against a fresh `reference`,
/// and checks every intermediate value.
fn check_against<O: Optimizer<f64>, R: Reference>(
    make: impl Fn(Var<f64>) -> O,
    reference: impl Fn() -> R,
) {
    let x = Var::parameter(Tensor::from_vec1(X0.to_vec()));
    let mut opt = make(x.clone());
    let mut refs: Vec<R> = (0..A.len()).map(|_| reference()).collect();
    let mut want = X0;
    for t in 1..=STEPS {
        let xs = x.value().to_vec();
        let grad: Vec<f64> = xs.iter().zip(A).map(|(x, a)| a * x).collect();
        opt.zero_grad();
        x.set_grad(Some(Tensor::from_vec1(grad))).unwrap();
        opt.step().unwrap();
        for i in 0..A.len() {
            want[i] = refs[i].next(want[i], A[i] * want[i], t);
        }
        let got = x.value().to_vec();
        for i in 0..A.len() {
            let tol = 1e-12 * want[i].abs().max(1.0);
            assert!(
                (got[i] - want[i]).abs() <= tol,
                "step {t}, x[{i}]: got {}, want {}",
                got[i],
                want[i]
            );
        }
    }
}

// ---------------------------------------------------------------- SGD

struct SgdRef {
    lr: f64,
    momentum: f64,
    dampening: f64,
    nesterov: bool,
    wd: f64,
    buf: Option<f64>,
}

impl Reference for SgdRef {
    fn next(&mut self, x: f64, g: f64, _t: usize) -> f64 {
        let g = g + self.wd * x;
        if self.momentum == 0.0 {
            return x - self.lr * g;
        }
        let b = match self.buf {
            None => g,
            Some(b) => self.momentum * b + (1.0 - self.dampening) * g,
        };
        self.buf = Some(b);
        let d = if self.nesterov {
            g + self.momentum * b
        } else {
            b
        };
        x - self.lr * d
    }
}

fn sgd_case(config: SgdConfig) {
    check_against(
        |x| Sgd::new([x], config).unwrap(),
        || SgdRef {
            lr: config.lr,
            momentum: config.momentum,
            dampening: config.dampening,
            nesterov: config.nesterov,
            wd: config.weight_decay,
            buf: None,
        },
    );
}

#[test]
fn sgd_plain_matches_hand_formula() {
    sgd_case(SgdConfig {
        lr: 0.1,
        ..Default::default()
    });
}

#[test]
fn sgd_with_weight_decay_matches_hand_formula() {
    sgd_case(SgdConfig {
        lr: 0.1,
        weight_decay: 0.05,
        ..Default::default()
    });
}

#[test]
fn sgd_momentum_with_dampening_matches_hand_formula() {
    sgd_case(SgdConfig {
        lr: 0.1,
        momentum: 0.9,
        dampening: 0.3,
        weight_decay: 0.01,
        ..Default::default()
    });
}

#[test]
fn sgd_nesterov_matches_hand_formula() {
    sgd_case(SgdConfig {
        lr: 0.05,
        momentum: 0.8,
        nesterov: true,
        weight_decay: 0.02,
        ..Default::default()
    });
}

// ---------------------------------------------------------------- AdaGrad

struct AdagradRef {
    c: AdagradConfig,
    sum: f64,
}

impl Reference for AdagradRef {
    fn next(&mut self, x: f64, g: f64, t: usize) -> f64 {
        let g = g + self.c.weight_decay * x;
        let lr_t = self.c.lr / (1.0 + (t as f64 - 1.0) * self.c.lr_decay);
        self.sum += g * g;
        x - lr_t * g / (self.sum.sqrt() + self.c.eps)
    }
}

fn adagrad_case(c: AdagradConfig) {
    check_against(
        |x| Adagrad::new([x], c).unwrap(),
        || AdagradRef {
            c,
            sum: c.initial_accumulator_value,
        },
    );
}

#[test]
fn adagrad_default_matches_hand_formula() {
    adagrad_case(AdagradConfig {
        lr: 0.1,
        ..Default::default()
    });
}

#[test]
fn adagrad_with_lr_decay_accumulator_and_weight_decay_matches_hand_formula() {
    adagrad_case(AdagradConfig {
        lr: 0.1,
        lr_decay: 0.5,
        weight_decay: 0.1,
        initial_accumulator_value: 0.25,
        eps: 1e-3,
    });
}

// ---------------------------------------------------------------- AdaDelta

struct AdadeltaRef {
    c: AdadeltaConfig,
    eg2: f64,
    edx2: f64,
}

impl Reference for AdadeltaRef {
    fn next(&mut self, x: f64, g: f64, _t: usize) -> f64 {
        let (rho, eps) = (self.c.rho, self.c.eps);
        let g = g + self.c.weight_decay * x;
        self.eg2 = rho * self.eg2 + (1.0 - rho) * g * g;
        let dx = ((self.edx2 + eps) / (self.eg2 + eps)).sqrt() * g;
        self.edx2 = rho * self.edx2 + (1.0 - rho) * dx * dx;
        x - self.c.lr * dx
    }
}

fn adadelta_case(c: AdadeltaConfig) {
    check_against(
        |x| Adadelta::new([x], c).unwrap(),
        || AdadeltaRef {
            c,
            eg2: 0.0,
            edx2: 0.0,
        },
    );
}

#[test]
fn adadelta_default_matches_hand_formula() {
    adadelta_case(AdadeltaConfig::default());
}

#[test]
fn adadelta_with_lr_eps_and_weight_decay_matches_hand_formula() {
    adadelta_case(AdadeltaConfig {
        lr: 0.5,
        rho: 0.8,
        eps: 1e-2,
        weight_decay: 0.1,
    });
}

// ---------------------------------------------------------------- RMSProp

struct RmsPropRef {
    c: RmsPropConfig,
    v: f64,
    gbar: f64,
    buf: f64,
}

impl Reference for RmsPropRef {
    fn next(&mut self, x: f64, g: f64, _t: usize) -> f64 {
        let c = self.c;
        let g = g + c.weight_decay * x;
        self.v = c.alpha * self.v + (1.0 - c.alpha) * g * g;
        let d = if c.centered {
            self.gbar = c.alpha * self.gbar + (1.0 - c.alpha) * g;
            (self.v - self.gbar * self.gbar).sqrt() + c.eps
        } else {
            self.v.sqrt() + c.eps
        };
        if c.momentum > 0.0 {
            self.buf = c.momentum * self.buf + g / d;
            x - c.lr * self.buf
        } else {
            x - c.lr * g / d
        }
    }
}

fn rmsprop_case(c: RmsPropConfig) {
    check_against(
        |x| RmsProp::new([x], c).unwrap(),
        || RmsPropRef {
            c,
            v: 0.0,
            gbar: 0.0,
            buf: 0.0,
        },
    );
}

#[test]
fn rmsprop_default_matches_hand_formula() {
    rmsprop_case(RmsPropConfig::default());
}

#[test]
fn rmsprop_with_momentum_matches_hand_formula() {
    rmsprop_case(RmsPropConfig {
        lr: 0.01,
        alpha: 0.9,
        momentum: 0.7,
        weight_decay: 0.05,
        ..Default::default()
    });
}

#[test]
fn rmsprop_centered_matches_hand_formula() {
    rmsprop_case(RmsPropConfig {
        lr: 0.01,
        alpha: 0.9,
        centered: true,
        ..Default::default()
    });
}

#[test]
fn rmsprop_centered_with_momentum_matches_hand_formula() {
    rmsprop_case(RmsPropConfig {
        lr: 0.02,
        alpha: 0.8,
        eps: 1e-4,
        momentum: 0.5,
        centered: true,
        weight_decay: 0.1,
    });
}

// ---------------------------------------------------------------- Adam and AdamW

struct AdamRef {
    lr: f64,
    b1: f64,
    b2: f64,
    eps: f64,
    l2: f64,
    decoupled: f64,
    amsgrad: bool,
    m: f64,
    v: f64,
    vmax: f64,
}

impl AdamRef {
    fn new(lr: f64, betas: (f64, f64), eps: f64, amsgrad: bool) -> Self {
        AdamRef {
            lr,
            b1: betas.0,
            b2: betas.1,
            eps,
            l2: 0.0,
            decoupled: 0.0,
            amsgrad,
            m: 0.0,
            v: 0.0,
            vmax: 0.0,
        }
    }
}

impl Reference for AdamRef {
    fn next(&mut self, x: f64, g: f64, t: usize) -> f64 {
        let x = x - self.lr * self.decoupled * x;
        let g = g + self.l2 * x;
        self.m = self.b1 * self.m + (1.0 - self.b1) * g;
        self.v = self.b2 * self.v + (1.0 - self.b2) * g * g;
        self.vmax = self.vmax.max(self.v);
        let m_hat = self.m / (1.0 - self.b1.powi(t as i32));
        let v = if self.amsgrad { self.vmax } else { self.v };
        let v_hat = v / (1.0 - self.b2.powi(t as i32));
        x - self.lr * m_hat / (v_hat.sqrt() + self.eps)
    }
}

fn adam_case(c: AdamConfig) {
    check_against(
        |x| Adam::new([x], c).unwrap(),
        || AdamRef {
            l2: c.weight_decay,
            ..AdamRef::new(c.lr, c.betas, c.eps, c.amsgrad)
        },
    );
}

fn adamw_case(c: AdamWConfig) {
    check_against(
        |x| AdamW::new([x], c).unwrap(),
        || AdamRef {
            decoupled: c.weight_decay,
            ..AdamRef::new(c.lr, c.betas, c.eps, c.amsgrad)
        },
    );
}

#[test]
fn adam_default_matches_hand_formula() {
    adam_case(AdamConfig {
        lr: 0.1,
        ..Default::default()
    });
}

#[test]
fn adam_with_l2_weight_decay_matches_hand_formula() {
    adam_case(AdamConfig {
        lr: 0.1,
        betas: (0.8, 0.99),
        eps: 1e-3,
        weight_decay: 0.1,
        amsgrad: false,
    });
}

#[test]
fn adam_amsgrad_matches_hand_formula_when_second_moment_falls() {
    // β₂ = 0.5 and a large step make v fall after the first step, so the maximum matters.
    adam_case(AdamConfig {
        lr: 0.5,
        betas: (0.9, 0.5),
        amsgrad: true,
        ..Default::default()
    });
}

#[test]
fn adamw_default_matches_hand_formula() {
    adamw_case(AdamWConfig {
        lr: 0.1,
        weight_decay: 0.1,
        ..Default::default()
    });
}

#[test]
fn adamw_amsgrad_matches_hand_formula() {
    adamw_case(AdamWConfig {
        lr: 0.5,
        betas: (0.9, 0.5),
        weight_decay: 0.05,
        amsgrad: true,
        ..Default::default()
    });
}

#[test]
fn amsgrad_takes_different_steps_from_adam_when_second_moment_falls() {
    let run = |amsgrad| {
        let x = Var::parameter(Tensor::from_vec1(X0.to_vec()));
        let config = AdamConfig {
            lr: 0.5,
            betas: (0.9, 0.5),
            amsgrad,
            ..Default::default()
        };
        let mut opt = Adam::new([x.clone()], config).unwrap();
        for _ in 0..STEPS {
            let g: Vec<f64> = x
                .value()
                .to_vec()
                .iter()
                .zip(A)
                .map(|(x, a)| a * x)
                .collect();
            x.set_grad(Some(Tensor::from_vec1(g))).unwrap();
            opt.step().unwrap();
        }
        x.value().to_vec()
    };
    assert_ne!(run(true), run(false));
}

#[test]
fn adam_in_f32_matches_f64_hand_formula_to_f32_precision() {
    let x = Var::parameter(Tensor::from_vec1(X0.iter().map(|&v| v as f32).collect()));
    let config = AdamConfig {
        lr: 0.1,
        ..Default::default()
    };
    let mut opt = Adam::new([x.clone()], config).unwrap();
    let mut refs: Vec<AdamRef> = (0..4)
        .map(|_| AdamRef::new(0.1, config.betas, config.eps, false))
        .collect();
    let mut want = X0;
    for t in 1..=STEPS {
        let g: Vec<f32> = x
            .value()
            .to_vec()
            .iter()
            .zip(A)
            .map(|(x, a)| a as f32 * x)
            .collect();
        x.set_grad(Some(Tensor::from_vec1(g))).unwrap();
        opt.step().unwrap();
        for i in 0..4 {
            want[i] = refs[i].next(want[i], A[i] * want[i], t);
        }
    }
    for (got, want) in x.value().to_vec().iter().zip(want) {
        assert!((*got as f64 - want).abs() < 1e-6, "got {got}, want {want}");
    }
}
