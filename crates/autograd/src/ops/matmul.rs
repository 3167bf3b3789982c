//! Matrix products of variables.

use scalpel_tensor::Float;

use crate::error::Result;
use crate::op::Op;
use crate::var::Var;

impl<T: Float> Var<T> {
    /// Matrix product with `torch.matmul` semantics: 1-D operands promoted, batch dimensions
    /// broadcast.
    ///
    /// # Errors
    /// Inner dimensions that differ or batch dimensions that do not broadcast; anomaly mode.
    pub fn matmul(&self, other: &Var<T>) -> Result<Var<T>> {
        let v = self.value().matmul(&other.value())?;
        Var::from_op(v, Op::Matmul, vec![self.clone(), other.clone()])
    }
}
