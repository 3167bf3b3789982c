//! The public gradcheck API: it passes correct gradients, catches wrong ones, and checks second
//! derivatives of the bilinear and pooling operations. (`cargo xtask gradcheck` covers every
//! operation; these tests keep the crate's own test suite self-contained.)

use scalpel_autograd::{gradcheck, gradgradcheck, CustomOp, GradcheckOptions, Result, Var};
use scalpel_tensor::ops::conv::Conv2dParams;
use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

fn randn(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    rng.normal(dims, 0.0, 1.0).unwrap()
}

#[test]
fn conv2d_with_stride_padding_and_groups_passes_gradcheck_and_gradgradcheck() {
    let mut rng = Rng::seed(1);
    let x = randn(&mut rng, &[2, 4, 5, 4]);
    let w = randn(&mut rng, &[6, 2, 3, 2]);
    let b = randn(&mut rng, &[6]);
    let p = Conv2dParams {
        stride: (2, 1),
        padding: (1, 1),
        dilation: (1, 2),
        groups: 2,
    };
    let f = |v: &[Var<f64>]| v[0].conv2d(&v[1], Some(&v[2]), p);
    let r = gradcheck(
        f,
        &[x.clone(), w.clone(), b.clone()],
        GradcheckOptions::default(),
    )
    .unwrap();
    assert!(r.passed(), "{r}");
    let r2 = gradgradcheck(f, &[x, w, b], GradcheckOptions::default()).unwrap();
    assert!(r2.passed(), "{r2}");
}

#[test]
fn batched_broadcast_matmul_passes_gradgradcheck() {
    let mut rng = Rng::seed(2);
    let a = randn(&mut rng, &[2, 1, 3, 4]);
    let b = randn(&mut rng, &[3, 4, 2]);
    let f = |v: &[Var<f64>]| v[0].matmul(&v[1]);
    let r = gradgradcheck(f, &[a, b], GradcheckOptions::default()).unwrap();
    assert!(r.passed(), "{r}");
}

#[test]
fn pooling_passes_gradcheck_and_gradgradcheck() {
    let mut rng = Rng::seed(3);
    // Distinct values so that no window has tied maxima (max is not differentiable at ties).
    let mut vals: Vec<f64> = (0..2 * 3 * 5 * 5).map(|i| i as f64 * 0.37).collect();
    rng.shuffle(&mut vals);
    let x = Tensor::from_vec(vals, [2, 3, 5, 5]).unwrap();
    let fmax = |v: &[Var<f64>]| v[0].max_pool2d((2, 2), (2, 2), (1, 1));
    assert!(
        gradcheck(fmax, std::slice::from_ref(&x), GradcheckOptions::default())
            .unwrap()
            .passed()
    );
    assert!(
        gradgradcheck(fmax, std::slice::from_ref(&x), GradcheckOptions::default())
            .unwrap()
            .passed()
    );
    let favg = |v: &[Var<f64>]| v[0].avg_pool2d((3, 2), (2, 1), (1, 0), false);
    assert!(
        gradgradcheck(favg, std::slice::from_ref(&x), GradcheckOptions::default())
            .unwrap()
            .passed()
    );
    let fada = |v: &[Var<f64>]| v[0].adaptive_avg_pool2d((2, 3));
    assert!(gradgradcheck(fada, &[x], GradcheckOptions::default())
        .unwrap()
        .passed());
}

/// A deliberately wrong backward: d(2x)/dx reported as 3.
struct WrongDouble;
impl CustomOp<f64> for WrongDouble {
    fn name(&self) -> &'static str {
        "wrong_double"
    }
    fn backward(
        &self,
        _inputs: &[Var<f64>],
        _out: &Var<f64>,
        g: &Var<f64>,
    ) -> Result<Vec<Option<Var<f64>>>> {
        Ok(vec![Some(g.mul_scalar(3.0)?)])
    }
}

