//! [`Buffer`]: module state that is saved and loaded with the parameters but not trained
//! (batch norm's `running_mean`, `running_var` and `num_batches_tracked`).

use std::sync::RwLock;

use scalpel_tensor::{DType, Float, Shape, Tensor};

/// The value of a buffer: a tensor of the module's float type, or an integer counter tensor.
#[derive(Clone, Debug, PartialEq)]
pub enum BufferValue<T: Float> {
    /// A float tensor (running statistics).
    Float(Tensor<T>),
    /// An `i64` tensor (counters such as `num_batches_tracked`, a 0-d tensor).
    Int(Tensor<i64>),
}

impl<T: Float> BufferValue<T> {
    /// The element type.
    pub fn dtype(&self) -> DType {
        match self {
            BufferValue::Float(t) => t.dtype(),
            BufferValue::Int(t) => t.dtype(),
        }
    }
    /// The shape.
    pub fn shape(&self) -> &Shape {
        match self {
            BufferValue::Float(t) => t.shape(),
            BufferValue::Int(t) => t.shape(),
        }
    }
}

/// A named, non-trainable tensor owned by a module, readable and replaceable through `&self`.
#[derive(Debug)]
pub struct Buffer<T: Float> {
    value: RwLock<BufferValue<T>>,
}

impl<T: Float> Buffer<T> {
    /// A float buffer.
    pub fn float(value: Tensor<T>) -> Self {
        Buffer {
            value: RwLock::new(BufferValue::Float(value)),
        }
    }
    /// An integer buffer.
    pub fn int(value: Tensor<i64>) -> Self {
        Buffer {
            value: RwLock::new(BufferValue::Int(value)),
        }
    }
    /// The current value (a cheap clone sharing storage).
    pub fn get(&self) -> BufferValue<T> {
        self.value.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
    /// The current value of a float buffer (`None` for an integer buffer).
    pub fn float_value(&self) -> Option<Tensor<T>> {
        match self.get() {
            BufferValue::Float(t) => Some(t),
            BufferValue::Int(_) => None,
        }
    }
    /// The current value of an integer buffer (`None` for a float buffer).
    pub fn int_value(&self) -> Option<Tensor<i64>> {
        match self.get() {
            BufferValue::Int(t) => Some(t),
            BufferValue::Float(_) => None,
        }
    }
    /// Replaces the value and returns the old one. The caller keeps the kind and shape: state
    /// loading checks both before it calls this.
    pub fn replace(&self, value: BufferValue<T>) -> BufferValue<T> {
        let mut slot = self.value.write().unwrap_or_else(|e| e.into_inner());
        std::mem::replace(&mut *slot, value)
    }
    /// Updates the value in place under the lock, so that concurrent updates are not lost.
    pub fn update(&self, f: impl FnOnce(&BufferValue<T>) -> BufferValue<T>) {
        let mut slot = self.value.write().unwrap_or_else(|e| e.into_inner());
        *slot = f(&slot);
    }
}
