//! CSV files of numbers, with an optional header line and optionally a class-name column.
//!
//! The dialect is the plain one of numeric data files: one row per line (`\n` or `\r\n`),
//! fields separated by a delimiter (`,` by default), surrounding spaces ignored, no quoting.
//! Blank lines are skipped. Every row must have as many fields as the first one (or as the
//! header). Numbers are read with Rust's `str::parse` (so `1e-5`, `-0.5`, `inf` and `NaN` are
//! numbers). Errors give the 1-based line and column.

use std::path::Path;
use std::str::FromStr;

use scalpel_tensor::{Float, Tensor};

use super::gzip::read_file;
use crate::error::{DataError, Result};

/// Whether the first line is a header of column names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Header {
    /// A header when any of the first line's (numeric) fields is not a number.
    #[default]
    Auto,
    /// The first line is a header.
    Present,
    /// Every line is data.
    Absent,
}

/// How to read a CSV file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvOptions {
    /// Header detection.
    pub header: Header,
    /// The field separator.
    pub delimiter: char,
}

impl Default for CsvOptions {
    /// Header detected, comma-separated.
    fn default() -> Self {
        CsvOptions {
            header: Header::Auto,
            delimiter: ',',
        }
    }
}

impl CsvOptions {
    /// These options with `header`.
    pub fn header(self, header: Header) -> Self {
        CsvOptions { header, ..self }
    }
    /// These options with `delimiter`.
    pub fn delimiter(self, delimiter: char) -> Self {
        CsvOptions { delimiter, ..self }
    }
}

/// A CSV file of numbers: `values[row, column]`.
#[derive(Clone, Debug)]
pub struct CsvTable<T: Float> {
    /// The column names, when the file has a header.
    pub header: Option<Vec<String>>,
    /// The numbers, `[rows, columns]`.
    pub values: Tensor<T>,
}

/// A CSV file whose last column is a class name: numeric features and class indices.
#[derive(Clone, Debug)]
pub struct LabeledCsv<T: Float> {
    /// The column names, when the file has a header.
    pub header: Option<Vec<String>>,
    /// The numeric columns, `[rows, columns − 1]`.
    pub features: Tensor<T>,
    /// The class index of each row, `[rows]`: the position of its name in `classes`.
    pub labels: Tensor<i64>,
    /// The class names, in index order.
    pub classes: Vec<String>,
}

/// Reads a CSV file of numbers (gzipped or not).
///
/// # Errors
/// [`DataError::Io`], [`DataError::Gzip`], and the errors of [`parse_csv`].
pub fn read_csv<T: Float + FromStr>(path: &Path, options: CsvOptions) -> Result<CsvTable<T>> {
    parse_csv(&read_file(path)?, &path.display().to_string(), options)
}

/// Parses CSV bytes of numbers. `file` names the bytes in errors.
///
/// ```
/// use scalpel_data::formats::csv::{parse_csv, CsvOptions};
/// let t = parse_csv::<f64>(b"x,y\n1,2\n3,4.5\n", "example", CsvOptions::default()).unwrap();
/// assert_eq!(t.header, Some(vec!["x".to_string(), "y".to_string()]));
/// assert_eq!(t.values.to_vec(), vec![1.0, 2.0, 3.0, 4.5]);
/// ```
///
/// # Errors
/// [`DataError::Field`] for a field that is not a number, [`DataError::RaggedRow`],
/// [`DataError::InvalidUtf8`], [`DataError::Empty`] when there are no data rows.
pub fn parse_csv<T: Float + FromStr>(
    bytes: &[u8],
    file: &str,
    options: CsvOptions,
) -> Result<CsvTable<T>> {
    let rows = Rows::split(bytes, file, options, 0)?;
    let mut values = Vec::with_capacity(rows.data.len() * rows.width);
    for (line, fields) in &rows.data {
        for (k, field) in fields.iter().enumerate() {
            values.push(number(field, file, *line, k)?);
        }
    }
    Ok(CsvTable {
        header: rows.header,
        values: Tensor::from_vec(values, [rows.data.len(), rows.width])?,
    })
}

/// Reads a CSV file whose last column is a class name (gzipped or not); see
/// [`parse_labeled_csv`].
///
/// # Errors
/// [`DataError::Io`], [`DataError::Gzip`], and the errors of [`parse_labeled_csv`].
pub fn read_labeled_csv<T: Float + FromStr>(
    path: &Path,
    options: CsvOptions,
    classes: Option<&[&str]>,
) -> Result<LabeledCsv<T>> {
    parse_labeled_csv(
        &read_file(path)?,
        &path.display().to_string(),
        options,
        classes,
    )
}