#[test]
fn gradcheck_catches_a_wrong_gradient_and_says_where() {
    let x = Tensor::from_vec1(vec![1.0f64, 2.0, 3.0]);
    let f = |v: &[Var<f64>]| Var::from_custom(v[0].value().mul_scalar(2.0), &v[..1], WrongDouble);
    let r = gradcheck(f, &[x], GradcheckOptions::default()).unwrap();
    assert!(!r.passed());
    let input = &r.inputs[0];
    assert!(
        (input.worst_values.0 / input.worst_values.1 - 1.5).abs() < 1e-6,
        "{r}"
    );
    assert!(input.max_rel_error > 0.4);
}

/// d(x²)/dx = 2x, with the incoming gradient multiplied in as a constant (detached) or poisoned
/// with NaN, as chosen.
struct Square {
    detach_g: bool,
    nan: bool,
}
impl CustomOp<f64> for Square {
    fn name(&self) -> &'static str {
        "square_by_hand"
    }
    fn backward(
        &self,
        inputs: &[Var<f64>],
        _out: &Var<f64>,
        g: &Var<f64>,
    ) -> Result<Vec<Option<Var<f64>>>> {
        let g = if self.detach_g {
            Var::constant(g.value())
        } else {
            g.clone()
        };
        let scale = if self.nan { f64::NAN } else { 2.0 };
        Ok(vec![Some(g.mul(&inputs[0].mul_scalar(scale)?)?)])
    }
}

fn square_by_hand(x: &Var<f64>, detach_g: bool, nan: bool) -> Result<Var<f64>> {
    Var::from_custom(
        x.value().square(),
        std::slice::from_ref(x),
        Square { detach_g, nan },
    )
}

#[test]
fn a_nan_gradient_or_value_fails_the_check() {
    let x = Tensor::from_vec1(vec![0.5f64, -1.5, 2.0]);
    let r = gradcheck(
        |v: &[Var<f64>]| square_by_hand(&v[0], false, true),
        std::slice::from_ref(&x),
        GradcheckOptions::default(),
    )
    .unwrap();
    assert!(!r.passed(), "{r}");
    assert_eq!(r.max_abs_error(), f64::INFINITY);
    assert!(r.inputs[0].worst_values.0.is_nan(), "{r}");
    // The same rule without the NaN passes: the failure is the NaN's.
    let r = gradcheck(
        |v: &[Var<f64>]| square_by_hand(&v[0], false, false),
        std::slice::from_ref(&x),
        GradcheckOptions::default(),
    )
    .unwrap();
    assert!(r.passed(), "{r}");
    // A NaN value (√−1.5) enters the projected output, and every numeric derivative is NaN.
    let r = gradcheck(
        |v: &[Var<f64>]| v[0].sqrt(),
        &[x],
        GradcheckOptions::default(),
    )
    .unwrap();
    assert!(!r.passed(), "{r}");
    assert!(r.inputs[0].worst_values.1.is_nan(), "{r}");
    assert!(r.to_string().contains("FAILED"), "{r}");
}

#[test]
fn gradgradcheck_differentiates_through_the_output_gradient() {
    let x = Tensor::from_vec1(vec![0.5f64, -1.5, 2.0]);
    // First derivatives are right either way.
    for detach_g in [false, true] {
        let f = |v: &[Var<f64>]| square_by_hand(&v[0], detach_g, false);
        let r = gradcheck(f, std::slice::from_ref(&x), GradcheckOptions::default()).unwrap();
        assert!(r.passed(), "{r}");
    }
    let f = |v: &[Var<f64>]| square_by_hand(&v[0], false, false);
    let r = gradgradcheck(f, std::slice::from_ref(&x), GradcheckOptions::default()).unwrap();
    assert!(r.passed(), "{r}");
    assert_eq!(
        r.inputs.len(),
        2,
        "the input, then the output gradient: {r}"
    );
    // Detached, the gradient ignores v = ∂L/∂out: ∂(2x·v)/∂v = 2x is reported as 0.
    let f = |v: &[Var<f64>]| square_by_hand(&v[0], true, false);
    let r = gradgradcheck(f, &[x], GradcheckOptions::default()).unwrap();
    assert!(!r.passed(), "{r}");
    assert!(r.inputs[0].passed, "d²/dx² alone is right: {r}");
    assert!(!r.inputs[1].passed, "{r}");
    assert_eq!(r.inputs[1].worst_values.0, 0.0, "{r}");
}

