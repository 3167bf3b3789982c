//! [`Var`]: a tensor in a computational graph — its value, its gradient, and the node that made it.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use scalpel_tensor::{Float, Shape, Tensor, TensorError};

use crate::error::{AutogradError, Result};
use crate::grad_mode::{is_anomaly_enabled, is_grad_enabled};
use crate::op::Op;

static NEXT_ID: AtomicU64 = AtomicU64::new(0);
static LIVE_NODES: AtomicUsize = AtomicUsize::new(0);

/// Number of graph nodes alive in the process (a debug counter: a training loop whose graphs are
/// freed keeps it flat).
pub fn live_nodes() -> usize {
    LIVE_NODES.load(Ordering::Relaxed)
}

/// A function run on a variable's gradient when backward has finished accumulating it.
/// Returning `Some(g)` replaces the gradient that flows on (e.g. clipping).
pub type Hook<T> = Box<dyn Fn(&Tensor<T>) -> Option<Tensor<T>> + Send + Sync>;

/// A value in the computational graph (define-by-run, like PyTorch's tensors).
///
/// A `Var` is either a leaf — made by [`Var::parameter`], [`Var::new`] or [`Var::constant`] — or
/// the result of an operation, which records a graph node linking it to its inputs when grad mode
/// is on and any input requires a gradient. Cloning a `Var` is cheap and shares everything.
/// `Var` is `Send + Sync`.
pub struct Var<T: Float = f32> {
    pub(crate) inner: Arc<VarInner<T>>,
}

pub(crate) struct VarInner<T: Float> {
    pub(crate) id: u64,
    pub(crate) value: RwLock<Tensor<T>>,
    pub(crate) requires_grad: AtomicBool,
    pub(crate) retains_grad: AtomicBool,
    /// How many times the value was replaced or updated (leaves only; results never change).
    pub(crate) version: AtomicU64,
    pub(crate) node: Option<Node<T>>,
    pub(crate) grad: Mutex<Option<Var<T>>>,
    pub(crate) hooks: Mutex<Vec<Hook<T>>>,
    pub(crate) label: Mutex<Option<Arc<str>>>,
}

/// What an operation saved for its backward pass. Taken (freed) by a backward pass that does not
/// retain the graph.
#[derive(Clone)]
pub(crate) struct NodeData<T: Float> {
    pub(crate) op: Op<T>,
    pub(crate) inputs: Vec<Var<T>>,
    /// The sum of the inputs' versions when the operation ran: versions only grow, so the sum
    /// differs at backward exactly when some input's value was changed in between.
    pub(crate) input_versions: u64,
}

pub(crate) struct Node<T: Float> {
    pub(crate) name: &'static str,
    pub(crate) data: Mutex<Option<NodeData<T>>>,
}

impl<T: Float> Clone for Var<T> {
    fn clone(&self) -> Self {
        Var {
            inner: self.inner.clone(),
        }
    }
}

impl<T: Float> Var<T> {
    fn make(value: Tensor<T>, requires_grad: bool, node: Option<Node<T>>) -> Self {
        if node.is_some() {
            LIVE_NODES.fetch_add(1, Ordering::Relaxed);
        }
        Var {
            inner: Arc::new(VarInner {
                id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
                value: RwLock::new(value),
                requires_grad: AtomicBool::new(requires_grad),
                retains_grad: AtomicBool::new(false),
                version: AtomicU64::new(0),
                node,
                grad: Mutex::new(None),
                hooks: Mutex::new(Vec::new()),
                label: Mutex::new(None),
            }),
        }
    }

    /// A leaf variable; gradients accumulate into it when `requires_grad`.
    pub fn new(value: Tensor<T>, requires_grad: bool) -> Self {
        Self::make(value, requires_grad, None)
    }
    /// A leaf that requires a gradient (a trainable parameter or an input to differentiate by).
    pub fn parameter(value: Tensor<T>) -> Self {
        Self::new(value, true)
    }
    /// A leaf that never requires a gradient (data, labels, masks).
    pub fn constant(value: Tensor<T>) -> Self {
        Self::new(value, false)
    }

