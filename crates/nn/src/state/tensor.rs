//! [`StateTensor`]: one entry of a state dict, a tensor of one of the element types that
//! parameters and buffers use.

use std::any::Any;

use serde::{Deserialize, Serialize};

use scalpel_tensor::{DType, Element, Float, Shape, Tensor};

/// A tensor in a [`StateDict`](super::StateDict): `f32` (parameters and running statistics of an
/// `f32` model), `f64` (an `f64` model) or `i64` (counters such as `num_batches_tracked`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum StateTensor {
    /// 32-bit floats.
    F32(Tensor<f32>),
    /// 64-bit floats.
    F64(Tensor<f64>),
    /// 64-bit integers.
    I64(Tensor<i64>),
}

impl StateTensor {
    /// Wraps a float tensor of any [`Float`] type: `f32` and `f64` keep their type (no copy);
    /// another float type is converted to `f64`.
    pub fn from_float<T: Float>(t: Tensor<T>) -> StateTensor {
        let any: &dyn Any = &t;
        if let Some(t) = any.downcast_ref::<Tensor<f32>>() {
            return StateTensor::F32(t.clone());
        }
        if let Some(t) = any.downcast_ref::<Tensor<f64>>() {
            return StateTensor::F64(t.clone());
        }
        StateTensor::F64(t.cast())
    }

    /// The tensor as `Tensor<E>` when its element type is `E` (no copy), else `None`.
    pub fn to_tensor<E: Element>(&self) -> Option<Tensor<E>> {
        let any: &dyn Any = match self {
            StateTensor::F32(t) => t,
            StateTensor::F64(t) => t,
            StateTensor::I64(t) => t,
        };
        any.downcast_ref::<Tensor<E>>().cloned()
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        match self {
            StateTensor::F32(_) => DType::F32,
            StateTensor::F64(_) => DType::F64,
            StateTensor::I64(_) => DType::I64,
        }
    }

    /// The shape.
    pub fn shape(&self) -> &Shape {
        match self {
            StateTensor::F32(t) => t.shape(),
            StateTensor::F64(t) => t.shape(),
            StateTensor::I64(t) => t.shape(),
        }
    }

    /// A float tensor converted to `U` (a copy unless it already is `U`); integer tensors are
    /// returned unchanged.
    pub fn cast_float<U: Float>(&self) -> StateTensor {
        match self {
            StateTensor::F32(t) => StateTensor::from_float(cast_to::<f32, U>(t)),
            StateTensor::F64(t) => StateTensor::from_float(cast_to::<f64, U>(t)),
            StateTensor::I64(t) => StateTensor::I64(t.clone()),
        }
    }
}

fn cast_to<T: Float, U: Float>(t: &Tensor<T>) -> Tensor<U> {
    let any: &dyn Any = t;
    match any.downcast_ref::<Tensor<U>>() {
        Some(same) => same.clone(),
        None => t.cast(),
    }
}

impl From<Tensor<f32>> for StateTensor {
    fn from(t: Tensor<f32>) -> Self {
        StateTensor::F32(t)
    }
}

impl From<Tensor<f64>> for StateTensor {
    fn from(t: Tensor<f64>) -> Self {
        StateTensor::F64(t)
    }
}

impl From<Tensor<i64>> for StateTensor {
    fn from(t: Tensor<i64>) -> Self {
        StateTensor::I64(t)
    }
}
