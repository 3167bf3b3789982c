//! Cross-entropy with class indices: log-softmax and negative log-likelihood fused into one
//! operation (book §3.6.5–3.6.6, `cross_entropy_grad_loss`).

use scalpel_autograd::{is_grad_enabled, CustomOp, Result, Var};
use scalpel_tensor::{Float, Shape, Tensor, TensorError};

use super::Reduction;

/// Options of [`cross_entropy_with`]; the default is mean, no smoothing, no ignored class and
/// no class weights. PyTorch ignores class −100 by default; here a target of −100 is an
/// out-of-range error unless `ignore_index: Some(-100)` is asked for, so that a stray label is
/// never skipped silently.
///
/// The same options serve [`cross_entropy_soft_with`](super::cross_entropy_soft_with)
/// (probability targets), whose `Mean` divides by the number of samples and which refuses an
/// `ignore_index` of 0 or more (a negative one names no class there).
#[derive(Clone, Debug, PartialEq)]
pub struct CrossEntropyOptions<T: Float> {
    /// How the per-sample losses are combined; `Mean` divides the sum by the total weight of
    /// the samples not ignored (their count when there are no class weights), as PyTorch does.
    pub reduction: Reduction,
    /// ε in [0, 1]: the target distribution becomes (1 − ε)·onehot + ε/C.
    pub label_smoothing: f64,
    /// Samples whose target is this class contribute no loss and no gradient (padding).
    pub ignore_index: Option<i64>,
    /// A weight per class, shape `(C,)` (PyTorch's `weight`, for unbalanced classes): a sample of
    /// class y counts w\[y\] times, and the smoothing term weighs class c by w\[c\].
    pub weight: Option<Tensor<T>>,
}

impl<T: Float> Default for CrossEntropyOptions<T> {
    fn default() -> Self {
        CrossEntropyOptions {
            reduction: Reduction::Mean,
            label_smoothing: 0.0,
            ignore_index: None,
            weight: None,
        }
    }
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
        &CrossEntropyOptions {
            reduction,
            ..Default::default()
        },
    )
}

/// [`cross_entropy`] with label smoothing, an ignored class and class weights, combined as in
/// PyTorch: for a sample of class y,
/// loss = −(1 − ε)·w\[y\]·log p\[y\] − (ε/C)·Σ_c w\[c\]·log p\[c\].
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_nn::{cross_entropy_with, CrossEntropyOptions};
/// use scalpel_tensor::Tensor;
/// // Class 1 is rare: each of its samples counts three times.
/// let logits = Var::parameter(Tensor::from_rows(&[[2.0f32, 0.0], [0.0, 0.0]]).unwrap());
/// let options = CrossEntropyOptions {
///     weight: Some(Tensor::from_vec1(vec![1.0, 3.0])),
///     ..Default::default()
/// };
/// let loss = cross_entropy_with(&logits, &Tensor::from_vec1(vec![0i64, 1]), &options).unwrap();
/// // The mean is over the weights: (1·ln(1 + e⁻²) + 3·ln 2) / (1 + 3).
/// let expected = ((1.0 + (-2f32).exp()).ln() + 3.0 * 2f32.ln()) / 4.0;
/// assert!((loss.item().unwrap() - expected).abs() < 1e-6);
/// ```
///
/// # Errors
/// As [`cross_entropy`]; a smoothing outside [0, 1]; class weights whose shape is not `(C,)`.
pub fn cross_entropy_with<T: Float>(
    input: &Var<T>,
    target: &Tensor<i64>,
    options: &CrossEntropyOptions<T>,
) -> Result<Var<T>> {
    let eps = check_label_smoothing("cross_entropy", options.label_smoothing)?;
    let rows = class_rows("cross_entropy", input, target, options.ignore_index)?;
    let (m, c) = (rows.targets.len(), rows.classes);
    let weight = class_weights("cross_entropy", options.weight.as_ref(), c)?;
    let targets = ClassTargets {
        targets: rows.targets,
        classes: c,
        smoothing: eps,
        ignore_index: options.ignore_index,
        weight,
    };
    let log_probs = rows.logits.value().log_softmax(1)?;
    let mut losses = vec![T::zero(); m];
    let mut total_weight = 0.0;
    let lp = log_probs.to_vec();
    for (i, (loss, row)) in losses.iter_mut().zip(lp.chunks_exact(c)).enumerate() {
        if let Some(y) = targets.counted(i) {
            total_weight += targets.class_weight(y).to_f64_lossy();
            *loss = -targets.dot(y, row);
        }
    }
    let scale = match options.reduction {
        Reduction::None | Reduction::Sum => 1.0,
        Reduction::Mean => 1.0 / total_weight,
        Reduction::BatchMean => 1.0 / rows.batch as f64,
    };
    let value = match options.reduction {
        Reduction::None => Tensor::from_vec(losses, rows.target_shape.clone())?,
        _ => Tensor::scalar(losses.iter().copied().sum::<T>() * T::from_f64_lossy(scale)),
    };
    let op = SoftmaxCrossEntropy {
        log_probs,
        targets,
        scale,
        per_sample: options.reduction == Reduction::None,
    };
    Var::from_custom(value, &[rows.logits], op)
}

