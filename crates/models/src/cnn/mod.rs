//! Convolutional networks of the book's chapter 6: LeNet-5, the book's own small CNN, and the
//! building blocks of the architectures of §6.5 — VGG blocks, ResNet's basic block, the
//! Inception block, the NiN block — each with a small model for 28 × 28 grey images.
//!
//! Every model is a [`Module`](scalpel_nn::Module) taking `(N, C, H, W)` images and returning
//! logits `(N, classes)`; parameter names follow the usual PyTorch modules (`conv1.weight`,
//! `layer2.downsample.0.weight`, …), so weights trained there load by name.
//!
//! | type | what |
//! |---|---|
//! | [`LeNet5`] | conv 6@5×5 pad 2, pool, conv 16@5×5, pool, 400 → 120 → 84 → 10 |
//! | [`BookCnn`] | the book's §6.2.4 network: conv 2@5×5, pool, conv 4@5×5, pool, 64 → 100 → 10 |
//! | [`VggBlock`], [`SmallVgg`] | 3×3 convolution stacks ending in max pooling |
//! | [`BasicBlock`], [`SmallResNet`] | residual blocks with batch norm and 1×1 projection shortcuts; a Fashion-MNIST network |
//! | [`InceptionBlock`], [`SmallInception`] | four parallel branches concatenated along channels |
//! | [`NinBlock`], [`SmallNiN`] | 1×1 convolutions as per-pixel MLPs, global average pooling head |

mod book_cnn;
mod inception;
mod lenet;
mod nin;
mod resnet;
mod vgg;

pub use book_cnn::BookCnn;
pub use inception::{InceptionBlock, SmallInception};
pub use lenet::LeNet5;
pub use nin::{NinBlock, SmallNiN};
pub use resnet::{BasicBlock, SmallResNet};
pub use vgg::{SmallVgg, VggBlock};
