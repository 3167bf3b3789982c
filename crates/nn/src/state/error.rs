//! [`StateError`]: what can go wrong when saving, loading or applying a state dict.

use std::path::PathBuf;

use scalpel_tensor::{DType, Shape};

/// An error of state dicts and safetensors files. Each names the tensor or key concerned.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The module has parameters or buffers that the state lacks (strict loading). The keys
    /// the state has but the module does not are listed too, since a wrong name usually shows
    /// up on both sides.
    #[error(
        "load_state_dict: missing keys {missing:?}{}",
        unexpected_note(unexpected)
    )]
    MissingKeys {
        /// Names the module has and the state lacks.
        missing: Vec<String>,
        /// Names the state has and the module lacks.
        unexpected: Vec<String>,
    },
    /// The state has names that the module does not (strict loading).
    #[error("load_state_dict: unexpected keys {0:?}")]
    UnexpectedKeys(Vec<String>),
    /// A tensor whose shape differs from the module's.
    #[error(
        "load_state_dict: `{name}` has shape {found} in the state, the module expects {expected}"
    )]
    ShapeMismatch {
        /// The tensor's name.
        name: String,
        /// The module's shape.
        expected: Box<Shape>,
        /// The state's shape.
        found: Box<Shape>,
    },
    /// A tensor whose element type differs from the module's.
    #[error(
        "load_state_dict: `{name}` has dtype {found} in the state, the module expects {expected}"
    )]
    DtypeMismatch {
        /// The tensor's name.
        name: String,
        /// The module's element type.
        expected: DType,
        /// The state's element type.
        found: DType,
    },
    /// A safetensors tensor of an element type scalpel does not hold (F32, F64 and I64 are
    /// read).
    #[error("safetensors: tensor `{name}` has dtype {dtype}; scalpel reads F32, F64 and I64")]
    UnsupportedDtype {
        /// The tensor's name.
        name: String,
        /// The file's dtype name.
        dtype: String,
    },
    /// Two tensors with the same name (e.g. after renaming).
    #[error("state dict: duplicate key `{0}`")]
    DuplicateKey(String),
    /// A module reported something other than a leaf variable as a parameter.
    #[error("load_state_dict: parameter `{0}` is not a leaf variable and cannot be assigned")]
    NotALeaf(String),
    /// A malformed safetensors file (header, offsets or sizes).
    #[error("safetensors: {0}")]
    Format(String),
    /// A file whose contents are wrong: one of the errors above, with the file's path.
    #[error("{}: {source}", path.display())]
    InFile {
        /// The file.
        path: PathBuf,
        /// What is wrong in it.
        source: Box<StateError>,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

fn unexpected_note(unexpected: &[String]) -> String {
    if unexpected.is_empty() {
        String::new()
    } else {
        format!("; unexpected keys {unexpected:?}")
    }
}