/// The indices of the rows whose target is not `ignore_index`.
pub(super) fn kept_rows(targets: &[i64], ignore_index: Option<i64>) -> Vec<i64> {
    (0..targets.len())
        .filter(|&i| Some(targets[i]) != ignore_index)
        .map(|i| i as i64)
        .collect()
}

/// `f` applied to the rows `kept` of `x` alone, with zero rows in place of the others, as a
/// differentiable function of `x`. The other rows are never read: an ignored row may hold −∞ or
/// NaN (padding), which any arithmetic on it, masked or not, would spread into the gradient.
pub(super) fn on_kept_rows<T: Float>(
    x: &Var<T>,
    kept: &[i64],
    f: impl FnOnce(Var<T>) -> Result<Var<T>>,
) -> Result<Var<T>> {
    let n = x.dims()[0];
    if kept.len() == n {
        return f(x.clone());
    }
    let kept = Tensor::from_vec1(kept.to_vec());
    let part = f(x.index_select(0, &kept)?)?;
    let mut dims = part.dims();
    dims[0] = n;
    Var::constant(Tensor::zeros(dims)).index_add(0, &kept, &part)
}

/// The class weights as a vector, checked to hold one weight per class.
pub(super) fn class_weights<T: Float>(
    op: &'static str,
    weight: Option<&Tensor<T>>,
    classes: usize,
) -> Result<Option<Vec<T>>> {
    match weight {
        Some(w) if w.dims() != [classes] => Err(TensorError::mismatch(
            op,
            &Shape::from([classes]),
            w.shape(),
            "the class weights need one weight per class",
        )
        .into()),
        Some(w) => Ok(Some(w.to_vec())),
        None => Ok(None),
    }
}

/// The label smoothing ε of `op`, checked to lie in [0, 1].
pub(super) fn check_label_smoothing(op: &'static str, eps: f64) -> Result<f64> {
    if !(0.0..=1.0).contains(&eps) {
        return Err(
            TensorError::arg(op, format!("label_smoothing {eps} is outside [0, 1]")).into(),
        );
    }
    Ok(eps)
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
    if classes == 0 {
        return Err(TensorError::shape(op, &input.shape(), "the class axis is empty").into());
    }
    let targets = target.to_vec();
    for &y in &targets {
        if Some(y) != ignore_index && !(0..classes as i64).contains(&y) {
            return Err(TensorError::index(op, y.into(), class_axis, &input.shape()).into());
        }
    }
    Ok(ClassRows {
        logits: class_last_rows(input, targets.len(), classes)?,
        targets,
        classes,
        target_shape: target.shape().clone(),
        batch: if dims.len() == 1 { 1 } else { dims[0] },
    })
}

/// `x` of shape `(C,)`, `(N, C)` or `(N, C, d…)` as `rows` rows of `classes` scores: the class
/// axis moved last, the others flattened (a view where the layout allows).
pub(super) fn class_last_rows<T: Float>(x: &Var<T>, rows: usize, classes: usize) -> Result<Var<T>> {
    match x.rank() {
        1 => x.unsqueeze(0),
        2 => Ok(x.clone()),
        r => {
            let mut perm: Vec<isize> = vec![0];
            perm.extend(2..r as isize);
            perm.push(1);
            x.permute(&perm)?.reshape([rows, classes])
        }
    }
}

/// The targets of a fused cross-entropy: one class per row, with what turns it into a target
/// distribution q (smoothing, class weights) and the rows it skips.
struct ClassTargets<T: Float> {
    targets: Vec<i64>,
    classes: usize,
    smoothing: f64,
    ignore_index: Option<i64>,
    weight: Option<Vec<T>>,
}

impl<T: Float> ClassTargets<T> {
    /// The class of row `i`, or `None` for an ignored row.
    fn counted(&self, i: usize) -> Option<usize> {
        let y = self.targets[i];
        (Some(y) != self.ignore_index).then_some(y as usize)
    }

    fn class_weight(&self, c: usize) -> T {
        self.weight.as_ref().map_or(T::one(), |w| w[c])
    }

