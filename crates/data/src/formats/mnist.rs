//! MNIST and Fashion-MNIST: the four original IDX files of each, gzipped or not.
//!
//! ```no_run
//! use scalpel_data::formats::mnist::{self, Split};
//! let train = mnist::load(mnist::default_dir(), Split::Train)?;
//! assert_eq!(train.images().dims(), &[60000, 28, 28]);
//! let ds = train.flat_dataset();          // inputs [60000, 784] in [0, 1], labels [60000]
//! # Ok::<(), scalpel_data::DataError>(())
//! ```

use std::path::{Path, PathBuf};

use scalpel_tensor::Tensor;

use super::gzip::{maybe_gunzip, read_file};
use super::idx::{self, IdxHeader};
use crate::data_dir::{data_dir, DATA_DIR_ENV, DEFAULT_DATA_DIR};
use crate::error::{DataError, Result};
use crate::tensor_dataset::TensorDataset;
use crate::transforms::to_unit_interval;

/// Magic number of an IDX file of images (unsigned bytes, 3 dimensions).
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an IDX file of labels (unsigned bytes, 1 dimension).
pub const LABELS_MAGIC: u32 = 0x0000_0801;
/// Image height and width.
pub const SIDE: usize = 28;
/// Classes of MNIST and of Fashion-MNIST.
pub const NUM_CLASSES: usize = 10;

/// Which half of the data set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Split {
    /// The 60,000 training images.
    Train,
    /// The 10,000 test images.
    Test,
}

impl Split {
    /// The file-name prefix of this split (`train` or `t10k`).
    pub fn prefix(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Test => "t10k",
        }
    }
    /// The standard name of the images file, without `.gz`.
    pub fn images_file(self) -> String {
        format!("{}-images-idx3-ubyte", self.prefix())
    }
    /// The standard name of the labels file, without `.gz`.
    pub fn labels_file(self) -> String {
        format!("{}-labels-idx1-ubyte", self.prefix())
    }
}

/// One split of MNIST or Fashion-MNIST: images `[N, 28, 28]` and labels `[N]`.
#[derive(Clone, Debug)]
pub struct Mnist {
    images: Tensor<u8>,
    labels: Tensor<i64>,
}

/// The invariant that [`Mnist::new`] checks, for the methods that rely on it.
const INVARIANT: &str = "Mnist::new checked images [N, 28, 28] and labels [N]";

impl Mnist {
    /// A split from pixels `[N, 28, 28]` and labels `[N]`.
    ///
    /// # Errors
    /// [`DataError::WrongDims`] for other shapes, [`DataError::CountMismatch`] when the counts
    /// differ.
    pub fn new(images: Tensor<u8>, labels: Tensor<i64>) -> Result<Self> {
        let wrong = |what: &str, expected: &str, found: &[usize]| DataError::WrongDims {
            file: what.to_string(),
            expected: expected.to_string(),
            found: found.to_vec(),
        };
        if images.rank() != 3 || images.dims()[1..] != [SIDE, SIDE] {
            return Err(wrong("images", "[n, 28, 28]", images.dims()));
        }
        if labels.rank() != 1 {
            return Err(wrong("labels", "[n]", labels.dims()));
        }
        if images.dims()[0] != labels.dims()[0] {
            return Err(DataError::CountMismatch {
                what: "Mnist::new".into(),
                left: "images".into(),
                left_count: images.dims()[0],
                right: "labels".into(),
                right_count: labels.dims()[0],
            });
        }
        Ok(Mnist { images, labels })
    }
    /// Pixels `[N, 28, 28]`, 0 background to 255 full ink.
    pub fn images(&self) -> &Tensor<u8> {
        &self.images
    }
    /// Class labels `[N]`.
    pub fn labels(&self) -> &Tensor<i64> {
        &self.labels
    }
    /// The images and labels.
    pub fn into_parts(self) -> (Tensor<u8>, Tensor<i64>) {
        (self.images, self.labels)
    }
    /// The number of images.
    pub fn len(&self) -> usize {
        self.labels.numel()
    }
    /// True when there are no images.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Pixels scaled to `[0, 1]` (÷255), `[N, 28, 28]`.
    pub fn images_f32(&self) -> Tensor<f32> {
        to_unit_interval(&self.images)
    }
    /// Pixels scaled to `[0, 1]` with each image flattened, `[N, 784]` (for fully connected
    /// networks).
    pub fn flat_images_f32(&self) -> Tensor<f32> {
        self.images_f32()
            .reshape([self.len(), SIDE * SIDE])
            .expect(INVARIANT)
    }
    /// A data set of flattened images in `[0, 1]` `[N, 784]` and labels `[N]`.
    pub fn flat_dataset(&self) -> TensorDataset<f32, i64> {
        TensorDataset::new(self.flat_images_f32(), self.labels.clone()).expect(INVARIANT)
    }
    /// A data set of one-channel images in `[0, 1]` `[N, 1, 28, 28]` (for convolutional
    /// networks) and labels `[N]`.
    pub fn image_dataset(&self) -> TensorDataset<f32, i64> {
        let x = self
            .images_f32()
            .reshape([self.len(), 1, SIDE, SIDE])
            .expect(INVARIANT);
        TensorDataset::new(x, self.labels.clone()).expect(INVARIANT)
    }
}

