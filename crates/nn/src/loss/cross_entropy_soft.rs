//! Cross-entropy with class probabilities as targets (soft targets: mixup, distillation):
//! log-softmax and the weighted sum over the classes fused into one operation.

use scalpel_autograd::{is_grad_enabled, CustomOp, Result, Var};
use scalpel_tensor::{Float, Shape, Tensor, TensorError};

use super::cross_entropy::{check_label_smoothing, class_last_rows, class_weights};
use super::{CrossEntropyOptions, Reduction};

const OP: &str = "cross_entropy_soft";

/// Cross-entropy between the softmax of `input` logits and class probabilities `target`
/// (PyTorch's `cross_entropy` with a floating-point target of the input's shape): per sample,
/// loss = −Σ_c t\[c\]·log softmax(x)\[c\], reduced.
///
/// Shapes: `target` has the input's shape, `(N, C)`, `(C,)` for one sample, or `(N, C, d…)`
/// (classes on axis 1, as in PyTorch). With `Reduction::None` the result has the input's shape
/// without the class axis. `Mean` divides the sum by the number of samples N·d… (PyTorch's
/// rule for probability targets).
///
/// The target is differentiable too: dL/dt\[c\] = −log softmax(x)\[c\], scaled by the
/// reduction. A target that does not require a gradient (a [`Var::constant`], a detached
/// teacher's probabilities) gets none, and costs nothing in the backward pass. Targets are not
/// checked to be probabilities, as in PyTorch: the formula holds for any values.
///
/// One fused operation: the forward pass computes log softmax(x) once and keeps it; the
/// backward pass is softmax(x)·Σ_c t\[c\] − t (divided by N for the mean) in one loop, or `Var`
/// operations when the gradient is to be differentiated again. See [`cross_entropy_soft_with`]
/// for class weights and label smoothing, and [`cross_entropy`](super::cross_entropy) for
/// class indices.
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_nn::{cross_entropy_soft, Reduction};
/// use scalpel_tensor::Tensor;
/// // Mixup: the second sample is 70 % class 0 and 30 % class 1.
/// let logits = Var::parameter(Tensor::from_rows(&[[0.0f32, 0.0], [1.0, 0.0]]).unwrap());
/// let target = Var::constant(Tensor::from_rows(&[[1.0, 0.0], [0.7, 0.3]]).unwrap());
/// let loss = cross_entropy_soft(&logits, &target, Reduction::Mean).unwrap();
/// // log softmax of [1, 0] is [−ln(1 + e⁻¹), −1 − ln(1 + e⁻¹)].
/// let second = (1.0 + (-1f32).exp()).ln() + 0.3;
/// assert!((loss.item().unwrap() - (2f32.ln() + second) / 2.0).abs() < 1e-6);
/// loss.backward().unwrap();
/// assert!(logits.grad().is_some() && target.grad().is_none());
/// ```
///
/// # Errors
/// A target whose shape is not the input's (the error names both shapes); an input with no
/// class axis or an empty one.
pub fn cross_entropy_soft<T: Float>(
    input: &Var<T>,
    target: &Var<T>,
    reduction: Reduction,
) -> Result<Var<T>> {
    cross_entropy_soft_with(
        input,
        target,
        &CrossEntropyOptions {
            reduction,
            ..Default::default()
        },
    )
}

