//! The autograd error type.
//!
//! Every operation on a [`Var`](crate::Var) returns `Result`: besides the tensor errors of the
//! underlying kernels (shapes, axes), anomaly mode may reject any operation whose result is not
//! finite.

use scalpel_tensor::TensorError;

/// Result alias of the autograd crate.
pub type Result<T, E = AutogradError> = std::result::Result<T, E>;

/// Everything that can go wrong while building or differentiating a graph.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AutogradError {
    /// A tensor kernel rejected its inputs.
    #[error(transparent)]
    Tensor(#[from] TensorError),
    /// Anomaly mode found a NaN or infinity.
    #[error("anomaly: {pass} of `{op}`{label} produced a non-finite value ({what})")]
    Anomaly {
        /// "forward" or "backward".
        pass: &'static str,
        /// The operation that produced it.
        op: &'static str,
        /// `" (labelled …)"` when the variable carries user labels, else empty.
        label: String,
        /// NaN or infinity, and how many.
        what: String,
    },
    /// `backward` reached a node whose graph was already freed by an earlier backward pass.
    #[error("backward through `{op}` a second time: its graph was freed; pass retain_graph to the first backward")]
    GraphFreed {
        /// The operation whose saved state is gone.
        op: &'static str,
    },
    /// `backward` reached an operation one of whose input leaves was changed
    /// ([`Var::set_value`](crate::Var::set_value), [`Var::update_value`](crate::Var::update_value),
    /// as an optimizer step does) after the operation used it.
    #[error("backward through `{op}`: its input {leaves} was changed (set_value / update_value, e.g. by an optimizer step) after the forward pass used it; run the forward pass again")]
    ChangedAfterUse {
        /// The operation.
        op: &'static str,
        /// The operation's leaf inputs, by label or shape.
        leaves: String,
    },
    /// `backward()` without an explicit gradient on a tensor with more than one element.
    #[error("backward: the output has shape {shape} — pass a gradient or reduce it to one element first")]
    NonScalarOutput {
        /// The output's shape.
        shape: scalpel_tensor::Shape,
    },
    /// Asked for the gradient of something that does not require one, or for an operation that
    /// has no backward rule.
    #[error("{0}")]
    NoGradient(String),
    /// An operation that only a leaf allows (changing its value, freezing it) was asked of the
    /// result of an operation, whose value and flag follow from its inputs.
    #[error("{op}: only a leaf variable (Var::parameter, Var::new, Var::constant) allows it; this one is the result of `{made_by}`")]
    NotALeaf {
        /// The method called.
        op: &'static str,
        /// The operation that made the variable.
        made_by: &'static str,
    },
    /// An error in a layer of a container module (scalpel-nn's `Sequential`), with the layer's
    /// dotted name inside the container, as in its state dict (`2`, or `1.0` for a container
    /// within a container).
    #[error("in layer `{layer}`: {source}")]
    InLayer {
        /// The layer's dotted name.
        layer: String,
        /// The layer's error.
        source: Box<AutogradError>,
    },
}

impl AutogradError {
    /// This error as raised inside the child `name` of a container: an [`InLayer`] whose layer
    /// is `name`, or `name.<layer>` when the error already came from a layer of that child.
    ///
    /// [`InLayer`]: AutogradError::InLayer
    ///
    /// ```
    /// use scalpel_autograd::AutogradError;
    /// let e = AutogradError::NoGradient("x".into()).in_layer("0").in_layer("3");
    /// assert_eq!(e.to_string(), "in layer `3.0`: x");
    /// ```
    pub fn in_layer(self, name: &str) -> AutogradError {
        match self {
            AutogradError::InLayer { layer, source } => AutogradError::InLayer {
                layer: format!("{name}.{layer}"),
                source,
            },
            other => AutogradError::InLayer {
                layer: name.to_string(),
                source: Box::new(other),
            },
        }
    }
}
