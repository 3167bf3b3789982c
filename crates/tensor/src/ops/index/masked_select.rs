//! `masked_select`: the elements where a boolean mask is true, as a 1-D tensor.

use crate::element::Element;
use crate::error::Result;
use crate::layout::for_each_row;
use crate::shape::Shape;
use crate::tensor::Tensor;
use crate::view::broadcast_layout;

impl<T: Element> Tensor<T> {
    /// `torch.masked_select`: the elements of `self` where `mask` is true, in row-major order,
    /// as a 1-D tensor. `self` and `mask` broadcast together first.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`](crate::TensorError::ShapeMismatch) when the shapes do not
    /// broadcast.
    pub fn masked_select(&self, mask: &Tensor<bool>) -> Result<Tensor<T>> {
        let op = "masked_select";
        let shape = Shape::broadcast(op, self.shape(), mask.shape())?;
        let lx = broadcast_layout(op, &self.layout, &shape)?;
        let lm = broadcast_layout(op, &mask.layout, &shape)?;
        let (x, m) = (&self.storage[..], &mask.storage[..]);
        let mut out = Vec::new();
        for_each_row([&lx, &lm], |[ox, om], len, [sx, sm]| {
            let (mut px, mut pm) = (ox as isize, om as isize);
            for _ in 0..len {
                if m[pm as usize] {
                    out.push(x[px as usize]);
                }
                px += sx;
                pm += sm;
            }
        });
        Ok(Tensor::from_vec1(out))
    }
}
