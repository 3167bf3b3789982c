//! Unary maths on floating point tensors: exponentials, roots, activations, rounding.

use super::unary_map;
use crate::element::{Float, Numeric};
use crate::tensor::Tensor;

/// Logistic sigmoid computed without overflow for large |x|.
#[inline]
pub fn sigmoid_scalar<T: Float>(x: T) -> T {
    if x >= T::zero() {
        T::one() / (T::one() + (-x).exp())
    } else {
        let e = x.exp();
        e / (T::one() + e)
    }
}

/// The Gauss error function, accurate to the last bit of f64 (through `libm`).
#[inline]
pub fn erf_scalar<T: Float>(x: T) -> T {
    T::from_f64_lossy(libm::erf(x.to_f64_lossy()))
}

macro_rules! float_unary {
    ($($(#[$doc:meta])* $name:ident => |$x:ident| $body:expr;)*) => {
        impl<T: Float> Tensor<T> {
            $(
                $(#[$doc])*
                pub fn $name(&self) -> Tensor<T> {
                    unary_map(self, |$x: T| $body)
                }
            )*
        }
    };
}

float_unary! {
    /// −x.
    neg => |x| -x;
    /// e^x.
    exp => |x| x.exp();
    /// e^x − 1, accurate near 0.
    expm1 => |x| x.exp_m1();
    /// Natural logarithm.
    ln => |x| x.ln();
    /// ln(1 + x), accurate near 0.
    ln1p => |x| x.ln_1p();
    /// Base-2 logarithm.
    log2 => |x| x.log2();
    /// Base-10 logarithm.
    log10 => |x| x.log10();
    /// Square root.
    sqrt => |x| x.sqrt();
    /// 1 / √x.
    rsqrt => |x| x.sqrt().recip();
    /// x².
    square => |x| x * x;
    /// 1 / x.
    recip => |x| x.recip();
    /// Sine.
    sin => |x| x.sin();
    /// Cosine.
    cos => |x| x.cos();
    /// Tangent.
    tan => |x| x.tan();
    /// Hyperbolic tangent.
    tanh => |x| x.tanh();
    /// Logistic sigmoid 1 / (1 + e^−x), stable for large |x|.
    sigmoid => |x| sigmoid_scalar(x);
    /// max(x, 0); NaN stays NaN, as in PyTorch (a NaN turned into 0 would hide the bug).
    relu => |x| if x > T::zero() || x.is_nan() { x } else { T::zero() };
    /// ln(1 + e^x), stable for large |x|.
    softplus => |x| if x > T::zero() { x + (-x).exp().ln_1p() } else { x.exp().ln_1p() };
    /// GELU with the exact Gaussian CDF: x · Φ(x) = x/2 · (1 + erf(x/√2)).
    gelu => |x| x * T::from_f64_lossy(0.5) * (T::one() + erf_scalar(x * T::FRAC_1_SQRT_2()));
    /// GELU's tanh approximation: x/2 · (1 + tanh(√(2/π)·(x + 0.044715x³))).
    gelu_tanh => |x| {
        let c = T::from_f64_lossy((2.0 / std::f64::consts::PI).sqrt());
        let k = T::from_f64_lossy(0.044715);
        T::from_f64_lossy(0.5) * x * (T::one() + (c * (x + k * x * x * x)).tanh())
    };
    /// SiLU (swish): x · σ(x).
    silu => |x| x * sigmoid_scalar(x);
    /// Gauss error function.
    erf => |x| erf_scalar(x);
    /// Largest integer ≤ x.
    floor => |x| x.floor();
    /// Smallest integer ≥ x.
    ceil => |x| x.ceil();
    /// Nearest integer, halves to the even one (`0.5` → 0, `2.5` → 2, `-1.5` → -2), as numpy's
    /// `round` and PyTorch's `torch.round` do.
    round => |x| {
        let nearest = x.round(); // halves away from zero
        let two = T::one() + T::one();
        if (nearest - x).abs() == T::one() / two {
            two * (x / two).round()
        } else {
            nearest
        }
    };
    /// −1, 0 or 1 by the sign of x (0 for ±0, NaN for NaN).
    sign => |x| if x > T::zero() { T::one() } else if x < T::zero() { -T::one() } else { x };
}

impl<T: Float> Tensor<T> {
    /// x for x > 0, `slope`·x otherwise.
    pub fn leaky_relu(&self, slope: T) -> Tensor<T> {
        unary_map(self, move |x| if x > T::zero() { x } else { slope * x })
    }
    /// x for x > 0, α·(e^x − 1) otherwise.
    pub fn elu(&self, alpha: T) -> Tensor<T> {
        unary_map(
            self,
            move |x| if x > T::zero() { x } else { alpha * x.exp_m1() },
        )
    }
    /// True where the element is NaN.
    pub fn is_nan(&self) -> Tensor<bool> {
        unary_map(self, |x| x.is_nan())
    }
    /// True where the element is finite (not NaN or ±∞).
    pub fn is_finite(&self) -> Tensor<bool> {
        unary_map(self, |x| x.is_finite())
    }
}

impl<T: Numeric + num_traits::Signed> Tensor<T> {
    /// |x|.
    pub fn abs(&self) -> Tensor<T> {
        unary_map(self, |x| x.abs())
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn round_takes_halves_to_even_as_numpy() {
        // numpy.round([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49999997, 2.6, -3.7, 1e20])
        let x = Tensor::from_vec1(vec![
            -2.5f64, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49999997, 2.6, -3.7, 1e20,
        ]);
        let r = x.round().to_vec();
        assert_eq!(r, [-2.0, -2.0, -0.0, 0.0, 2.0, 2.0, 0.0, 3.0, -4.0, 1e20]);
        assert!(r[2].is_sign_negative());
        let x = Tensor::from_vec1(vec![f32::NAN, f32::INFINITY, 4.5, 8_388_607.5]);
        let r = x.round().to_vec();
        assert!(r[0].is_nan());
        assert_eq!(r[1..], [f32::INFINITY, 4.0, 8_388_608.0]);
    }

    #[test]
    fn sigmoid_is_stable_at_extremes() {
        let s = Tensor::from_vec1(vec![-1000.0f64, 0.0, 1000.0])
            .sigmoid()
            .to_vec();
        assert_eq!(s, vec![0.0, 0.5, 1.0]);
    }

    #[test]
    fn softplus_does_not_overflow() {
        let s = Tensor::from_vec1(vec![1000.0f32, -1000.0, 0.0])
            .softplus()
            .to_vec();
        assert_eq!(s[0], 1000.0);
        assert_eq!(s[1], 0.0);
        assert!((s[2] - 2f32.ln()).abs() < 1e-7);
    }

    #[test]
    fn gelu_matches_hand_values() {
        // Φ(1) = 0.8413447460685429
        let g = Tensor::from_vec1(vec![1.0f64, 0.0, -1.0]).gelu().to_vec();
        assert!((g[0] - 0.8413447460685429).abs() < 1e-15);
        assert_eq!(g[1], 0.0);
        assert!((g[2] + 0.15865525393145707).abs() < 1e-15);
    }

    #[test]
    fn relu_family_on_a_strided_view() {
        let x = Tensor::from_vec(vec![-2.0f32, 1.0, -1.0, 3.0], [2, 2])
            .unwrap()
            .t();
        assert_eq!(x.relu().to_vec(), vec![0.0, 0.0, 1.0, 3.0]);
        let nan = Tensor::from_vec1(vec![f32::NAN, -0.5]).relu().to_vec();
        assert!(nan[0].is_nan() && nan[1] == 0.0, "{nan:?}");
        assert_eq!(x.leaky_relu(0.5).to_vec(), vec![-1.0, -0.5, 1.0, 3.0]);
        assert_eq!(x.abs().to_vec(), vec![2.0, 1.0, 1.0, 3.0]);
    }
}
