//! The layers and losses of this crate that have gradients, for the project's gradient-check
//! registry (`cargo xtask gradcheck`), which fails when one of them has no check.

/// Every differentiable layer (by type name) and loss or penalty (by function name).
pub const DIFFERENTIABLE_LAYERS: &[&str] = &[
    // layers
    "Linear",
    "Conv1d",
    "Conv2d",
    "ConvTranspose2d",
    "NaiveConv2d",
    "MaxPool2d",
    "AvgPool2d",
    "AdaptiveAvgPool2d",
    "GlobalAvgPool2d",
    "Flatten",
    "Dropout",
    "Dropout2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "LayerNorm",
    // activations
    "ReLU",
    "LeakyReLU",
    "ELU",
    "GELU",
    "Sigmoid",
    "Tanh",
    "SiLU",
    "Softplus",
    "Softmax",
    "LogSoftmax",
    // losses
    "mse_loss",
    "l1_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "cross_entropy_soft",
    "nll_loss",
    "kl_div",
    "l2_penalty",
];