/// Parses CSV bytes whose last column is a class name and whose other columns are numbers.
/// With `classes`, each name must be one of them and its label is its position; without, the
/// classes are numbered in order of first appearance.
///
/// # Errors
/// As [`parse_csv`]; [`DataError::Field`] for a class name not in `classes`, and
/// [`DataError::RaggedRow`] when a row has no class column.
pub fn parse_labeled_csv<T: Float + FromStr>(
    bytes: &[u8],
    file: &str,
    options: CsvOptions,
    classes: Option<&[&str]>,
) -> Result<LabeledCsv<T>> {
    let rows = Rows::split(bytes, file, options, 1)?;
    let n_features = rows.width - 1;
    let mut names: Vec<String> = classes
        .unwrap_or(&[])
        .iter()
        .map(|c| c.to_string())
        .collect();
    let mut features = Vec::with_capacity(rows.data.len() * n_features);
    let mut labels = Vec::with_capacity(rows.data.len());
    for (line, fields) in &rows.data {
        for (k, field) in fields[..n_features].iter().enumerate() {
            features.push(number(field, file, *line, k)?);
        }
        let name = fields[n_features];
        let label = match names.iter().position(|c| c == name) {
            Some(i) => i,
            None if classes.is_none() => {
                names.push(name.to_string());
                names.len() - 1
            }
            None => {
                return Err(DataError::Field {
                    file: file.to_string(),
                    line: *line,
                    column: rows.width,
                    expected: format!("a class name, one of {names:?}"),
                    found: name.to_string(),
                })
            }
        };
        labels.push(label as i64);
    }
    Ok(LabeledCsv {
        header: rows.header,
        features: Tensor::from_vec(features, [rows.data.len(), n_features])?,
        labels: Tensor::from_vec1(labels),
        classes: names,
    })
}

/// Field `k` (0-based) of line `line` as a number. A finite number too large for `T` (such as
/// `1e40` read as f32) is an error rather than a silent infinity; `inf` and `NaN` written out
/// are read as such.
fn number<T: Float + FromStr>(field: &str, file: &str, line: usize, k: usize) -> Result<T> {
    let error = |expected: String| DataError::Field {
        file: file.to_string(),
        line,
        column: k + 1,
        expected,
        found: field.to_string(),
    };
    let value: T = field.parse().map_err(|_| error("a number".into()))?;
    let written_infinite = field
        .trim_start_matches(['+', '-'])
        .get(..3)
        .is_some_and(|s| s.eq_ignore_ascii_case("inf"));
    if value.is_infinite() && !written_infinite {
        return Err(error(format!(
            "a number within the range of {}",
            std::any::type_name::<T>()
        )));
    }
    Ok(value)
}

/// The lines of a CSV file split into trimmed fields, header separated.
struct Rows<'a> {
    header: Option<Vec<String>>,
    /// (1-based line number, fields) of every data row.
    data: Vec<(usize, Vec<&'a str>)>,
    width: usize,
}

impl<'a> Rows<'a> {
    /// Splits `bytes` into rows of equal width. The last `trailing_text` columns may hold text
    /// and are ignored by header detection; a row needs more than `trailing_text` fields.
    fn split(
        bytes: &'a [u8],
        file: &str,
        options: CsvOptions,
        trailing_text: usize,
    ) -> Result<Self> {
        // A byte-order mark (as spreadsheet programs write) is not part of the first field.
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut lines = Vec::new();
        for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
            let text = std::str::from_utf8(raw).map_err(|_| DataError::InvalidUtf8 {
                file: file.to_string(),
                line: i + 1,
            })?;
            if !text.trim().is_empty() {
                let fields: Vec<&str> = text.split(options.delimiter).map(str::trim).collect();
                lines.push((i + 1, fields));
            }
        }
        let mut lines = lines.into_iter().peekable();
        let first = lines.peek().ok_or_else(|| DataError::Empty {
            file: file.to_string(),
        })?;
        let width = first.1.len();
        let has_header = match options.header {
            Header::Present => true,
            Header::Absent => false,
            Header::Auto => first.1[..width.saturating_sub(trailing_text)]
                .iter()
                .any(|f| f.parse::<f64>().is_err()),
        };
        let header = has_header
            .then(|| lines.next())
            .flatten()
            .map(|(_, fields)| fields.into_iter().map(str::to_string).collect());
        let data: Vec<_> = lines.collect();
        for (line, fields) in &data {
            if fields.len() != width || width <= trailing_text {
                return Err(DataError::RaggedRow {
                    file: file.to_string(),
                    line: *line,
                    expected: width.max(trailing_text + 1),
                    found: fields.len(),
                });
            }
        }
        if data.is_empty() {
            return Err(DataError::Empty {
                file: file.to_string(),
            });
        }
        Ok(Rows {
            header,
            data,
            width,
        })
    }
}
