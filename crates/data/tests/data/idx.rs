//! IDX and MNIST parsing on hand-built files: exact contents, raw and gzipped, and one typed
//! error per kind of bad file.

use crate::common;

use common::{gzip, idx_bytes, images_file, labels_file, pixel, scratch_dir};
use scalpel_data::formats::{gzip as gz, idx, mnist};
use scalpel_data::{DataError, Split};

#[test]
fn idx_parse_reads_dims_and_bytes_exactly() {
    let bytes = idx_bytes(0x08, &[2, 3], &[9, 8, 7, 6, 5, 4]);
    let t = idx::parse(&bytes, "hand").unwrap();
    assert_eq!(t.dims(), &[2, 3]);
    assert_eq!(t.to_vec(), vec![9, 8, 7, 6, 5, 4]);
}

#[test]
fn idx_header_reports_magic_type_and_offset() {
    let bytes = idx_bytes(0x08, &[5, 28, 28], &[]);
    let h = idx::IdxHeader::parse(&bytes, "hand").unwrap();
    assert_eq!(h.magic, 0x0803);
    assert_eq!(h.type_code, 0x08);
    assert_eq!(h.dims, vec![5, 28, 28]);
    assert_eq!(h.data_offset, 16);
    assert_eq!(h.numel(), 5 * 784);
}

#[test]
fn gzipped_idx_bytes_decompress_to_the_same_tensor() {
    let raw = idx_bytes(0x08, &[4], &[1, 2, 3, 250]);
    let packed = gzip(&raw);
    assert!(gz::is_gzip(&packed) && !gz::is_gzip(&raw));
    let unpacked = gz::maybe_gunzip(&packed, "hand.gz").unwrap();
    assert_eq!(&unpacked[..], &raw[..]);
    assert_eq!(
        idx::parse(&unpacked, "hand").unwrap().to_vec(),
        vec![1, 2, 3, 250]
    );
    // Raw bytes pass through untouched.
    assert_eq!(&gz::maybe_gunzip(&raw, "hand").unwrap()[..], &raw[..]);
}

#[test]
fn mnist_images_and_labels_parse_exactly() {
    let images = mnist::parse_images(&images_file(3), "img").unwrap();
    assert_eq!(images.dims(), &[3, 28, 28]);
    assert_eq!(images.get(&[0, 0, 0]).unwrap(), pixel(0, 0));
    assert_eq!(images.get(&[2, 27, 27]).unwrap(), pixel(2, 783));
    assert_eq!(images.get(&[1, 3, 5]).unwrap(), pixel(1, 3 * 28 + 5));
    let labels = mnist::parse_labels(&labels_file(&[5, 0, 9]), "lbl", 10).unwrap();
    assert_eq!(labels.dims(), &[3]);
    assert_eq!(labels.to_vec(), vec![5i64, 0, 9]);
}

#[test]
fn mnist_from_bytes_accepts_gzipped_and_raw_files_and_scales_pixels() {
    let (img, lbl) = (images_file(2), labels_file(&[7, 1]));
    let a = mnist::from_bytes(&img, &lbl, 10).unwrap();
    let b = mnist::from_bytes(&gzip(&img), &gzip(&lbl), 10).unwrap();
    assert_eq!(a.images(), b.images());
    assert_eq!(a.labels().to_vec(), vec![7, 1]);
    let flat = a.flat_images_f32();
    assert_eq!(flat.dims(), &[2, 784]);
    assert_eq!(
        flat.get(&[1, 100]).unwrap(),
        f32::from(pixel(1, 100)) / 255.0
    );
    let ds = a.image_dataset();
    assert_eq!(ds.inputs().dims(), &[2, 1, 28, 28]);
}