/// x³/3 with a first derivative right at x but a second derivative 2x + 0.05 (the term
/// 0.05·(x − x) vanishes in value but not in its derivative).
struct CubeWrongCurvature;
impl CustomOp<f64> for CubeWrongCurvature {
    fn name(&self) -> &'static str {
        "cube_wrong_curvature"
    }
    fn backward(
        &self,
        inputs: &[Var<f64>],
        _out: &Var<f64>,
        g: &Var<f64>,
    ) -> Result<Vec<Option<Var<f64>>>> {
        let x = &inputs[0];
        let zero_valued = x.sub(&x.detach())?.mul_scalar(0.05)?;
        Ok(vec![Some(g.mul(&x.square()?.add(&zero_valued)?)?)])
    }
}

#[test]
fn checks_of_a_scalar_output_are_not_weakened_by_a_small_projection_weight() {
    // Small x: the second derivative 2x is about 0.05, so the wrong 0.05 is a 100 % error; a
    // projection weight near 0 on the scalar output (0.01 once) scaled it below atol.
    let x = Tensor::from_vec1(vec![0.01f64, 0.02, -0.03]);
    let f = |v: &[Var<f64>]| {
        let cube = v[0].value().powf(3.0).mul_scalar(1.0 / 3.0);
        Var::from_custom(cube, &v[..1], CubeWrongCurvature)?.sum_all()
    };
    assert!(
        gradcheck(f, std::slice::from_ref(&x), GradcheckOptions::default())
            .unwrap()
            .passed()
    );
    for seed in [GradcheckOptions::default().seed, 1, 2, 3] {
        let options = GradcheckOptions {
            seed,
            ..Default::default()
        };
        let r = gradgradcheck(f, std::slice::from_ref(&x), options).unwrap();
        assert!(!r.passed(), "seed {seed}: {r}");
        // The error 0.05, times three weights of at least 0.5 (v, u and the outer projection).
        assert!(
            r.inputs[0].max_abs_error >= 0.05 * 0.5f64.powi(3),
            "seed {seed}: {r}"
        );
    }
}

/// Output 0 is +∞ for x₀ > 0 (0 otherwise) with gradient g·∞; output 1 is x₁ with a wrong
/// gradient, 0.
struct InfThenWrong;
impl CustomOp<f64> for InfThenWrong {
    fn name(&self) -> &'static str {
        "inf_then_wrong"
    }
    fn backward(
        &self,
        _inputs: &[Var<f64>],
        _out: &Var<f64>,
        g: &Var<f64>,
    ) -> Result<Vec<Option<Var<f64>>>> {
        let g = g.value().to_vec();
        Ok(vec![Some(Var::constant(Tensor::from_vec1(vec![
            g[0] * f64::INFINITY,
            0.0,
        ])))])
    }
}

#[test]
fn the_same_infinity_on_both_sides_passes_and_the_worst_element_is_still_found() {
    let f = |v: &[Var<f64>]| {
        let x = v[0].value().to_vec();
        let y = vec![if x[0] > 0.0 { f64::INFINITY } else { 0.0 }, x[1]];
        Var::from_custom(Tensor::from_vec1(y), &v[..1], InfThenWrong)
    };
    // With rtol 0 the tolerance of an infinite derivative is 0·∞ = NaN.
    let options = GradcheckOptions {
        rtol: 0.0,
        ..Default::default()
    };
    let r = gradcheck(f, &[Tensor::from_vec1(vec![0.0, 1.0])], options).unwrap();
    assert!(!r.passed(), "{r}");
    assert_eq!(r.inputs[0].worst_index, vec![1], "{r}");
    assert_eq!(r.inputs[0].worst_values.0, 0.0, "{r}");
}
