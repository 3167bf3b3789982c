//! Matrix multiplication: 2-D, batched, broadcast batch dimensions, strided operands.
//!
//! [`Tensor::matmul`] follows `torch.matmul`: a 1-D operand is promoted to a matrix (a 1 is
//! prepended to the left operand's shape, appended to the right one's) and the promoted axis is
//! removed from the result; operands of rank ≥ 3 are stacks of matrices whose batch dimensions
//! broadcast under numpy's rules. [`mm`](Tensor::mm), [`bmm`](Tensor::bmm), [`dot`](Tensor::dot)
//! and [`outer`](Tensor::outer) are the strict forms.
//!
//! No operand is copied: transposed, narrowed, flipped or expanded views go straight to the
//! `gemm` crate with their strides, so `a.matmul(&b.t())` costs the same as `a.matmul(&b)`.
//!
//! The products are for `f32` and `f64` (the element types of `gemm`). Integers, which numpy
//! multiplies as well, are cast first: `a.cast::<f64>().matmul(&b.cast())` is exact while every
//! product and partial sum stays below 2⁵³ in magnitude.

mod batched;
pub mod kernel;

use crate::element::Float;
use crate::error::{Result, TensorError};
use crate::shape::{Dims, Shape};
use crate::tensor::Tensor;

impl<T: Float> Tensor<T> {
    /// The matrix product with `torch.matmul` semantics.
    ///
    /// | `self` | `other` | result |
    /// |---|---|---|
    /// | `[k]` | `[k]` | `[]` (dot product) |
    /// | `[m, k]` | `[k, n]` | `[m, n]` |
    /// | `[k]` | `[.., k, n]` | `[.., n]` |
    /// | `[.., m, k]` | `[k]` | `[.., m]` |
    /// | `[..a, m, k]` | `[..b, k, n]` | `[broadcast(a, b), m, n]` |
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let a = Tensor::<f32>::ones([2, 1, 3, 4]);
    /// let b = Tensor::<f32>::ones([5, 4, 6]);
    /// let c = a.matmul(&b).unwrap();
    /// assert_eq!(c.dims(), &[2, 5, 3, 6]);
    /// assert_eq!(c.get(&[1, 4, 2, 5]).unwrap(), 4.0);
    /// ```
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`] naming both shapes when an operand is 0-d, when the inner
    /// dimensions differ (`matmul: [2, 3] and [4, 5]: inner dimensions 3 != 4`), or when the batch
    /// dimensions do not broadcast.
    pub fn matmul(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        matmul_impl("matmul", self, other)
    }

    /// The product of two matrices, `[m, k] x [k, n] -> [m, n]` (no promotion, no batching).
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`] when an operand is not 2-D or the inner dimensions differ.
    pub fn mm(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        require_rank("mm", self, other, 2, "matrices (2-D)")?;
        matmul_impl("mm", self, other)
    }

    /// Batched matrix product, `[b, m, k] x [b, k, n] -> [b, m, n]`, with equal batch sizes (no
    /// broadcasting).
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`] when an operand is not 3-D, the batch sizes differ, or the
    /// inner dimensions differ.
    pub fn bmm(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        require_rank("bmm", self, other, 3, "3-D")?;
        let (ba, bb) = (self.dims()[0], other.dims()[0]);
        if ba != bb {
            return Err(TensorError::mismatch(
                "bmm",
                self.shape(),
                other.shape(),
                format!("batch sizes {ba} != {bb}"),
            ));
        }
        matmul_impl("bmm", self, other)
    }

    /// The dot product of two vectors of equal length, as a 0-d tensor.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`] when an operand is not 1-D or the lengths differ.
    pub fn dot(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        require_rank("dot", self, other, 1, "vectors (1-D)")?;
        matmul_impl("dot", self, other)
    }

    /// The outer product of two vectors, `[m] x [n] -> [m, n]` with element (i, j) equal to
    /// `self[i]·other[j]`.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`] when an operand is not 1-D.
    pub fn outer(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        require_rank("outer", self, other, 1, "vectors (1-D)")?;
        let (m, n) = (self.dims()[0], other.dims()[0]);
        let column = self.unsqueeze(1)?;
        let row = other.unsqueeze(0)?;
        let out = batched::product(&column, &row, &Shape::scalar());
        Ok(Tensor::from_vec_unchecked(out, Shape::new(&[m, n])))
    }
}

/// Checks that both operands have rank `rank`.
fn require_rank<T: Float>(
    op: &'static str,
    a: &Tensor<T>,
    b: &Tensor<T>,
    rank: usize,
    what: &str,
) -> Result<()> {
    if a.rank() != rank || b.rank() != rank {
        return Err(TensorError::mismatch(
            op,
            a.shape(),
            b.shape(),
            format!("both operands must be {what}"),
        ));
    }
    Ok(())
}

