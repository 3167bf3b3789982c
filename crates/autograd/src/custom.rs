//! User-defined operations with a hand-written backward (fused layers such as batch norm or
//! softmax cross-entropy in scalpel-nn, the way the book writes each layer's backward by hand).

use scalpel_tensor::{Float, Tensor};

use crate::error::Result;
use crate::op::Op;
use crate::var::Var;

/// The backward half of a custom operation.
///
/// `backward` receives the operation's inputs, its output and the gradient of the loss with
/// respect to the output, and returns one gradient per input (`None` for inputs that need none).
/// Write it in `Var` operations: then it is differentiable again under `create_graph`, and
/// `gradgradcheck` can check it.
pub trait CustomOp<T: Float>: Send + Sync {
    /// The name shown in errors, anomaly reports and graph drawings.
    fn name(&self) -> &'static str;
    /// Gradients with respect to each input.
    ///
    /// Read the inputs from `inputs`: `output`'s own graph may already be released when the rule
    /// runs (a backward without `retain_graph` frees each node as it goes), so that
    /// `output.inputs()` is then empty.
    ///
    /// # Errors
    /// Any error of the operations it uses.
    fn backward(
        &self,
        inputs: &[Var<T>],
        output: &Var<T>,
        grad: &Var<T>,
    ) -> Result<Vec<Option<Var<T>>>>;
}

impl<T: Float> Var<T> {
    /// Records the result of a custom operation: `value` was computed from `inputs` outside
    /// autograd, and `op` knows its backward.
    ///
    /// # Errors
    /// Anomaly mode rejects a non-finite `value`.
    pub fn from_custom(
        value: Tensor<T>,
        inputs: &[Var<T>],
        op: impl CustomOp<T> + 'static,
    ) -> Result<Var<T>> {
        Var::from_op(value, Op::Custom(std::sync::Arc::new(op)), inputs.to_vec())
    }
}
