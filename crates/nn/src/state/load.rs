//! Building a state dict from a module's parameters and buffers, and loading one back.

use std::collections::HashSet;

use scalpel_autograd::Var;
use scalpel_tensor::{DType, Float, Shape, Tensor};

use super::dict::StateDict;
use super::error::StateError;
use super::tensor::StateTensor;
use crate::buffer::{Buffer, BufferValue};

/// What a non-strict load left out: names the module has that the state lacks, and names the
/// state has that the module does not (PyTorch's `_IncompatibleKeys`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Module names absent from the state (left unchanged).
    pub missing: Vec<String>,
    /// State names the module does not have (ignored).
    pub unexpected: Vec<String>,
}

/// The state dict of a module given its named parameters and buffers.
pub(crate) fn collect<T: Float>(
    params: Vec<(String, Var<T>)>,
    buffers: Vec<(String, &Buffer<T>)>,
) -> StateDict {
    let mut dict = StateDict::new();
    for (name, p) in params {
        dict.insert(name, StateTensor::from_float(p.value()));
    }
    for (name, b) in buffers {
        let t = match b.get() {
            BufferValue::Float(t) => StateTensor::from_float(t),
            BufferValue::Int(t) => StateTensor::I64(t),
        };
        dict.insert(name, t);
    }
    dict
}

/// Checks every entry first, then assigns, so that a failed load changes nothing.
pub(crate) fn load<T: Float>(
    state: &StateDict,
    params: Vec<(String, Var<T>)>,
    buffers: Vec<(String, &Buffer<T>)>,
    strict: bool,
) -> Result<LoadReport, StateError> {
    let mut report = LoadReport::default();
    let mut known: HashSet<&str> = HashSet::new();
    let mut param_plan: Vec<(&Var<T>, Tensor<T>)> = Vec::new();
    for (name, p) in &params {
        known.insert(name);
        let Some(st) = state.get(name) else {
            report.missing.push(name.clone());
            continue;
        };
        if !p.is_leaf() {
            return Err(StateError::NotALeaf(name.clone()));
        }
        check_shape(name, &p.shape(), st)?;
        param_plan.push((p, expect::<T>(name, st, T::DTYPE)?));
    }
    let mut buffer_plan: Vec<(&Buffer<T>, BufferValue<T>)> = Vec::new();
    for (name, b) in &buffers {
        known.insert(name);
        let Some(st) = state.get(name) else {
            report.missing.push(name.clone());
            continue;
        };
        let current = b.get();
        check_shape(name, current.shape(), st)?;
        let value = match current {
            BufferValue::Float(_) => BufferValue::Float(expect::<T>(name, st, T::DTYPE)?),
            BufferValue::Int(_) => BufferValue::Int(expect::<i64>(name, st, DType::I64)?),
        };
        buffer_plan.push((b, value));
    }
    report.unexpected = state
        .names()
        .filter(|n| !known.contains(n))
        .map(String::from)
        .collect();
    if strict && !report.missing.is_empty() {
        return Err(StateError::MissingKeys {
            missing: report.missing,
            unexpected: report.unexpected,
        });
    }
    if strict && !report.unexpected.is_empty() {
        return Err(StateError::UnexpectedKeys(report.unexpected));
    }
    for (p, t) in param_plan {
        // Leaf and shape were checked above, so this cannot fail.
        p.set_value(t)
            .map_err(|e| StateError::Format(format!("assigning a checked parameter: {e}")))?;
    }
    for (b, v) in buffer_plan {
        b.replace(v);
    }
    Ok(report)
}

fn check_shape(name: &str, expected: &Shape, st: &StateTensor) -> Result<(), StateError> {
    if st.shape() != expected {
        return Err(StateError::ShapeMismatch {
            name: name.to_string(),
            expected: Box::new(expected.clone()),
            found: Box::new(st.shape().clone()),
        });
    }
    Ok(())
}

fn expect<E: scalpel_tensor::Element>(
    name: &str,
    st: &StateTensor,
    dtype: DType,
) -> Result<Tensor<E>, StateError> {
    st.to_tensor::<E>()
        .ok_or_else(|| StateError::DtypeMismatch {
            name: name.to_string(),
            expected: dtype,
            found: st.dtype(),
        })
}
