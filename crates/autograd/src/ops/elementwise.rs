//! Element-wise operations on variables: arithmetic with broadcasting, scalar ops, activations.

use scalpel_tensor::{Float, Tensor};

use crate::error::Result;
use crate::op::Op;
use crate::var::Var;

macro_rules! binary {
    ($($(#[$doc:meta])* $name:ident => $op:ident;)*) => {
        impl<T: Float> Var<T> {
            $(
                $(#[$doc])*
                ///
                /// # Errors
                /// Shapes that do not broadcast; anomaly mode.
                pub fn $name(&self, other: &Var<T>) -> Result<Var<T>> {
                    let v = self.value().$name(&other.value())?;
                    Var::from_op(v, Op::$op, vec![self.clone(), other.clone()])
                }
            )*
        }
    };
}

binary! {
    /// `self + other`, broadcasting.
    add => Add;
    /// `self - other`, broadcasting.
    sub => Sub;
    /// `self * other` element-wise, broadcasting.
    mul => Mul;
    /// `self / other` element-wise, broadcasting.
    div => Div;
    /// `self ^ other` element-wise, broadcasting.
    pow => Pow;
    /// Element-wise maximum (ties split the gradient evenly).
    maximum => Maximum;
    /// Element-wise minimum (ties split the gradient evenly).
    minimum => Minimum;
}

macro_rules! unary {
    ($($(#[$doc:meta])* $name:ident => $op:ident;)*) => {
        impl<T: Float> Var<T> {
            $(
                $(#[$doc])*
                ///
                /// # Errors
                /// Anomaly mode rejects a non-finite result.
                pub fn $name(&self) -> Result<Var<T>> {
                    Var::from_op(self.value().$name(), Op::$op, vec![self.clone()])
                }
            )*
        }
    };
}

unary! {
    /// −x.
    neg => Neg;
    /// e^x.
    exp => Exp;
    /// e^x − 1.
    expm1 => Expm1;
    /// Natural logarithm.
    ln => Ln;
    /// ln(1 + x).
    ln1p => Ln1p;
    /// √x.
    sqrt => Sqrt;
    /// x².
    square => Square;
    /// 1/x.
    recip => Recip;
    /// |x| (gradient sign(x), 0 at 0).
    abs => Abs;
    /// sin x.
    sin => Sin;
    /// cos x.
    cos => Cos;
    /// tanh x.
    tanh => Tanh;
    /// Logistic sigmoid.
    sigmoid => Sigmoid;
    /// max(x, 0) (gradient 0 at 0).
    relu => Relu;
    /// GELU with the exact Gaussian CDF.
    gelu => Gelu;
    /// GELU's tanh approximation, x/2·(1 + tanh(√(2/π)·(x + 0.044715x³))) (PyTorch's
    /// `approximate='tanh'`, the form of GPT-2 and BERT).
    gelu_tanh => GeluTanh;
    /// ln(1 + e^x).
    softplus => Softplus;
    /// x·σ(x).
    silu => Silu;
    /// Gauss error function.
    erf => Erf;
}

impl<T: Float> Var<T> {
    /// `self + s`.
    ///
    /// # Errors
    /// Anomaly mode.
    pub fn add_scalar(&self, s: T) -> Result<Var<T>> {
        Var::from_op(
            self.value().add_scalar(s),
            Op::AddScalar,
            vec![self.clone()],
        )
    }
    /// `self - s`.
    ///
    /// # Errors
    /// Anomaly mode.
    pub fn sub_scalar(&self, s: T) -> Result<Var<T>> {
        self.add_scalar(-s)
    }
    /// `self * s`.
    ///
    /// # Errors
    /// Anomaly mode.
    pub fn mul_scalar(&self, s: T) -> Result<Var<T>> {
        Var::from_op(
            self.value().mul_scalar(s),
            Op::MulScalar(s),
            vec![self.clone()],
        )
    }
    /// `self / s`.
    ///
    /// # Errors
    /// Anomaly mode.
    pub fn div_scalar(&self, s: T) -> Result<Var<T>> {
        self.mul_scalar(s.recip())
    }
    /// `s - self`.
    ///
    /// # Errors
    /// Anomaly mode.
    pub fn rsub_scalar(&self, s: T) -> Result<Var<T>> {
        self.neg()?.add_scalar(s)
    }
    /// `s / self`.
    ///
    /// # Errors
    /// Anomaly mode.
    pub fn rdiv_scalar(&self, s: T) -> Result<Var<T>> {
        Var::from_op(
            self.value().rdiv_scalar(s),
            Op::RdivScalar(s),
            vec![self.clone()],
        )
    }
    /// `self ^ p` for a constant exponent.
    ///
    /// # Errors
    /// Anomaly mode.
    pub fn powf(&self, p: T) -> Result<Var<T>> {
        Var::from_op(self.value().powf(p), Op::PowScalar(p), vec![self.clone()])
    }
    /// x for x > 0, `slope`·x otherwise.
    ///
    /// # Errors
    /// Anomaly mode.
    pub fn leaky_relu(&self, slope: T) -> Result<Var<T>> {
        Var::from_op(
            self.value().leaky_relu(slope),
            Op::LeakyRelu(slope),
            vec![self.clone()],
        )
    }
    /// x for x > 0, α·(e^x − 1) otherwise.
    ///
    /// # Errors
    /// Anomaly mode.
    pub fn elu(&self, alpha: T) -> Result<Var<T>> {
        Var::from_op(self.value().elu(alpha), Op::Elu(alpha), vec![self.clone()])
    }
    /// Limits to `[min, max]`; the gradient flows where `min ≤ x ≤ max`.
    ///
    /// # Errors
    /// `min > max` or a NaN bound (see [`Tensor::clamp`]); anomaly mode.
    pub fn clamp(&self, min: T, max: T) -> Result<Var<T>> {
        Var::from_op(
            self.value().clamp(min, max)?,
            Op::Clamp(min, max),
            vec![self.clone()],
        )
    }
    /// `mask ? on_true : on_false`, all broadcast together.
    ///
    /// # Errors
    /// Shapes that do not broadcast; anomaly mode.
    pub fn where_(mask: &Tensor<bool>, on_true: &Var<T>, on_false: &Var<T>) -> Result<Var<T>> {
        let v = Tensor::where_(mask, &on_true.value(), &on_false.value())?;
        Var::from_op(
            v,
            Op::Where(mask.clone()),
            vec![on_true.clone(), on_false.clone()],
        )
    }
}
