//! PyTorch interop end to end: the MLP with batch norm that PyTorch trained on MNIST
//! (`interop/mlp_bn_mnist.safetensors`), loaded into the equivalent scalpel model, reproduces
//! PyTorch's logits and test accuracy on the MNIST test set read by scalpel-data.
//!
//! The expected values come from `interop/mlp_bn_mnist.expected.json`, written by PyTorch. The
//! tests need `SCALPEL_DATA_DIR`; without it they print why and pass, unless `CI` is set (the
//! policy of `scalpel_data::data_dir::test_data_dir`).

use std::path::{Path, PathBuf};

use scalpel::data::data_dir::test_data_dir;
use scalpel::data::{mnist, Split};
use scalpel::nn::{BatchNorm1d, Flatten, Linear, Module, NameMap, ReLU, Sequential, StateDict};
use scalpel::prelude::*;
use serde_json::Value;

const WEIGHTS: &str = "interop/mlp_bn_mnist.safetensors";
const EXPECTED: &str = "interop/mlp_bn_mnist.expected.json";
const FILES: &[&str] = &[
    WEIGHTS,
    EXPECTED,
    "mnist/t10k-images-idx3-ubyte.gz",
    "mnist/t10k-labels-idx1-ubyte.gz",
];

/// The input normalisation PyTorch trained with: pixel/255, then (x − mean)/std.
const MNIST_MEAN: f32 = 0.1307;
const MNIST_STD: f32 = 0.3081;

/// PyTorch's logits are float32 results of a different summation order.
const LOGIT_TOLERANCE: f32 = 1e-4;

/// The data folder, or `None` when the test is skipped (the data is not there and CI is unset).
fn data() -> Option<PathBuf> {
    test_data_dir(FILES).expect("CI is set, so the interop and MNIST data must be present")
}

/// The scalpel equivalent of the PyTorch model, loaded strictly with its weights and put in
/// evaluation mode (batch norm on its running statistics).
fn pytorch_model(dir: &Path) -> Sequential {
    let mut rng = Rng::seed(0);
    let model = Sequential::new()
        .add(Flatten::new()) //                  0
        .add(Linear::new(784, 256, &mut rng)) // 1 ← fc1
        .add(BatchNorm1d::new(256)) //           2 ← bn1
        .add(ReLU) //                            3
        .add(Linear::new(256, 128, &mut rng)) // 4 ← fc2
        .add(BatchNorm1d::new(128)) //           5 ← bn2
        .add(ReLU) //                            6
        .add(Linear::new(128, 10, &mut rng)); // 7 ← fc3
    let map = NameMap::prefixes(&[
        ("fc1", "1"),
        ("bn1", "2"),
        ("fc2", "4"),
        ("bn2", "5"),
        ("fc3", "7"),
    ]);
    let file = StateDict::load_safetensors(dir.join(WEIGHTS)).unwrap();
    model
        .load_state_dict(&file.renamed(&map).unwrap(), true)
        .unwrap();
    model.eval();
    model
}

fn expected(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join(EXPECTED)).unwrap()).unwrap()
}

/// The MNIST test images, normalised as in training, `[N, 1, 28, 28]`, and their labels.
fn test_set(dir: &Path) -> (Tensor<f32>, Tensor<i64>) {
    let test = mnist::load(dir.join("mnist"), Split::Test).unwrap();
    let n = test.len();
    let x = test
        .images_f32()
        .sub_scalar(MNIST_MEAN)
        .div_scalar(MNIST_STD)
        .reshape([n, 1, mnist::SIDE, mnist::SIDE])
        .unwrap();
    (x, test.labels().clone())
}

fn logits(model: &Sequential, x: Tensor<f32>) -> Tensor<f32> {
    let _inference = no_grad();
    model.forward(&Var::constant(x)).unwrap().value()
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("a JSON array")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

#[test]
fn logits_of_the_first_test_images_match_pytorch() {
    let Some(dir) = data() else { return };
    let expected = expected(&dir);
    let rows = expected["logits"].as_array().unwrap();
    let count = expected["first_test_images"].as_u64().unwrap() as usize;
    assert_eq!(rows.len(), count);

    let (x, labels) = test_set(&dir);
    let got = logits(&pytorch_model(&dir), x.narrow(0, 0, count).unwrap());
    assert_eq!(got.dims(), [count, 10]);
    let got_rows = got.to_vec();
    for (i, row) in rows.iter().enumerate() {
        for (j, want) in numbers(row).into_iter().enumerate() {
            let have = got_rows[i * 10 + j];
            assert!(
                (have - want as f32).abs() <= LOGIT_TOLERANCE,
                "image {i}, class {j}: scalpel {have}, PyTorch {want}"
            );
        }
    }
    let predictions: Vec<i64> = numbers(&expected["predictions"])
        .into_iter()
        .map(|p| p as i64)
        .collect();
    assert_eq!(got.argmax(1, false).unwrap().to_vec(), predictions);
    let first_labels: Vec<i64> = numbers(&expected["labels"])
        .into_iter()
        .map(|l| l as i64)
        .collect();
    assert_eq!(
        labels.narrow(0, 0, count).unwrap().to_vec(),
        first_labels,
        "scalpel-data reads the labels PyTorch saw"
    );
}

#[test]
fn test_accuracy_over_all_10000_images_matches_pytorch_exactly() {
    let Some(dir) = data() else { return };
    let expected = expected(&dir);
    let want = expected["test_accuracy"].as_f64().unwrap();

    let (x, labels) = test_set(&dir);
    let n = labels.numel();
    assert_eq!(n, 10_000);
    let predictions = logits(&pytorch_model(&dir), x).argmax(1, false).unwrap();
    let correct = predictions
        .to_vec()
        .iter()
        .zip(labels.to_vec())
        .filter(|(p, l)| **p == *l)
        .count();
    // PyTorch stored the accuracy as a float32 (0.9707 is 0.97070002… there): the same count of
    // correct predictions gives the same float32, and any other count a different one.
    let accuracy = correct as f32 / n as f32;
    assert_eq!(
        accuracy, want as f32,
        "{correct} of {n} correct; PyTorch's accuracy {want}"
    );
}
