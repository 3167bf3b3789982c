//! [`LeNet5`]: LeCun's LeNet-5 as PyTorch tutorials write it (book §6.5), with ReLU and max
//! pooling, for 28 × 28 grey images.

use scalpel_autograd::{Result, Var};
use scalpel_nn::{Conv2d, Linear, Module};
use scalpel_tensor::ops::conv::Conv2dParams;
use scalpel_tensor::{Float, Rng, TensorError};

/// LeNet-5 for `(N, 1, 28, 28)` images:
///
/// ```text
/// conv1 (6, 1, 5, 5) padding 2 → ReLU → max-pool 2     (N, 6, 14, 14)
/// conv2 (16, 6, 5, 5)          → ReLU → max-pool 2     (N, 16, 5, 5)
/// flatten (C, H, W order)                               (N, 400)
/// fc1 400 → 120 → ReLU → fc2 120 → 84 → ReLU → fc3 84 → 10   logits (N, 10)
/// ```
///
/// Parameters are named as in the usual PyTorch module (`conv1.weight`, …, `fc3.bias`), so a
/// PyTorch state dict saved with safetensors loads strictly, with no name map.
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_models::cnn::LeNet5;
/// use scalpel_nn::Module;
/// use scalpel_tensor::{Rng, Tensor};
/// let net: LeNet5 = LeNet5::new(&mut Rng::seed(0));
/// let logits = net.forward(&Var::constant(Tensor::zeros([2, 1, 28, 28]))).unwrap();
/// assert_eq!(logits.dims(), [2, 10]);
/// assert_eq!(net.num_parameters(), 61_706);
/// ```
pub struct LeNet5<T: Float = f32> {
    conv1: Conv2d<T>,
    conv2: Conv2d<T>,
    fc1: Linear<T>,
    fc2: Linear<T>,
    fc3: Linear<T>,
}

impl<T: Float> LeNet5<T> {
    /// A LeNet-5 with 10 classes, initialised as PyTorch initialises its layers.
    pub fn new(rng: &mut Rng) -> Self {
        Self::with_classes(10, rng)
    }

    /// A LeNet-5 whose last layer has `num_classes` outputs.
    pub fn with_classes(num_classes: usize, rng: &mut Rng) -> Self {
        let pad2 = Conv2dParams {
            padding: (2, 2),
            ..Default::default()
        };
        LeNet5 {
            conv1: Conv2d::with_params(1, 6, (5, 5), pad2, true, rng),
            conv2: Conv2d::new(6, 16, (5, 5), rng),
            fc1: Linear::new(16 * 5 * 5, 120, rng),
            fc2: Linear::new(120, 84, rng),
            fc3: Linear::new(84, num_classes, rng),
        }
    }

    /// The feature extractor: the two convolution stages, flattened to `(N, 400)`.
    ///
    /// # Errors
    /// An input that is not `(N, 1, 28, 28)`.
    pub fn features(&self, x: &Var<T>) -> Result<Var<T>> {
        let dims = x.dims();
        if dims.len() != 4 || dims[1..] != [1, 28, 28] {
            return Err(TensorError::shape(
                "LeNet5",
                &x.shape(),
                "expected grey 28x28 images (N, 1, 28, 28)",
            )
            .into());
        }
        // ReLU then max-pool, computed as max-pool then ReLU: ReLU is monotone, so
        // max(relu(a), relu(b)) = relu(max(a, b)) exactly, and the ReLU sees 4 times fewer values.
        let pool = |h: Var<T>| h.max_pool2d((2, 2), (2, 2), (0, 0))?.relu();
        let h = pool(self.conv1.forward(x)?)?;
        let h = pool(self.conv2.forward(&h)?)?;
        h.flatten(1, -1)
    }
}

impl<T: Float> Module<T> for LeNet5<T> {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        let h = self.fc1.forward(&self.features(x)?)?.relu()?;
        let h = self.fc2.forward(&h)?.relu()?;
        self.fc3.forward(&h)
    }
    fn children(&self) -> Vec<(String, &dyn Module<T>)> {
        vec![
            ("conv1".into(), &self.conv1 as &dyn Module<T>),
            ("conv2".into(), &self.conv2),
            ("fc1".into(), &self.fc1),
            ("fc2".into(), &self.fc2),
            ("fc3".into(), &self.fc3),
        ]
    }
}