    /// The target distribution of a row of class `y`,
    /// q\[c\] = (1 − ε)·w\[y\]·\[c = y\] + (ε/C)·w\[c\], written into `q`; returns Σq.
    fn fill(&self, y: usize, q: &mut [T]) -> T {
        let off = T::from_f64_lossy(self.smoothing / self.classes as f64);
        for (c, v) in q.iter_mut().enumerate() {
            *v = off * self.class_weight(c);
        }
        q[y] += T::from_f64_lossy(1.0 - self.smoothing) * self.class_weight(y);
        q.iter().copied().sum()
    }

    /// Σ_c q\[c\]·log p\[c\] for a row of log-probabilities of class `y`. Without smoothing only
    /// log p\[y\] is read, so that a log-probability of −∞ elsewhere cannot give 0·∞.
    fn dot(&self, y: usize, log_p: &[T]) -> T {
        let sharp = T::from_f64_lossy(1.0 - self.smoothing) * self.class_weight(y) * log_p[y];
        if self.smoothing == 0.0 {
            return sharp;
        }
        let spread: T = log_p
            .iter()
            .enumerate()
            .map(|(c, &l)| self.class_weight(c) * l)
            .sum();
        sharp + T::from_f64_lossy(self.smoothing / self.classes as f64) * spread
    }
}

/// The fused softmax cross-entropy over rows `(M, C)`.
struct SoftmaxCrossEntropy<T: Float> {
    /// log softmax of the forward pass.
    log_probs: Tensor<T>,
    targets: ClassTargets<T>,
    /// The reduction's factor on each row's gradient: 1, 1/(total weight) or 1/N.
    scale: f64,
    per_sample: bool,
}

impl<T: Float> SoftmaxCrossEntropy<T> {
    /// The target distributions q times the reduction's factor, `(M, C)`, and their sums,
    /// `(M, 1)`; zero rows for ignored samples.
    fn scaled_targets(&self) -> Result<(Tensor<T>, Tensor<T>)> {
        let (m, c) = (self.targets.targets.len(), self.targets.classes);
        let s = T::from_f64_lossy(self.scale);
        let mut q = vec![T::zero(); m * c];
        let mut sums = vec![T::zero(); m];
        for (i, (row, sum)) in q.chunks_exact_mut(c).zip(&mut sums).enumerate() {
            if let Some(y) = self.targets.counted(i) {
                *sum = self.targets.fill(y, row) * s;
                row.iter_mut().for_each(|v| *v *= s);
            }
        }
        Ok((
            Tensor::from_vec(q, [m, c])?,
            Tensor::from_vec(sums, [m, 1])?,
        ))
    }

    /// softmax(x) over the rows not ignored, and zero rows for the ignored ones, which are not
    /// read (they may hold −∞ or NaN: padding), as a differentiable function of `x`.
    fn counted_softmax(&self, x: &Var<T>) -> Result<Var<T>> {
        let t = &self.targets;
        on_kept_rows(x, &kept_rows(&t.targets, t.ignore_index), |x| x.softmax(1))
    }

    /// The gradient as a tensor in one pass over the saved log-probabilities (for a backward
    /// that is not itself recorded).
    fn first_order(&self, g: &Tensor<T>) -> Result<Tensor<T>> {
        let (m, c) = (self.targets.targets.len(), self.targets.classes);
        let g = g.to_vec();
        let mut q = vec![T::zero(); c];
        let mut d = self.log_probs.to_vec();
        for (i, row) in d.chunks_exact_mut(c).enumerate() {
            let Some(y) = self.targets.counted(i) else {
                row.fill(T::zero());
                continue;
            };
            let sum = self.targets.fill(y, &mut q);
            let factor = T::from_f64_lossy(self.scale) * g[if self.per_sample { i } else { 0 }];
            for (v, &q) in row.iter_mut().zip(&q) {
                *v = (v.exp() * sum - q) * factor;
            }
        }
        Ok(Tensor::from_vec(d, [m, c])?)
    }
}

impl<T: Float> CustomOp<T> for SoftmaxCrossEntropy<T> {
    fn name(&self) -> &'static str {
        "cross_entropy"
    }

    /// dx = (softmax(x)·Σq − q)·s·g per row, s the reduction's factor (Σq = 1 without class
    /// weights).
    fn backward(
        &self,
        inputs: &[Var<T>],
        _out: &Var<T>,
        g: &Var<T>,
    ) -> Result<Vec<Option<Var<T>>>> {
        let m = self.targets.targets.len();
        if !is_grad_enabled() {
            return Ok(vec![Some(Var::constant(self.first_order(&g.value())?))]);
        }
        // Differentiable form, for higher-order gradients.
        let (q, sums) = self.scaled_targets()?;
        let d = self
            .counted_softmax(&inputs[0])?
            .mul(&Var::constant(sums))?
            .sub(&Var::constant(q))?;
        let g = if self.per_sample {
            g.reshape([m, 1])?
        } else {
            g.reshape([1, 1])?
        };
        Ok(vec![Some(d.mul(&g)?)])
    }
}
