//! The book's small data files, in `<data dir>/book/` (see [`default_dir`]).
//!
//! | file | loader | shape |
//! |---|---|---|
//! | `food_truck_data.txt` (§3.1, no header) | [`food_truck`] | x `[97, 1]` population, y `[97, 1]` profit |
//! | `water_{train,val,test}.csv` (§3.2, header `x,y`) | [`water`] | x `[n, 1]`, y `[n, 1]`; n = 12, 21, 21 |
//! | `iris.csv` (§3.5.3, no header) | [`iris`] | features `[150, 4]`, labels `[150]` |
//! | `gan_real_values.txt` (§8.5.1) | [`gan_real_values`] | `[10000]` |
//!
//! Each loader is generic over the float type (`f32` for training, `f64` to read the files'
//! values exactly).

use std::path::{Path, PathBuf};
use std::str::FromStr;

use scalpel_tensor::{Float, Tensor};

use super::csv::{read_csv, read_labeled_csv, CsvOptions, CsvTable, Header, LabeledCsv};
use crate::data_dir::{data_dir, DATA_DIR_ENV, DEFAULT_DATA_DIR};
use crate::error::{DataError, Result};

/// The file name of the food-truck data.
pub const FOOD_TRUCK_FILE: &str = "food_truck_data.txt";
/// The file name of the Iris data.
pub const IRIS_FILE: &str = "iris.csv";
/// The file name of the GAN example's real samples.
pub const GAN_REAL_VALUES_FILE: &str = "gan_real_values.txt";
/// The Iris class names, in label order.
pub const IRIS_CLASSES: [&str; 3] = ["Iris-setosa", "Iris-versicolor", "Iris-virginica"];

/// `<data dir>/book`, where the book's files live.
pub fn default_dir() -> PathBuf {
    data_dir().join("book")
}

/// Which part of the dam-outflow data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WaterSplit {
    /// `water_train.csv`, 12 samples.
    Train,
    /// `water_val.csv`, 21 samples.
    Val,
    /// `water_test.csv`, 21 samples.
    Test,
}

impl WaterSplit {
    /// The file name of this part.
    pub fn file_name(self) -> &'static str {
        match self {
            WaterSplit::Train => "water_train.csv",
            WaterSplit::Val => "water_val.csv",
            WaterSplit::Test => "water_test.csv",
        }
    }
}

/// The food-truck profit data (book §3.1, Andrew Ng's `ex1data1.txt`): city population in
/// 10,000s `x [97, 1]` and profit in $10,000s `y [97, 1]`. `dir` is the book folder.
///
/// # Errors
/// [`DataError::MissingFile`], CSV errors, and [`DataError::WrongDims`] when the file does
/// not have two columns.
pub fn food_truck<T: Float + FromStr>(dir: &Path) -> Result<(Tensor<T>, Tensor<T>)> {
    let path = existing(dir, FOOD_TRUCK_FILE, "food truck")?;
    xy_columns(
        read_csv(&path, CsvOptions::default().header(Header::Absent))?,
        &path,
    )
}

/// The dam water-outflow data (book §3.2, Andrew Ng's `ex5data1.mat`): change of water level
/// `x [n, 1]` and outflow `y [n, 1]`. `dir` is the book folder.
///
/// # Errors
/// As [`food_truck`].
pub fn water<T: Float + FromStr>(dir: &Path, split: WaterSplit) -> Result<(Tensor<T>, Tensor<T>)> {
    let path = existing(dir, split.file_name(), "water")?;
    xy_columns(
        read_csv(&path, CsvOptions::default().header(Header::Present))?,
        &path,
    )
}

