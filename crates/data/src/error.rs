//! The crate's one error type.
//!
//! # Error policy
//! Everything that reads a file, parses bytes or takes a user-chosen argument returns
//! [`Result`] with a [`DataError`]; nothing panics on bad input. A format error names the file
//! (or the label given to in-memory bytes), says what was expected and what was found, and for
//! text formats gives the 1-based line and column.

use std::path::PathBuf;

use scalpel_tensor::TensorError;

/// Result alias used throughout the crate.
pub type Result<T, E = DataError> = std::result::Result<T, E>;

/// Everything that can go wrong while loading, parsing or batching data.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The operating system could not read a file.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A data file is not where it was looked for.
    #[error("{dataset}: file not found: {path}\n{help}")]
    MissingFile {
        /// The data set the file belongs to.
        dataset: &'static str,
        /// The path looked at first (the expected name).
        path: PathBuf,
        /// Where data sets live and where to get this one.
        help: String,
    },
    /// Real data is required (the `CI` variable is set) but is not there; see
    /// [`test_data_dir`](crate::data_dir::test_data_dir).
    #[error("real data required because CI is set: {reason}")]
    DataUnavailable {
        /// What is missing.
        reason: String,
    },
    /// A gzip stream that does not decompress.
    #[error("{file}: not a valid gzip stream: {reason}")]
    Gzip {
        /// The file (or label of the bytes).
        file: String,
        /// What the decompressor reported.
        reason: String,
    },
    /// Fewer bytes than the format requires.
    #[error("{file}: truncated {part}: expected {expected} bytes, found {found}")]
    Truncated {
        /// The file (or label of the bytes).
        file: String,
        /// Which part ends early ("IDX header", "IDX data").
        part: &'static str,
        /// Bytes the part needs.
        expected: usize,
        /// Bytes present.
        found: usize,
    },
    /// A magic number other than the one the format requires.
    #[error("{file}: bad magic number: expected {expected}, found {found:#010x}")]
    BadMagic {
        /// The file (or label of the bytes).
        file: String,
        /// The magic number(s) accepted, described.
        expected: String,
        /// The first four bytes, big-endian.
        found: u32,
    },
    /// More data bytes than the header's dimensions account for.
    #[error("{file}: header dimensions {dims:?} need {expected} data bytes, found {found}")]
    SizeMismatch {
        /// The file (or label of the bytes).
        file: String,
        /// The dimensions the header declares.
        dims: Vec<usize>,
        /// Data bytes the dimensions need.
        expected: usize,
        /// Data bytes present.
        found: usize,
    },
    /// An IDX element type this crate does not read.
    #[error(
        "{file}: unsupported IDX element type {code:#04x} (only 0x08, unsigned byte, is read)"
    )]
    UnsupportedIdxType {
        /// The file (or label of the bytes).
        file: String,
        /// The type code in the header.
        code: u8,
    },
    /// Dimensions other than the format or data set requires.
    #[error("{file}: wrong dimensions: expected {expected}, found {found:?}")]
    WrongDims {
        /// The file (or label of the bytes).
        file: String,
        /// The dimensions accepted, described (e.g. "[n, 28, 28]").
        expected: String,
        /// The dimensions found.
        found: Vec<usize>,
    },
    /// Two files that must describe the same samples disagree on their number.
    #[error("{what}: {left} holds {left_count} items but {right} holds {right_count}")]
    CountMismatch {
        /// What is being paired ("MNIST train").
        what: String,
        /// The first file.
        left: String,
        /// Its item count.
        left_count: usize,
        /// The second file.
        right: String,
        /// Its item count.
        right_count: usize,
    },
    /// A class label outside `0..num_classes`.
    #[error("{file}: label {label} of item {index} is out of range: expected 0..{num_classes}")]
    LabelOutOfRange {
        /// The file (or label of the bytes).
        file: String,
        /// 0-based item index.
        index: usize,
        /// The label found.
        label: i64,
        /// The number of classes expected.
        num_classes: usize,
    },
    /// A text-format field that cannot be read.
    #[error("{file}:{line}:{column}: expected {expected}, found {found:?}")]
    Field {
        /// The file (or label of the bytes).
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (field number).
        column: usize,
        /// What the field should hold.
        expected: String,
        /// The field's text.
        found: String,
    },
    /// A text-format row with a different number of fields than the first row.
    #[error("{file}:{line}: expected {expected} fields, found {found}")]
    RaggedRow {
        /// The file (or label of the bytes).
        file: String,
        /// 1-based line.
        line: usize,
        /// Fields per row set by the first row.
        expected: usize,
        /// Fields on this line.
        found: usize,
    },
    /// A line that is not valid UTF-8.
    #[error("{file}:{line}: not valid UTF-8")]
    InvalidUtf8 {
        /// The file (or label of the bytes).
        file: String,
        /// 1-based line.
        line: usize,
    },
    /// A file or byte string with no data rows.
    #[error("{file}: no data rows")]
    Empty {
        /// The file (or label of the bytes).
        file: String,
    },
    /// A sample index outside the data set.
    #[error("{op}: index {index} is out of range for a data set of {len} samples")]
    IndexOutOfRange {
        /// The operation.
        op: &'static str,
        /// The requested index.
        index: usize,
        /// The data set's length.
        len: usize,
    },
    /// An argument that is invalid for its operation.
    #[error("{op}: {reason}")]
    InvalidArgument {
        /// The operation.
        op: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The background prefetch thread stopped before the epoch ended (it panicked).
    #[error("data loader: the prefetch thread stopped after {delivered} of {expected} batches")]
    PrefetchStopped {
        /// Batches received before it stopped.
        delivered: usize,
        /// Batches the epoch has.
        expected: usize,
    },
    /// A tensor operation failed (a shape that does not fit, for instance).
    #[error(transparent)]
    Tensor(#[from] TensorError),
}

impl DataError {
    /// Shorthand for [`DataError::InvalidArgument`].
    pub fn arg(op: &'static str, reason: impl Into<String>) -> Self {
        DataError::InvalidArgument {
            op,
            reason: reason.into(),
        }
    }
}
