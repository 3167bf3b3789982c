//! PyTorch interop end to end: the LeNet-5 that PyTorch trained on MNIST
//! (`interop/lenet5_mnist.safetensors`), loaded by name into scalpel's [`LeNet5`], reproduces
//! PyTorch's logits on the first 32 test images and its accuracy over all 10,000.
//!
//! Expected values come from `interop/lenet5_mnist.expected.json`, written by PyTorch. The tests
//! need `SCALPEL_DATA_DIR`; without it they print why and pass, unless `CI` is set (the policy
//! of `scalpel_data::data_dir::test_data_dir`).

use std::path::{Path, PathBuf};

use scalpel::data::data_dir::test_data_dir;
use scalpel::data::transforms::Normalize;
use scalpel::data::{mnist, Split};
use scalpel::prelude::*;
use scalpel_models::cnn::LeNet5;
use scalpel_nn::{Module, StateDict};
use serde_json::Value;

const WEIGHTS: &str = "interop/lenet5_mnist.safetensors";
const EXPECTED: &str = "interop/lenet5_mnist.expected.json";
const FILES: &[&str] = &[
    WEIGHTS,
    EXPECTED,
    "mnist/t10k-images-idx3-ubyte.gz",
    "mnist/t10k-labels-idx1-ubyte.gz",
];

/// PyTorch's logits are float32 results of another summation order.
const LOGIT_TOLERANCE: f64 = 1e-4;

/// The data folder, or `None` when the test is skipped (no data and CI unset).
fn data() -> Option<PathBuf> {
    test_data_dir(FILES).expect("CI is set, so the interop and MNIST data must be present")
}

fn expected(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join(EXPECTED)).unwrap()).unwrap()
}

/// scalpel's LeNet-5 with PyTorch's weights, loaded strictly: the names match, no map needed.
fn pytorch_lenet(dir: &Path) -> LeNet5 {
    let model: LeNet5 = LeNet5::new(&mut Rng::seed(0));
    let file = StateDict::load_safetensors(dir.join(WEIGHTS)).unwrap();
    let report = model.load_state_dict(&file, true).unwrap();
    assert!(report.missing.is_empty() && report.unexpected.is_empty());
    model.eval();
    model
}

/// The MNIST test images normalised as PyTorch trained on them — pixel/255, then
/// (x − 0.1307)/0.3081 — shape `(N, 1, 28, 28)`, and their labels.
fn test_set(dir: &Path) -> (Tensor<f32>, Tensor<i64>) {
    let test = mnist::load(dir.join("mnist"), Split::Test).unwrap();
    let normalize = Normalize::new(vec![0.1307f32], vec![0.3081]).unwrap();
    let (x, y) = test.image_dataset().into_parts();
    (normalize.apply(&x).unwrap(), y)
}

fn logits(model: &LeNet5, x: &Tensor<f32>) -> Tensor<f32> {
    let _frozen = no_grad();
    model.forward(&Var::constant(x.clone())).unwrap().value()
}

#[test]
fn pytorch_lenet5_file_holds_the_listed_tensors_with_their_shapes() {
    let Some(dir) = data() else { return };
    let file = StateDict::load_safetensors(dir.join(WEIGHTS)).unwrap();
    let listed = expected(&dir)["tensors"].as_object().unwrap().clone();
    assert_eq!(file.len(), listed.len());
    let model = pytorch_lenet(&dir);
    let ours: Vec<(String, Vec<usize>)> = model
        .named_parameters()
        .into_iter()
        .map(|(n, p)| (n, p.dims()))
        .collect();
    for (name, dims) in ours {
        let info = &listed[&name];
        let shape: Vec<usize> = info["shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(dims, shape, "{name}");
        assert_eq!(info["dtype"], "float32", "{name}");
    }
}

#[test]
fn pytorch_lenet5_reproduces_the_logits_of_the_first_32_test_images() {
    let Some(dir) = data() else { return };
    let exp = expected(&dir);
    let model = pytorch_lenet(&dir);
    let (x, y) = test_set(&dir);
    let n = exp["first_test_images"].as_u64().unwrap() as usize;
    let ours = logits(&model, &x.narrow(0, 0, n).unwrap());
    let theirs = exp["logits"].as_array().unwrap();
    assert_eq!(ours.dims(), [n, 10]);
    assert_eq!(theirs.len(), n);
    let ours_rows = ours.to_vec();
    let mut worst = 0.0f64;
    for (i, row) in theirs.iter().enumerate() {
        for (j, v) in row.as_array().unwrap().iter().enumerate() {
            let err = (f64::from(ours_rows[i * 10 + j]) - v.as_f64().unwrap()).abs();
            worst = worst.max(err);
        }
    }
    println!("LeNet-5 interop: max |logit error| over {n} images = {worst:.3e}");
    assert!(worst <= LOGIT_TOLERANCE, "max logit error {worst:e}");
    let predictions = ours.argmax(1, false).unwrap().to_vec();
    let expect_pred: Vec<i64> = exp["predictions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_i64().unwrap())
        .collect();
    assert_eq!(predictions, expect_pred);
    let expect_labels: Vec<i64> = exp["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_i64().unwrap())
        .collect();
    assert_eq!(y.narrow(0, 0, n).unwrap().to_vec(), expect_labels);
}

#[test]
fn pytorch_lenet5_reaches_pytorchs_test_accuracy_exactly() {
    let Some(dir) = data() else { return };
    let model = pytorch_lenet(&dir);
    let (x, y) = test_set(&dir);
    let n = y.numel();
    let mut correct = 0usize;
    for start in (0..n).step_by(1000) {
        let len = 1000.min(n - start);
        let pred = logits(&model, &x.narrow(0, start, len).unwrap())
            .argmax(1, false)
            .unwrap();
        let labels = y.narrow(0, start, len).unwrap();
        correct += pred
            .to_vec()
            .iter()
            .zip(labels.to_vec())
            .filter(|(p, l)| **p == *l)
            .count();
    }
    let accuracy = correct as f64 / n as f64;
    let expected_accuracy = expected(&dir)["test_accuracy"].as_f64().unwrap();
    println!("LeNet-5 interop: accuracy {correct}/{n} = {accuracy}");
    // PyTorch wrote the accuracy as a float32: compare the counts of correct images.
    assert_eq!(correct, (expected_accuracy * n as f64).round() as usize);
}
