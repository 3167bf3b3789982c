//! VGG (book §6.5): stacks of 3 × 3 convolutions that keep the size, each stack ending in a
//! 2 × 2 max pooling that halves it — [`VggBlock`] — and a small VGG-style classifier,
//! [`SmallVgg`].

use scalpel_autograd::{Result, Var};
use scalpel_nn::{Conv2d, Dropout, Linear, Module, Sequential};
use scalpel_tensor::ops::conv::Conv2dParams;
use scalpel_tensor::{Float, Rng};

/// `num_convs` convolutions 3 × 3 with padding 1, each followed by ReLU, then a 2 × 2 max
/// pooling: `(N, C_in, H, W)` → `(N, C_out, H/2, W/2)`. Its convolutions are named `convs.0`,
/// `convs.1`, ….
pub struct VggBlock<T: Float = f32> {
    convs: Sequential<T>,
}

impl<T: Float> VggBlock<T> {
    /// A block of `num_convs` convolutions, the first from `in_channels` to `out_channels`, the
    /// others from `out_channels` to `out_channels`.
    pub fn new(num_convs: usize, in_channels: usize, out_channels: usize, rng: &mut Rng) -> Self {
        let same = Conv2dParams {
            padding: (1, 1),
            ..Default::default()
        };
        let mut convs = Sequential::empty();
        for i in 0..num_convs {
            let c_in = if i == 0 { in_channels } else { out_channels };
            convs.push(Conv2d::with_params(
                c_in,
                out_channels,
                (3, 3),
                same,
                true,
                rng,
            ));
        }
        VggBlock { convs }
    }
}

impl<T: Float> Module<T> for VggBlock<T> {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        let mut h = x.clone();
        for conv in self.convs.iter() {
            h = conv.forward(&h)?.relu()?;
        }
        h.max_pool2d((2, 2), (2, 2), (0, 0))
    }
    fn children(&self) -> Vec<(String, &dyn Module<T>)> {
        vec![("convs".into(), &self.convs as &dyn Module<T>)]
    }
}

/// A VGG-style classifier for small images: [`VggBlock`]s given as `(num_convs, channels)`,
/// then flatten → linear → ReLU → dropout 0.5 → linear.
///
/// [`SmallVgg::mnist`] is the configuration for `(N, 1, 28, 28)` images: blocks (1, 16),
/// (1, 32), (2, 64) bring 28 × 28 down to 3 × 3, then 576 → 128 → 10.
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_models::cnn::SmallVgg;
/// use scalpel_nn::Module;
/// use scalpel_tensor::{Rng, Tensor};
/// let net: SmallVgg = SmallVgg::mnist(&mut Rng::seed(0));
/// let logits = net.forward(&Var::constant(Tensor::zeros([2, 1, 28, 28]))).unwrap();
/// assert_eq!(logits.dims(), [2, 10]);
/// ```
pub struct SmallVgg<T: Float = f32> {
    features: Sequential<T>,
    classifier: Sequential<T>,
}

impl<T: Float> SmallVgg<T> {
    /// A network for square `image_size` images of `in_channels` channels, with the given
    /// blocks, `hidden` units in the classifier and `num_classes` outputs.
    ///
    /// # Panics
    /// When the blocks halve the image below 1 × 1.
    pub fn new(
        in_channels: usize,
        image_size: usize,
        blocks: &[(usize, usize)],
        hidden: usize,
        num_classes: usize,
        rng: &mut Rng,
    ) -> Self {
        let mut features = Sequential::empty();
        let (mut channels, mut size) = (in_channels, image_size);
        for &(num_convs, out) in blocks {
            features.push(VggBlock::new(num_convs, channels, out, rng));
            channels = out;
            size /= 2;
        }
        assert!(
            size > 0,
            "SmallVgg: {} blocks halve a {image_size}x{image_size} image to nothing",
            blocks.len()
        );
        let classifier = Sequential::empty()
            .add(Linear::new(channels * size * size, hidden, rng))
            .add(scalpel_nn::ReLU)
            .add(Dropout::new(0.5, rng))
            .add(Linear::new(hidden, num_classes, rng));
        SmallVgg {
            features,
            classifier,
        }
    }

    /// The configuration for MNIST-sized images `(N, 1, 28, 28)` and 10 classes.
    pub fn mnist(rng: &mut Rng) -> Self {
        Self::new(1, 28, &[(1, 16), (1, 32), (2, 64)], 128, 10, rng)
    }
}

impl<T: Float> Module<T> for SmallVgg<T> {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        let h = self.features.forward(x)?.flatten(1, -1)?;
        self.classifier.forward(&h)
    }
    fn children(&self) -> Vec<(String, &dyn Module<T>)> {
        vec![
            ("features".into(), &self.features as &dyn Module<T>),
            ("classifier".into(), &self.classifier),
        ]
    }
}
