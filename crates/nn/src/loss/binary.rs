//! Binary cross-entropy on probabilities (fused, PyTorch's clamped logs) and on logits (stable).

use scalpel_autograd::{CustomOp, Result, Var};
use scalpel_tensor::{Float, Shape, Tensor, TensorError};

use super::{check_same_shape, reduce, Reduction};

/// PyTorch's floor for the logarithms of binary cross-entropy: ln 0 counts as −100.
const LOG_FLOOR: f64 = -100.0;

/// −(t·ln p + (1 − t)·ln(1 − p)) for probabilities p = `input` and targets t, reduced, with
/// each logarithm clamped at −100 like PyTorch, so that p = 0 or 1 gives a finite loss.
///
/// A fused element-wise operation whose backward is dL/dp = (p − t)/max(p(1 − p), 1e-12) and
/// dL/dt = ln(1 − p) − ln p (clamped), finite even where p is exactly 0 or 1 (a composition of
/// `ln` and `clamp` would give 0·∞ there). Prefer
/// [`binary_cross_entropy_with_logits`] after a sigmoid.
///
/// # Errors
/// Shapes that differ; an input outside [0, 1].
pub fn binary_cross_entropy<T: Float>(
    input: &Var<T>,
    target: &Var<T>,
    reduction: Reduction,
) -> Result<Var<T>> {
    check_same_shape("binary_cross_entropy", input, target)?;
    let p = input.value();
    if p.to_vec()
        .iter()
        .any(|v| !(*v >= T::zero() && *v <= T::one()))
    {
        return Err(TensorError::arg(
            "binary_cross_entropy",
            "every input must be a probability in [0, 1]",
        )
        .into());
    }
    let t = target.value();
    let floor = T::from_f64_lossy(LOG_FLOOR);
    let log_p = p.ln().maximum_scalar(floor);
    let log_1mp = p.rsub_scalar(T::one()).ln().maximum_scalar(floor);
    let loss = t
        .mul(&log_p)?
        .add(&t.rsub_scalar(T::one()).mul(&log_1mp)?)?
        .neg();
    let loss = Var::from_custom(loss, &[input.clone(), target.clone()], BinaryCrossEntropy)?;
    reduce(loss, reduction)
}

/// The element-wise binary cross-entropy: inputs `[p, t]`.
struct BinaryCrossEntropy;

impl<T: Float> CustomOp<T> for BinaryCrossEntropy {
    fn name(&self) -> &'static str {
        "binary_cross_entropy"
    }

    fn backward(
        &self,
        inputs: &[Var<T>],
        _out: &Var<T>,
        g: &Var<T>,
    ) -> Result<Vec<Option<Var<T>>>> {
        let (p, t) = (&inputs[0], &inputs[1]);
        let floor = T::from_f64_lossy(LOG_FLOOR);
        let big = T::infinity();
        let denom = p
            .mul(&p.rsub_scalar(T::one())?)?
            .clamp(T::from_f64_lossy(1e-12), big)?;
        let dp = g.mul(&p.sub(t)?.div(&denom)?)?;
        let log_p = p.ln()?.clamp(floor, big)?;
        let log_1mp = p.rsub_scalar(T::one())?.ln()?.clamp(floor, big)?;
        let dt = g.mul(&log_1mp.sub(&log_p)?)?;
        Ok(vec![Some(dp), Some(dt)])
    }
}

/// Binary cross-entropy on logits x, −(t·ln σ(x) + (1 − t)·ln(1 − σ(x))), computed as
/// t·softplus(−x) + (1 − t)·softplus(x): no overflow for large |x|, and no cancellation either
/// (the shorter softplus(x) − x·t loses every digit of a confident right answer, x ≫ 0 with
/// t = 1). Its gradient is σ(x) − t (the book's `BCE_loss_grad`, as used by GANs).
///
/// # Errors
/// Shapes that differ.
pub fn binary_cross_entropy_with_logits<T: Float>(
    input: &Var<T>,
    target: &Var<T>,
    reduction: Reduction,
) -> Result<Var<T>> {
    binary_cross_entropy_with_logits_with(
        input,
        target,
        &BceWithLogitsOptions {
            reduction,
            ..Default::default()
        },
    )
}

