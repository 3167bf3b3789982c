//! Reading files that may be gzipped.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

use flate2::read::MultiGzDecoder;

use crate::error::{DataError, Result};

/// The two bytes every gzip member starts with.
pub const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The contents of `path`, decompressed when the name ends in `.gz` or the bytes start with
/// the gzip magic number.
///
/// # Errors
/// [`DataError::Io`] when the file cannot be read, [`DataError::Gzip`] when it should be gzip
/// but does not decompress (a truncated download, for instance).
pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let named_gz = path.extension().is_some_and(|e| e == "gz");
    let file = path.display().to_string();
    if named_gz || is_gzip(&bytes) {
        gunzip(&bytes, &file)
    } else {
        Ok(bytes)
    }
}

/// True when `bytes` start with the gzip magic number.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&GZIP_MAGIC)
}

/// `bytes` decompressed if they start with the gzip magic number, else `bytes` unchanged.
/// `file` names the bytes in errors.
///
/// # Errors
/// [`DataError::Gzip`] when the stream does not decompress.
pub fn maybe_gunzip<'a>(bytes: &'a [u8], file: &str) -> Result<Cow<'a, [u8]>> {
    if is_gzip(bytes) {
        gunzip(bytes, file).map(Cow::Owned)
    } else {
        Ok(Cow::Borrowed(bytes))
    }
}

/// Decompresses one or more concatenated gzip members.
///
/// # Errors
/// [`DataError::Gzip`] for a bad header, a corrupt or truncated stream, or a checksum
/// mismatch.
pub fn gunzip(bytes: &[u8], file: &str) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .map_err(|e| DataError::Gzip {
            file: file.to_string(),
            reason: e.to_string(),
        })?;
    Ok(out)
}
