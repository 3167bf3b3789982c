//! Every layer and loss as a plain function of variables (PyTorch's `torch.nn.functional`):
//! parameters are arguments rather than module state, which is what custom models and gradient
//! checks need.

pub use crate::activation::{
    elu, gelu, gelu_tanh, leaky_relu, log_softmax, relu, sigmoid, silu, softmax, softplus, tanh,
};
pub use crate::layers::{
    batch_norm_eval, batch_norm_train, dropout, dropout2d, global_avg_pool2d, layer_norm, linear,
    naive_conv2d, BatchStats,
};
pub use crate::loss::{
    binary_cross_entropy, binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_with,
    cross_entropy, cross_entropy_soft, cross_entropy_soft_with, cross_entropy_with, kl_div,
    l1_loss, l2_penalty, mse_loss, nll_loss, nll_loss_with, BceWithLogitsOptions,
    CrossEntropyOptions, NllOptions, Reduction,
};