/// `torch.matmul` on already rank-checked operands: checks shapes, promotes 1-D operands to
/// matrices, multiplies, and drops the promoted axes from the result's shape.
fn matmul_impl<T: Float>(op: &'static str, a: &Tensor<T>, b: &Tensor<T>) -> Result<Tensor<T>> {
    let (ra, rb) = (a.rank(), b.rank());
    let fail = |reason: String| TensorError::mismatch(op, a.shape(), b.shape(), reason);
    if ra == 0 || rb == 0 {
        return Err(fail("both operands need at least one dimension".into()));
    }
    let ka = a.dims()[ra - 1];
    let kb = b.dims()[rb.saturating_sub(2)];
    if ka != kb {
        return Err(fail(format!("inner dimensions {ka} != {kb}")));
    }
    let batch = broadcast_batch(a.dims(), b.dims()).ok_or_else(|| {
        fail(format!(
            "batch dimensions {} and {} do not broadcast",
            Shape::new(batch_dims(a.dims())),
            Shape::new(batch_dims(b.dims()))
        ))
    })?;
    let promoted_a;
    let lhs = if ra == 1 {
        promoted_a = a.unsqueeze(0)?;
        &promoted_a
    } else {
        a
    };
    let promoted_b;
    let rhs = if rb == 1 {
        promoted_b = b.unsqueeze(1)?;
        &promoted_b
    } else {
        b
    };
    let mut dims: Dims = batch.dims().into();
    if ra > 1 {
        dims.push(a.dims()[ra - 2]);
    }
    if rb > 1 {
        dims.push(b.dims()[rb - 1]);
    }
    let shape = Shape::from(dims);
    if shape.check_addressable(op).is_err() {
        return Err(fail(format!("the product's shape {shape} is too large")));
    }
    let out = batched::product(lhs, rhs, &batch);
    Ok(Tensor::from_vec_unchecked(out, shape))
}

/// The batch dimensions of an operand: all but the last two (none for a 1-D operand).
fn batch_dims(dims: &[usize]) -> &[usize] {
    &dims[..dims.len().saturating_sub(2)]
}

/// The broadcast of the two operands' batch dimensions, or `None` when they do not broadcast.
fn broadcast_batch(a: &[usize], b: &[usize]) -> Option<Shape> {
    let (a, b) = (batch_dims(a), batch_dims(b));
    let rank = a.len().max(b.len());
    let from_right = |d: &[usize], i: usize| if i < d.len() { d[d.len() - 1 - i] } else { 1 };
    let mut dims: Dims = Dims::from_elem(0, rank);
    for i in 0..rank {
        dims[rank - 1 - i] = match (from_right(a, i), from_right(b, i)) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => return None,
        };
    }
    Some(Shape::from(dims))
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    fn t(data: &[f64], dims: &[usize]) -> Tensor<f64> {
        Tensor::from_slice(data, dims).unwrap()
    }

    #[test]
    fn matrix_times_matrix_matches_hand_values() {
        let a = t(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
        let b = t(&[7.0, 8.0, 9.0, 10.0, 11.0, 12.0], &[3, 2]);
        let c = a.matmul(&b).unwrap();
        assert_eq!(c.dims(), &[2, 2]);
        assert_eq!(c.to_vec(), vec![58.0, 64.0, 139.0, 154.0]);
        assert_eq!(a.mm(&b).unwrap(), c);
    }

    #[test]
    fn vectors_promote_and_lose_the_promoted_axis() {
        let v = t(&[1.0, 2.0, 3.0], &[3]);
        let m = t(&[1.0, 0.0, 0.0, 1.0, 1.0, 1.0], &[3, 2]);
        let dot = v.matmul(&v).unwrap();
        assert_eq!(dot.dims(), &[] as &[usize]);
        assert_eq!(dot.item().unwrap(), 14.0);
        assert_eq!(v.dot(&v).unwrap().item().unwrap(), 14.0);
        assert_eq!(v.matmul(&m).unwrap().to_vec(), vec![4.0, 5.0]);
        assert_eq!(m.t().matmul(&v).unwrap().to_vec(), vec![4.0, 5.0]);
        let o = v.outer(&t(&[1.0, -1.0], &[2])).unwrap();
        assert_eq!(o.dims(), &[3, 2]);
        assert_eq!(o.to_vec(), vec![1.0, -1.0, 2.0, -2.0, 3.0, -3.0]);
    }

    #[test]
    fn shape_errors_name_the_op_and_both_shapes() {
        let msg = |r: crate::Result<Tensor<f64>>| r.unwrap_err().to_string();
        let z = |d: &[usize]| Tensor::<f64>::zeros(d);
        assert_eq!(
            msg(z(&[2, 3]).matmul(&z(&[4, 5]))),
            "matmul: [2, 3] and [4, 5]: inner dimensions 3 != 4"
        );
        assert_eq!(
            msg(z(&[2, 3, 4]).matmul(&z(&[5, 4, 6]))),
            "matmul: [2, 3, 4] and [5, 4, 6]: batch dimensions [2] and [5] do not broadcast"
        );
        assert_eq!(
            msg(z(&[]).matmul(&z(&[3]))),
            "matmul: [] and [3]: both operands need at least one dimension"
        );
        assert_eq!(
            msg(z(&[3]).mm(&z(&[3, 2]))),
            "mm: [3] and [3, 2]: both operands must be matrices (2-D)"
        );
        assert_eq!(
            msg(z(&[2, 3, 4]).bmm(&z(&[3, 4, 5]))),
            "bmm: [2, 3, 4] and [3, 4, 5]: batch sizes 2 != 3"
        );
        assert_eq!(
            msg(z(&[3]).dot(&z(&[4]))),
            "dot: [3] and [4]: inner dimensions 3 != 4"
        );
        assert_eq!(
            msg(z(&[3, 1]).outer(&z(&[4]))),
            "outer: [3, 1] and [4]: both operands must be vectors (1-D)"
        );
    }
}
