//! The multi-layer perceptron of the book's chapters 4 and 5, built from a list of layer sizes:
//! [`Mlp`] returns an nn [`Sequential`].

mod dropout;

pub use dropout::ResumableDropout;

use scalpel_nn::{
    BatchNorm1d, Flatten, LeakyReLU, Linear, Module, ReLU, Sequential, Sigmoid, Tanh, ELU, GELU,
};
use scalpel_tensor::{Float, Rng};

use crate::error::{ModelsError, Result};

/// The non-linearity between the layers of an [`Mlp`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Activation {
    /// max(0, x) — the default.
    ReLU,
    /// x for x > 0, slope·x otherwise (the book's `Leaky_relu`).
    LeakyReLU(f64),
    /// tanh x.
    Tanh,
    /// 1/(1 + e⁻ˣ).
    Sigmoid,
    /// x for x > 0, α(eˣ − 1) otherwise.
    ELU(f64),
    /// x·Φ(x), exact.
    GELU,
    /// GELU's tanh approximation.
    GELUTanh,
}

impl Activation {
    fn layer<T: Float>(self) -> Box<dyn Module<T>> {
        match self {
            Activation::ReLU => Box::new(ReLU),
            Activation::LeakyReLU(slope) => Box::new(LeakyReLU::new(slope)),
            Activation::Tanh => Box::new(Tanh),
            Activation::Sigmoid => Box::new(Sigmoid),
            Activation::ELU(alpha) => Box::new(ELU::new(alpha)),
            Activation::GELU => Box::new(GELU::new()),
            Activation::GELUTanh => Box::new(GELU::tanh()),
        }
    }
}

/// A builder of fully connected networks, the book's `add_layer` sequence (§4.3) written as a
/// list of sizes.
///
/// `Mlp::new(&[784, 256, 128, 10])` gives Linear(784, 256) → act → Linear(256, 128) → act →
/// Linear(128, 10). Each hidden block is, in this order (torchvision's `MLP` order):
/// Linear → [`BatchNorm1d`] (if [`batch_norm`](Self::batch_norm)) → activation →
/// [`ResumableDropout`] (if [`dropout`](Self::dropout) > 0). The last Linear outputs logits: no
/// activation, normalisation or dropout after it. Linear layers start with PyTorch's
/// initialisation. With [`flatten`](Self::flatten), a [`Flatten`] first turns images
/// `[n, 1, 28, 28]` into rows `[n, 784]`.
///
/// Parameter names follow positions in the [`Sequential`]: `0.weight`, `0.bias`, `1.weight`
/// (the batch norm's γ), ….
///
/// ```
/// use scalpel_models::{Activation, Mlp};
/// use scalpel_nn::Module;
/// use scalpel_tensor::Rng;
/// let net = Mlp::new(&[784, 256, 10])
///     .activation(Activation::ReLU)
///     .batch_norm(true)
///     .dropout(0.2)
///     .build::<f32>(&mut Rng::seed(0))
///     .unwrap();
/// assert_eq!(net.len(), 5); // Linear, BatchNorm1d, ReLU, Dropout, Linear
/// assert_eq!(net.num_parameters(), 784 * 256 + 256 + 2 * 256 + 256 * 10 + 10);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Mlp {
    sizes: Vec<usize>,
    activation: Activation,
    batch_norm: bool,
    dropout: f64,
    flatten: bool,
}

impl Mlp {
    /// A network through the layer sizes `sizes` (input, hidden…, output): ReLU, no batch norm,
    /// no dropout, no flatten.
    pub fn new(sizes: &[usize]) -> Self {
        Mlp {
            sizes: sizes.to_vec(),
            activation: Activation::ReLU,
            batch_norm: false,
            dropout: 0.0,
            flatten: false,
        }
    }

    /// The activation between layers.
    pub fn activation(mut self, activation: Activation) -> Self {
        self.activation = activation;
        self
    }

    /// Batch normalisation after each hidden Linear layer (book §5.3).
    pub fn batch_norm(mut self, on: bool) -> Self {
        self.batch_norm = on;
        self
    }

    /// Dropout with drop probability `p` after each hidden activation (book §5.4.2); 0 for
    /// none.
    pub fn dropout(mut self, p: f64) -> Self {
        self.dropout = p;
        self
    }

    /// A [`Flatten`] in front, for image inputs.
    pub fn flatten(mut self, on: bool) -> Self {
        self.flatten = on;
        self
    }

    /// The layer sizes.
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// Builds the network, drawing initial weights (and dropout seeds) from `rng`.
    ///
    /// # Errors
    /// [`ModelsError::InvalidArgument`] for fewer than two sizes, a zero size, or a dropout
    /// probability outside `[0, 1)`.
    pub fn build<T: Float>(&self, rng: &mut Rng) -> Result<Sequential<T>> {
        if self.sizes.len() < 2 || self.sizes.contains(&0) {
            return Err(ModelsError::arg(
                "Mlp::build",
                format!(
                    "sizes must list at least an input and an output size, all > 0; found {:?}",
                    self.sizes
                ),
            ));
        }
        if !(0.0..1.0).contains(&self.dropout) {
            return Err(ModelsError::arg(
                "Mlp::build",
                format!("dropout must be in [0, 1), found {}", self.dropout),
            ));
        }
        let mut net = Sequential::empty();
        if self.flatten {
            net.push(Flatten::new());
        }
        let last = self.sizes.len() - 2;
        for (i, pair) in self.sizes.windows(2).enumerate() {
            net.push(Linear::<T>::new(pair[0], pair[1], rng));
            if i == last {
                break;
            }
            if self.batch_norm {
                net.push(BatchNorm1d::<T>::new(pair[1]));
            }
            net.push_boxed(self.activation.layer());
            if self.dropout > 0.0 {
                net.push(ResumableDropout::<T>::new(self.dropout, rng));
            }
        }
        Ok(net)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_mlp_alternates_linear_layers_and_activations() {
        let net: Sequential = Mlp::new(&[4, 8, 8, 3]).build(&mut Rng::seed(0)).unwrap();
        let names: Vec<String> = net.named_parameters().into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
        );
    }

    #[test]
    fn batch_norm_and_dropout_sit_inside_each_hidden_block_only() {
        let net: Sequential = Mlp::new(&[4, 8, 3])
            .batch_norm(true)
            .dropout(0.5)
            .flatten(true)
            .build(&mut Rng::seed(0))
            .unwrap();
        // Flatten, Linear, BatchNorm1d, ReLU, Dropout, Linear
        assert_eq!(net.len(), 6);
        let buffers: Vec<String> = net.named_buffers().into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            buffers,
            [
                "2.running_mean",
                "2.running_var",
                "2.num_batches_tracked",
                "4.seed",
                "4.step"
            ]
        );
    }

    #[test]
    fn bad_sizes_and_dropout_are_errors() {
        assert!(Mlp::new(&[4]).build::<f32>(&mut Rng::seed(0)).is_err());
        assert!(Mlp::new(&[4, 0, 2])
            .build::<f32>(&mut Rng::seed(0))
            .is_err());
        assert!(Mlp::new(&[4, 2])
            .dropout(1.0)
            .build::<f32>(&mut Rng::seed(0))
            .is_err());
    }
}
