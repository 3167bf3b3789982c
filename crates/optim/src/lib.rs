//! # scalpel-optim
//!
//! Optimizers (SGD, AdaGrad, AdaDelta, RMSProp, Adam, AdamW), learning-rate schedules and gradient clipping over any set of variables.
//!
//! Not built yet: see the crate README.
