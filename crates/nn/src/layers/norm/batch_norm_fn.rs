//! Batch normalisation as functions (book §5.3): the training form is one fused operation with
//! the book's hand-derived backward; the evaluation form is an affine map built from `Var` ops.

use std::borrow::Cow;

use rayon::prelude::*;
use scalpel_autograd::{is_grad_enabled, CustomOp, Result, Var};
use scalpel_tensor::ops::elementwise::PARALLEL_THRESHOLD;
use scalpel_tensor::{Float, Shape, Tensor, TensorError};

/// The elements of `t` in row-major order, borrowed when `t` is contiguous.
fn row_major<T: Float>(t: &Tensor<T>) -> Cow<'_, [T]> {
    match t.as_slice() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(t.to_vec()),
    }
}

/// Per-channel statistics of a training batch, for updating running statistics.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchStats<T: Float> {
    /// Mean of each channel, `(C,)`.
    pub mean: Tensor<T>,
    /// Biased (population) variance of each channel, `(C,)`: the one used to normalise.
    pub var: Tensor<T>,
    /// Number of values per channel, N·(spatial size).
    pub count: usize,
}

impl<T: Float> BatchStats<T> {
    /// The unbiased variance var·n/(n − 1), the one running statistics track.
    pub fn unbiased_var(&self) -> Tensor<T> {
        let n = self.count as f64;
        self.var
            .mul_scalar(T::from_f64_lossy(n / (n - 1.0).max(1.0)))
    }
}

/// The geometry of a batch-norm input `(N, C, *S)`: channels, values per channel, and the
/// shape `(1, C, 1, …)` that per-channel tensors broadcast from.
struct Geometry {
    channels: usize,
    spatial: usize,
    count: usize,
    param_shape: Vec<usize>,
    axes: Vec<isize>,
}

fn geometry(op: &'static str, dims: &[usize]) -> Result<Geometry> {
    if dims.len() < 2 {
        return Err(TensorError::shape(
            op,
            &Shape::from(dims),
            "expected (N, C) or (N, C, …) with channels on axis 1",
        )
        .into());
    }
    let spatial: usize = dims[2..].iter().product();
    let mut param_shape = vec![1; dims.len()];
    param_shape[1] = dims[1];
    let axes = std::iter::once(0).chain(2..dims.len() as isize).collect();
    Ok(Geometry {
        channels: dims[1],
        spatial,
        count: dims[0] * spatial,
        param_shape,
        axes,
    })
}

/// Checks that a per-channel tensor of shape `shape` is `(C,)`.
fn check_channels(op: &'static str, what: &str, shape: Option<Shape>, c: usize) -> Result<()> {
    match shape {
        Some(s) if s.dims() != [c] => {
            Err(
                TensorError::shape(op, &s, format!("{what} must be (C,) with C = {c} channels"))
                    .into(),
            )
        }
        _ => Ok(()),
    }
}