/// [`cross_entropy_soft`] with class weights and label smoothing, as PyTorch combines them for
/// probability targets: with t̃ = (1 − ε)·t + ε/C,
/// loss = −Σ_c w\[c\]·t̃\[c\]·log softmax(x)\[c\] per sample.
///
/// `Reduction::Mean` divides the sum by the number of samples N·d…, not by a total weight
/// (PyTorch's rule for probability targets; with class indices the mean is over Σ w\[y\]). So
/// for a one-hot target this equals [`cross_entropy_with`](super::cross_entropy_with) under
/// `Sum` and `None`, and under `Mean` whenever the weights are all 1.
///
/// With probabilities no sample has a class to ignore: as in PyTorch, a non-negative
/// `ignore_index` is refused, and a negative one (such as −100, shared with options for class
/// indices) names no class and changes nothing. Class weights are constants: no gradient reaches
/// them. Gradients, with s the reduction's factor:
/// dL/dx\[c\] = s·(softmax(x)\[c\]·Σ_k w\[k\]·t̃\[k\] − w\[c\]·t̃\[c\]) and
/// dL/dt\[c\] = −s·(1 − ε)·w\[c\]·log softmax(x)\[c\].
///
/// A class whose w\[c\]·t̃\[c\] is 0 adds nothing to the loss, even where its logit is −∞ (a
/// masked class), where the composition −Σ t·log_softmax(x) would give 0·∞ = NaN.
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_nn::{cross_entropy_soft_with, CrossEntropyOptions, Reduction};
/// use scalpel_tensor::Tensor;
/// // Distillation: a teacher's probabilities, smoothed by ε = 0.2 over C = 2 classes.
/// let logits = Var::parameter(Tensor::<f64>::zeros([1, 2]));
/// let teacher = Var::constant(Tensor::from_rows(&[[0.9, 0.1]]).unwrap());
/// let options = CrossEntropyOptions {
///     reduction: Reduction::Sum,
///     label_smoothing: 0.2,
///     weight: Some(Tensor::from_vec1(vec![1.0, 2.0])),
///     ..Default::default()
/// };
/// let loss = cross_entropy_soft_with(&logits, &teacher, &options).unwrap();
/// // t̃ = 0.8·[0.9, 0.1] + 0.1 = [0.82, 0.18]; log softmax(0, 0) = −ln 2 for both classes.
/// let expected = (1.0 * 0.82 + 2.0 * 0.18) * 2f64.ln();
/// assert!((loss.item().unwrap() - expected).abs() < 1e-12);
/// ```
///
/// # Errors
/// As [`cross_entropy_soft`]; a smoothing outside [0, 1]; an `ignore_index` of 0 or more; class
/// weights whose shape is not `(C,)`.
pub fn cross_entropy_soft_with<T: Float>(
    input: &Var<T>,
    target: &Var<T>,
    options: &CrossEntropyOptions<T>,
) -> Result<Var<T>> {
    let eps = check_label_smoothing(OP, options.label_smoothing)?;
    if let Some(k) = options.ignore_index.filter(|&k| k >= 0) {
        return Err(TensorError::arg(
            OP,
            format!(
                "ignore_index {k} applies to class-index targets only; probability targets have \
                 no class to ignore"
            ),
        )
        .into());
    }
    let dims = input.dims();
    if dims.is_empty() || target.dims() != dims {
        return Err(TensorError::mismatch(
            OP,
            &input.shape(),
            &target.shape(),
            "target must have the input's shape, a probability per class on the class axis \
             (input (N, C, …), target (N, C, …))",
        )
        .into());
    }
    let class_axis = usize::from(dims.len() != 1);
    let classes = dims[class_axis];
    if classes == 0 {
        return Err(TensorError::shape(OP, &input.shape(), "the class axis is empty").into());
    }
    let rows = dims.iter().product::<usize>() / classes;
    let mut loss_dims = dims.clone();
    loss_dims.remove(class_axis);
    let targets = SoftTargets {
        smoothing: eps,
        classes,
        weight: class_weights(OP, options.weight.as_ref(), classes)?,
    };
    let logits = class_last_rows(input, rows, classes)?;
    let probs = class_last_rows(target, rows, classes)?;
    let q = targets.distribution(&probs.value().to_vec());
    let log_probs = logits.value().log_softmax(1)?.to_vec();
    let losses: Vec<T> = q
        .chunks_exact(classes)
        .zip(log_probs.chunks_exact(classes))
        .map(|(q, lp)| -dot_where_nonzero(q, lp))
        .collect();
    let scale = match options.reduction {
        Reduction::None | Reduction::Sum => 1.0,
        Reduction::Mean => 1.0 / rows as f64,
        Reduction::BatchMean => 1.0 / if dims.len() == 1 { 1 } else { dims[0] } as f64,
    };
    let value = match options.reduction {
        Reduction::None => Tensor::from_vec(losses, Shape::from(loss_dims))?,
        _ => Tensor::scalar(losses.iter().copied().sum::<T>() * T::from_f64_lossy(scale)),
    };
    let op = SoftmaxCrossEntropySoft {
        log_probs,
        q,
        targets,
        scale,
        per_sample: options.reduction == Reduction::None,
    };
    Var::from_custom(value, &[logits, probs], op)
}

/// Σ q\[c\]·l\[c\] over the classes with q\[c\] ≠ 0, so that a log-probability of −∞ where the
/// target is 0 cannot give 0·∞.
fn dot_where_nonzero<T: Float>(q: &[T], log_p: &[T]) -> T {
    q.iter()
        .zip(log_p)
        .filter(|(q, _)| **q != T::zero())
        .map(|(&q, &l)| q * l)
        .sum()
}

/// What turns given probabilities t into the weighted target q = w ⊙ ((1 − ε)·t + ε/C).
struct SoftTargets<T: Float> {
    smoothing: f64,
    classes: usize,
    weight: Option<Vec<T>>,
}

impl<T: Float> SoftTargets<T> {
    fn class_weight(&self, c: usize) -> T {
        self.weight.as_ref().map_or(T::one(), |w| w[c])
    }

