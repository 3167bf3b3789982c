//! Helpers shared by the tests.

use scalpel_autograd::{gradcheck, gradgradcheck, GradcheckOptions, Result, Var};
use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

/// Uniform values in [-2, 2) of `dims`, from a generator seeded with `seed`.
pub fn rand(seed: u64, dims: &[usize]) -> Tensor<f64> {
    Rng::seed(seed).uniform(dims, -2.0, 2.0).unwrap()
}

/// Asserts that `f` passes gradcheck at `inputs` with the default tolerances.
pub fn assert_gradcheck(f: impl Fn(&[Var<f64>]) -> Result<Var<f64>>, inputs: &[Tensor<f64>]) {
    let report = gradcheck(f, inputs, GradcheckOptions::default()).unwrap();
    assert!(report.passed(), "{report}");
}

/// Asserts that `f` passes gradgradcheck (second derivatives) at `inputs`.
pub fn assert_gradgradcheck(f: impl Fn(&[Var<f64>]) -> Result<Var<f64>>, inputs: &[Tensor<f64>]) {
    let report = gradgradcheck(f, inputs, GradcheckOptions::default()).unwrap();
    assert!(report.passed(), "{report}");
}

/// Asserts element-wise |a − b| ≤ tol, with the shapes equal.
pub fn assert_close<T: scalpel_tensor::Float>(a: &Tensor<T>, b: &Tensor<T>, tol: f64) {
    assert_eq!(a.shape(), b.shape());
    for (i, (x, y)) in a.to_vec().into_iter().zip(b.to_vec()).enumerate() {
        let (x, y) = (x.to_f64_lossy(), y.to_f64_lossy());
        assert!((x - y).abs() <= tol, "element {i}: {x} vs {y}");
    }
}

/// The gradients of `loss` with respect to `vars` (each must receive one).
pub fn grads(loss: &Var<f64>, vars: &[&Var<f64>]) -> Vec<Tensor<f64>> {
    let vs: Vec<Var<f64>> = vars.iter().map(|v| (*v).clone()).collect();
    scalpel_autograd::grad(std::slice::from_ref(loss), None, &vs, false)
        .unwrap()
        .into_iter()
        .map(|g| g.expect("a gradient").value())
        .collect()
}

/// A random projection of `y` to a scalar, so that gradients of every output element matter.
pub fn project(y: &Var<f64>, seed: u64) -> Var<f64> {
    let r = rand(seed, &y.dims());
    y.mul(&Var::constant(r)).unwrap().sum_all().unwrap()
}