/// `<data dir>/mnist`, where [`load`] looks for MNIST by default (see
/// [`data_dir`]).
pub fn default_dir() -> PathBuf {
    data_dir().join("mnist")
}

/// `<data dir>/fashion-mnist`, where Fashion-MNIST lives.
pub fn fashion_default_dir() -> PathBuf {
    data_dir().join("fashion-mnist")
}

/// Loads one split from `dir`, which holds the standard files
/// `{train,t10k}-{images-idx3,labels-idx1}-ubyte`, each gzipped (`.gz`) or not. The same
/// files and format serve MNIST and Fashion-MNIST. Labels must lie in `0..10`.
///
/// # Errors
/// [`DataError::MissingFile`] naming the path looked for, where data lives and where to get
/// it; the errors of [`parse_images`] and [`parse_labels`]; [`DataError::CountMismatch`] when
/// the two files hold different numbers of items.
pub fn load(dir: impl AsRef<Path>, split: Split) -> Result<Mnist> {
    load_with_classes(dir, split, NUM_CLASSES)
}

/// [`load`] for a variant with `num_classes` classes.
///
/// # Errors
/// As [`load`], with labels checked against `0..num_classes`.
pub fn load_with_classes(dir: impl AsRef<Path>, split: Split, num_classes: usize) -> Result<Mnist> {
    let dir = dir.as_ref();
    let images_path = find_file(dir, &split.images_file())?;
    let labels_path = find_file(dir, &split.labels_file())?;
    let images = read_images(&images_path)?;
    let labels = read_labels(&labels_path, num_classes)?;
    let (n_images, n_labels) = (images.dims()[0], labels.numel());
    if n_images != n_labels {
        return Err(DataError::CountMismatch {
            what: format!("MNIST {split:?}"),
            left: images_path.display().to_string(),
            left_count: n_images,
            right: labels_path.display().to_string(),
            right_count: n_labels,
        });
    }
    Mnist::new(images, labels)
}

/// Parses one split held in memory: the bytes of an images file and of a labels file, each
/// gzipped or not.
///
/// # Errors
/// [`DataError::Gzip`], the errors of [`parse_images`] and [`parse_labels`], and
/// [`DataError::CountMismatch`].
pub fn from_bytes(images: &[u8], labels: &[u8], num_classes: usize) -> Result<Mnist> {
    let images = parse_images(&maybe_gunzip(images, "images")?, "images")?;
    let labels = parse_labels(&maybe_gunzip(labels, "labels")?, "labels", num_classes)?;
    Mnist::new(images, labels)
}

/// Reads an images file (gzipped or not); see [`parse_images`].
///
/// # Errors
/// [`DataError::Io`], [`DataError::Gzip`], and the errors of [`parse_images`].
pub fn read_images(path: &Path) -> Result<Tensor<u8>> {
    parse_images(&read_file(path)?, &path.display().to_string())
}

/// Reads a labels file (gzipped or not); see [`parse_labels`].
///
/// # Errors
/// [`DataError::Io`], [`DataError::Gzip`], and the errors of [`parse_labels`].
pub fn read_labels(path: &Path, num_classes: usize) -> Result<Tensor<i64>> {
    parse_labels(&read_file(path)?, &path.display().to_string(), num_classes)
}

