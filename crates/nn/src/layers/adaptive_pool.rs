//! Adaptive average pooling to a fixed output size, and global average pooling — the head of
//! Network in Network (book §6.5), which replaces the fully connected layers by one average per
//! channel.

use scalpel_autograd::{Result, Var};
use scalpel_tensor::Float;

use crate::module::Module;

/// Average pooling of `(N, C, H, W)` to `(N, C, OH, OW)` whatever `H` and `W`: output `(y, x)`
/// averages input rows `⌊y·H/OH⌋ .. ⌈(y+1)·H/OH⌉` and the matching columns (PyTorch's
/// `AdaptiveAvgPool2d`). `(1, 1)` is global average pooling keeping the spatial axes.
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_nn::{AdaptiveAvgPool2d, Module};
/// use scalpel_tensor::Tensor;
/// let pool = AdaptiveAvgPool2d::new((2, 2));
/// let y = Module::<f32>::forward(&pool, &Var::constant(Tensor::ones([1, 3, 7, 5]))).unwrap();
/// assert_eq!(y.dims(), [1, 3, 2, 2]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdaptiveAvgPool2d {
    output_size: (usize, usize),
}

impl AdaptiveAvgPool2d {
    /// Pools every input to `output_size = (OH, OW)`.
    pub fn new(output_size: (usize, usize)) -> Self {
        AdaptiveAvgPool2d { output_size }
    }
    /// The output size `(OH, OW)`.
    pub fn output_size(&self) -> (usize, usize) {
        self.output_size
    }
}

impl<T: Float> Module<T> for AdaptiveAvgPool2d {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        x.adaptive_avg_pool2d(self.output_size)
    }
}

/// Global average pooling: `(N, C, H, W)` → `(N, C)`, the mean of each feature map. NiN and
/// ResNet put it between the last convolution and the classifier.
///
/// The same as [`AdaptiveAvgPool2d`] with output `(1, 1)` followed by a flatten; see
/// [`global_avg_pool2d`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GlobalAvgPool2d;

impl GlobalAvgPool2d {
    /// The layer (it has no parameters).
    pub fn new() -> Self {
        GlobalAvgPool2d
    }
}

/// The functional form of [`GlobalAvgPool2d`]: the mean of each `(H, W)` plane of an
/// `(N, C, H, W)` input, shape `(N, C)`.
///
/// # Errors
/// An input that is not 4-D, or with an empty plane.
pub fn global_avg_pool2d<T: Float>(x: &Var<T>) -> Result<Var<T>> {
    x.adaptive_avg_pool2d((1, 1))?.flatten(1, -1)
}

impl<T: Float> Module<T> for GlobalAvgPool2d {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        global_avg_pool2d(x)
    }
}