    /// The result of an operation: records a node when grad mode is on and any input requires a
    /// gradient; checks for non-finite values in anomaly mode.
    pub(crate) fn from_op(value: Tensor<T>, op: Op<T>, inputs: Vec<Var<T>>) -> Result<Self> {
        if is_anomaly_enabled() {
            check_finite("forward", op.name(), &value, &inputs)?;
        }
        let requires = is_grad_enabled() && inputs.iter().any(Var::requires_grad);
        if !requires {
            return Ok(Self::make(value, false, None));
        }
        let input_versions = version_sum(&inputs);
        let node = Node {
            name: op.name(),
            data: Mutex::new(Some(NodeData {
                op,
                inputs,
                input_versions,
            })),
        };
        Ok(Self::make(value, true, Some(node)))
    }

    /// [`AutogradError::NotALeaf`] for `op` unless this is a leaf.
    fn check_leaf(&self, op: &'static str) -> Result<()> {
        match &self.inner.node {
            Some(node) => Err(AutogradError::NotALeaf {
                op,
                made_by: node.name,
            }),
            None => Ok(()),
        }
    }

    /// A unique id (stable for the life of the variable).
    pub fn id(&self) -> u64 {
        self.inner.id
    }
    /// The current value (a cheap clone sharing storage).
    pub fn value(&self) -> Tensor<T> {
        self.inner
            .value
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
    /// Updates the value of a leaf in place: `f` receives its elements in row-major order and
    /// changes them (what optimizers do). The value's buffer is reused when nothing else holds
    /// it, and copied first when something does (a tensor saved by a graph, a view, a clone),
    /// which then keeps the old elements. As with [`set_value`](Self::set_value), a graph built
    /// before the update can no longer run backward through the operations that used this leaf:
    /// that is an [`AutogradError::ChangedAfterUse`] error, not a gradient of the wrong value.
    ///
    /// ```
    /// use scalpel_autograd::Var;
    /// use scalpel_tensor::Tensor;
    /// let w = Var::parameter(Tensor::from_vec(vec![1.0f32, 2.0], [2]).unwrap());
    /// let before = w.value();
    /// w.update_value(|v| v.iter_mut().for_each(|x| *x *= 10.0)).unwrap();
    /// assert_eq!(w.value().to_vec(), vec![10.0, 20.0]);
    /// assert_eq!(before.to_vec(), vec![1.0, 2.0]); // a clone held elsewhere is not changed
    /// ```
    ///
    /// # Errors
    /// [`AutogradError::NotALeaf`] when called on the result of an operation.
    pub fn update_value(&self, f: impl FnOnce(&mut [T])) -> Result<()> {
        self.check_leaf("update_value")?;
        let mut v = self.inner.value.write().unwrap_or_else(|e| e.into_inner());
        let shape = v.shape().clone();
        let old = std::mem::replace(&mut *v, Tensor::zeros([0]));
        let mut data = old.into_vec();
        f(&mut data);
        *v = Tensor::from_vec(data, shape)?;
        self.inner.version.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
    /// Replaces the value of a leaf. A graph built from the old value can no longer run backward
    /// through the operations that used this leaf: each leaf counts its changes, each operation
    /// notes the counts of its inputs when it runs, and backward refuses an operation whose
    /// inputs changed since with [`AutogradError::ChangedAfterUse`] (PyTorch's version counter),
    /// since its rule would mix the old value with the new one. Stricter than PyTorch, which only
    /// checks the inputs an operation saved: here any operation that used the leaf refuses.
    ///
    /// # Errors
    /// [`AutogradError::NotALeaf`] when called on the result of an operation; a
    /// [`TensorError::ShapeMismatch`](scalpel_tensor::TensorError::ShapeMismatch) for a value of
    /// another shape.
    pub fn set_value(&self, value: Tensor<T>) -> Result<()> {
        self.check_leaf("set_value")?;
        let mut v = self.inner.value.write().unwrap_or_else(|e| e.into_inner());
        if v.shape() != value.shape() {
            return Err(TensorError::mismatch(
                "set_value",
                value.shape(),
                v.shape(),
                "the new value must have the variable's shape",
            )
            .into());
        }
        *v = value;
        self.inner.version.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
    /// The value's shape.
    pub fn shape(&self) -> Shape {
        self.inner
            .value
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .shape()
            .clone()
    }
    /// The value's dimensions.
    pub fn dims(&self) -> Vec<usize> {
        self.shape().dims().to_vec()
    }
    /// Number of dimensions.
    pub fn rank(&self) -> usize {
        self.shape().rank()
    }
    /// True when gradients flow to this variable.
    pub fn requires_grad(&self) -> bool {
        self.inner.requires_grad.load(Ordering::Relaxed)
    }
    /// Turns gradient tracking of a leaf on or off (freezing a parameter).
    ///
    /// # Errors
    /// [`AutogradError::NotALeaf`] on the result of an operation, whose flag follows from its
    /// inputs.
    pub fn set_requires_grad(&self, on: bool) -> Result<()> {
        self.check_leaf("set_requires_grad")?;
        self.inner.requires_grad.store(on, Ordering::Relaxed);
        Ok(())
    }
    /// True for a variable not produced by a recorded operation.
    pub fn is_leaf(&self) -> bool {
        self.inner.node.is_none()
    }
    /// The name of the operation that produced this variable (`None` for leaves).
    pub fn op_name(&self) -> Option<&'static str> {
        self.inner.node.as_ref().map(|n| n.name)
    }
    /// A new leaf with the same value, cut from the graph.
    pub fn detach(&self) -> Var<T> {
        Var::constant(self.value())
    }
    /// The accumulated gradient, if a backward pass reached this leaf.
    pub fn grad(&self) -> Option<Tensor<T>> {
        self.lock_grad().as_ref().map(Var::value)
    }
    /// The accumulated gradient as a variable: with `create_graph` it carries its own graph and
    /// can be differentiated again.
    pub fn grad_var(&self) -> Option<Var<T>> {
        self.lock_grad().clone()
    }
    /// Asks backward to store this non-leaf variable's gradient in its `grad` too (leaves always
    /// get theirs). Useful for inspection and for `to_dot`.
    pub fn retain_grad(&self) {
        self.inner.retains_grad.store(true, Ordering::Relaxed);
    }
    pub(crate) fn retains_grad(&self) -> bool {
        self.is_leaf() || self.inner.retains_grad.load(Ordering::Relaxed)
    }
    /// Forgets the accumulated gradient.
    pub fn zero_grad(&self) {
        *self.lock_grad() = None;
    }
    /// Sets the gradient directly (what gradient clipping and all-reduce do).
    ///
    /// # Errors
    /// A gradient whose shape is not the variable's (PyTorch: "assigned grad has data of a
    /// different size"); the gradient is then left as it was.
    pub fn set_grad(&self, grad: Option<Tensor<T>>) -> Result<()> {
        if let Some(g) = &grad {
            let shape = self.shape();
            if g.shape() != &shape {
                return Err(TensorError::mismatch(
                    "set_grad",
                    g.shape(),
                    &shape,
                    "the gradient must have the variable's shape",
                )
                .into());
            }
        }
        *self.lock_grad() = grad.map(Var::constant);
        Ok(())
    }
    pub(crate) fn lock_grad(&self) -> std::sync::MutexGuard<'_, Option<Var<T>>> {
        self.inner.grad.lock().unwrap_or_else(|e| e.into_inner())
    }
    /// Registers `hook`, run with this variable's gradient once backward has accumulated it.
    /// The hook may return a replacement gradient (e.g. a clipped one), which is what flows on and
    /// what a leaf accumulates. Under `create_graph` a replacement is treated as a constant.
    pub fn register_hook(
        &self,
        hook: impl Fn(&Tensor<T>) -> Option<Tensor<T>> + Send + Sync + 'static,
    ) {
        self.inner
            .hooks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Box::new(hook));
    }
    /// Attaches a label, used by anomaly errors and `to_dot`.
    pub fn set_label(&self, label: &str) {
        *self.inner.label.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::from(label));
    }
    /// The label given by [`set_label`](Self::set_label).
    pub fn label(&self) -> Option<String> {
        self.inner
            .label
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_deref()
            .map(String::from)
    }
    /// The inputs of the node that produced this variable (empty for leaves or freed graphs).
    pub fn inputs(&self) -> Vec<Var<T>> {
        match &self.inner.node {
            Some(n) => n
                .data
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .as_ref()
                .map(|d| d.inputs.clone())
                .unwrap_or_default(),
            None => Vec::new(),
        }
    }
    /// The single element of a one-element variable.
    ///
    /// # Errors
    /// When the value has more or fewer than one element.
    pub fn item(&self) -> Result<T> {
        Ok(self.value().item()?)
    }
}