#[test]
fn mnist_load_finds_gzipped_raw_and_dotted_file_names() {
    let dir = scratch_dir("idx-load");
    std::fs::write(
        dir.join("train-images-idx3-ubyte.gz"),
        gzip(&images_file(2)),
    )
    .unwrap();
    std::fs::write(dir.join("train-labels-idx1-ubyte"), labels_file(&[3, 4])).unwrap();
    // The name `gunzip -N` restores for MNIST, holding gzip bytes despite no `.gz`.
    std::fs::write(dir.join("t10k-images.idx3-ubyte"), gzip(&images_file(1))).unwrap();
    std::fs::write(
        dir.join("t10k-labels-idx1-ubyte.gz"),
        gzip(&labels_file(&[8])),
    )
    .unwrap();
    let train = mnist::load(&dir, Split::Train).unwrap();
    assert_eq!((train.len(), train.labels().to_vec()), (2, vec![3, 4]));
    let test = mnist::load(&dir, Split::Test).unwrap();
    assert_eq!((test.len(), test.labels().to_vec()), (1, vec![8]));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn missing_mnist_file_names_the_path_the_env_var_and_the_source() {
    let dir = scratch_dir("idx-missing");
    let e = mnist::load(&dir, Split::Test).unwrap_err();
    let DataError::MissingFile { ref path, .. } = e else {
        panic!("expected MissingFile, got {e:?}");
    };
    assert_eq!(path, &dir.join("t10k-images-idx3-ubyte.gz"));
    let msg = e.to_string();
    for needle in [
        "t10k-images-idx3-ubyte.gz",
        "SCALPEL_DATA_DIR",
        "./data",
        "train-labels-idx1-ubyte.gz",
        "MNIST",
        "fashion-mnist",
    ] {
        assert!(msg.contains(needle), "{needle:?} not in: {msg}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn header_cut_short_is_truncated_header() {
    let full = images_file(1);
    for cut in [0, 3, 4, 10, 15] {
        match mnist::parse_images(&full[..cut], "img") {
            Err(DataError::Truncated { part, found, .. }) => {
                assert_eq!(part, "IDX header");
                assert_eq!(found, cut);
            }
            other => panic!("cut at {cut}: expected Truncated header, got {other:?}"),
        }
    }
}

#[test]
fn pixels_cut_short_are_truncated_data_with_both_sizes() {
    let full = images_file(2);
    let e = mnist::parse_images(&full[..full.len() - 100], "img").unwrap_err();
    match e {
        DataError::Truncated {
            part,
            expected,
            found,
            ..
        } => assert_eq!(
            (part, expected, found),
            ("IDX data", 2 * 784, 2 * 784 - 100)
        ),
        other => panic!("expected Truncated data, got {other:?}"),
    }
}

#[test]
fn truncated_gzip_stream_is_a_gzip_error() {
    let packed = gzip(&images_file(2));
    let e = gz::maybe_gunzip(&packed[..packed.len() / 2], "img.gz").unwrap_err();
    assert!(matches!(e, DataError::Gzip { .. }), "{e:?}");
    let e = mnist::from_bytes(&packed[..packed.len() - 4], &labels_file(&[1, 2]), 10).unwrap_err();
    assert!(matches!(e, DataError::Gzip { .. }), "{e:?}");
}

#[test]
fn file_named_gz_that_is_not_gzip_is_a_gzip_error() {
    let dir = scratch_dir("idx-not-gz");
    let path = dir.join("x.gz");
    std::fs::write(&path, labels_file(&[1])).unwrap();
    let e = mnist::read_labels(&path, 10).unwrap_err();
    assert!(
        matches!(e, DataError::Gzip { ref file, .. } if file.contains("x.gz")),
        "{e:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn labels_file_given_as_images_is_bad_magic_naming_both_numbers() {
    let e = mnist::parse_images(&labels_file(&[1, 2]), "img").unwrap_err();
    match &e {
        DataError::BadMagic {
            expected, found, ..
        } => {
            assert_eq!(*found, 0x0801);
            assert!(expected.contains("0x00000803"), "{expected}");
        }
        other => panic!("expected BadMagic, got {other:?}"),
    }
    assert!(e.to_string().contains("0x00000801"), "{e}");
}

#[test]
fn nonzero_leading_magic_bytes_are_bad_magic() {
    let mut bytes = labels_file(&[1]);
    bytes[0] = 0x12;
    bytes[1] = 0x34;
    assert!(matches!(
        idx::parse(&bytes, "x"),
        Err(DataError::BadMagic {
            found: 0x1234_0801,
            ..
        })
    ));
    assert!(matches!(
        mnist::parse_labels(&bytes, "x", 10),
        Err(DataError::BadMagic {
            found: 0x1234_0801,
            ..
        })
    ));
}

#[test]
fn count_larger_than_the_data_is_truncated_and_smaller_is_size_mismatch() {
    // Header says 3 labels; 2 are present.
    let short = idx_bytes(0x08, &[3], &[1, 2]);
    assert!(matches!(
        mnist::parse_labels(&short, "l", 10),
        Err(DataError::Truncated {
            expected: 3,
            found: 2,
            ..
        })
    ));
    // Header says 1 image; 2 are present.
    let mut long = images_file(2);
    long[4..8].copy_from_slice(&1u32.to_be_bytes());
    match mnist::parse_images(&long, "i") {
        Err(DataError::SizeMismatch {
            dims,
            expected,
            found,
            ..
        }) => assert_eq!((dims, expected, found), (vec![1, 28, 28], 784, 1568)),
        other => panic!("expected SizeMismatch, got {other:?}"),
    }
}

#[test]
fn images_that_are_not_28_by_28_are_wrong_dims() {
    let bytes = idx_bytes(0x08, &[2, 28, 27], &vec![0; 2 * 28 * 27]);
    match mnist::parse_images(&bytes, "img") {
        Err(DataError::WrongDims {
            expected, found, ..
        }) => {
            assert_eq!(expected, "[n, 28, 28]");
            assert_eq!(found, vec![2, 28, 27]);
        }
        other => panic!("expected WrongDims, got {other:?}"),
    }
}

#[test]
fn label_outside_the_class_count_is_label_out_of_range() {
    let bytes = labels_file(&[3, 9, 10, 2]);
    match mnist::parse_labels(&bytes, "lbl", 10) {
        Err(DataError::LabelOutOfRange {
            index,
            label,
            num_classes,
            ..
        }) => assert_eq!((index, label, num_classes), (2, 10, 10)),
        other => panic!("expected LabelOutOfRange, got {other:?}"),
    }
    // The class count is a parameter.
    assert!(mnist::parse_labels(&bytes, "lbl", 11).is_ok());
    assert!(matches!(
        mnist::parse_labels(&bytes, "lbl", 4),
        Err(DataError::LabelOutOfRange {
            index: 1,
            label: 9,
            ..
        })
    ));
}

#[test]
fn non_byte_idx_type_is_unsupported() {
    let bytes = idx_bytes(0x0d, &[1], &[0, 0, 128, 63]);
    assert!(matches!(
        idx::parse(&bytes, "f"),
        Err(DataError::UnsupportedIdxType { code: 0x0d, .. })
    ));
}

#[test]
fn images_and_labels_with_different_counts_are_count_mismatch() {
    let e = mnist::from_bytes(&images_file(2), &labels_file(&[1, 2, 3]), 10).unwrap_err();
    assert!(
        matches!(
            e,
            DataError::CountMismatch {
                left_count: 2,
                right_count: 3,
                ..
            }
        ),
        "{e:?}"
    );
    let dir = scratch_dir("idx-count");
    std::fs::write(dir.join("t10k-images-idx3-ubyte"), images_file(2)).unwrap();
    std::fs::write(dir.join("t10k-labels-idx1-ubyte"), labels_file(&[1])).unwrap();
    let e = mnist::load(&dir, Split::Test).unwrap_err();
    assert!(matches!(e, DataError::CountMismatch { .. }), "{e:?}");
    assert!(e.to_string().contains("t10k-labels-idx1-ubyte"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn dimensions_whose_product_overflows_are_wrong_dims_not_a_huge_byte_count() {
    // 2³² − 1 to the third power overflows a 64-bit size; the header is all there is.
    let bytes = idx_bytes(0x08, &[u32::MAX; 3], &[1, 2, 3]);
    match idx::parse(&bytes, "huge") {
        Err(DataError::WrongDims {
            file,
            expected,
            found,
        }) => {
            assert_eq!((file.as_str(), found), ("huge", vec![u32::MAX as usize; 3]));
            assert!(expected.contains("product"), "{expected}");
        }
        other => panic!("expected WrongDims, got {other:?}"),
    }
}
