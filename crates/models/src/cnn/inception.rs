//! Inception (GoogLeNet, book §6.5): parallel branches with different receptive fields whose
//! outputs are stacked along the channels — [`InceptionBlock`] — and a small network built
//! from two of them, [`SmallInception`].

use scalpel_autograd::{Result, Var};
use scalpel_nn::functional::global_avg_pool2d;
use scalpel_nn::{Conv2d, Linear, Module};
use scalpel_tensor::ops::conv::Conv2dParams;
use scalpel_tensor::{Float, Rng};

fn conv<T: Float>(c_in: usize, c_out: usize, k: usize, rng: &mut Rng) -> Conv2d<T> {
    let p = Conv2dParams {
        padding: (k / 2, k / 2),
        ..Default::default()
    };
    Conv2d::with_params(c_in, c_out, (k, k), p, true, rng)
}

/// The four branches of an Inception block, each keeping the spatial size and ending in ReLU:
///
/// ```text
/// branch1: 1×1 → c1
/// branch2: 1×1 → c2.0, ReLU, 3×3 → c2.1
/// branch3: 1×1 → c3.0, ReLU, 5×5 → c3.1
/// branch4: 3×3 max-pool (stride 1, padding 1), 1×1 → c4
/// ```
///
/// `(N, C_in, H, W)` → `(N, c1 + c2.1 + c3.1 + c4, H, W)`, the branches concatenated in this
/// order. The 1 × 1 convolutions before the 3 × 3 and 5 × 5 ones reduce the channels, which is
/// what keeps the block cheap.
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_models::cnn::InceptionBlock;
/// use scalpel_nn::Module;
/// use scalpel_tensor::{Rng, Tensor};
/// // GoogLeNet's block 3a: 192 → 64 + 128 + 32 + 32 = 256 channels.
/// let block: InceptionBlock = InceptionBlock::new(192, 64, (96, 128), (16, 32), 32, &mut Rng::seed(0));
/// assert_eq!(block.out_channels(), 256);
/// let y = block.forward(&Var::constant(Tensor::zeros([1, 192, 7, 7]))).unwrap();
/// assert_eq!(y.dims(), [1, 256, 7, 7]);
/// ```
pub struct InceptionBlock<T: Float = f32> {
    b1: Conv2d<T>,
    b2_reduce: Conv2d<T>,
    b2: Conv2d<T>,
    b3_reduce: Conv2d<T>,
    b3: Conv2d<T>,
    b4: Conv2d<T>,
}

impl<T: Float> InceptionBlock<T> {
    /// A block from `in_channels` with branch widths `c1`, `c2 = (reduce, out)`,
    /// `c3 = (reduce, out)` and `c4`.
    pub fn new(
        in_channels: usize,
        c1: usize,
        c2: (usize, usize),
        c3: (usize, usize),
        c4: usize,
        rng: &mut Rng,
    ) -> Self {
        InceptionBlock {
            b1: conv(in_channels, c1, 1, rng),
            b2_reduce: conv(in_channels, c2.0, 1, rng),
            b2: conv(c2.0, c2.1, 3, rng),
            b3_reduce: conv(in_channels, c3.0, 1, rng),
            b3: conv(c3.0, c3.1, 5, rng),
            b4: conv(in_channels, c4, 1, rng),
        }
    }

    /// Channels of the output, the sum of the four branches'.
    pub fn out_channels(&self) -> usize {
        [&self.b1, &self.b2, &self.b3, &self.b4]
            .iter()
            .map(|c| c.weight().dims()[0])
            .sum()
    }
}

impl<T: Float> Module<T> for InceptionBlock<T> {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        let p1 = self.b1.forward(x)?.relu()?;
        let p2 = self.b2_reduce.forward(x)?.relu()?;
        let p2 = self.b2.forward(&p2)?.relu()?;
        let p3 = self.b3_reduce.forward(x)?.relu()?;
        let p3 = self.b3.forward(&p3)?.relu()?;
        let p4 = x.max_pool2d((3, 3), (1, 1), (1, 1))?;
        let p4 = self.b4.forward(&p4)?.relu()?;
        Var::concat(&[&p1, &p2, &p3, &p4], 1)
    }
    fn children(&self) -> Vec<(String, &dyn Module<T>)> {
        vec![
            ("branch1".into(), &self.b1 as &dyn Module<T>),
            ("branch2_reduce".into(), &self.b2_reduce),
            ("branch2".into(), &self.b2),
            ("branch3_reduce".into(), &self.b3_reduce),
            ("branch3".into(), &self.b3),
            ("branch4".into(), &self.b4),
        ]
    }
}

/// A small GoogLeNet-style network for `(N, 1, 28, 28)` images:
///
/// ```text
/// stem 3×3 1 → 32, ReLU, max-pool 2                  (N, 32, 14, 14)
/// inception1 32 → 16 + 32 + 8 + 8, max-pool 2         (N, 64, 7, 7)
/// inception2 64 → 32 + 48 + 16 + 16                   (N, 112, 7, 7)
/// global average pooling → fc 112 → classes           logits (N, classes)
/// ```
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_models::cnn::SmallInception;
/// use scalpel_nn::Module;
/// use scalpel_tensor::{Rng, Tensor};
/// let net: SmallInception = SmallInception::new(10, &mut Rng::seed(0));
/// let logits = net.forward(&Var::constant(Tensor::zeros([2, 1, 28, 28]))).unwrap();
/// assert_eq!(logits.dims(), [2, 10]);
/// ```
pub struct SmallInception<T: Float = f32> {
    stem: Conv2d<T>,
    inception1: InceptionBlock<T>,
    inception2: InceptionBlock<T>,
    fc: Linear<T>,
}

impl<T: Float> SmallInception<T> {
    /// The network for one-channel images and `num_classes` classes.
    pub fn new(num_classes: usize, rng: &mut Rng) -> Self {
        let stem = conv(1, 32, 3, rng);
        let inception1 = InceptionBlock::new(32, 16, (16, 32), (4, 8), 8, rng);
        let inception2 = InceptionBlock::new(64, 32, (32, 48), (8, 16), 16, rng);
        let fc = Linear::new(inception2.out_channels(), num_classes, rng);
        SmallInception {
            stem,
            inception1,
            inception2,
            fc,
        }
    }
}

impl<T: Float> Module<T> for SmallInception<T> {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        let h = self.stem.forward(x)?.relu()?;
        let h = h.max_pool2d((2, 2), (2, 2), (0, 0))?;
        let h = self.inception1.forward(&h)?;
        let h = h.max_pool2d((2, 2), (2, 2), (0, 0))?;
        let h = self.inception2.forward(&h)?;
        self.fc.forward(&global_avg_pool2d(&h)?)
    }
    fn children(&self) -> Vec<(String, &dyn Module<T>)> {
        vec![
            ("stem".into(), &self.stem as &dyn Module<T>),
            ("inception1".into(), &self.inception1),
            ("inception2".into(), &self.inception2),
            ("fc".into(), &self.fc),
        ]
    }
}