/// Parses the bytes of an uncompressed images file into `[N, 28, 28]`.
///
/// # Errors
/// [`DataError::Truncated`] (header or pixels cut short), [`DataError::BadMagic`] (not
/// `0x00000803`), [`DataError::WrongDims`] (images not 28×28), [`DataError::SizeMismatch`]
/// (more pixel bytes than the count says).
pub fn parse_images(bytes: &[u8], file: &str) -> Result<Tensor<u8>> {
    let header = header_with_magic(
        bytes,
        file,
        IMAGES_MAGIC,
        "IDX images, unsigned bytes, rank 3",
    )?;
    if header.dims[1..] != [SIDE, SIDE] {
        return Err(DataError::WrongDims {
            file: file.to_string(),
            expected: format!("[n, {SIDE}, {SIDE}]"),
            found: header.dims,
        });
    }
    idx::parse_data(&header, bytes, file)
}

/// Parses the bytes of an uncompressed labels file into `[N]`, checking every label against
/// `0..num_classes`.
///
/// # Errors
/// [`DataError::Truncated`], [`DataError::BadMagic`] (not `0x00000801`),
/// [`DataError::SizeMismatch`], [`DataError::LabelOutOfRange`].
pub fn parse_labels(bytes: &[u8], file: &str, num_classes: usize) -> Result<Tensor<i64>> {
    let header = header_with_magic(
        bytes,
        file,
        LABELS_MAGIC,
        "IDX labels, unsigned bytes, rank 1",
    )?;
    let raw = idx::parse_data(&header, bytes, file)?;
    let labels: Vec<i64> = raw.to_vec().into_iter().map(i64::from).collect();
    if let Some((index, &label)) = labels
        .iter()
        .enumerate()
        .find(|&(_, &l)| l as usize >= num_classes)
    {
        return Err(DataError::LabelOutOfRange {
            file: file.to_string(),
            index,
            label,
            num_classes,
        });
    }
    Ok(Tensor::from_vec1(labels))
}

/// The header of `bytes`, which must carry the magic number `magic`.
fn header_with_magic(bytes: &[u8], file: &str, magic: u32, what: &str) -> Result<IdxHeader> {
    let bad_magic = |found| DataError::BadMagic {
        file: file.to_string(),
        expected: format!("{magic:#010x} ({what})"),
        found,
    };
    let header = IdxHeader::parse(bytes, file).map_err(|e| match e {
        DataError::BadMagic { found, .. } => bad_magic(found),
        other => other,
    })?;
    if header.magic != magic {
        return Err(bad_magic(header.magic));
    }
    Ok(header)
}

/// The first of `name.gz`, `name` and the dotted variants (`train-images.idx3-ubyte`, the
/// name some decompressors restore) that exists in `dir`.
fn find_file(dir: &Path, name: &str) -> Result<PathBuf> {
    let dotted = name.replacen("-idx", ".idx", 1);
    let candidates = [
        format!("{name}.gz"),
        name.to_string(),
        format!("{dotted}.gz"),
        dotted,
    ];
    if let Some(found) = candidates.iter().map(|c| dir.join(c)).find(|p| p.is_file()) {
        return Ok(found);
    }
    Err(DataError::MissingFile {
        dataset: "MNIST / Fashion-MNIST",
        path: dir.join(&candidates[0]),
        help: format!(
            "Also looked for {} in {}.\n\
             Data sets live in the folder named by the environment variable {DATA_DIR_ENV} \
             (default {DEFAULT_DATA_DIR}): MNIST in its mnist/ folder, Fashion-MNIST in its \
             fashion-mnist/ folder. Each needs the four original IDX files, gzipped or not: \
             train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, \
             t10k-labels-idx1-ubyte.gz — for MNIST the files published with \"The MNIST database \
             of handwritten digits\" (LeCun, Cortes, Burges; https://yann.lecun.com/exdb/mnist/, \
             also at the root of https://github.com/fgnt/mnist), for Fashion-MNIST those in \
             data/fashion of https://github.com/zalandoresearch/fashion-mnist.",
            candidates[1..].join(", "),
            dir.display()
        ),
    })
}