/// Batch normalisation of a training batch: each channel of `x` `(N, C, …)` is normalised with
/// the batch's mean and biased variance, x̂ = (x − μ)/√(σ² + eps), then scaled and shifted,
/// y = γ·x̂ + β (`weight` γ and `bias` β are `(C,)`; absent means 1 and 0).
///
/// One fused operation: the forward pass is a direct loop over the channels, and the backward
/// is the book's formula, dx = (1/N)·γ·σ⁻¹·(N·dy − Σdy − x̂·Σ(dy·x̂)), dγ = Σ(dy·x̂), dβ = Σdy,
/// written in `Var` operations so that it can be differentiated again. Returns the output and
/// the batch statistics (for running averages).
///
/// # Errors
/// Fewer than 2 axes, parameters that are not `(C,)`, or a single value per channel (its
/// variance is undefined).
pub fn batch_norm_train<T: Float>(
    x: &Var<T>,
    weight: Option<&Var<T>>,
    bias: Option<&Var<T>>,
    eps: f64,
) -> Result<(Var<T>, BatchStats<T>)> {
    let dims = x.dims();
    let g = geometry("batch_norm", &dims)?;
    check_channels("batch_norm", "weight", weight.map(Var::shape), g.channels)?;
    check_channels("batch_norm", "bias", bias.map(Var::shape), g.channels)?;
    if g.count < 2 {
        return Err(TensorError::shape(
            "batch_norm",
            &x.shape(),
            "training needs more than one value per channel",
        )
        .into());
    }
    let x_value = x.value();
    let data = row_major(&x_value);
    let gamma = weight.map(|w| w.value().to_vec());
    let beta = bias.map(|b| b.value().to_vec());
    let (c, s) = (g.channels, g.spatial);
    let kernel = PlaneKernel::new(&data, dims[0], c, s);
    // Two passes in f64 per channel: the mean, then the spread around it (stable for large
    // means).
    let stats: Vec<(T, T, T)> = kernel.per_channel(|ch| {
        let mu = kernel.channel_sum(ch, |v| v.to_f64_lossy()) / g.count as f64;
        let sq = kernel.channel_sum(ch, |v| {
            let d = v.to_f64_lossy() - mu;
            d * d
        });
        let sigma2 = sq / g.count as f64;
        (
            T::from_f64_lossy(mu),
            T::from_f64_lossy(sigma2),
            T::from_f64_lossy(1.0 / (sigma2 + eps).sqrt()),
        )
    });
    let y = kernel.map_planes(|p, x, y| {
        let ch = p % c;
        let (m, _, inv) = stats[ch];
        let ga = gamma.as_ref().map_or(T::one(), |v| v[ch]);
        let be = beta.as_ref().map_or(T::zero(), |v| v[ch]);
        let (scale, shift) = (inv * ga, be - m * inv * ga);
        for (y, &x) in y.iter_mut().zip(x) {
            *y = x * scale + shift;
        }
    });
    let mean: Vec<T> = stats.iter().map(|s| s.0).collect();
    let var: Vec<T> = stats.iter().map(|s| s.1).collect();
    let inv_std: Vec<T> = stats.iter().map(|s| s.2).collect();
    let mut inputs = vec![x.clone()];
    inputs.extend(weight.cloned());
    inputs.extend(bias.cloned());
    let op = BatchNormOp {
        has_weight: weight.is_some(),
        has_bias: bias.is_some(),
        eps: T::from_f64_lossy(eps),
        batch: dims[0],
        spatial: s,
        mean: mean.clone(),
        inv_std,
        param_shape: g.param_shape,
        axes: g.axes,
    };
    let stats = BatchStats {
        mean: Tensor::from_vec1(mean),
        var: Tensor::from_vec1(var),
        count: g.count,
    };
    let y = Var::from_custom(Tensor::from_vec(y, dims)?, &inputs, op)?;
    Ok((y, stats))
}

/// Batch normalisation with fixed statistics (evaluation mode): y = γ·(x − mean)/√(var + eps) + β
/// per channel, computed as one scale and one shift. Differentiable in `x`, `weight` and `bias`.
///
/// # Errors
/// Fewer than 2 axes, or statistics and parameters that are not `(C,)`.
pub fn batch_norm_eval<T: Float>(
    x: &Var<T>,
    running_mean: &Tensor<T>,
    running_var: &Tensor<T>,
    weight: Option<&Var<T>>,
    bias: Option<&Var<T>>,
    eps: f64,
) -> Result<Var<T>> {
    let g = geometry("batch_norm", &x.dims())?;
    check_channels("batch_norm", "weight", weight.map(Var::shape), g.channels)?;
    check_channels("batch_norm", "bias", bias.map(Var::shape), g.channels)?;
    for (what, t) in [("running_mean", running_mean), ("running_var", running_var)] {
        check_channels("batch_norm", what, Some(t.shape().clone()), g.channels)?;
    }
    let inv_std = Var::constant(running_var.add_scalar(T::from_f64_lossy(eps)).rsqrt());
    let scale = match weight {
        Some(w) => w.mul(&inv_std)?,
        None => inv_std,
    };
    let shift = scale.mul(&Var::constant(running_mean.clone()))?.neg()?;
    let shift = match bias {
        Some(b) => shift.add(b)?,
        None => shift,
    };
    x.mul(&scale.reshape(g.param_shape.clone())?)?
        .add(&shift.reshape(g.param_shape)?)
}

/// The fused training-mode batch norm: inputs `[x, weight?, bias?]`.
/// An `(N, C, S)` row-major block of values (S = the product of the spatial sizes), walked
/// by channel to gather statistics and by plane (one `S`-long run of one channel of one sample)
/// to write results. Both walks use the rayon pool when the block is large.
struct PlaneKernel<'a, T> {
    data: &'a [T],
    batch: usize,
    channels: usize,
    spatial: usize,
}

