//! Every backward rule, one match arm per operation, grouped like the forward ops.
//!
//! Each rule receives the node's inputs, its output and the gradient `g` of the loss with respect
//! to the output, and returns one gradient per input (`None` where the input needs none). Rules are
//! written in `Var` operations, so under `create_graph` the gradients are themselves
//! differentiable (higher-order derivatives). Broadcast inputs get their gradient summed back to
//! their own shape with `sum_to`.

use scalpel_tensor::{Float, Shape, Tensor};

use crate::error::Result;
use crate::op::Op;
use crate::var::Var;

/// A constant (never differentiated) variable.
fn c<T: Float>(t: Tensor<T>) -> Var<T> {
    Var::constant(t)
}

fn scalar<T: Float>(x: f64) -> T {
    T::from_f64_lossy(x)
}

/// `g` (reduced over `axes`, maybe without keepdim) broadcast back to `shape`.
fn expand_reduced<T: Float>(
    g: &Var<T>,
    axes: &[isize],
    keepdim: bool,
    shape: &Shape,
) -> Result<Var<T>> {
    let mut g = g.clone();
    if !keepdim {
        let mut ax = scalpel_tensor::shape::resolve_reduction_axes("backward", axes, shape.rank())?;
        ax.sort_unstable();
        for a in ax {
            g = g.unsqueeze(a as isize)?;
        }
    }
    g.broadcast_to(shape.clone())
}

/// Number of elements reduced over `axes` of `shape`.
fn reduced_count(axes: &[isize], shape: &Shape) -> Result<usize> {
    let ax = scalpel_tensor::shape::resolve_reduction_axes("backward", axes, shape.rank())?;
    Ok(ax.iter().map(|&a| shape[a]).product())
}

/// `g ⊙ f(a)` for an element-wise derivative `f`: one fused pass over `g` and `a` when the
/// backward pass is not itself being recorded, else the differentiable composition `composed`.
fn fused<T: Float>(
    g: &Var<T>,
    a: &Var<T>,
    f: impl Fn(T, T) -> T + Sync + Send,
    composed: impl FnOnce() -> Result<Var<T>>,
) -> Result<Var<T>> {
    if crate::is_grad_enabled() {
        composed()
    } else {
        Ok(c(g.value().zip_with(&a.value(), f)?))
    }
}

/// `g` where `keep` holds, exactly 0 elsewhere (broadcasting). A selection, not a product with
/// a 0/1 mask: an infinite `g` at a rejected position then gives 0, as in PyTorch, not
/// ∞·0 = NaN (`clamp(x, 0, 1).ln()` at x < 0, say).
fn masked<T: Float>(g: &Var<T>, keep: &Tensor<bool>) -> Result<Var<T>> {
    Var::where_(keep, g, &c(Tensor::scalar(T::zero())))
}

