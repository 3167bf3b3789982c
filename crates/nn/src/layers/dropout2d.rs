//! [`Dropout2d`]: channel dropout — whole feature maps are dropped at once, because
//! neighbouring pixels of one map are so correlated that dropping single pixels barely
//! regularises a convolutional network.

use std::sync::Mutex;

use scalpel_autograd::{Result, Var};
use scalpel_tensor::random::Rng;
use scalpel_tensor::{Float, Tensor, TensorError};

use crate::module::{mode_switches, Module, TrainingFlag};

/// Inverted channel dropout on `(N, C, H, W)` (or any `(N, C, …)`): in training, each channel
/// of each sample is zeroed with probability `p` and the kept ones are scaled by 1/(1 − p); in
/// evaluation mode it is the identity (PyTorch's `Dropout2d`).
///
/// Masks come from the layer's own seeded generator, behind a mutex so that `forward` takes
/// `&self`.
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_nn::{Dropout2d, Module};
/// use scalpel_tensor::Tensor;
/// let drop = Dropout2d::with_seed(0.5, 7);
/// let y = Module::<f32>::forward(&drop, &Var::constant(Tensor::ones([4, 8, 3, 3]))).unwrap();
/// // every 3 × 3 map is either all 0 or all 2
/// for map in y.value().to_vec().chunks(9) {
///     assert!(map.iter().all(|&v| v == map[0]) && (map[0] == 0.0 || map[0] == 2.0));
/// }
/// ```
#[derive(Debug)]
pub struct Dropout2d {
    p: f64,
    rng: Mutex<Rng>,
    training: TrainingFlag,
}

impl Dropout2d {
    /// Channel dropout with drop probability `p`, drawing from a generator forked from `rng`.
    ///
    /// # Panics
    /// When `p` is outside `[0, 1]`.
    pub fn new(p: f64, rng: &mut Rng) -> Self {
        Self::from_rng(p, rng.fork())
    }

    /// Channel dropout drawing from a generator seeded with `seed`.
    ///
    /// # Panics
    /// When `p` is outside `[0, 1]`.
    pub fn with_seed(p: f64, seed: u64) -> Self {
        Self::from_rng(p, Rng::seed(seed))
    }

    fn from_rng(p: f64, rng: Rng) -> Self {
        assert!(
            (0.0..=1.0).contains(&p),
            "Dropout2d: drop probability {p} is outside [0, 1]"
        );
        Dropout2d {
            p,
            rng: Mutex::new(rng),
            training: TrainingFlag::new(),
        }
    }

    /// The drop probability.
    pub fn p(&self) -> f64 {
        self.p
    }
}

/// The functional form of [`Dropout2d`]: when `training`, zeroes each `(sample, channel)` slice
/// of `x` `(N, C, …)` with probability `p` and scales the rest by 1/(1 − p); returns `x`
/// unchanged otherwise.
///
/// # Errors
/// `p` outside `[0, 1]`, or an input with fewer than 2 axes.
pub fn dropout2d<T: Float>(x: &Var<T>, p: f64, training: bool, rng: &mut Rng) -> Result<Var<T>> {
    if !(0.0..=1.0).contains(&p) {
        return Err(TensorError::arg(
            "dropout2d",
            format!("drop probability {p} is outside [0, 1]"),
        )
        .into());
    }
    let dims = x.dims();
    if dims.len() < 2 {
        return Err(TensorError::shape(
            "dropout2d",
            &x.shape(),
            "expected (N, C, …) with channels on axis 1",
        )
        .into());
    }
    if !training || p == 0.0 {
        return Ok(x.clone());
    }
    let mut mask_dims = vec![1; dims.len()];
    mask_dims[..2].copy_from_slice(&dims[..2]);
    let mask: Tensor<T> = rng.bernoulli(mask_dims, 1.0 - p)?;
    let scale = if p < 1.0 { 1.0 / (1.0 - p) } else { 0.0 };
    x.mul(&Var::constant(mask.mul_scalar(T::from_f64_lossy(scale))))
}

mode_switches!(Dropout2d);

impl<T: Float> Module<T> for Dropout2d {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        dropout2d(x, self.p, self.training.get(), &mut rng)
    }
    fn training_flag(&self) -> Option<&TrainingFlag> {
        Some(&self.training)
    }
}
