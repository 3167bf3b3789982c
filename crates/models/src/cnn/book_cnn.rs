//! [`BookCnn`]: the small convolutional network the book trains on MNIST in §6.2.4.

use scalpel_autograd::{Result, Var};
use scalpel_nn::{Conv2d, Linear, Module};
use scalpel_tensor::{Float, Rng};

/// The book's small CNN for `(N, 1, 28, 28)` images:
///
/// ```text
/// conv1 1 → 2, 5 × 5 → max-pool 2       (N, 2, 12, 12)
/// conv2 2 → 4, 5 × 5 → max-pool 2       (N, 4, 4, 4)
/// flatten → fc1 64 → 100 → ReLU → fc2 100 → 10     logits (N, 10)
/// ```
///
/// The convolutions have no activation of their own, as in the book's network: the max pooling
/// is its only non-linearity before the fully connected part.
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_models::cnn::BookCnn;
/// use scalpel_nn::Module;
/// use scalpel_tensor::{Rng, Tensor};
/// let net: BookCnn = BookCnn::new(&mut Rng::seed(0));
/// let logits = net.forward(&Var::constant(Tensor::zeros([3, 1, 28, 28]))).unwrap();
/// assert_eq!(logits.dims(), [3, 10]);
/// ```
pub struct BookCnn<T: Float = f32> {
    conv1: Conv2d<T>,
    conv2: Conv2d<T>,
    fc1: Linear<T>,
    fc2: Linear<T>,
}

impl<T: Float> BookCnn<T> {
    /// The network, initialised as PyTorch initialises its layers.
    pub fn new(rng: &mut Rng) -> Self {
        BookCnn {
            conv1: Conv2d::new(1, 2, (5, 5), rng),
            conv2: Conv2d::new(2, 4, (5, 5), rng),
            fc1: Linear::new(64, 100, rng),
            fc2: Linear::new(100, 10, rng),
        }
    }
}

impl<T: Float> Module<T> for BookCnn<T> {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        let h = self.conv1.forward(x)?.max_pool2d((2, 2), (2, 2), (0, 0))?;
        let h = self.conv2.forward(&h)?.max_pool2d((2, 2), (2, 2), (0, 0))?;
        let h = self.fc1.forward(&h.flatten(1, -1)?)?.relu()?;
        self.fc2.forward(&h)
    }
    fn children(&self) -> Vec<(String, &dyn Module<T>)> {
        vec![
            ("conv1".into(), &self.conv1 as &dyn Module<T>),
            ("conv2".into(), &self.conv2),
            ("fc1".into(), &self.fc1),
            ("fc2".into(), &self.fc2),
        ]
    }
}
