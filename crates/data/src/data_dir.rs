//! Where real data sets live, and the policy of tests that need them.
//!
//! Data sets are never part of the repository. Code finds them in the folder named by the
//! environment variable [`DATA_DIR_ENV`] (`SCALPEL_DATA_DIR`), or `./data` when it is unset:
//! MNIST in `mnist/`, Fashion-MNIST in `fashion-mnist/`, the book's small files in `book/`.
//!
//! # Test policy
//! A test that reads real data calls [`test_data_dir`] with the files it needs:
//! - all there: it gets the data folder and runs;
//! - `SCALPEL_DATA_DIR` unset, or a file missing: it prints `skipped: …` and passes, **unless**
//!   the environment variable `CI` is set (to anything but empty, `0` or `false`), in which case
//!   missing data is an error and the test fails.

use std::path::{Path, PathBuf};

use crate::error::{DataError, Result};

/// The environment variable naming the data folder.
pub const DATA_DIR_ENV: &str = "SCALPEL_DATA_DIR";

/// The data folder used when [`DATA_DIR_ENV`] is unset.
pub const DEFAULT_DATA_DIR: &str = "./data";

/// The data folder: `$SCALPEL_DATA_DIR`, or `./data` when it is unset or empty.
pub fn data_dir() -> PathBuf {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(DEFAULT_DATA_DIR),
    }
}

/// True when the environment variable `CI` is set to anything but empty, `0` or `false`.
pub fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false" | "FALSE"))
}

/// The data folder for a test that needs the files `required` (relative to it), following the
/// [test policy](self#test-policy): `Ok(Some(dir))` when they are all there; `Ok(None)` after
/// printing why the test is skipped; an error when data is missing and `CI` is set.
///
/// ```no_run
/// # fn main() -> Result<(), scalpel_data::DataError> {
/// let Some(dir) = scalpel_data::data_dir::test_data_dir(&["book/iris.csv"])? else {
///     return Ok(()); // skipped
/// };
/// let iris = scalpel_data::formats::book::iris::<f32>(&dir.join("book"))?;
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`DataError::DataUnavailable`] when `CI` is set and the data is not there.
pub fn test_data_dir(required: &[&str]) -> Result<Option<PathBuf>> {
    let dir = match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => return skip_or_fail(format!("{DATA_DIR_ENV} is not set")),
    };
    let missing: Vec<String> = required
        .iter()
        .map(|f| dir.join(f))
        .filter(|p| !p.is_file())
        .map(|p| p.display().to_string())
        .collect();
    if missing.is_empty() {
        Ok(Some(dir))
    } else {
        skip_or_fail(format!(
            "missing under {DATA_DIR_ENV}={}: {}",
            Path::new(&dir).display(),
            missing.join(", ")
        ))
    }
}

fn skip_or_fail(reason: String) -> Result<Option<PathBuf>> {
    if is_ci() {
        Err(DataError::DataUnavailable { reason })
    } else {
        println!("skipped: {reason} (set {DATA_DIR_ENV} to the data folder to run this test)");
        Ok(None)
    }
}
