//! Reading and writing state dicts in the safetensors format (8-byte little-endian header
//! length, a JSON header giving each tensor's dtype, shape and data offsets, then the
//! little-endian data), through the `safetensors` crate.

use std::path::Path;

use safetensors::tensor::TensorView;
use safetensors::{Dtype, SafeTensors};
use scalpel_tensor::Tensor;

use super::dict::StateDict;
use super::error::StateError;
use super::tensor::StateTensor;

impl StateDict {
    /// The dict as the bytes of a safetensors file. PyTorch reads it with
    /// `safetensors.torch.load_file`.
    ///
    /// # Errors
    /// [`StateError::Format`] if the safetensors writer rejects the data.
    pub fn to_safetensors(&self) -> Result<Vec<u8>, StateError> {
        let encoded: Vec<(&str, Dtype, Vec<usize>, Vec<u8>)> = self
            .iter()
            .map(|(name, t)| {
                let (dtype, bytes) = encode(t);
                (name, dtype, t.shape().dims().to_vec(), bytes)
            })
            .collect();
        let views = encoded
            .iter()
            .map(|(name, dtype, shape, bytes)| {
                TensorView::new(*dtype, shape.clone(), bytes)
                    .map(|v| (*name, v))
                    .map_err(format_error)
            })
            .collect::<Result<Vec<_>, _>>()?;
        safetensors::serialize(views, None).map_err(format_error)
    }

    /// Reads a dict from the bytes of a safetensors file, in the file's data order.
    ///
    /// # Errors
    /// [`StateError::Format`] for a malformed file; [`StateError::UnsupportedDtype`] for a tensor
    /// that is not F32, F64 or I64.
    pub fn from_safetensors(bytes: &[u8]) -> Result<StateDict, StateError> {
        let (_, metadata) = SafeTensors::read_metadata(bytes).map_err(format_error)?;
        let file = SafeTensors::deserialize(bytes).map_err(format_error)?;
        let mut dict = StateDict::new();
        for name in metadata.offset_keys() {
            let view = file.tensor(&name).map_err(format_error)?;
            let tensor = decode(&name, &view)?;
            dict.insert_new(name, tensor)?;
        }
        Ok(dict)
    }

    /// Writes the dict to a safetensors file.
    ///
    /// # Errors
    /// [`StateError::Io`] naming the file.
    pub fn save_safetensors(&self, path: impl AsRef<Path>) -> Result<(), StateError> {
        let path = path.as_ref();
        let bytes = self.to_safetensors()?;
        std::fs::write(path, bytes).map_err(|source| StateError::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Reads a dict from a safetensors file.
    ///
    /// # Errors
    /// [`StateError::Io`] naming the file; the errors of
    /// [`from_safetensors`](Self::from_safetensors) inside a [`StateError::InFile`] naming it.
    pub fn load_safetensors(path: impl AsRef<Path>) -> Result<StateDict, StateError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| StateError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_safetensors(&bytes).map_err(|e| StateError::InFile {
            path: path.to_path_buf(),
            source: Box::new(e),
        })
    }
}

fn format_error(e: safetensors::SafeTensorError) -> StateError {
    StateError::Format(e.to_string())
}

fn encode(t: &StateTensor) -> (Dtype, Vec<u8>) {
    match t {
        StateTensor::F32(t) => (Dtype::F32, le_bytes(t, f32::to_le_bytes)),
        StateTensor::F64(t) => (Dtype::F64, le_bytes(t, f64::to_le_bytes)),
        StateTensor::I64(t) => (Dtype::I64, le_bytes(t, i64::to_le_bytes)),
    }
}

/// The elements in row-major order as little-endian bytes.
fn le_bytes<E: scalpel_tensor::Element, const N: usize>(
    t: &Tensor<E>,
    to_bytes: fn(E) -> [u8; N],
) -> Vec<u8> {
    t.to_vec().into_iter().flat_map(to_bytes).collect()
}

fn decode(name: &str, view: &TensorView<'_>) -> Result<StateTensor, StateError> {
    let shape = view.shape().to_vec();
    let data = view.data();
    let tensor = match view.dtype() {
        Dtype::F32 => StateTensor::F32(from_le(data, shape, f32::from_le_bytes)?),
        Dtype::F64 => StateTensor::F64(from_le(data, shape, f64::from_le_bytes)?),
        Dtype::I64 => StateTensor::I64(from_le(data, shape, i64::from_le_bytes)?),
        other => {
            return Err(StateError::UnsupportedDtype {
                name: name.to_string(),
                dtype: format!("{other:?}"),
            })
        }
    };
    Ok(tensor)
}

fn from_le<E: scalpel_tensor::Element, const N: usize>(
    data: &[u8],
    shape: Vec<usize>,
    from_bytes: fn([u8; N]) -> E,
) -> Result<Tensor<E>, StateError> {
    let values = data
        .chunks_exact(N)
        .map(|c| {
            let mut b = [0u8; N];
            b.copy_from_slice(c);
            from_bytes(b)
        })
        .collect();
    Tensor::from_vec(values, shape).map_err(|e| StateError::Format(e.to_string()))
}
