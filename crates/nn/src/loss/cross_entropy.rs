//! Cross-entropy with class indices: log-softmax and negative log-likelihood fused into one
//! operation (book §3.6.5–3.6.6, `cross_entropy_grad_loss`).

use scalpel_autograd::{is_grad_enabled, CustomOp, Result, Var};
use scalpel_tensor::{Float, Shape, Tensor, TensorError};

use super::Reduction;

/// Options of [`cross_entropy_with`]; the default is mean, no smoothing and no ignored class.
/// PyTorch ignores class −100 by default; here a target of −100 is an out-of-range error unless
/// `ignore_index: Some(-100)` is asked for, so that a stray label is never skipped silently.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CrossEntropyOptions {
    /// How the per-sample losses are combined; `Mean` averages over the samples not ignored.
    pub reduction: Reduction,
    /// ε in [0, 1]: the target distribution becomes (1 − ε)·onehot + ε/C.
    pub label_smoothing: f64,
    /// Samples whose target is this class contribute no loss and no gradient (padding).
    pub ignore_index: Option<i64>,
}

/// Cross-entropy between the softmax of `input` logits and class indices `target`:
/// −log softmax(x)\[y\] per sample, reduced.
///
/// Shapes: input `(N, C)` with target `(N,)`; input `(C,)` with a 0-d target; or input
/// `(N, C, d…)` with target `(N, d…)` (classes on axis 1, as in PyTorch). With
/// `Reduction::None` the result has the target's shape.
///
/// One fused operation: the forward pass picks −log softmax(x)\[y\] and keeps the
/// log-probabilities; the backward pass is (softmax(x) − onehot(y))/N (for the mean), one loop
/// over them, or `Var` operations when the gradient is to be differentiated again.
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_nn::{cross_entropy, Reduction};
/// use scalpel_tensor::Tensor;
/// let logits = Var::parameter(Tensor::from_rows(&[[0.0f32, 0.0], [0.0, 0.0]]).unwrap());
/// let loss = cross_entropy(&logits, &Tensor::from_vec1(vec![0i64, 1]), Reduction::Mean).unwrap();
/// assert!((loss.item().unwrap() - 2f32.ln()).abs() < 1e-6);
/// ```
///
/// # Errors
/// Shapes that do not fit, or a class index outside `0..C`.
pub fn cross_entropy<T: Float>(
    input: &Var<T>,
    target: &Tensor<i64>,
    reduction: Reduction,
) -> Result<Var<T>> {
    cross_entropy_with(
        input,
        target,
        CrossEntropyOptions {
            reduction,
            ..Default::default()
        },
    )
}

/// [`cross_entropy`] with label smoothing and an ignored class.
///
/// # Errors
/// As [`cross_entropy`]; a smoothing outside [0, 1].
pub fn cross_entropy_with<T: Float>(
    input: &Var<T>,
    target: &Tensor<i64>,
    options: CrossEntropyOptions,
) -> Result<Var<T>> {
    let eps = options.label_smoothing;
    if !(0.0..=1.0).contains(&eps) {
        return Err(TensorError::arg(
            "cross_entropy",
            format!("label_smoothing {eps} is outside [0, 1]"),
        )
        .into());
    }
    let rows = class_rows("cross_entropy", input, target, options.ignore_index)?;
    let (m, c) = (rows.targets.len(), rows.classes);
    let log_probs = rows.logits.value().log_softmax(1)?;
    // Ignored samples pick class 0 here; their loss is skipped below.
    let picks: Vec<i64> = rows
        .targets
        .iter()
        .map(|&y| {
            if Some(y) == options.ignore_index {
                0
            } else {
                y
            }
        })
        .collect();
    let picked = log_probs
        .gather(1, &Tensor::from_vec(picks, [m, 1])?)?
        .to_vec();
    let row_means = if eps > 0.0 {
        log_probs.mean(&[1], false)?.to_vec()
    } else {
        vec![T::zero(); m]
    };
    let (smooth, sharp) = (T::from_f64_lossy(eps), T::from_f64_lossy(1.0 - eps));
    let mut losses = vec![T::zero(); m];
    let mut counted = 0usize;
    for (i, &y) in rows.targets.iter().enumerate() {
        if Some(y) == options.ignore_index {
            continue;
        }
        counted += 1;
        // −Σ q·log p with q = (1 − ε)·onehot(y) + ε/C
        losses[i] = -(sharp * picked[i] + smooth * row_means[i]);
    }
    let scale = match options.reduction {
        Reduction::None | Reduction::Sum => 1.0,
        Reduction::Mean => 1.0 / counted as f64,
        Reduction::BatchMean => 1.0 / rows.batch as f64,
    };
    let value = match options.reduction {
        Reduction::None => Tensor::from_vec(losses, rows.target_shape.clone())?,
        _ => Tensor::scalar(losses.iter().copied().sum::<T>() * T::from_f64_lossy(scale)),
    };
    let op = SoftmaxCrossEntropy {
        log_probs,
        targets: rows.targets,
        classes: c,
        smoothing: eps,
        ignore_index: options.ignore_index,
        scale,
        per_sample: options.reduction == Reduction::None,
    };
    Var::from_custom(value, &[rows.logits], op)
}

/// Class scores as rows `(M, C)` with one target per row.
pub(super) struct ClassRows<T: Float> {
    pub(super) logits: Var<T>,
    pub(super) targets: Vec<i64>,
    pub(super) classes: usize,
    pub(super) target_shape: Shape,
    /// The size of the batch axis (1 for a single sample).
    pub(super) batch: usize,
}

