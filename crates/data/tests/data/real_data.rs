//! Reads the real data files under `SCALPEL_DATA_DIR`. When it is unset or a file is missing
//! these tests print that they skipped — unless `CI` is set, when they fail (see
//! `scalpel_data::data_dir`).

use scalpel_data::data_dir::test_data_dir;
use scalpel_data::formats::book::{self, WaterSplit};
use scalpel_data::{mnist, DataError, Split};

type TestResult = Result<(), DataError>;

const MNIST_FILES: [&str; 4] = [
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
];

fn files(folder: &str, names: &[&str]) -> Vec<String> {
    names.iter().map(|n| format!("{folder}/{n}")).collect()
}

fn require(paths: &[String]) -> Result<Option<std::path::PathBuf>, DataError> {
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    test_data_dir(&refs)
}

#[test]
fn mnist_train_has_60000_images_and_first_label_5() -> TestResult {
    let Some(root) = require(&files("mnist", &MNIST_FILES[..2]))? else {
        return Ok(());
    };
    let train = mnist::load(root.join("mnist"), Split::Train)?;
    assert_eq!(train.images().dims(), &[60000, 28, 28]);
    assert_eq!(train.labels().dims(), &[60000]);
    assert_eq!(train.labels().get(&[0])?, 5);
    // The published first labels: 5 0 4 1 9 2 1 3 1 4.
    assert_eq!(
        train.labels().narrow(0, 0, 10)?.to_vec(),
        vec![5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    );
    let mut counts = [0usize; 10];
    for l in train.labels().to_vec() {
        counts[l as usize] += 1;
    }
    // Class sizes of the MNIST training set (each digit 5421..=6742 times).
    assert_eq!(
        counts,
        [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    );
    Ok(())
}

#[test]
fn mnist_test_has_10000_images() -> TestResult {
    let Some(root) = require(&files("mnist", &MNIST_FILES[2..]))? else {
        return Ok(());
    };
    let test = mnist::load(root.join("mnist"), Split::Test)?;
    assert_eq!(test.len(), 10000);
    assert_eq!(test.images().dims(), &[10000, 28, 28]);
    // The first test digit is a 7.
    assert_eq!(test.labels().get(&[0])?, 7);
    let x = test.flat_images_f32();
    assert_eq!(x.dims(), &[10000, 784]);
    assert_eq!((x.min_all()?, x.max_all()?), (0.0, 1.0));
    Ok(())
}

#[test]
fn fashion_mnist_test_has_10000_images_in_ten_classes() -> TestResult {
    let Some(root) = require(&files("fashion-mnist", &MNIST_FILES[2..]))? else {
        return Ok(());
    };
    let test = mnist::load(root.join("fashion-mnist"), Split::Test)?;
    assert_eq!(test.len(), 10000);
    let mut counts = [0usize; 10];
    for l in test.labels().to_vec() {
        counts[l as usize] += 1;
    }
    // Fashion-MNIST's test set is balanced: 1000 per class.
    assert_eq!(counts, [1000; 10]);
    Ok(())
}

#[test]
fn food_truck_has_97_rows_of_population_and_profit() -> TestResult {
    let Some(root) = require(&["book/food_truck_data.txt".to_string()])? else {
        return Ok(());
    };
    let (x, y) = book::food_truck::<f64>(&root.join("book"))?;
    assert_eq!((x.dims(), y.dims()), (&[97, 1][..], &[97, 1][..]));
    // First row of ex1data1.txt.
    assert_eq!((x.get(&[0, 0])?, y.get(&[0, 0])?), (6.1101, 17.592));
    Ok(())
}

#[test]
fn water_splits_have_12_21_21_rows_and_the_books_first_values() -> TestResult {
    let names = ["water_train.csv", "water_val.csv", "water_test.csv"];
    let Some(root) = require(&files("book", &names))? else {
        return Ok(());
    };
    let dir = root.join("book");
    let (x, y) = book::water::<f64>(&dir, WaterSplit::Train)?;
    assert_eq!(x.dims(), &[12, 1]);
    let x0 = x.to_vec()[..5].to_vec();
    let expect = [
        -15.93675813,
        -29.15297922,
        36.18954863,
        37.49218733,
        -48.05882945,
    ];
    for (a, b) in x0.iter().zip(expect) {
        assert!((a - b).abs() < 1e-8);
    }
    assert!((y.to_vec()[0] - 2.13431051).abs() < 1e-8);
    assert_eq!(
        book::water::<f32>(&dir, WaterSplit::Val)?.0.dims(),
        &[21, 1]
    );
    let (_, yv) = book::water::<f64>(&dir, WaterSplit::Val)?;
    // The one value written in exponent notation.
    assert!(yv.to_vec().contains(&-4.387382739157175e-05));
    assert_eq!(
        book::water::<f32>(&dir, WaterSplit::Test)?.1.dims(),
        &[21, 1]
    );
    Ok(())
}

#[test]
fn iris_has_150_rows_and_50_per_class() -> TestResult {
    let Some(root) = require(&["book/iris.csv".to_string()])? else {
        return Ok(());
    };
    let iris = book::iris::<f64>(&root.join("book"))?;
    assert_eq!(iris.features.dims(), &[150, 4]);
    assert_eq!(iris.classes, book::IRIS_CLASSES);
    let labels = iris.labels.to_vec();
    for c in 0..3 {
        assert_eq!(labels.iter().filter(|&&l| l == c).count(), 50);
    }
    assert_eq!(
        iris.features.narrow(0, 0, 1)?.to_vec(),
        vec![5.1, 3.5, 1.4, 0.2]
    );
    // Column means published with the file: 5.8433, 3.0540, 3.7587, 1.1987.
    let means = iris.features.mean(&[0], false)?.to_vec();
    for (m, e) in means.iter().zip([5.8433, 3.0540, 3.7587, 1.1987]) {
        assert!((m - e).abs() < 1e-4, "{m} vs {e}");
    }
    Ok(())
}

#[test]
fn gan_real_values_are_10000_draws_around_4() -> TestResult {
    let Some(root) = require(&["book/gan_real_values.txt".to_string()])? else {
        return Ok(());
    };
    let v = book::gan_real_values::<f64>(&root.join("book"))?;
    assert_eq!(v.dims(), &[10000]);
    assert!((v.mean_all() - 3.9907831399208678).abs() < 1e-12);
    Ok(())
}

#[test]
fn a_missing_book_file_says_where_data_lives() {
    let dir = std::env::temp_dir().join("scalpel-data-no-such-folder");
    let e = book::iris::<f32>(&dir).unwrap_err();
    assert!(matches!(e, DataError::MissingFile { .. }));
    let msg = e.to_string();
    assert!(
        msg.contains("iris.csv") && msg.contains("SCALPEL_DATA_DIR"),
        "{msg}"
    );
    // Each file's message says where that file comes from.
    let sources = [
        (
            book::food_truck::<f32>(&dir).unwrap_err(),
            "hwdong-net/Anatomy_Deep_Learning",
        ),
        (e, "archive.ics.uci.edu"),
        (
            book::water::<f32>(&dir, book::WaterSplit::Val).unwrap_err(),
            "ex5data1.mat",
        ),
        (
            book::gan_real_values::<f32>(&dir).unwrap_err(),
            "real_values.npy",
        ),
    ];
    for (e, source) in sources {
        assert!(e.to_string().contains(source), "{e}");
    }
}
