//! The IDX format of MNIST and Fashion-MNIST: a 4-byte magic number (two zero bytes, an
//! element-type code, the number of dimensions), each dimension as a big-endian `u32`, then the
//! elements in row-major order.
//!
//! Only unsigned bytes (type code `0x08`, the type of every MNIST file) are read.

use scalpel_tensor::Tensor;

use crate::error::{DataError, Result};

/// The type code of unsigned bytes.
pub const UBYTE: u8 = 0x08;

/// A parsed IDX header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdxHeader {
    /// The first four bytes as a big-endian number (`0x00000803` for MNIST images).
    pub magic: u32,
    /// The element-type code (third byte).
    pub type_code: u8,
    /// The dimensions, outermost first.
    pub dims: Vec<usize>,
    /// Where the elements start: 4 + 4·rank.
    pub data_offset: usize,
}

impl IdxHeader {
    /// Reads the header at the start of `bytes`. `file` names the bytes in errors.
    ///
    /// # Errors
    /// [`DataError::Truncated`] when `bytes` end inside the header, [`DataError::BadMagic`]
    /// when the first two bytes are not zero.
    pub fn parse(bytes: &[u8], file: &str) -> Result<Self> {
        let truncated = |expected: usize| DataError::Truncated {
            file: file.to_string(),
            part: "IDX header",
            expected,
            found: bytes.len(),
        };
        let magic = read_u32(bytes, 0).ok_or_else(|| truncated(4))?;
        if magic >> 16 != 0 {
            return Err(DataError::BadMagic {
                file: file.to_string(),
                expected: "0x0000TTNN (two zero bytes, type code TT, rank NN)".into(),
                found: magic,
            });
        }
        let rank = (magic & 0xff) as usize;
        let data_offset = 4 + 4 * rank;
        let dims = (0..rank)
            .map(|k| read_u32(bytes, 4 + 4 * k).map(|d| d as usize))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| truncated(data_offset))?;
        Ok(IdxHeader {
            magic,
            type_code: (magic >> 8) as u8,
            dims,
            data_offset,
        })
    }

    /// The number of elements the dimensions declare (saturating at `usize::MAX`).
    pub fn numel(&self) -> usize {
        self.dims
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d))
            .unwrap_or(usize::MAX)
    }
}

/// The big-endian `u32` at `at`, if `bytes` hold it.
fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// Parses a whole IDX file of unsigned bytes into a tensor of its dimensions.
///
/// ```
/// use scalpel_data::formats::idx;
/// let bytes = [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6];
/// let t = idx::parse(&bytes, "example").unwrap();
/// assert_eq!(t.dims(), &[2, 3]);
/// assert_eq!(t.to_vec(), vec![1, 2, 3, 4, 5, 6]);
/// ```
///
/// # Errors
/// As [`IdxHeader::parse`]; [`DataError::UnsupportedIdxType`] for a type other than unsigned
/// bytes; and the size checks of [`parse_data`].
pub fn parse(bytes: &[u8], file: &str) -> Result<Tensor<u8>> {
    let header = IdxHeader::parse(bytes, file)?;
    if header.type_code != UBYTE {
        return Err(DataError::UnsupportedIdxType {
            file: file.to_string(),
            code: header.type_code,
        });
    }
    parse_data(&header, bytes, file)
}

/// The elements after `header` as a tensor of `header.dims`.
///
/// # Errors
/// [`DataError::WrongDims`] when the dimensions multiply past what memory can address,
/// [`DataError::Truncated`] when there are fewer data bytes than the dimensions need,
/// [`DataError::SizeMismatch`] when there are more.
pub fn parse_data(header: &IdxHeader, bytes: &[u8], file: &str) -> Result<Tensor<u8>> {
    let data = bytes.get(header.data_offset..).unwrap_or(&[]);
    let expected = header.numel();
    if expected > isize::MAX as usize {
        return Err(DataError::WrongDims {
            file: file.to_string(),
            expected: "dimensions whose product (the number of data bytes) is at most isize::MAX"
                .into(),
            found: header.dims.clone(),
        });
    }
    if data.len() < expected {
        return Err(DataError::Truncated {
            file: file.to_string(),
            part: "IDX data",
            expected,
            found: data.len(),
        });
    }
    if data.len() > expected {
        return Err(DataError::SizeMismatch {
            file: file.to_string(),
            dims: header.dims.clone(),
            expected,
            found: data.len(),
        });
    }
    Ok(Tensor::from_slice(data, header.dims.as_slice())?)
}
