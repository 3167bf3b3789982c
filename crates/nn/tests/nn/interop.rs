//! Loading weights written by PyTorch (`../shared/data/interop`, through SCALPEL_DATA_DIR).

use std::path::PathBuf;

use scalpel_autograd::Var;
use scalpel_nn::{BatchNorm1d, Flatten, Linear, Module, NameMap, ReLU, Sequential, StateDict};
use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

/// The interop folder, or `None` (with a message) when the data is not available. Under CI the
/// data must be there.
fn interop_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("SCALPEL_DATA_DIR").map(|d| PathBuf::from(d).join("interop"));
    match dir {
        Some(d) if d.is_dir() => Some(d),
        _ if std::env::var_os("CI").is_some() => {
            panic!("CI is set but SCALPEL_DATA_DIR/interop is missing")
        }
        _ => {
            eprintln!(
                "skipped: set SCALPEL_DATA_DIR to the shared data folder to run interop tests"
            );
            None
        }
    }
}

/// Our equivalent of the PyTorch model: flatten → fc1 → bn1 → relu → fc2 → bn2 → relu → fc3.
fn mlp_bn() -> Sequential {
    let mut rng = Rng::seed(0);
    Sequential::new()
        .add(Flatten::new())
        .add(Linear::new(784, 256, &mut rng))
        .add(BatchNorm1d::new(256))
        .add(ReLU)
        .add(Linear::new(256, 128, &mut rng))
        .add(BatchNorm1d::new(128))
        .add(ReLU)
        .add(Linear::new(128, 10, &mut rng))
}

#[test]
fn pytorch_mlp_with_batch_norm_loads_strictly_through_a_name_map() {
    let Some(dir) = interop_dir() else { return };
    let file = StateDict::load_safetensors(dir.join("mlp_bn_mnist.safetensors")).unwrap();
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("mlp_bn_mnist.expected.json")).unwrap())
            .unwrap();
    let listed = expected["tensors"].as_object().unwrap();
    assert_eq!(file.len(), listed.len());
    for (name, info) in listed {
        let t = file
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing from the file"));
        let shape: Vec<usize> = info["shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(t.shape().dims(), shape.as_slice(), "{name}");
        let dtype = match info["dtype"].as_str().unwrap() {
            "float32" => "f32",
            "int64" => "i64",
            other => panic!("unexpected dtype {other}"),
        };
        assert_eq!(t.dtype().to_string(), dtype, "{name}");
    }

    let model = mlp_bn();
    let map = NameMap::prefixes(&[
        ("fc1", "1"),
        ("bn1", "2"),
        ("fc2", "4"),
        ("bn2", "5"),
        ("fc3", "7"),
    ]);
    let report = model
        .load_state_dict(&file.renamed(&map).unwrap(), true)
        .unwrap();
    assert!(report.missing.is_empty() && report.unexpected.is_empty());
    let loaded = model.state_dict();
    assert_eq!(loaded.len(), file.len());
    for (name, t) in file.iter() {
        assert_eq!(loaded.get(&map.apply(name)), Some(t), "{name}");
    }

    model.eval();
    let x = Var::constant(Tensor::<f32>::zeros([2, 1, 28, 28]));
    let logits = model.forward(&x).unwrap().value();
    assert_eq!(logits.dims(), [2, 10]);
    assert!(logits.to_vec().iter().all(|v| v.is_finite()));
}
