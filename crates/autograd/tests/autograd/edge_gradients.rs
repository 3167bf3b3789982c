//! Gradients at the edges of an op's domain, where the textbook formula reads 0·∞: PyTorch's
//! values (the limits), not NaN.

use scalpel_autograd::{grad, Var};
use scalpel_tensor::Tensor;

fn v(data: &[f64]) -> Tensor<f64> {
    Tensor::from_vec1(data.to_vec())
}

fn first_grad(y: &Var<f64>, x: &Var<f64>) -> Vec<f64> {
    grad_values(y, x, false)
}

/// dy/dx as numbers, with the backward pass recorded when `create_graph`.
fn grad_values(y: &Var<f64>, x: &Var<f64>, create_graph: bool) -> Vec<f64> {
    let g = grad(
        std::slice::from_ref(y),
        None,
        std::slice::from_ref(x),
        create_graph,
    )
    .unwrap();
    g[0].as_ref().unwrap().value().to_vec()
}

/// An op under test, as a function of its input.
type Unary<'a> = Box<dyn Fn(&Var<f64>) -> Var<f64> + 'a>;

#[test]
fn x_to_the_zero_has_a_zero_derivative_at_zero() {
    let x = Var::parameter(v(&[0.0, 2.0, -3.0]));
    let y = x.powf(0.0).unwrap().sum_all().unwrap();
    assert_eq!(first_grad(&y, &x), vec![0.0; 3]);
    // p·x^(p−1) elsewhere: 2x at 0 is 0, not NaN either
    let y = x.powf(2.0).unwrap().sum_all().unwrap();
    assert_eq!(first_grad(&y, &x), vec![0.0, 4.0, -6.0]);
}

#[test]
fn zero_to_the_b_has_a_zero_derivative_in_b_for_b_at_least_zero() {
    let a = Var::constant(v(&[0.0, 0.0, 2.0]));
    let b = Var::parameter(v(&[2.0, 0.0, 3.0]));
    let y = a.pow(&b).unwrap().sum_all().unwrap();
    // d(a^b)/db = a^b·ln a: 0 where a = 0 (PyTorch's mask), 8·ln 2 at (2, 3)
    let g = first_grad(&y, &b);
    assert_eq!(&g[..2], &[0.0, 0.0]);
    assert!((g[2] - 8.0 * 2f64.ln()).abs() < 1e-12, "{g:?}");
}

#[test]
fn a_to_the_zero_has_a_zero_derivative_in_a_at_a_zero() {
    let a = Var::parameter(v(&[0.0, 0.0, 2.0]));
    let b = Var::constant(v(&[0.0, 1.0, 0.0]));
    let y = a.pow(&b).unwrap().sum_all().unwrap();
    // b·a^(b−1): 0·0⁻¹ at (0, 0) is NaN; PyTorch gives 0 wherever b = 0.
    assert_eq!(first_grad(&y, &a), vec![0.0, 1.0, 0.0]);
}

/// The gradient of Σ ln(f(x)) at x, plain and with the backward pass recorded.
fn log_of(f: impl Fn(&Var<f64>) -> Var<f64>, x: &[f64]) -> [Vec<f64>; 2] {
    let x = Var::parameter(v(x));
    let y = f(&x).ln().unwrap().sum_all().unwrap();
    let plain = grad_values(&y, &x, false);
    let y = f(&x).ln().unwrap().sum_all().unwrap();
    [plain, grad_values(&y, &x, true)]
}

#[test]
fn a_masked_gradient_is_zero_where_the_upstream_gradient_is_infinite() {
    // f(x) = 0 at x = −1, so d ln f = 1/f is ∞ there, and the mask must select, not multiply
    // (∞·0 = NaN): PyTorch gives 0. At x = 0.5 the gradient is 1/0.5 = 2.
    let zero = Var::constant(Tensor::scalar(0.0));
    let cases: [(&str, Unary); 4] = [
        ("clamp", Box::new(|x| x.clamp(0.0, 1.0).unwrap())),
        ("relu", Box::new(|x| x.relu().unwrap())),
        ("maximum", Box::new(|x| x.maximum(&zero).unwrap())),
        (
            "where",
            Box::new(|x| {
                let keep = x.value().gt_scalar(0.0);
                Var::where_(&keep, x, &zero).unwrap()
            }),
        ),
    ];
    for (name, f) in cases {
        for g in log_of(f, &[-1.0, 0.5]) {
            assert_eq!(g, vec![0.0, 2.0], "{name}");
        }
    }
}

#[test]
fn maximum_and_minimum_split_ties_and_give_both_inputs_the_gradient_beside_a_nan() {
    // PyTorch: g to the winner, g/2 to each of a tie, and g to both where a NaN makes them
    // neither equal nor ordered.
    for max in [true, false] {
        let a = Var::parameter(v(&[3.0, 1.0, 2.0, f64::NAN]));
        let b = Var::parameter(v(&[1.0, 3.0, 2.0, 1.0]));
        let y = if max { a.maximum(&b) } else { a.minimum(&b) };
        let y = y.unwrap().sum_all().unwrap();
        let g = grad(&[y], None, &[a, b], false).unwrap();
        let values = |i: usize| g[i].as_ref().unwrap().value().to_vec();
        let (ga, gb) = (values(0), values(1));
        let (win, lose) = if max { (1.0, 0.0) } else { (0.0, 1.0) };
        assert_eq!(ga, vec![win, lose, 0.5, 1.0], "max {max}");
        assert_eq!(gb, vec![lose, win, 0.5, 1.0], "max {max}");
    }
}

