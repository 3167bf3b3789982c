//! Pooling layers (book §6.1.5): [`MaxPool2d`] and [`AvgPool2d`] over `(N, C, H, W)`.

use scalpel_autograd::{Result, Var};
use scalpel_tensor::Float;

use crate::module::Module;

/// Max pooling over `kernel` windows; the stride defaults to the kernel size (PyTorch's
/// default), padding counts as −∞.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxPool2d {
    kernel: (usize, usize),
    stride: (usize, usize),
    padding: (usize, usize),
}

impl MaxPool2d {
    /// Non-overlapping windows of `kernel` (stride = kernel), no padding.
    pub fn new(kernel: (usize, usize)) -> Self {
        Self::with_params(kernel, kernel, (0, 0))
    }
    /// Windows of `kernel` every `stride`, with `padding` on each side.
    pub fn with_params(
        kernel: (usize, usize),
        stride: (usize, usize),
        padding: (usize, usize),
    ) -> Self {
        MaxPool2d {
            kernel,
            stride,
            padding,
        }
    }
}

impl<T: Float> Module<T> for MaxPool2d {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        x.max_pool2d(self.kernel, self.stride, self.padding)
    }
}

/// Average pooling over `kernel` windows; the stride defaults to the kernel size. With
/// `count_include_pad` (PyTorch's default) windows overlapping the padding divide by the full
/// window size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AvgPool2d {
    kernel: (usize, usize),
    stride: (usize, usize),
    padding: (usize, usize),
    count_include_pad: bool,
}

impl AvgPool2d {
    /// Non-overlapping windows of `kernel` (stride = kernel), no padding.
    pub fn new(kernel: (usize, usize)) -> Self {
        Self::with_params(kernel, kernel, (0, 0), true)
    }
    /// Windows of `kernel` every `stride`, with `padding` on each side.
    pub fn with_params(
        kernel: (usize, usize),
        stride: (usize, usize),
        padding: (usize, usize),
        count_include_pad: bool,
    ) -> Self {
        AvgPool2d {
            kernel,
            stride,
            padding,
            count_include_pad,
        }
    }
}

impl<T: Float> Module<T> for AvgPool2d {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        x.avg_pool2d(
            self.kernel,
            self.stride,
            self.padding,
            self.count_include_pad,
        )
    }
}