/// Computes the gradients of a node's inputs from the gradient `g` of its output, for the
/// inputs whose `wanted` entry is true (the others get `None`).
pub(crate) fn backward<T: Float>(
    op: &Op<T>,
    inputs: &[Var<T>],
    out: &Var<T>,
    g: &Var<T>,
    wanted: &[bool],
) -> Result<Vec<Option<Var<T>>>> {
    let x = &inputs[0];
    let need = |i: usize| wanted.get(i).copied().unwrap_or(false);
    let one = |v: Var<T>| Ok(vec![Some(v)]);
    match op {
        // ---- element-wise, two inputs: d(a∘b) --------------------------------------------
        Op::Add => {
            let (a, b) = (&inputs[0], &inputs[1]);
            Ok(vec![
                if need(0) {
                    Some(g.sum_to(&a.shape())?)
                } else {
                    None
                },
                if need(1) {
                    Some(g.sum_to(&b.shape())?)
                } else {
                    None
                },
            ])
        }
        Op::Sub => {
            let (a, b) = (&inputs[0], &inputs[1]);
            Ok(vec![
                if need(0) {
                    Some(g.sum_to(&a.shape())?)
                } else {
                    None
                },
                if need(1) {
                    Some(g.neg()?.sum_to(&b.shape())?)
                } else {
                    None
                },
            ])
        }
        Op::Mul => {
            let (a, b) = (&inputs[0], &inputs[1]);
            Ok(vec![
                if need(0) {
                    Some(g.mul(b)?.sum_to(&a.shape())?)
                } else {
                    None
                },
                if need(1) {
                    Some(g.mul(a)?.sum_to(&b.shape())?)
                } else {
                    None
                },
            ])
        }
        Op::Div => {
            // d(a/b) = da/b − a·db/b²
            let (a, b) = (&inputs[0], &inputs[1]);
            Ok(vec![
                if need(0) {
                    Some(g.div(b)?.sum_to(&a.shape())?)
                } else {
                    None
                },
                if need(1) {
                    Some(g.mul(a)?.div(&b.square()?)?.neg()?.sum_to(&b.shape())?)
                } else {
                    None
                },
            ])
        }
        Op::Pow => {
            // d(a^b) = b·a^(b−1)·da + a^b·ln(a)·db
            let (a, b) = (&inputs[0], &inputs[1]);
            Ok(vec![
                if need(0) {
                    // a⁰ is constant in a: 0 where b = 0, as in PyTorch, not 0·a⁻¹ = NaN at
                    // a = 0.
                    let da = g.mul(b)?.mul(&a.pow(&b.add_scalar(-T::one())?)?)?;
                    let varying = b.value().ne_scalar(T::zero());
                    let da = if varying.all_all() {
                        da
                    } else {
                        masked(&da, &varying)?
                    };
                    Some(da.sum_to(&a.shape())?)
                } else {
                    None
                },
                if need(1) {
                    // 0^b is flat in b (b > 0) or its limit (b = 0): the derivative there is 0,
                    // as in PyTorch, not out·ln(0) = 0·(−∞) = NaN.
                    let db = g.mul(out)?.mul(&a.ln()?)?;
                    let (av, bv) = (a.value(), b.value());
                    let flat = av.eq_scalar(T::zero()).and(&bv.ge_scalar(T::zero()))?;
                    let db = if flat.any_all() {
                        let zeros = c(Tensor::zeros(db.shape()));
                        Var::where_(&flat, &zeros, &db)?
                    } else {
                        db
                    };
                    Some(db.sum_to(&b.shape())?)
                } else {
                    None
                },
            ])
        }
        Op::Maximum | Op::Minimum => {
            let (a, b) = (inputs[0].value(), inputs[1].value());
            // `wins`: a strictly beats b; `b_wins`: b strictly beats a.
            let (wins, b_wins) = if matches!(op, Op::Maximum) {
                (a.gt(&b)?, a.lt(&b)?)
            } else {
                (a.lt(&b)?, a.gt(&b)?)
            };
            // PyTorch's rule: an input gets g, half of it where the two tie, and exactly 0
            // where it loses (so both get g where a NaN makes them neither equal nor ordered).
            let ties = a.eq(&b)?;
            let half = g.mul_scalar(scalar(0.5))?;
            let share = |loses: &Tensor<bool>| masked(&Var::where_(&ties, &half, g)?, &loses.not());
            Ok(vec![
                if need(0) {
                    Some(share(&b_wins)?.sum_to(&inputs[0].shape())?)
                } else {
                    None
                },
                if need(1) {
                    Some(share(&wins)?.sum_to(&inputs[1].shape())?)
                } else {
                    None
                },
            ])
        }
        Op::Where(mask) => Ok(vec![
            if need(0) {
                Some(masked(g, mask)?.sum_to(&inputs[0].shape())?)
            } else {
                None
            },
            if need(1) {
                Some(masked(g, &mask.not())?.sum_to(&inputs[1].shape())?)
            } else {
                None
            },
        ]),
        // ---- element-wise with a scalar -------------------------------------------------
        Op::AddScalar => one(g.clone()),
        Op::MulScalar(s) => one(g.mul_scalar(*s)?),
        // x⁰ is constant: its derivative is 0 everywhere, x = 0 included (p·x^(p−1) = 0·∞ there).
        Op::PowScalar(p) if *p == T::zero() => one(c(Tensor::zeros(x.shape()))),
        Op::PowScalar(p) => one(g.mul(&x.powf(*p - T::one())?.mul_scalar(*p)?)?),
        Op::RdivScalar(_) => one(g.mul(out)?.div(x)?.neg()?), // d(s/x) = −s/x² = −out/x
        // ---- unary ------------------------------------------------------------------------
        Op::Neg => one(g.neg()?),
        Op::Exp => one(g.mul(out)?),
        Op::Expm1 => one(g.mul(&out.add_scalar(T::one())?)?),
        Op::Ln => one(g.div(x)?),
        Op::Ln1p => one(g.div(&x.add_scalar(T::one())?)?),
        Op::Sqrt => one(g.div(&out.mul_scalar(scalar(2.0))?)?),
        Op::Square => one(g.mul(&x.mul_scalar(scalar(2.0))?)?),
        Op::Recip => one(g.mul(&out.square()?)?.neg()?),
        Op::Abs => one(g.mul(&c(x.value().sign()))?),
        Op::Sin => one(g.mul(&x.cos()?)?),
        Op::Cos => one(g.mul(&x.sin()?)?.neg()?),
        Op::Tanh => one(fused(
            g,
            out,
            |g, y| g * (T::one() - y * y),
            || {
                g.mul(&out.square()?.rsub_scalar(T::one())?) // 1 − tanh²
            },
        )?),
        Op::Sigmoid => one(fused(
            g,
            out,
            |g, y| g * y * (T::one() - y),
            || {
                g.mul(&out.mul(&out.rsub_scalar(T::one())?)?) // σ(1 − σ)
            },
        )?),
        Op::Relu => one(fused(
            g,
            x,
            |g, x| if x > T::zero() { g } else { T::zero() },
            || masked(g, &x.value().gt_scalar(T::zero())),
        )?),
        Op::LeakyRelu(slope) => {
            let m = x.value().gt_scalar(T::zero()).to_numeric::<T>();
            let factor = m.mul_scalar(T::one() - *slope).add_scalar(*slope); // 1 or slope
            one(g.mul(&c(factor))?)
        }
        Op::Elu(alpha) => {
            // x > 0: 1, else α·eˣ = out + α
            let m = c(x.value().gt_scalar(T::zero()).to_numeric::<T>());
            let neg_branch = out.add_scalar(*alpha)?.mul(&m.rsub_scalar(T::one())?)?;
            one(g.mul(&neg_branch.add(&m)?)?)
        }
        Op::Gelu => {
            // d/dx x·Φ(x) = Φ(x) + x·φ(x)
            let cdf = x
                .mul_scalar(T::FRAC_1_SQRT_2())?
                .erf()?
                .add_scalar(T::one())?
                .mul_scalar(scalar(0.5))?;
            let pdf = x
                .square()?
                .mul_scalar(scalar(-0.5))?
                .exp()?
                .mul_scalar(scalar(1.0 / (2.0 * std::f64::consts::PI).sqrt()))?;
            one(g.mul(&cdf.add(&x.mul(&pdf)?)?)?)
        }
        Op::GeluTanh => {
            // u = c·(x + k·x³): d/dx = (1 + tanh u)/2 + x/2·(1 − tanh² u)·c·(1 + 3k·x²)
            //
            // Past |x| = 1000, tanh u is exactly ±1 in f32 and f64, so the derivative is its
            // limit, 0 or 1. Computed from x itself, x² and x³ would overflow there (f32: |x| >
            // 1.8e19) and the second term would read 0·∞ = NaN, in this derivative and the next;
            // so it is computed from x clamped to ±1000, which changes nothing inside.
            let (c, k) = ((2.0 / std::f64::consts::PI).sqrt(), 0.044715);
            let xc = x.clamp(scalar(-1000.0), scalar(1000.0))?;
            let x2 = xc.square()?;
            let th = xc
                .mul(&x2.mul_scalar(scalar(k))?.add_scalar(T::one())?)?
                .mul_scalar(scalar(c))?
                .tanh()?;
            let du = x2.mul_scalar(scalar(3.0 * k * c))?.add_scalar(scalar(c))?;
            let slope = th.square()?.rsub_scalar(T::one())?.mul(&du)?.mul(&xc)?;
            let d = th
                .add_scalar(T::one())?
                .add(&slope)?
                .mul_scalar(scalar(0.5))?;
            one(g.mul(&d)?)
        }
        Op::Softplus => one(g.mul(&x.sigmoid()?)?),
        Op::Silu => {
            // σ + x·σ·(1 − σ) = σ·(1 + x·(1 − σ))
            let s = x.sigmoid()?;
            one(g.mul(&s.mul(&x.mul(&s.rsub_scalar(T::one())?)?.add_scalar(T::one())?)?)?)
        }
        Op::Erf => {
            // 2/√π · e^(−x²)
            let d = x.square()?.neg()?.exp()?.mul_scalar(T::FRAC_2_SQRT_PI())?;
            one(g.mul(&d)?)
        }
        Op::Clamp(lo, hi) => {
            let v = x.value();
            let inside = v.ge_scalar(*lo).and(&v.le_scalar(*hi))?;
            one(masked(g, &inside)?)
        }
        // ---- reductions ---------------------------------------------------------------------
        Op::Sum { axes, keepdim } => one(expand_reduced(g, axes, *keepdim, &x.shape())?),
        Op::Mean { axes, keepdim } => {
            let n = reduced_count(axes, &x.shape())?;
            one(expand_reduced(g, axes, *keepdim, &x.shape())?
                .mul_scalar(scalar(1.0 / n as f64))?)
        }
        Op::Variance {
            axes,
            correction,
            keepdim,
        } => {
            // d var = 2·(x − mean)/(N − correction)
            let n = reduced_count(axes, &x.shape())?;
            let centered = x.sub(&x.mean(axes, true)?)?;
            let k = scalar::<T>(2.0 / (n as f64 - *correction as f64));
            one(expand_reduced(g, axes, *keepdim, &x.shape())?
                .mul(&centered)?
                .mul_scalar(k)?)
        }
        Op::Max { axes, keepdim } | Op::Min { axes, keepdim } => {
            // Shared evenly among the elements equal to the extremum.
            let v = x.value();
            let ext = if *keepdim {
                out.value()
            } else {
                expand_reduced(&out.detach(), axes, false, &x.shape())?.value()
            };
            let hit = v
                .eq(&ext.broadcast_to(v.shape().clone())?)?
                .to_numeric::<T>();
            let count = hit.sum(axes, true)?;
            let w = hit.div(&count)?;
            one(expand_reduced(g, axes, *keepdim, &x.shape())?.mul(&c(w))?)
        }
        Op::Norm { p, axes, keepdim } => {
            // sign(x)·|x|^(p−1) / ‖x‖^(p−1), which is x / ‖x‖ for p = 2; 0 under a zero norm
            // and, as in PyTorch, at zero elements. Each division and power sees 1 where its
            // argument is 0 and the result is masked, so no 0·∞ reaches any order.
            let shape = x.shape();
            let norm = expand_reduced(out, axes, *keepdim, &shape)?;
            let zero_norm = norm.value().eq_scalar(T::zero());
            let one_ = c(Tensor::scalar(T::one()));
            let norm = Var::where_(&zero_norm, &one_, &norm)?;
            let ratio = if *p == scalar(2.0) {
                x.div(&norm)?
            } else {
                let q = *p - T::one();
                let magnitude = Var::where_(&x.value().eq_scalar(T::zero()), &one_, &x.abs()?)?;
                c(x.value().sign())
                    .mul(&magnitude.powf(q)?)?
                    .div(&norm.powf(q)?)?
            };
            let ratio = Var::where_(&zero_norm, &c(Tensor::scalar(T::zero())), &ratio)?;
            one(expand_reduced(g, axes, *keepdim, &shape)?.mul(&ratio)?)
        }
        Op::LogSumExp { axes, keepdim } => {
            // softmax over the reduced axes: e^(x − lse)
            let lse = if *keepdim {
                out.clone()
            } else {
                expand_reduced(out, axes, false, &x.shape())?
            };
            one(expand_reduced(g, axes, *keepdim, &x.shape())?.mul(&x.sub(&lse)?.exp()?)?)
        }
        Op::Softmax(axis) => {
            // y·(g − Σ g·y)
            let s = g.mul(out)?.sum(&[*axis], true)?;
            one(out.mul(&g.sub(&s)?)?)
        }
        Op::LogSoftmax(axis) => {
            // g − softmax·Σg
            let s = g.sum(&[*axis], true)?;
            one(g.sub(&out.exp()?.mul(&s)?)?)
        }
        // Each input element feeds every later output: the gradient is the reversed running
        // sum of g. A 0-d input is its own running sum.
        Op::Cumsum(_) if x.rank() == 0 => one(g.clone()),
        Op::Cumsum(axis) => one(g.flip(&[*axis])?.cumsum(*axis)?.flip(&[*axis])?),
        // ---- linear algebra ---------------------------------------------------------------
        Op::Matmul => matmul_backward(&inputs[0], &inputs[1], g, need(0), need(1)),
        // ---- views ------------------------------------------------------------------------
        Op::Reshape => one(g.reshape(x.shape())?),
        Op::Permute(perm) => {
            let mut inverse = vec![0isize; perm.len()];
            for (i, &p) in perm.iter().enumerate() {
                inverse[p] = i as isize;
            }
            one(g.permute(&inverse)?)
        }
        Op::Slice { axis, start, step } => one(g.slice_grad(&x.shape(), *axis, *start, *step)?),
        Op::SliceGrad { axis, start, step } => {
            let n = x.dims()[*axis];
            let end = start.saturating_add(step.saturating_mul(n));
            one(g.slice(*axis as isize, *start, end, *step)?)
        }
        Op::Select { axis, index } => {
            one(g
                .unsqueeze(*axis as isize)?
                .slice_grad(&x.shape(), *axis, *index, 1)?)
        }
        Op::Diagonal {
            offset,
            axis1,
            axis2,
        } => one(g.diagonal_grad(&x.shape(), *offset, *axis1, *axis2)?),
        Op::DiagonalGrad {
            offset,
            axis1,
            axis2,
        } => one(g.diagonal(*offset, *axis1 as isize, *axis2 as isize)?),
        Op::Squeeze(axis) => one(g.unsqueeze(*axis as isize)?),
        Op::Unsqueeze(axis) => one(g.squeeze(*axis as isize)?),
        Op::Expand => one(g.sum_to(&x.shape())?),
        Op::Flip(axes) => one(g.flip(axes)?),
        // ---- indexing, joining, convolution, pooling, custom -------------------------------
        _ => crate::backward_index::backward(op, inputs, out, g, wanted),
    }
}

