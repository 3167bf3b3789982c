//! [`Sequential`]: layers applied one after the other — the book's `NeuralNetwork` with
//! `add_layer` (§4.3.4).

use scalpel_autograd::{Result, Var};
use scalpel_tensor::Float;

use crate::module::{Module, TrainingFlag};

/// A chain of modules; `forward` feeds each one's output to the next. Children are named by
/// position, so parameters are `0.weight`, `0.bias`, `2.weight`, … and buffers
/// `1.running_mean`, …. An error in a layer's forward comes back as
/// [`AutogradError::InLayer`](scalpel_autograd::AutogradError::InLayer) naming that layer.
///
/// ```
/// use scalpel_nn::{BatchNorm1d, Dropout, Linear, Module, ReLU, Sequential};
/// use scalpel_tensor::random::Rng;
/// let mut rng = Rng::seed(0);
/// let net = Sequential::new()
///     .add(Linear::new(784, 256, &mut rng))
///     .add(BatchNorm1d::new(256))
///     .add(ReLU)
///     .add(Dropout::new(0.5, &mut rng))
///     .add(Linear::new(256, 10, &mut rng));
/// assert_eq!(net.len(), 5);
/// net.eval(); // dropout off, batch norm on running statistics
/// assert!(!net.is_training());
/// ```
#[derive(Default)]
pub struct Sequential<T: Float = f32> {
    layers: Vec<Box<dyn Module<T>>>,
    training: TrainingFlag,
}

impl Sequential<f32> {
    /// An empty `f32` network (its forward is the identity), so that
    /// `Sequential::new().add(Linear::new(…))` needs no type annotation, as `HashMap::new` needs
    /// no hasher. A network of another float type starts from
    /// [`Sequential::<f64>::default()`](Default::default) (or `empty`).
    pub fn new() -> Self {
        Self::empty()
    }
}

impl<T: Float> Sequential<T> {
    /// An empty network of any float type; for `f32`, [`Sequential::new`] says the same.
    ///
    /// ```
    /// use scalpel_nn::{Linear, Module, Sequential};
    /// use scalpel_tensor::random::Rng;
    /// let net = Sequential::<f64>::empty().add(Linear::new(3, 2, &mut Rng::seed(0)));
    /// assert_eq!(net.parameters().len(), 2);
    /// ```
    pub fn empty() -> Self {
        Sequential {
            layers: Vec::new(),
            training: TrainingFlag::new(),
        }
    }

    /// Appends `layer` and returns the network, for chaining (the book's `add_layer`).
    // Named after the book's `add_layer`; it is not arithmetic, so `std::ops::Add` would mislead.
    #[allow(clippy::should_implement_trait)]
    pub fn add(mut self, layer: impl Module<T> + 'static) -> Self {
        self.push(layer);
        self
    }

    /// Appends `layer`.
    pub fn push(&mut self, layer: impl Module<T> + 'static) {
        self.layers.push(Box::new(layer));
    }

    /// Appends an already boxed layer.
    pub fn push_boxed(&mut self, layer: Box<dyn Module<T>>) {
        self.layers.push(layer);
    }

    /// Number of layers.
    pub fn len(&self) -> usize {
        self.layers.len()
    }

    /// True when there are no layers.
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    /// The layer at `index`.
    pub fn get(&self, index: usize) -> Option<&dyn Module<T>> {
        self.layers.get(index).map(|l| l.as_ref())
    }

    /// The layers, in order.
    pub fn iter(&self) -> impl Iterator<Item = &dyn Module<T>> {
        self.layers.iter().map(|l| l.as_ref())
    }
}

impl<T: Float> Module<T> for Sequential<T> {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        let mut h = x.clone();
        for (i, layer) in self.layers.iter().enumerate() {
            h = layer.forward(&h).map_err(|e| e.in_layer(&i.to_string()))?;
        }
        Ok(h)
    }
    fn children(&self) -> Vec<(String, &dyn Module<T>)> {
        self.layers
            .iter()
            .enumerate()
            .map(|(i, l)| (i.to_string(), l.as_ref()))
            .collect()
    }
    fn training_flag(&self) -> Option<&TrainingFlag> {
        Some(&self.training)
    }
}