/// Options of [`binary_cross_entropy_with_logits_with`] (PyTorch's `BCEWithLogitsLoss`); the
/// default is the mean and no weights. Both weights are constants: no gradient reaches them.
#[derive(Clone, Debug, PartialEq)]
pub struct BceWithLogitsOptions<T: Float> {
    /// How the element losses are combined (`Mean` is over all elements, weighted or not).
    pub reduction: Reduction,
    /// A weight per element, broadcast to the input's shape (PyTorch's `weight`).
    pub weight: Option<Tensor<T>>,
    /// The weight of the positive term, broadcast to the input's shape: usually one per class
    /// on the last axis, set to negatives/positives to balance a label that is rarely 1
    /// (PyTorch's `pos_weight`).
    pub pos_weight: Option<Tensor<T>>,
}

impl<T: Float> Default for BceWithLogitsOptions<T> {
    fn default() -> Self {
        BceWithLogitsOptions {
            reduction: Reduction::Mean,
            weight: None,
            pos_weight: None,
        }
    }
}

/// [`binary_cross_entropy_with_logits`] with weights: per element,
/// w·(p·t·softplus(−x) + (1 − t)·softplus(x)) for `weight` w and `pos_weight` p.
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_nn::{binary_cross_entropy_with_logits_with, BceWithLogitsOptions};
/// use scalpel_tensor::Tensor;
/// // Two labels per sample; the second is rarely 1, so its positives count four times.
/// let logits = Var::parameter(Tensor::<f32>::zeros([3, 2]));
/// let target = Var::constant(Tensor::from_rows(&[[1.0, 1.0], [0.0, 0.0], [1.0, 0.0]]).unwrap());
/// let options = BceWithLogitsOptions {
///     pos_weight: Some(Tensor::from_vec1(vec![1.0, 4.0])),
///     ..Default::default()
/// };
/// let loss = binary_cross_entropy_with_logits_with(&logits, &target, &options).unwrap();
/// // Every element loses ln 2 at x = 0; the one positive of the second label counts 4 times.
/// assert!((loss.item().unwrap() - 9.0 * 2f32.ln() / 6.0).abs() < 1e-6);
/// ```
///
/// The weights broadcast one way, to the input's shape: a weight with more elements than the
/// input is an error, where PyTorch would broadcast the loss up to the weight's shape (an
/// easily missed bug).
///
/// # Errors
/// Shapes that differ; a weight that does not broadcast to the input's shape.
pub fn binary_cross_entropy_with_logits_with<T: Float>(
    input: &Var<T>,
    target: &Var<T>,
    options: &BceWithLogitsOptions<T>,
) -> Result<Var<T>> {
    const OP: &str = "binary_cross_entropy_with_logits";
    check_same_shape(OP, input, target)?;
    let shape = input.shape();
    let mut when_one = input.neg()?.softplus()?.mul(target)?;
    if let Some(p) = &options.pos_weight {
        when_one = when_one.mul(&broadcast_weight(OP, "pos_weight", p, &shape)?)?;
    }
    let when_zero = input.softplus()?.mul(&target.rsub_scalar(T::one())?)?;
    let mut loss = when_one.add(&when_zero)?;
    if let Some(w) = &options.weight {
        loss = loss.mul(&broadcast_weight(OP, "weight", w, &shape)?)?;
    }
    reduce(loss, options.reduction)
}

/// `weight` as a constant of the input's shape, or an error naming the loss and the weight.
fn broadcast_weight<T: Float>(
    op: &'static str,
    name: &str,
    weight: &Tensor<T>,
    shape: &Shape,
) -> Result<Var<T>> {
    match weight.broadcast_to(shape.clone()) {
        Ok(w) => Ok(Var::constant(w)),
        Err(_) => Err(TensorError::mismatch(
            op,
            shape,
            weight.shape(),
            format!("{name} must broadcast to the input's shape"),
        )
        .into()),
    }
}