#[test]
fn gelu_tanh_has_its_limits_as_derivatives_where_x_squared_overflows() {
    // d/dx gelu_tanh → 0 as x → −∞ and → 1 as x → +∞, and the second derivative → 0. In f64,
    // x³ overflows past 5.6e102 (±1e120) and x² past 1.3e154 (±1e160), where the formula's
    // second term reads 0·∞.
    let x = Var::parameter(v(&[-1e160, -1e120, 1e120, 1e160, 2.0]));
    let y = x.gelu_tanh().unwrap().sum_all().unwrap();
    let g = grad(
        std::slice::from_ref(&y),
        None,
        std::slice::from_ref(&x),
        true,
    )
    .unwrap();
    let g = g[0].clone().unwrap();
    assert_eq!(&g.value().to_vec()[..4], &[0.0, 0.0, 1.0, 1.0]);
    let gg = first_grad(&g.sum_all().unwrap(), &x);
    assert_eq!(&gg[..4], &[0.0; 4]);
    let g = g.value().to_vec();
    // unchanged inside the range: at 2, (1 + tanh u)/2 + x/2·(1 − tanh² u)·c·(1 + 3k·x²)
    let (c, k) = ((2.0 / std::f64::consts::PI).sqrt(), 0.044715);
    let t = (c * (2.0 + k * 8.0)).tanh();
    let expected = 0.5 * (1.0 + t) + (1.0 - t * t) * c * (1.0 + 3.0 * k * 4.0);
    assert!((g[4] - expected).abs() < 1e-15, "{} vs {expected}", g[4]);
    // and in f32, where x² overflows past 1.8e19
    let x = Var::parameter(Tensor::from_vec1(vec![-3e19f32, 3e19]));
    let y = x.gelu_tanh().unwrap().sum_all().unwrap();
    let g = grad(&[y], None, std::slice::from_ref(&x), false).unwrap();
    assert_eq!(g[0].as_ref().unwrap().value().to_vec(), vec![0.0, 1.0]);
}

#[test]
fn a_scalar_reduces_and_differentiates_along_axis_zero_as_one_element() {
    use scalpel_autograd::{gradgradcheck, GradcheckOptions};
    let x = Var::parameter(Tensor::scalar(0.7));
    let sum = x.sum(&[0], false).unwrap();
    assert_eq!(first_grad(&sum, &x), vec![1.0]);
    let mean = x.mean(&[-1], true).unwrap();
    assert_eq!(first_grad(&mean, &x), vec![1.0]);
    let p = x.softmax(0).unwrap();
    assert_eq!(p.item().unwrap(), 1.0);
    assert_eq!(first_grad(&p, &x), vec![0.0]);
    // every reduction of a 0-d input, to second order
    let f = |xs: &[Var<f64>]| {
        let x = &xs[0];
        x.sum(&[0], true)?
            .mul(&x.max(&[-1], false)?)?
            .add(&x.logsumexp(&[0], false)?.square()?)?
            .add(&x.log_softmax(-1)?)?
            .add(&x.var(&[0], 0, false)?)?
            .mul(&x.mean(&[0], false)?)
    };
    let report = gradgradcheck(f, &[Tensor::scalar(0.7)], GradcheckOptions::default()).unwrap();
    assert!(report.passed(), "{report}");
}

#[test]
fn a_norm_has_a_zero_gradient_under_a_zero_norm_and_at_zero_elements() {
    for p in [2.0, 3.0, 1.5, 0.5] {
        // A row of zeros, and a row with one zero element.
        let x = Var::parameter(
            Tensor::from_vec(vec![0.0, 0.0, 0.0, 0.0, 3.0, -4.0, 0.0, 2.0], [2, 4]).unwrap(),
        );
        let n = x.norm(p, &[1], false).unwrap().sum_all().unwrap();
        let g = grad(&[n], None, std::slice::from_ref(&x), true).unwrap()[0]
            .clone()
            .unwrap();
        let d = g.value().to_vec();
        let q = (3f64.powf(p) + 4f64.powf(p) + 2f64.powf(p)).powf(1.0 / p);
        let row = [3.0, -4.0, 0.0, 2.0].map(|v: f64| v.signum() * (v.abs() / q).powf(p - 1.0));
        let want = [0.0, 0.0, 0.0, 0.0, row[0], row[1], 0.0, row[3]];
        for (got, want) in d.iter().zip(want) {
            assert!((got - want).abs() < 1e-12, "p = {p}: {d:?}");
        }
        // The derivative of g·w, with w on the zero row and at the zero element. Under the zero
        // norm it is 0, as in PyTorch, where the gradient's mask holds through the double
        // backward. At the zero element it is the true second derivative for p = 2 (w/‖x‖) and
        // p = 3 (0); below 2, where that is infinite, the masked 0.
        let w = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 0.0, 0.0, 5.0, 0.0], [2, 4]).unwrap();
        let gw = g.mul(&Var::constant(w)).unwrap().sum_all().unwrap();
        let second = first_grad(&gw, &x);
        assert_eq!(&second[..4], &[0.0; 4], "p = {p}: {second:?}");
        let at_zero = if p == 2.0 { 5.0 / q } else { 0.0 };
        assert!((second[6] - at_zero).abs() < 1e-12, "p = {p}: {second:?}");
        assert!(second.iter().all(|v| v.is_finite()), "p = {p}: {second:?}");
    }
}