/// Fisher's Iris data (book §3.5.3): features `[150, 4]` (sepal length and width, petal length
/// and width, in cm) and labels `[150]` indexing [`IRIS_CLASSES`]. `dir` is the book folder.
///
/// # Errors
/// [`DataError::MissingFile`], CSV errors (an unknown class name is a
/// [`DataError::Field`]), and [`DataError::WrongDims`] when there are not 4 features.
pub fn iris<T: Float + FromStr>(dir: &Path) -> Result<LabeledCsv<T>> {
    let path = existing(dir, IRIS_FILE, "iris")?;
    let options = CsvOptions::default().header(Header::Absent);
    let table = read_labeled_csv(&path, options, Some(&IRIS_CLASSES))?;
    if table.features.dims()[1] != 4 {
        return Err(DataError::WrongDims {
            file: path.display().to_string(),
            expected: "[n, 4] features and a class name".into(),
            found: table.features.dims().to_vec(),
        });
    }
    Ok(table)
}

/// The 10,000 "real" samples of the book's first GAN example (§8.5.1), a sample of
/// N(4, 0.5²), as `[10000]`. `dir` is the book folder.
///
/// # Errors
/// [`DataError::MissingFile`], CSV errors, [`DataError::WrongDims`] for more than one column.
pub fn gan_real_values<T: Float + FromStr>(dir: &Path) -> Result<Tensor<T>> {
    let path = existing(dir, GAN_REAL_VALUES_FILE, "GAN real values")?;
    let table = read_csv::<T>(&path, CsvOptions::default().header(Header::Absent))?;
    let dims = table.values.dims().to_vec();
    if dims[1] != 1 {
        return Err(wrong_dims(&path, "[n, 1]", dims));
    }
    Ok(table.values.reshape([dims[0]])?)
}

/// `dir/name`, or a [`DataError::MissingFile`] saying where book files live.
fn existing(dir: &Path, name: &str, dataset: &'static str) -> Result<PathBuf> {
    let path = dir.join(name);
    if path.is_file() {
        return Ok(path);
    }
    Err(DataError::MissingFile {
        dataset,
        path,
        help: format!(
            "The book's data files live in the book/ folder of the folder named by the \
             environment variable {DATA_DIR_ENV} (default {DEFAULT_DATA_DIR}). {name} comes from {}",
            source_of(name)
        ),
    })
}

/// Where the book file `name` comes from, for the message of a missing file.
fn source_of(name: &str) -> &'static str {
    match name {
        FOOD_TRUCK_FILE => {
            "the root of the book's repository, \
             https://github.com/hwdong-net/Anatomy_Deep_Learning (it is ex1data1.txt of Andrew \
             Ng's Machine Learning course)."
        }
        IRIS_FILE => {
            "the UCI Machine Learning Repository's iris.data \
             (https://archive.ics.uci.edu/dataset/53/iris), unchanged: no header, four numbers \
             and the class name per row."
        }
        GAN_REAL_VALUES_FILE => {
            "real_values.npy of the book's repository, \
             https://github.com/hwdong-net/Anatomy_Deep_Learning, written one value per line."
        }
        _ if name.starts_with("water_") => {
            "ex5data1.mat of Andrew Ng's Machine Learning course (exercise 5), converted to CSV \
             with a header line x,y: X and y into water_train.csv, Xval and yval into \
             water_val.csv, Xtest and ytest into water_test.csv."
        }
        _ => "the book's repository, https://github.com/hwdong-net/Anatomy_Deep_Learning.",
    }
}

/// The two columns of `table` as `x [n, 1]` and `y [n, 1]`.
fn xy_columns<T: Float>(table: CsvTable<T>, path: &Path) -> Result<(Tensor<T>, Tensor<T>)> {
    let dims = table.values.dims().to_vec();
    if dims[1] != 2 {
        return Err(wrong_dims(path, "[n, 2] (x, y)", dims));
    }
    let x = table.values.narrow(1, 0, 1)?.contiguous();
    let y = table.values.narrow(1, 1, 1)?.contiguous();
    Ok((x, y))
}

fn wrong_dims(path: &Path, expected: &str, found: Vec<usize>) -> DataError {
    DataError::WrongDims {
        file: path.display().to_string(),
        expected: expected.to_string(),
        found,
    }
}