/// Gradients of `a @ b` (torch.matmul semantics): 1-D operands are promoted to matrices, the
/// products computed in matrix form, and broadcast batch dimensions summed back.
fn matmul_backward<T: Float>(
    a: &Var<T>,
    b: &Var<T>,
    g: &Var<T>,
    need_a: bool,
    need_b: bool,
) -> Result<Vec<Option<Var<T>>>> {
    let a2 = if a.rank() == 1 {
        a.unsqueeze(0)?
    } else {
        a.clone()
    };
    let b2 = if b.rank() == 1 {
        b.unsqueeze(1)?
    } else {
        b.clone()
    };
    // The gradient in the promoted (…, n, m) form.
    let (n, m) = (a2.dims()[a2.rank() - 2], b2.dims()[b2.rank() - 1]);
    let mut gshape = g.dims();
    if a.rank() == 1 {
        gshape.insert(gshape.len() - usize::from(b.rank() != 1), 1);
    }
    if b.rank() == 1 {
        gshape.push(1);
    }
    debug_assert_eq!(gshape[gshape.len() - 2..], [n, m]);
    let g2 = g.reshape(gshape)?;
    // A plain matrix stored transposed (a Linear layer's weight used as `weightᵀ`) gets its
    // gradient computed transposed as well, `(g·bᵀ)ᵀ = b·gᵀ`, so that the gradient handed back
    // through the transpose is contiguous like the parameter instead of a strided view that
    // every later reader (accumulation, the optimizer) would have to gather.
    let plain = a.rank() == 2 && b.rank() == 2;
    let ga = if need_a && plain && is_stored_transposed(a) {
        Some(b.matmul(&g2.t()?)?.t()?)
    } else if need_a {
        Some(
            g2.matmul(&b2.t()?)?
                .sum_to(&a2.shape())?
                .reshape(a.shape())?,
        )
    } else {
        None
    };
    let gb = if need_b && plain && is_stored_transposed(b) {
        Some(g2.t()?.matmul(a)?.t()?)
    } else if need_b {
        Some(
            a2.t()?
                .matmul(&g2)?
                .sum_to(&b2.shape())?
                .reshape(b.shape())?,
        )
    } else {
        None
    };
    Ok(vec![ga, gb])
}

/// Whether `v` is a non-contiguous matrix whose transpose is contiguous.
fn is_stored_transposed<T: Float>(v: &Var<T>) -> bool {
    let value = v.value();
    !value.is_contiguous() && value.t().is_contiguous()
}