impl<'a, T: Float> PlaneKernel<'a, T> {
    fn new(data: &'a [T], batch: usize, channels: usize, spatial: usize) -> Self {
        PlaneKernel {
            data,
            batch,
            channels,
            spatial,
        }
    }

    fn parallel(&self) -> bool {
        self.data.len() >= PARALLEL_THRESHOLD && rayon::current_num_threads() > 1
    }

    /// Plane `p` (sample `p / C`, channel `p % C`).
    fn plane(&self, p: usize) -> &'a [T] {
        &self.data[p * self.spatial..(p + 1) * self.spatial]
    }

    /// `f(channel)` for every channel, in order.
    fn per_channel<R: Send>(&self, f: impl Fn(usize) -> R + Sync + Send) -> Vec<R> {
        if self.parallel() && self.channels > 1 {
            scalpel_tensor::parallel::region(|| (0..self.channels).into_par_iter().map(f).collect())
        } else {
            (0..self.channels).map(f).collect()
        }
    }

    /// Σ f(v) over the values of channel `ch`, in f64.
    fn channel_sum(&self, ch: usize, f: impl Fn(T) -> f64) -> f64 {
        (0..self.batch)
            .map(|n| lane_sum(self.plane(n * self.channels + ch), None, |a, _| f(a)))
            .sum()
    }

    /// Σ f(v, w) over the values of channel `ch` here (v) and in `other` (w), in f64.
    fn channel_dot(&self, other: &PlaneKernel<'_, T>, ch: usize, f: impl Fn(T, T) -> f64) -> f64 {
        (0..self.batch)
            .map(|n| {
                let p = n * self.channels + ch;
                lane_sum(self.plane(p), Some(other.plane(p)), &f)
            })
            .sum()
    }

    /// A new block of the same size whose plane `p` is written by `f(p, plane p here, out)`.
    fn map_planes(&self, f: impl Fn(usize, &[T], &mut [T]) + Sync + Send) -> Vec<T> {
        let mut out = vec![T::zero(); self.data.len()];
        if self.spatial == 0 {
            return out;
        }
        // Groups of whole planes of at least a few thousand values per task.
        let per_task = (4096 / self.spatial).max(1);
        let task = |(k, chunk): (usize, &mut [T])| {
            for (i, o) in chunk.chunks_mut(self.spatial).enumerate() {
                let p = k * per_task + i;
                f(p, self.plane(p), o);
            }
        };
        if self.parallel() {
            scalpel_tensor::parallel::region(|| {
                out.par_chunks_mut(per_task * self.spatial)
                    .enumerate()
                    .for_each(task)
            });
        } else {
            out.chunks_mut(per_task * self.spatial)
                .enumerate()
                .for_each(task);
        }
        out
    }
}

