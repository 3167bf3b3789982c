//! Batch-norm layers (book §5.3): [`BatchNorm1d`] and [`BatchNorm2d`], which store their running
//! statistics (the book's layers computed them and threw them away) and use them in evaluation
//! mode.

use std::ops::Deref;
use std::sync::Mutex;

use scalpel_autograd::{Result, Var};
use scalpel_tensor::{Float, Tensor, TensorError};

use super::batch_norm_fn::{batch_norm_eval, batch_norm_train, BatchStats};
use crate::buffer::{Buffer, BufferValue};
use crate::module::{Module, TrainingFlag};

/// Hyper-parameters of batch normalisation; the default is PyTorch's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BatchNormConfig {
    /// Added to the variance before the square root (default 1e-5).
    pub eps: f64,
    /// Weight of the new batch in the running averages, running = (1 − m)·running + m·batch
    /// (default 0.1); `None` keeps a cumulative average over all batches seen.
    pub momentum: Option<f64>,
    /// Learnable per-channel scale `weight` (γ, ones) and shift `bias` (β, zeros) (default true).
    pub affine: bool,
    /// Keep running statistics and use them in evaluation mode (default true). Without, batch
    /// statistics are used in both modes and the layer has no buffers.
    pub track_running_stats: bool,
}

impl Default for BatchNormConfig {
    fn default() -> Self {
        BatchNormConfig {
            eps: 1e-5,
            momentum: Some(0.1),
            affine: true,
            track_running_stats: true,
        }
    }
}

/// Running statistics: `running_mean` (zeros), `running_var` (ones), `num_batches_tracked`.
struct Running<T: Float> {
    mean: Buffer<T>,
    var: Buffer<T>,
    batches: Buffer<T>,
    /// Makes the three updates of one batch atomic with respect to other threads.
    update: Mutex<()>,
}

/// What [`BatchNorm1d`] and [`BatchNorm2d`] share: normalisation over every axis but the
/// channel axis 1. Reached through either layer (they dereference to it).
pub struct BatchNorm<T: Float = f32> {
    layer: &'static str,
    ranks: &'static [usize],
    num_features: usize,
    config: BatchNormConfig,
    weight: Option<Var<T>>,
    bias: Option<Var<T>>,
    running: Option<Running<T>>,
    training: TrainingFlag,
}

impl<T: Float> BatchNorm<T> {
    fn new(
        layer: &'static str,
        ranks: &'static [usize],
        num_features: usize,
        config: BatchNormConfig,
    ) -> Self {
        let running = config.track_running_stats.then(|| Running {
            mean: Buffer::float(Tensor::zeros([num_features])),
            var: Buffer::float(Tensor::ones([num_features])),
            batches: Buffer::int(Tensor::scalar(0)),
            update: Mutex::new(()),
        });
        BatchNorm {
            layer,
            ranks,
            num_features,
            config,
            weight: config
                .affine
                .then(|| Var::parameter(Tensor::ones([num_features]))),
            bias: config
                .affine
                .then(|| Var::parameter(Tensor::zeros([num_features]))),
            running,
            training: TrainingFlag::new(),
        }
    }

    /// Number of channels C.
    pub fn num_features(&self) -> usize {
        self.num_features
    }
    /// The hyper-parameters.
    pub fn config(&self) -> BatchNormConfig {
        self.config
    }
    /// The scale γ, `(C,)`, when affine.
    pub fn weight(&self) -> Option<&Var<T>> {
        self.weight.as_ref()
    }
    /// The shift β, `(C,)`, when affine.
    pub fn bias(&self) -> Option<&Var<T>> {
        self.bias.as_ref()
    }
    /// The running mean, `(C,)`, when tracked.
    pub fn running_mean(&self) -> Option<Tensor<T>> {
        self.running.as_ref().and_then(|r| r.mean.float_value())
    }
    /// The running (unbiased) variance, `(C,)`, when tracked.
    pub fn running_var(&self) -> Option<Tensor<T>> {
        self.running.as_ref().and_then(|r| r.var.float_value())
    }
    /// Number of training batches seen, when tracked.
    pub fn num_batches_tracked(&self) -> Option<i64> {
        let t = self.running.as_ref()?.batches.int_value()?;
        t.item().ok()
    }

    fn check_input(&self, x: &Var<T>) -> Result<()> {
        let shape = x.shape();
        if !self.ranks.contains(&shape.rank()) || shape.dims()[1] != self.num_features {
            let expected = match self.ranks {
                [4] => "(N, C, H, W)",
                _ => "(N, C) or (N, C, L)",
            };
            return Err(TensorError::shape(
                self.layer,
                &shape,
                format!("expected {expected} with C = {}", self.num_features),
            )
            .into());
        }
        Ok(())
    }