/// Moves the class axis (1, or 0 for one sample) last and flattens the rest, checking that the
/// target has the input's shape without the class axis and holds valid classes.
pub(super) fn class_rows<T: Float>(
    op: &'static str,
    input: &Var<T>,
    target: &Tensor<i64>,
    ignore_index: Option<i64>,
) -> Result<ClassRows<T>> {
    let dims = input.dims();
    let class_axis = usize::from(dims.len() != 1);
    let mut expected = dims.clone();
    if !dims.is_empty() {
        expected.remove(class_axis);
    }
    if dims.is_empty() || target.dims() != expected.as_slice() {
        return Err(TensorError::mismatch(
            op,
            &input.shape(),
            target.shape(),
            "target must have the input's shape without the class axis (input (N, C, …), target (N, …))",
        )
        .into());
    }
    let classes = dims[class_axis];
    let targets = target.to_vec();
    for &y in &targets {
        if Some(y) != ignore_index && !(0..classes as i64).contains(&y) {
            return Err(TensorError::IndexOutOfRange {
                op,
                index: y,
                size: classes,
            }
            .into());
        }
    }
    let logits = match dims.len() {
        1 => input.unsqueeze(0)?,
        2 => input.clone(),
        r => {
            let mut perm: Vec<isize> = vec![0];
            perm.extend(2..r as isize);
            perm.push(1);
            input.permute(&perm)?.reshape([targets.len(), classes])?
        }
    };
    Ok(ClassRows {
        logits,
        targets,
        classes,
        target_shape: target.shape().clone(),
        batch: if dims.len() == 1 { 1 } else { dims[0] },
    })
}

/// The fused softmax cross-entropy over rows `(M, C)`.
struct SoftmaxCrossEntropy<T: Float> {
    /// log softmax of the forward pass.
    log_probs: Tensor<T>,
    targets: Vec<i64>,
    classes: usize,
    smoothing: f64,
    ignore_index: Option<i64>,
    /// The reduction's factor on each row's gradient: 1, 1/count or 1/N.
    scale: f64,
    per_sample: bool,
}

impl<T: Float> SoftmaxCrossEntropy<T> {
    /// The target distribution q = (1 − ε)·onehot + ε/C times the reduction's factor, with
    /// zero rows for ignored samples.
    fn scaled_targets(&self) -> Result<Tensor<T>> {
        let c = self.classes;
        let (on, off) = (
            (1.0 - self.smoothing + self.smoothing / c as f64) * self.scale,
            self.smoothing / c as f64 * self.scale,
        );
        let mut q = vec![T::zero(); self.targets.len() * c];
        for (i, &y) in self.targets.iter().enumerate() {
            if Some(y) == self.ignore_index {
                continue;
            }
            let row = &mut q[i * c..(i + 1) * c];
            row.fill(T::from_f64_lossy(off));
            row[y as usize] = T::from_f64_lossy(on);
        }
        Ok(Tensor::from_vec(q, [self.targets.len(), c])?)
    }

    /// The reduction's factor per row, `(M, 1)`: zero for ignored samples.
    fn row_scale(&self) -> Result<Tensor<T>> {
        let s: Vec<T> = self
            .targets
            .iter()
            .map(|&y| {
                if Some(y) == self.ignore_index {
                    T::zero()
                } else {
                    T::from_f64_lossy(self.scale)
                }
            })
            .collect();
        Ok(Tensor::from_vec(s, [self.targets.len(), 1])?)
    }

    /// The gradient as a tensor in one pass over the saved log-probabilities (for a backward
    /// that is not itself recorded).
    fn first_order(&self, g: &Tensor<T>) -> Result<Tensor<T>> {
        let (m, c) = (self.targets.len(), self.classes);
        let g = g.to_vec();
        let off = T::from_f64_lossy(self.smoothing / c as f64);
        let on = T::from_f64_lossy(1.0 - self.smoothing) + off;
        let mut d = self.log_probs.to_vec();
        for (i, (row, &y)) in d.chunks_exact_mut(c).zip(&self.targets).enumerate() {
            if Some(y) == self.ignore_index {
                row.fill(T::zero());
                continue;
            }
            let factor = T::from_f64_lossy(self.scale) * g[if self.per_sample { i } else { 0 }];
            for v in row.iter_mut() {
                *v = (v.exp() - off) * factor;
            }
            row[y as usize] -= (on - off) * factor;
        }
        Ok(Tensor::from_vec(d, [m, c])?)
    }
}

impl<T: Float> CustomOp<T> for SoftmaxCrossEntropy<T> {
    fn name(&self) -> &'static str {
        "cross_entropy"
    }

    /// dx = (softmax(x) − q)·s·g per row, s the reduction's factor.
    fn backward(
        &self,
        inputs: &[Var<T>],
        _out: &Var<T>,
        g: &Var<T>,
    ) -> Result<Vec<Option<Var<T>>>> {
        let m = self.targets.len();
        if !is_grad_enabled() {
            return Ok(vec![Some(Var::constant(self.first_order(&g.value())?))]);
        }
        // Differentiable form, for higher-order gradients.
        let d = inputs[0]
            .softmax(1)?
            .mul(&Var::constant(self.row_scale()?))?
            .sub(&Var::constant(self.scaled_targets()?))?;
        let g = if self.per_sample {
            g.reshape([m, 1])?
        } else {
            g.reshape([1, 1])?
        };
        Ok(vec![Some(d.mul(&g)?)])
    }
}
