//! Network in Network (book §6.5): each convolution is followed by two 1 × 1 convolutions — a
//! small fully connected network applied at every pixel — [`NinBlock`]; and the classifier is
//! a last block with one channel per class and a global average pooling instead of fully
//! connected layers — [`SmallNiN`].

use scalpel_autograd::{Result, Var};
use scalpel_nn::functional::global_avg_pool2d;
use scalpel_nn::{Conv2d, Dropout, Module};
use scalpel_tensor::ops::conv::Conv2dParams;
use scalpel_tensor::{Float, Rng};

/// A convolution `kernel × kernel` (with `stride` and `padding`) then two 1 × 1 convolutions,
/// each followed by ReLU: `(N, C_in, H, W)` → `(N, C_out, H', W')`. Its convolutions are named
/// `conv`, `mlp1`, `mlp2`.
pub struct NinBlock<T: Float = f32> {
    conv: Conv2d<T>,
    mlp1: Conv2d<T>,
    mlp2: Conv2d<T>,
}

impl<T: Float> NinBlock<T> {
    /// A block from `in_channels` to `out_channels`.
    pub fn new(
        in_channels: usize,
        out_channels: usize,
        kernel: usize,
        stride: usize,
        padding: usize,
        rng: &mut Rng,
    ) -> Self {
        let p = Conv2dParams {
            stride: (stride, stride),
            padding: (padding, padding),
            ..Default::default()
        };
        NinBlock {
            conv: Conv2d::with_params(in_channels, out_channels, (kernel, kernel), p, true, rng),
            mlp1: Conv2d::new(out_channels, out_channels, (1, 1), rng),
            mlp2: Conv2d::new(out_channels, out_channels, (1, 1), rng),
        }
    }
}

impl<T: Float> Module<T> for NinBlock<T> {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        let h = self.conv.forward(x)?.relu()?;
        let h = self.mlp1.forward(&h)?.relu()?;
        self.mlp2.forward(&h)?.relu()
    }
    fn children(&self) -> Vec<(String, &dyn Module<T>)> {
        vec![
            ("conv".into(), &self.conv as &dyn Module<T>),
            ("mlp1".into(), &self.mlp1),
            ("mlp2".into(), &self.mlp2),
        ]
    }
}

/// A small NiN for `(N, 1, 28, 28)` images, with no fully connected layer:
///
/// ```text
/// block1 5×5 pad 2, 1 → 32, max-pool 2          (N, 32, 14, 14)
/// block2 3×3 pad 1, 32 → 64, max-pool 2         (N, 64, 7, 7)
/// dropout 0.5
/// block3 3×3 pad 1, 64 → classes                (N, classes, 7, 7)
/// global average pooling                        logits (N, classes)
/// ```
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_models::cnn::SmallNiN;
/// use scalpel_nn::Module;
/// use scalpel_tensor::{Rng, Tensor};
/// let net: SmallNiN = SmallNiN::new(10, &mut Rng::seed(0));
/// let logits = net.forward(&Var::constant(Tensor::zeros([2, 1, 28, 28]))).unwrap();
/// assert_eq!(logits.dims(), [2, 10]);
/// ```
pub struct SmallNiN<T: Float = f32> {
    block1: NinBlock<T>,
    block2: NinBlock<T>,
    dropout: Dropout,
    block3: NinBlock<T>,
}

impl<T: Float> SmallNiN<T> {
    /// The network for one-channel images and `num_classes` classes.
    pub fn new(num_classes: usize, rng: &mut Rng) -> Self {
        SmallNiN {
            block1: NinBlock::new(1, 32, 5, 1, 2, rng),
            block2: NinBlock::new(32, 64, 3, 1, 1, rng),
            dropout: Dropout::new(0.5, rng),
            block3: NinBlock::new(64, num_classes, 3, 1, 1, rng),
        }
    }
}

impl<T: Float> Module<T> for SmallNiN<T> {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        let h = self.block1.forward(x)?.max_pool2d((2, 2), (2, 2), (0, 0))?;
        let h = self
            .block2
            .forward(&h)?
            .max_pool2d((2, 2), (2, 2), (0, 0))?;
        let h = self.block3.forward(&self.dropout.forward(&h)?)?;
        global_avg_pool2d(&h)
    }
    fn children(&self) -> Vec<(String, &dyn Module<T>)> {
        vec![
            ("block1".into(), &self.block1 as &dyn Module<T>),
            ("block2".into(), &self.block2),
            ("dropout".into(), &self.dropout),
            ("block3".into(), &self.block3),
        ]
    }
}
