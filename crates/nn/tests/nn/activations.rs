//! Activations: values and gradients of each module.

use scalpel_autograd::Var;
use scalpel_nn::{
    LeakyReLU, LogSoftmax, Module, ReLU, SiLU, Sigmoid, Softmax, Softplus, Tanh, ELU, GELU,
};
use scalpel_tensor::Tensor;

use crate::common::{assert_close, assert_gradcheck, rand};

fn apply(m: &dyn Module<f64>, xs: &[f64]) -> Vec<f64> {
    m.forward(&Var::constant(Tensor::from_vec1(xs.to_vec())))
        .unwrap()
        .value()
        .to_vec()
}

#[test]
fn activations_match_their_formulas() {
    let xs = [-2.0, -0.5, 0.5, 3.0];
    let check = |m: &dyn Module<f64>, f: &dyn Fn(f64) -> f64| {
        let got = apply(m, &xs);
        for (g, x) in got.iter().zip(xs) {
            assert!((g - f(x)).abs() < 1e-12, "{g} vs {} at {x}", f(x));
        }
    };
    check(&ReLU, &|x| x.max(0.0));
    check(&LeakyReLU::new(0.2), &|x| if x > 0.0 { x } else { 0.2 * x });
    check(&LeakyReLU::default(), &|x| {
        if x > 0.0 {
            x
        } else {
            0.01 * x
        }
    });
    check(&ELU::new(0.7), &|x| {
        if x > 0.0 {
            x
        } else {
            0.7 * x.exp_m1()
        }
    });
    check(&Sigmoid, &|x| 1.0 / (1.0 + (-x).exp()));
    check(&Tanh, &f64::tanh);
    check(&SiLU, &|x| x / (1.0 + (-x).exp()));
    check(&Softplus, &|x| x.exp().ln_1p());
    // Softplus(x) for large x is x, not an overflowed ln(1 + e^x).
    assert_eq!(apply(&Softplus, &[1000.0, -1000.0]), [1000.0, 0.0]);
    // GELU(x) = x·Φ(x); Φ(0.5) = 0.691462461274013, Φ(3) = 0.9986501019683699
    let g = apply(&GELU::new(), &[0.5, 3.0]);
    assert!((g[0] - 0.5 * 0.691_462_461_274_013).abs() < 1e-12);
    assert!((g[1] - 3.0 * 0.998_650_101_968_369_9).abs() < 1e-12);
    // The tanh form: x/2·(1 + tanh(√(2/π)·(x + 0.044715x³))), and within 5e-4 of the exact one.
    let c = (2.0 / std::f64::consts::PI).sqrt();
    check(&GELU::tanh(), &|x| {
        0.5 * x * (1.0 + (c * (x + 0.044715 * x * x * x)).tanh())
    });
    let xs: Vec<f64> = (-60..=60).map(|i| f64::from(i) / 10.0).collect();
    let (exact, tanh) = (apply(&GELU::new(), &xs), apply(&GELU::tanh(), &xs));
    for ((x, e), t) in xs.iter().zip(&exact).zip(&tanh) {
        assert!(
            (e - t).abs() < 5e-4 && e != t || *x == 0.0,
            "x {x}: {e} vs {t}"
        );
    }
}

#[test]
fn softmax_rows_sum_to_one_and_log_softmax_is_its_log() {
    let x = Var::constant(rand(1, &[3, 5]));
    let p = Softmax::new(1).forward(&x).unwrap().value();
    assert_close(&p.sum(&[1], false).unwrap(), &Tensor::ones([3]), 1e-12);
    let lp = LogSoftmax::new(-1).forward(&x).unwrap().value();
    assert_close(&lp.exp(), &p, 1e-12);
}

#[test]
fn every_activation_module_passes_gradcheck() {
    let modules: Vec<Box<dyn Module<f64>>> = vec![
        Box::new(ReLU),
        Box::new(LeakyReLU::new(0.2)),
        Box::new(ELU::default()),
        Box::new(GELU::new()),
        Box::new(GELU::tanh()),
        Box::new(Sigmoid),
        Box::new(Tanh),
        Box::new(SiLU),
        Box::new(Softplus),
        Box::new(Softmax::new(1)),
        Box::new(LogSoftmax::new(0)),
    ];
    for m in &modules {
        assert_gradcheck(|v| m.forward(&v[0]), &[rand(11, &[3, 4])]);
    }
}