    /// running = (1 − m)·running + m·batch, with the unbiased batch variance.
    fn update_running(&self, running: &Running<T>, stats: &BatchStats<T>) -> Result<()> {
        let _guard = running.update.lock().unwrap_or_else(|e| e.into_inner());
        let batches = running
            .batches
            .int_value()
            .map_or(0, |t| t.item().unwrap_or(0))
            + 1;
        running
            .batches
            .replace(BufferValue::Int(Tensor::scalar(batches)));
        let m = self.config.momentum.unwrap_or(1.0 / batches as f64);
        let blend = |buffer: &Buffer<T>, batch: &Tensor<T>| -> Result<()> {
            let old = buffer.float_value().unwrap_or_else(|| batch.clone());
            let new = old
                .mul_scalar(T::from_f64_lossy(1.0 - m))
                .add(&batch.mul_scalar(T::from_f64_lossy(m)))?;
            buffer.replace(BufferValue::Float(new));
            Ok(())
        };
        blend(&running.mean, &stats.mean)?;
        blend(&running.var, &stats.unbiased_var())
    }
}

impl<T: Float> Module<T> for BatchNorm<T> {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        self.check_input(x)?;
        let (w, b) = (self.weight.as_ref(), self.bias.as_ref());
        match &self.running {
            Some(r) if !self.training.get() => {
                let mean = r
                    .mean
                    .float_value()
                    .unwrap_or_else(|| Tensor::zeros([self.num_features]));
                let var = r
                    .var
                    .float_value()
                    .unwrap_or_else(|| Tensor::ones([self.num_features]));
                batch_norm_eval(x, &mean, &var, w, b, self.config.eps)
            }
            running => {
                let (y, stats) = batch_norm_train(x, w, b, self.config.eps)?;
                if let (Some(r), true) = (running, self.training.get()) {
                    self.update_running(r, &stats)?;
                }
                Ok(y)
            }
        }
    }
    fn local_parameters(&self) -> Vec<(String, Var<T>)> {
        let mut p = Vec::new();
        if let Some(w) = &self.weight {
            p.push(("weight".to_string(), w.clone()));
        }
        if let Some(b) = &self.bias {
            p.push(("bias".to_string(), b.clone()));
        }
        p
    }
    fn local_buffers(&self) -> Vec<(String, &Buffer<T>)> {
        match &self.running {
            Some(r) => vec![
                ("running_mean".to_string(), &r.mean),
                ("running_var".to_string(), &r.var),
                ("num_batches_tracked".to_string(), &r.batches),
            ],
            None => Vec::new(),
        }
    }
    fn training_flag(&self) -> Option<&TrainingFlag> {
        Some(&self.training)
    }
}

macro_rules! batch_norm_layer {
    ($(#[$doc:meta])* $name:ident, $ranks:expr) => {
        $(#[$doc])*
        pub struct $name<T: Float = f32>(BatchNorm<T>);

        impl<T: Float> $name<T> {
            /// A layer over `num_features` channels with PyTorch's defaults (eps 1e-5, momentum
            /// 0.1, affine, running statistics tracked).
            pub fn new(num_features: usize) -> Self {
                Self::with_config(num_features, BatchNormConfig::default())
            }
            /// A layer with the given hyper-parameters.
            pub fn with_config(num_features: usize, config: BatchNormConfig) -> Self {
                $name(BatchNorm::new(stringify!($name), $ranks, num_features, config))
            }
        }

        impl<T: Float> Deref for $name<T> {
            type Target = BatchNorm<T>;
            fn deref(&self) -> &BatchNorm<T> {
                &self.0
            }
        }

        impl<T: Float> Module<T> for $name<T> {
            fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
                self.0.forward(x)
            }
            fn local_parameters(&self) -> Vec<(String, Var<T>)> {
                self.0.local_parameters()
            }
            fn local_buffers(&self) -> Vec<(String, &Buffer<T>)> {
                self.0.local_buffers()
            }
            fn training_flag(&self) -> Option<&TrainingFlag> {
                self.0.training_flag()
            }
        }
    };
}

batch_norm_layer!(
    /// Batch normalisation of `(N, C)` or `(N, C, L)` inputs per channel C (book §5.3,
    /// `BatchNorm_1d`).
    ///
    /// Training mode normalises with the batch's mean and biased variance (through the fused
    /// [`batch_norm_train`](crate::functional::batch_norm_train)) and updates `running_mean` and
    /// `running_var` (with the unbiased variance) and `num_batches_tracked`; evaluation mode
    /// normalises with the running statistics. Parameters `weight` (γ) and `bias` (β).
    BatchNorm1d,
    &[2, 3]
);

batch_norm_layer!(
    /// Batch normalisation of `(N, C, H, W)` inputs per channel C, over N, H and W (book §5.3,
    /// `BatchNorm2D`); otherwise as [`BatchNorm1d`].
    BatchNorm2d,
    &[4]
);
