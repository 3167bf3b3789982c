//! ResNet (book §6.5): residual blocks y = ReLU(F(x) + shortcut(x)), whose identity path lets
//! gradients reach early layers undiminished — [`BasicBlock`] — and a small residual network
//! for Fashion-MNIST, [`SmallResNet`].

use scalpel_autograd::{Result, Var};
use scalpel_nn::functional::global_avg_pool2d;
use scalpel_nn::{BatchNorm2d, Conv2d, Linear, Module};
use scalpel_tensor::ops::conv::Conv2dParams;
use scalpel_tensor::{Float, Rng};

fn conv3x3<T: Float>(c_in: usize, c_out: usize, stride: usize, rng: &mut Rng) -> Conv2d<T> {
    let p = Conv2dParams {
        stride: (stride, stride),
        padding: (1, 1),
        ..Default::default()
    };
    Conv2d::with_params(c_in, c_out, (3, 3), p, false, rng)
}

/// The 1 × 1 projection of the shortcut when a block changes the shape: a strided 1 × 1
/// convolution and batch norm (torchvision's `downsample`).
struct Downsample<T: Float> {
    conv: Conv2d<T>,
    bn: BatchNorm2d<T>,
}

impl<T: Float> Module<T> for Downsample<T> {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        self.bn.forward(&self.conv.forward(x)?)
    }
    fn children(&self) -> Vec<(String, &dyn Module<T>)> {
        vec![
            ("0".into(), &self.conv as &dyn Module<T>),
            ("1".into(), &self.bn),
        ]
    }
}

/// ResNet's basic block:
///
/// ```text
/// x ─ conv1 3×3 (stride s) ─ bn1 ─ ReLU ─ conv2 3×3 ─ bn2 ─ (+) ─ ReLU
///  └──────────── identity, or downsample: 1×1 conv (stride s) ─ bn ──┘
/// ```
///
/// `(N, C_in, H, W)` → `(N, C_out, ⌈H/s⌉, ⌈W/s⌉)`. The shortcut is a projection exactly when
/// the shape changes (`stride ≠ 1` or `C_in ≠ C_out`). Convolutions have no bias (batch norm
/// follows each). Names follow torchvision: `conv1`, `bn1`, `conv2`, `bn2`, `downsample.0`,
/// `downsample.1`.
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_models::cnn::BasicBlock;
/// use scalpel_nn::Module;
/// use scalpel_tensor::{Rng, Tensor};
/// let block: BasicBlock = BasicBlock::new(16, 32, 2, &mut Rng::seed(0));
/// assert!(block.has_projection());
/// let y = block.forward(&Var::constant(Tensor::ones([2, 16, 14, 14]))).unwrap();
/// assert_eq!(y.dims(), [2, 32, 7, 7]);
/// ```
pub struct BasicBlock<T: Float = f32> {
    conv1: Conv2d<T>,
    bn1: BatchNorm2d<T>,
    conv2: Conv2d<T>,
    bn2: BatchNorm2d<T>,
    downsample: Option<Downsample<T>>,
}

impl<T: Float> BasicBlock<T> {
    /// A block from `in_channels` to `out_channels` whose first convolution has `stride`.
    pub fn new(in_channels: usize, out_channels: usize, stride: usize, rng: &mut Rng) -> Self {
        let conv1 = conv3x3(in_channels, out_channels, stride, rng);
        let conv2 = conv3x3(out_channels, out_channels, 1, rng);
        let downsample = (stride != 1 || in_channels != out_channels).then(|| {
            let p = Conv2dParams {
                stride: (stride, stride),
                ..Default::default()
            };
            Downsample {
                conv: Conv2d::with_params(in_channels, out_channels, (1, 1), p, false, rng),
                bn: BatchNorm2d::new(out_channels),
            }
        });
        BasicBlock {
            conv1,
            bn1: BatchNorm2d::new(out_channels),
            conv2,
            bn2: BatchNorm2d::new(out_channels),
            downsample,
        }
    }

    /// True when the shortcut is a 1 × 1 projection rather than the identity.
    pub fn has_projection(&self) -> bool {
        self.downsample.is_some()
    }
}

impl<T: Float> Module<T> for BasicBlock<T> {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        let h = self.bn1.forward(&self.conv1.forward(x)?)?.relu()?;
        let h = self.bn2.forward(&self.conv2.forward(&h)?)?;
        let shortcut = match &self.downsample {
            Some(d) => d.forward(x)?,
            None => x.clone(),
        };
        h.add(&shortcut)?.relu()
    }
    fn children(&self) -> Vec<(String, &dyn Module<T>)> {
        let mut c = vec![
            ("conv1".into(), &self.conv1 as &dyn Module<T>),
            ("bn1".into(), &self.bn1),
            ("conv2".into(), &self.conv2),
            ("bn2".into(), &self.bn2),
        ];
        if let Some(d) = &self.downsample {
            c.push(("downsample".into(), d));
        }
        c
    }
}

/// A small residual network for Fashion-MNIST `(N, 1, 28, 28)`:
///
/// ```text
/// conv1 3×3 1 → 16, bn1, ReLU                       (N, 16, 28, 28)
/// layer1: BasicBlock 16 → 16                        (N, 16, 28, 28)
/// layer2: BasicBlock 16 → 32, stride 2 (projection) (N, 32, 14, 14)
/// layer3: BasicBlock 32 → 64, stride 2 (projection) (N, 64, 7, 7)
/// global average pooling → fc 64 → 10               logits (N, 10)
/// ```
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_models::cnn::SmallResNet;
/// use scalpel_nn::Module;
/// use scalpel_tensor::{Rng, Tensor};
/// let net: SmallResNet = SmallResNet::new(10, &mut Rng::seed(0));
/// let logits = net.forward(&Var::constant(Tensor::zeros([2, 1, 28, 28]))).unwrap();
/// assert_eq!(logits.dims(), [2, 10]);
/// ```
pub struct SmallResNet<T: Float = f32> {
    conv1: Conv2d<T>,
    bn1: BatchNorm2d<T>,
    layer1: BasicBlock<T>,
    layer2: BasicBlock<T>,
    layer3: BasicBlock<T>,
    fc: Linear<T>,
}

impl<T: Float> SmallResNet<T> {
    /// The network for one-channel images and `num_classes` classes.
    pub fn new(num_classes: usize, rng: &mut Rng) -> Self {
        SmallResNet {
            conv1: conv3x3(1, 16, 1, rng),
            bn1: BatchNorm2d::new(16),
            layer1: BasicBlock::new(16, 16, 1, rng),
            layer2: BasicBlock::new(16, 32, 2, rng),
            layer3: BasicBlock::new(32, 64, 2, rng),
            fc: Linear::new(64, num_classes, rng),
        }
    }
}

impl<T: Float> Module<T> for SmallResNet<T> {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        let h = self.bn1.forward(&self.conv1.forward(x)?)?.relu()?;
        let h = self.layer1.forward(&h)?;
        let h = self.layer2.forward(&h)?;
        let h = self.layer3.forward(&h)?;
        self.fc.forward(&global_avg_pool2d(&h)?)
    }
    fn children(&self) -> Vec<(String, &dyn Module<T>)> {
        vec![
            ("conv1".into(), &self.conv1 as &dyn Module<T>),
            ("bn1".into(), &self.bn1),
            ("layer1".into(), &self.layer1),
            ("layer2".into(), &self.layer2),
            ("layer3".into(), &self.layer3),
            ("fc".into(), &self.fc),
        ]
    }
}