/// Anomaly check: errors on the first NaN or infinity in `value`.
pub(crate) fn check_finite<T: Float>(
    pass: &'static str,
    op: &'static str,
    value: &Tensor<T>,
    vars: &[Var<T>],
) -> Result<()> {
    let v = value.to_vec();
    let nan = v.iter().filter(|x| x.is_nan()).count();
    let inf = v.iter().filter(|x| x.is_infinite()).count();
    if nan + inf == 0 {
        return Ok(());
    }
    let labels: Vec<String> = vars.iter().filter_map(Var::label).collect();
    let label = if labels.is_empty() {
        String::new()
    } else {
        format!(" (labelled {})", labels.join(", "))
    };
    Err(AutogradError::Anomaly {
        pass,
        op,
        label,
        what: format!("{nan} NaN, {inf} infinite of {} values", v.len()),
    })
}

impl<T: Float> Drop for VarInner<T> {
    /// Frees the graph above this variable iteratively: a chain of 200,000 operations would
    /// overflow the stack if each variable dropped its inputs recursively.
    fn drop(&mut self) {
        let Some(node) = self.node.as_mut() else {
            return;
        };
        LIVE_NODES.fetch_sub(1, Ordering::Relaxed);
        let mut stack: Vec<Var<T>> = match node
            .data
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            Some(d) => d.inputs,
            None => return,
        };
        while let Some(v) = stack.pop() {
            if let Ok(mut inner) = Arc::try_unwrap(v.inner) {
                if let Some(n) = inner.node.as_mut() {
                    if let Some(d) = n.data.get_mut().unwrap_or_else(|e| e.into_inner()).take() {
                        stack.extend(d.inputs);
                    }
                }
                // `inner` drops here with its inputs already moved out: no recursion.
            }
        }
    }
}

/// `Var(Tensor<f32>[2] [0.5, 1.], requires_grad)`: the value with its dtype and shape, the
/// label if any, and the operation that made it (or whether a leaf requires a gradient).
impl<T: Float> fmt::Debug for Var<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.value();
        write!(f, "Var(")?;
        if let Some(l) = self.label() {
            write!(f, "{l}: ")?;
        }
        match f.precision() {
            Some(p) => write!(f, "{v:.p$?}")?,
            None => write!(f, "{v:?}")?,
        }
        if let Some(op) = self.op_name() {
            write!(f, ", op={op}")?;
        } else if self.requires_grad() {
            write!(f, ", requires_grad")?;
        }
        write!(f, ")")
    }
}

/// The sum of the versions of `inputs` (see [`NodeData::input_versions`]).
pub(crate) fn version_sum<T: Float>(inputs: &[Var<T>]) -> u64 {
    inputs.iter().fold(0u64, |sum, v| {
        sum.wrapping_add(v.inner.version.load(Ordering::Relaxed))
    })
}
