//! Pooling of variables. Each pooling's backward is recorded as an operation too, so pooling
//! layers have second derivatives (needed by gradient penalties such as WGAN-GP's).

use scalpel_tensor::{Float, Shape};

use crate::error::Result;
use crate::op::{Op, PoolWindow};
use crate::var::Var;

impl<T: Float> Var<T> {
    /// Max pooling of an `(N, C, H, W)` input over `kernel` windows (padding counts as −∞).
    /// The gradient goes to each window's maximum (the first one on ties).
    ///
    /// # Errors
    /// Shapes that do not fit; anomaly mode.
    pub fn max_pool2d(
        &self,
        kernel: (usize, usize),
        stride: (usize, usize),
        padding: (usize, usize),
    ) -> Result<Var<T>> {
        let (v, indices) = self.value().max_pool2d(kernel, stride, padding)?;
        Var::from_op(v, Op::MaxPool2d { indices }, vec![self.clone()])
    }

    /// Average pooling of an `(N, C, H, W)` input; `count_include_pad` divides by the full
    /// window even where it overlaps the padding.
    ///
    /// # Errors
    /// Shapes that do not fit; anomaly mode.
    pub fn avg_pool2d(
        &self,
        kernel: (usize, usize),
        stride: (usize, usize),
        padding: (usize, usize),
        count_include_pad: bool,
    ) -> Result<Var<T>> {
        let v = self
            .value()
            .avg_pool2d(kernel, stride, padding, count_include_pad)?;
        let window = PoolWindow {
            kernel,
            stride,
            padding,
            count_include_pad,
        };
        Var::from_op(v, Op::AvgPool2d(window), vec![self.clone()])
    }

    /// Adaptive average pooling to `output_size` (`(1, 1)` is global average pooling).
    ///
    /// # Errors
    /// Shapes that do not fit; anomaly mode.
    pub fn adaptive_avg_pool2d(&self, output_size: (usize, usize)) -> Result<Var<T>> {
        let v = self.value().adaptive_avg_pool2d(output_size)?;
        Var::from_op(v, Op::AdaptiveAvgPool2d, vec![self.clone()])
    }

    /// Scatters an output gradient of max pooling back to the input positions in `indices`.
    pub(crate) fn max_pool2d_grad(
        &self,
        indices: &scalpel_tensor::Tensor<i64>,
        input_shape: &Shape,
    ) -> Result<Var<T>> {
        let v = self
            .value()
            .max_pool2d_backward(indices, input_shape.clone())?;
        Var::from_op(
            v,
            Op::MaxPool2dGrad {
                indices: indices.clone(),
            },
            vec![self.clone()],
        )
    }

    /// Spreads an output gradient of average pooling over each window.
    pub(crate) fn avg_pool2d_grad(&self, input_shape: &Shape, w: PoolWindow) -> Result<Var<T>> {
        let v = self.value().avg_pool2d_backward(
            input_shape.clone(),
            w.kernel,
            w.stride,
            w.padding,
            w.count_include_pad,
        )?;
        Var::from_op(v, Op::AvgPool2dGrad(w), vec![self.clone()])
    }

    /// Spreads an output gradient of adaptive average pooling over each region.
    pub(crate) fn adaptive_avg_pool2d_grad(&self, input_shape: &Shape) -> Result<Var<T>> {
        let v = self
            .value()
            .adaptive_avg_pool2d_backward(input_shape.clone())?;
        Var::from_op(v, Op::AdaptiveAvgPool2dGrad, vec![self.clone()])
    }
}