/// Σ f(a[i], b[i]) (with `b[i]` = `a[i]` when `b` is `None`) in eight f64 lanes, which the
/// compiler can vectorise where one running sum cannot be reordered.
fn lane_sum<T: Float>(a: &[T], b: Option<&[T]>, f: impl Fn(T, T) -> f64) -> f64 {
    let b = b.unwrap_or(a);
    let mut lanes = [0.0f64; 8];
    let (a8, b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (a8.remainder(), b8.remainder());
    for (x, y) in a8.zip(b8) {
        for k in 0..8 {
            lanes[k] += f(x[k], y[k]);
        }
    }
    let tail: f64 = ra.iter().zip(rb).map(|(&x, &y)| f(x, y)).sum();
    lanes.iter().sum::<f64>() + tail
}

struct BatchNormOp<T: Float> {
    has_weight: bool,
    has_bias: bool,
    eps: T,
    batch: usize,
    spatial: usize,
    /// μ and σ⁻¹ per channel from the forward pass; with the input they give x̂ again, so x̂
    /// itself is not kept.
    mean: Vec<T>,
    inv_std: Vec<T>,
    param_shape: Vec<usize>,
    axes: Vec<isize>,
}

impl<T: Float> BatchNormOp<T> {
    /// The backward pass as direct loops over the channels, for a backward that is not itself
    /// recorded: one pass for Σdy and Σ(dy·x̂), one for dx.
    fn first_order(&self, inputs: &[Var<T>], dy: &Tensor<T>) -> Result<Vec<Option<Var<T>>>> {
        let x_value = inputs[0].value();
        let x = row_major(&x_value);
        let dy = row_major(dy);
        let gamma = self.has_weight.then(|| inputs[1].value().to_vec());
        let (c, s) = (self.mean.len(), self.spatial);
        let n = (self.batch * s) as f64;
        let xs = PlaneKernel::new(&x, self.batch, c, s);
        let dys = PlaneKernel::new(&dy, self.batch, c, s);
        // Per channel: Σdy and Σdy·x̂ (x̂ = (x − μ)·σ⁻¹), in f64.
        let sums: Vec<(T, T)> = xs.per_channel(|ch| {
            let (mu, inv) = (
                self.mean[ch].to_f64_lossy(),
                self.inv_std[ch].to_f64_lossy(),
            );
            let a = dys.channel_sum(ch, |d| d.to_f64_lossy());
            let b = dys.channel_dot(&xs, ch, |d, x| d.to_f64_lossy() * (x.to_f64_lossy() - mu));
            (T::from_f64_lossy(a), T::from_f64_lossy(b * inv))
        });
        // dx = (1/N)·γ·σ⁻¹·(N·dy − Σdy − x̂·Σ(dy·x̂))
        let dx = dys.map_planes(|p, dy, dx| {
            let ch = p % c;
            let (mu, inv) = (self.mean[ch], self.inv_std[ch]);
            let (at, bt) = sums[ch];
            let ga = gamma.as_ref().map_or(T::one(), |g| g[ch]);
            let k = ga * inv * T::from_f64_lossy(1.0 / n);
            let nt = T::from_f64_lossy(n);
            for ((dx, &dy), &x) in dx.iter_mut().zip(dy).zip(xs.plane(p)) {
                *dx = k * (nt * dy - at - (x - mu) * inv * bt);
            }
        });
        let sum_dy: Vec<T> = sums.iter().map(|s| s.0).collect();
        let sum_dy_xhat: Vec<T> = sums.iter().map(|s| s.1).collect();
        let mut grads = vec![Some(Var::constant(Tensor::from_vec(
            dx,
            inputs[0].shape(),
        )?))];
        if self.has_weight {
            grads.push(Some(Var::constant(Tensor::from_vec1(sum_dy_xhat))));
        }
        if self.has_bias {
            grads.push(Some(Var::constant(Tensor::from_vec1(sum_dy))));
        }
        Ok(grads)
    }
}

impl<T: Float> CustomOp<T> for BatchNormOp<T> {
    fn name(&self) -> &'static str {
        "batch_norm"
    }

    fn backward(
        &self,
        inputs: &[Var<T>],
        _out: &Var<T>,
        dy: &Var<T>,
    ) -> Result<Vec<Option<Var<T>>>> {
        if !is_grad_enabled() {
            return self.first_order(inputs, &dy.value());
        }
        // The same formula in recorded operations, with x̂ and σ⁻¹ recomputed from the input,
        // so that the gradient can be differentiated again.
        let x = &inputs[0];
        let centred = x.sub(&x.mean(&self.axes, true)?)?;
        let var = centred.square()?.mean(&self.axes, true)?;
        let inv_std = var.add_scalar(self.eps)?.sqrt()?.recip()?;
        let xhat = centred.mul(&inv_std)?;
        let n = T::from_f64_lossy((self.batch * self.spatial) as f64);
        let sum_dy = dy.sum(&self.axes, true)?;
        let sum_dy_xhat = dy.mul(&xhat)?.sum(&self.axes, true)?;
        let inner = dy
            .mul_scalar(n)?
            .sub(&sum_dy)?
            .sub(&xhat.mul(&sum_dy_xhat)?)?;
        let scale = if self.has_weight {
            inputs[1].reshape(self.param_shape.clone())?.mul(&inv_std)?
        } else {
            inv_std
        };
        let mut grads = vec![Some(inner.mul(&scale.div_scalar(n)?)?)];
        let c = self.param_shape[1];
        if self.has_weight {
            grads.push(Some(sum_dy_xhat.reshape([c])?));
        }
        if self.has_bias {
            grads.push(Some(sum_dy.reshape([c])?));
        }
        Ok(grads)
    }
}
