//! Backward rules of indexing and joining, convolution and pooling, and the dispatch to custom
//! operations (the continuation of `backward.rs`).

use scalpel_tensor::ops::conv::conv_output_len;
use scalpel_tensor::{Float, Tensor};

use crate::error::{AutogradError, Result};
use crate::op::Op;
use crate::var::Var;

/// Gradients for the operations not handled in `backward.rs`, for the inputs whose `wanted`
/// entry is true.
pub(crate) fn backward<T: Float>(
    op: &Op<T>,
    inputs: &[Var<T>],
    out: &Var<T>,
    g: &Var<T>,
    wanted: &[bool],
) -> Result<Vec<Option<Var<T>>>> {
    let x = &inputs[0];
    let need = |i: usize| wanted.get(i).copied().unwrap_or(false);
    let zeros_like = |v: &Var<T>| Var::constant(Tensor::zeros(v.shape()));
    match op {
        // ---- indexing and joining ----------------------------------------------------------
        Op::Concat { axis, sizes } => {
            let mut start = 0;
            let mut grads = Vec::with_capacity(sizes.len());
            for (i, &n) in sizes.iter().enumerate() {
                grads.push(if need(i) {
                    Some(g.narrow(*axis as isize, start, n)?)
                } else {
                    None
                });
                start += n;
            }
            Ok(grads)
        }
        // gather reads, so its gradient scatters back (duplicates accumulate)
        Op::Gather { axis, index } => Ok(vec![Some(zeros_like(x).scatter_add(
            *axis as isize,
            index,
            g,
        )?)]),
        Op::ScatterAdd { axis, index } => {
            let src = &inputs[1];
            let gsrc = if need(1) {
                let gathered = g.gather(*axis as isize, index)?;
                // src may be larger than index; its extra elements were not used.
                let pads: Vec<(usize, usize)> = src
                    .dims()
                    .iter()
                    .zip(index.dims())
                    .map(|(&s, &i)| (0, s - i))
                    .collect();
                Some(if pads.iter().all(|p| p.1 == 0) {
                    gathered
                } else {
                    gathered.pad(&pads, T::zero())?
                })
            } else {
                None
            };
            Ok(vec![if need(0) { Some(g.clone()) } else { None }, gsrc])
        }
        Op::IndexSelect { axis, index } => Ok(vec![Some(zeros_like(x).index_add(
            *axis as isize,
            index,
            g,
        )?)]),
        Op::IndexAdd { axis, index } => Ok(vec![
            if need(0) { Some(g.clone()) } else { None },
            if need(1) {
                Some(g.index_select(*axis as isize, index)?)
            } else {
                None
            },
        ]),
        Op::Pad { widths } => {
            let lead = x.rank() - widths.len();
            let mut gx = g.clone();
            for (i, &(before, _)) in widths.iter().enumerate() {
                let ax = lead + i;
                gx = gx.narrow(ax as isize, before, x.dims()[ax])?;
            }
            Ok(vec![Some(gx)])
        }
        // ---- convolution: F(x, w, g) = ⟨conv2d(x, w), g⟩ is trilinear -------------------------
        Op::Conv2d(p) => {
            // inputs: x, w and, when there is one, the bias, whose gradient sums g over
            // everything but the channels.
            let w = &inputs[1];
            let mut grads = vec![
                if need(0) {
                    Some(g.conv2d_grad_input(w, &x.shape(), *p)?)
                } else {
                    None
                },
                if need(1) {
                    Some(x.conv2d_grad_weight(g, &w.shape(), *p)?)
                } else {
                    None
                },
            ];
            if inputs.len() > 2 {
                grads.push(if need(2) {
                    Some(g.sum(&[0, 2, 3], false)?)
                } else {
                    None
                });
            }
            Ok(grads)
        }
        Op::Conv2dGradInput(params) => {
            // out = ∂F/∂x (g = inputs[0], w = inputs[1]); ⟨out, h⟩ = F(h, w, g)
            let w = &inputs[1];
            let dg = if need(0) {
                let y = g.conv2d(w, None, *params)?;
                // A transposed convolution with output padding ≥ stride is the restriction of
                // the adjoint; crop the surplus rows and columns.
                let (want, have) = (x.dims(), y.dims());
                Some(if want == have {
                    y
                } else {
                    y.narrow(2, 0, want[2])?.narrow(3, 0, want[3])?
                })
            } else {
                None
            };
            let dw = if need(1) {
                // With that output padding, x covers only the first rows and columns of the
                // convolution of g: extend it with zeros to the full output.
                let (ws, hd, xd) = (w.dims(), g.dims(), x.dims());
                let full = |i: usize| {
                    let (s, p, d) = [
                        (params.stride.0, params.padding.0, params.dilation.0),
                        (params.stride.1, params.padding.1, params.dilation.1),
                    ][i];
                    conv_output_len(hd[2 + i], ws[2 + i], s, p, d).unwrap_or(xd[2 + i])
                };
                let (oh, ow) = (full(0), full(1));
                let x_full = if (oh, ow) == (xd[2], xd[3]) {
                    x.clone()
                } else {
                    x.pad(&[(0, oh - xd[2]), (0, ow - xd[3])], T::zero())?
                };
                Some(g.conv2d_grad_weight(&x_full, &w.shape(), *params)?)
            } else {
                None
            };
            Ok(vec![dg, dw])
        }
        Op::Conv2dGradWeight(params) => {
            // out = ∂F/∂w (x = inputs[0], g = inputs[1]); ⟨out, h⟩ = F(x, h, g)
            let go = &inputs[1];
            Ok(vec![
                if need(0) {
                    Some(go.conv2d_grad_input(g, &x.shape(), *params)?)
                } else {
                    None
                },
                if need(1) {
                    Some(x.conv2d(g, None, *params)?)
                } else {
                    None
                },
            ])
        }
        // ---- pooling: each backward is linear in the gradient, its adjoint the forward -----------
        Op::MaxPool2d { indices } => Ok(vec![Some(g.max_pool2d_grad(indices, &x.shape())?)]),
        Op::MaxPool2dGrad { indices } => {
            // out[n, c, idx] += x ⇒ d/dx = h gathered at idx within each plane
            let (n, c) = (x.dims()[0], x.dims()[1]);
            let plane = g.flatten(2, 3)?;
            let idx = indices.reshape([n, c, indices.numel() / (n * c).max(1)])?;
            Ok(vec![Some(plane.gather(2, &idx)?.reshape(x.shape())?)])
        }
        Op::AvgPool2d(w) => Ok(vec![Some(g.avg_pool2d_grad(&x.shape(), *w)?)]),
        Op::AvgPool2dGrad(w) => Ok(vec![Some(g.avg_pool2d(
            w.kernel,
            w.stride,
            w.padding,
            w.count_include_pad,
        )?)]),
        Op::AdaptiveAvgPool2d => Ok(vec![Some(g.adaptive_avg_pool2d_grad(&x.shape())?)]),
        Op::AdaptiveAvgPool2dGrad => {
            let (h, w) = (x.dims()[2], x.dims()[3]);
            Ok(vec![Some(g.adaptive_avg_pool2d((h, w))?)])
        }
        Op::Custom(custom) => custom.backward(inputs, out, g),
        other => Err(AutogradError::NoGradient(format!(
            "no backward rule for `{}`",
            other.name()
        ))),
    }
}