    /// q for rows of `classes` probabilities `t`, row-major.
    fn distribution(&self, t: &[T]) -> Vec<T> {
        let keep = T::from_f64_lossy(1.0 - self.smoothing);
        let spread = T::from_f64_lossy(self.smoothing / self.classes as f64);
        t.iter()
            .enumerate()
            .map(|(i, &t)| self.class_weight(i % self.classes) * (keep * t + spread))
            .collect()
    }

    /// The weights as a `(1, C)` constant, or `None` without class weights.
    fn weight_row(&self) -> Result<Option<Var<T>>> {
        let Some(w) = &self.weight else {
            return Ok(None);
        };
        Ok(Some(Var::constant(Tensor::from_vec(
            w.clone(),
            [1, self.classes],
        )?)))
    }
}

/// The fused softmax cross-entropy with probability targets over rows `(M, C)`: inputs
/// `[logits, probabilities]`.
struct SoftmaxCrossEntropySoft<T: Float> {
    /// log softmax of the forward pass, `(M, C)` row-major.
    log_probs: Vec<T>,
    /// The weighted, smoothed targets q of the forward pass, `(M, C)` row-major.
    q: Vec<T>,
    targets: SoftTargets<T>,
    /// The reduction's factor on each row's gradient: 1, 1/M or 1/N.
    scale: f64,
    per_sample: bool,
}

impl<T: Float> SoftmaxCrossEntropySoft<T> {
    /// The gradients as tensors in one pass over the saved log-probabilities and targets (for a
    /// backward that is not itself recorded); that of the target only when `want_target`.
    fn first_order(
        &self,
        g: &Tensor<T>,
        want_target: bool,
    ) -> Result<(Tensor<T>, Option<Tensor<T>>)> {
        let c = self.targets.classes;
        let m = self.q.len() / c;
        let g = g.to_vec();
        let keep = T::from_f64_lossy(1.0 - self.targets.smoothing);
        let mut dx = vec![T::zero(); m * c];
        let mut dt = if want_target {
            vec![T::zero(); m * c]
        } else {
            Vec::new()
        };
        for i in 0..m {
            let factor = T::from_f64_lossy(self.scale) * g[if self.per_sample { i } else { 0 }];
            let row = i * c..(i + 1) * c;
            let (q, lp) = (&self.q[row.clone()], &self.log_probs[row.clone()]);
            let sum: T = q.iter().copied().sum();
            for ((d, &q), &l) in dx[row.clone()].iter_mut().zip(q).zip(lp) {
                *d = (l.exp() * sum - q) * factor;
            }
            if want_target {
                for (k, (d, &l)) in dt[row].iter_mut().zip(lp).enumerate() {
                    *d = -keep * self.targets.class_weight(k) * l * factor;
                }
            }
        }
        let dt = if want_target {
            Some(Tensor::from_vec(dt, [m, c])?)
        } else {
            None
        };
        Ok((Tensor::from_vec(dx, [m, c])?, dt))
    }
}

impl<T: Float> CustomOp<T> for SoftmaxCrossEntropySoft<T> {
    fn name(&self) -> &'static str {
        OP
    }

    /// dx = s·g·(softmax(x)·Σq − q) and dt = −s·g·(1 − ε)·w ⊙ log softmax(x) per row, s the
    /// reduction's factor.
    fn backward(
        &self,
        inputs: &[Var<T>],
        _out: &Var<T>,
        g: &Var<T>,
    ) -> Result<Vec<Option<Var<T>>>> {
        let want_target = inputs[1].requires_grad();
        if !is_grad_enabled() {
            let (dx, dt) = self.first_order(&g.value(), want_target)?;
            return Ok(vec![Some(Var::constant(dx)), dt.map(Var::constant)]);
        }
        // Differentiable form, for higher-order gradients: in x, in t and in g.
        let (x, t) = (&inputs[0], &inputs[1]);
        let eps = self.targets.smoothing;
        let m = x.dims()[0];
        let g = if self.per_sample {
            g.reshape([m, 1])?
        } else {
            g.reshape([1, 1])?
        };
        let g = g.mul_scalar(T::from_f64_lossy(self.scale))?;
        let weight = self.targets.weight_row()?;
        let mut q = t
            .mul_scalar(T::from_f64_lossy(1.0 - eps))?
            .add_scalar(T::from_f64_lossy(eps / self.targets.classes as f64))?;
        if let Some(w) = &weight {
            q = q.mul(w)?;
        }
        let dx = x.softmax(1)?.mul(&q.sum(&[1], true)?)?.sub(&q)?.mul(&g)?;
        let dt = if want_target {
            let mut d = x.log_softmax(1)?.mul_scalar(T::from_f64_lossy(eps - 1.0))?;
            if let Some(w) = &weight {
                d = d.mul(w)?;
            }
            Some(d.mul(&g)?)
        } else {
            None
        };
        Ok(vec![Some(dx), dt])
    }
}
