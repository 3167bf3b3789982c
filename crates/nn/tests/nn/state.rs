//! State dicts: round trips, hand-built safetensors files, and every error case.

use scalpel_autograd::Var;
use scalpel_nn::{
    BatchNorm1d, Linear, Module, NameMap, ReLU, Sequential, StateDict, StateError, StateTensor,
};
use scalpel_tensor::random::Rng;
use scalpel_tensor::{DType, Tensor};

fn net(seed: u64) -> Sequential {
    let mut rng = Rng::seed(seed);
    Sequential::new()
        .add(Linear::new(4, 3, &mut rng))
        .add(BatchNorm1d::new(3))
        .add(ReLU)
        .add(Linear::new(3, 2, &mut rng))
}

/// The bytes of a safetensors file: header length (u64 LE), header JSON, data.
fn safetensors_file(header: &str, data: &[u8]) -> Vec<u8> {
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(data);
    bytes
}

#[test]
fn state_dict_lists_each_module_in_pytorch_order_with_dtypes() {
    let sd = net(0).state_dict();
    let names: Vec<&str> = sd.names().collect();
    assert_eq!(
        names,
        [
            "0.weight",
            "0.bias",
            "1.weight",
            "1.bias",
            "1.running_mean",
            "1.running_var",
            "1.num_batches_tracked",
            "3.weight",
            "3.bias"
        ]
    );
    assert_eq!(sd.get("0.weight").unwrap().dtype(), DType::F32);
    let count = sd.get("1.num_batches_tracked").unwrap();
    assert_eq!(count.dtype(), DType::I64);
    assert_eq!(count.shape().rank(), 0);
}

#[test]
fn safetensors_round_trip_restores_parameters_and_buffers() {
    let a = net(1);
    a.forward(&Var::constant(
        Rng::seed(5).normal([6, 4], 0.0f32, 1.0).unwrap(),
    ))
    .unwrap();
    let dir = std::env::temp_dir().join(format!("scalpel-nn-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("net.safetensors");
    a.state_dict().save_safetensors(&path).unwrap();
    let b = net(2);
    assert_ne!(a.state_dict(), b.state_dict());
    let report = b
        .load_state_dict(&StateDict::load_safetensors(&path).unwrap(), true)
        .unwrap();
    assert!(report.missing.is_empty() && report.unexpected.is_empty());
    assert_eq!(a.state_dict(), b.state_dict());
    let x = Var::constant(Tensor::<f32>::ones([2, 4]));
    a.eval();
    b.eval();
    assert_eq!(
        a.forward(&x).unwrap().value(),
        b.forward(&x).unwrap().value()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn written_files_follow_the_safetensors_layout() {
    let mut sd = StateDict::new();
    sd.insert("w", Tensor::from_vec1(vec![1.5f32, -2.0]));
    let bytes = sd.to_safetensors().unwrap();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
    assert_eq!(header["w"]["dtype"], "F32");
    assert_eq!(header["w"]["shape"], serde_json::json!([2]));
    assert_eq!(header["w"]["data_offsets"], serde_json::json!([0, 8]));
    let data = &bytes[8 + n..];
    assert_eq!(&data[..4], &1.5f32.to_le_bytes());
    assert_eq!(&data[4..], &(-2.0f32).to_le_bytes());
}

#[test]
fn a_hand_built_file_loads_through_a_name_map() {
    let header = r#"{"fc.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"fc.bias":{"dtype":"F32","shape":[2],"data_offsets":[24,32]},"steps":{"dtype":"I64","shape":[],"data_offsets":[32,40]}}"#;
    let mut data = Vec::new();
    for v in [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0, -1.0, 0.5] {
        data.extend_from_slice(&v.to_le_bytes());
    }
    data.extend_from_slice(&7i64.to_le_bytes());
    let sd = StateDict::from_safetensors(&safetensors_file(header, &data)).unwrap();
    assert_eq!(
        sd.names().collect::<Vec<_>>(),
        ["fc.weight", "fc.bias", "steps"]
    );
    assert_eq!(
        sd.get("steps")
            .unwrap()
            .to_tensor::<i64>()
            .unwrap()
            .item()
            .unwrap(),
        7
    );
    let layer: Linear = Linear::new(3, 2, &mut Rng::seed(0));
    let report = layer
        .load_state_dict(
            &sd.renamed(&NameMap::new().prefix("fc", "")).unwrap(),
            false,
        )
        .unwrap();
    assert_eq!(report.unexpected, ["steps"]);
    assert_eq!(
        layer.weight().value().to_vec(),
        vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    );
    assert_eq!(layer.bias().unwrap().value().to_vec(), vec![-1.0, 0.5]);
    let y = layer.forward(&Var::constant(Tensor::ones([1, 3]))).unwrap();
    assert_eq!(y.value().to_vec(), vec![5.0, 15.5]);
}

#[test]
fn strict_loading_names_missing_and_unexpected_keys() {
    let mut sd = net(1).state_dict();
    sd.remove("3.bias");
    let err = net(2).load_state_dict(&sd, true).unwrap_err();
    match &err {
        StateError::MissingKeys {
            missing,
            unexpected,
        } => {
            assert_eq!(missing, &["3.bias"]);
            assert!(unexpected.is_empty());
        }
        other => panic!("expected MissingKeys, got {other}"),
    }
    assert!(err.to_string().contains("3.bias"));
    let mut sd = net(1).state_dict();
    sd.insert("4.weight", Tensor::<f32>::zeros([1]));
    match net(2).load_state_dict(&sd, true).unwrap_err() {
        StateError::UnexpectedKeys(keys) => assert_eq!(keys, ["4.weight"]),
        other => panic!("expected UnexpectedKeys, got {other}"),
    }
    let report = net(2).load_state_dict(&sd, false).unwrap();
    assert_eq!(report.unexpected, ["4.weight"]);
}

#[test]
fn shape_and_dtype_mismatches_name_the_tensor_and_change_nothing() {
    let target = net(2);
    let before = target.state_dict();
    let mut sd = net(1).state_dict();
    sd.insert("3.weight", Tensor::<f32>::zeros([3, 2]));
    match target.load_state_dict(&sd, false).unwrap_err() {
        StateError::ShapeMismatch {
            name,
            expected,
            found,
        } => {
            assert_eq!(name, "3.weight");
            assert_eq!(expected.dims(), [2, 3]);
            assert_eq!(found.dims(), [3, 2]);
        }
        other => panic!("expected ShapeMismatch, got {other}"),
    }
    assert_eq!(
        target.state_dict(),
        before,
        "a failed load must not change the module"
    );
    let mut sd = net(1).state_dict();
    sd.insert("1.num_batches_tracked", Tensor::<f32>::scalar(3.0));
    match target.load_state_dict(&sd, true).unwrap_err() {
        StateError::DtypeMismatch {
            name,
            expected,
            found,
        } => {
            assert_eq!(name, "1.num_batches_tracked");
            assert_eq!((expected, found), (DType::I64, DType::F32));
        }
        other => panic!("expected DtypeMismatch, got {other}"),
    }
    let as_f64 = net(1).state_dict().cast_floats::<f64>();
    assert!(matches!(
        target.load_state_dict(&as_f64, true),
        Err(StateError::DtypeMismatch { .. })
    ));
    assert_eq!(target.state_dict(), before);
}

#[test]
fn unsupported_dtypes_and_malformed_files_are_errors() {
    let header = r#"{"half":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}"#;
    match StateDict::from_safetensors(&safetensors_file(header, &[0; 4])).unwrap_err() {
        StateError::UnsupportedDtype { name, dtype } => {
            assert_eq!(name, "half");
            assert_eq!(dtype, "BF16");
        }
        other => panic!("expected UnsupportedDtype, got {other}"),
    }
    let header = r#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#;
    let truncated = safetensors_file(header, &[0; 5]);
    assert!(matches!(
        StateDict::from_safetensors(&truncated),
        Err(StateError::Format(_))
    ));
    assert!(matches!(
        StateDict::from_safetensors(&[1, 2, 3]),
        Err(StateError::Format(_))
    ));
    let err = StateDict::load_safetensors("/nonexistent/model.safetensors").unwrap_err();
    assert!(
        err.to_string().contains("/nonexistent/model.safetensors"),
        "{err}"
    );
    // A malformed file: the format error, naming the file.
    let path = std::env::temp_dir().join(format!(
        "scalpel-nn-malformed-{}.safetensors",
        std::process::id()
    ));
    std::fs::write(&path, &truncated).unwrap();
    let err = StateDict::load_safetensors(&path).unwrap_err();
    let _ = std::fs::remove_file(&path);
    match &err {
        StateError::InFile {
            path: named,
            source,
        } => {
            assert_eq!(named, &path);
            assert!(matches!(**source, StateError::Format(_)), "{source}");
        }
        other => panic!("expected InFile, got {other}"),
    }
    let text = err.to_string();
    assert!(
        text.starts_with(&path.display().to_string()) && text.contains("safetensors: "),
        "{text}"
    );
}

#[test]
fn renaming_two_keys_to_one_is_a_duplicate_key_error() {
    let mut sd = StateDict::new();
    sd.insert("a.weight", Tensor::<f32>::zeros([1]));
    sd.insert("b.weight", Tensor::<f32>::zeros([1]));
    let map = NameMap::prefixes(&[("a", "0"), ("b", "0")]);
    assert!(matches!(sd.renamed(&map), Err(StateError::DuplicateKey(k)) if k == "0.weight"));
}

#[test]
fn name_maps_match_whole_dotted_segments() {
    let map = NameMap::prefixes(&[("fc1", "1"), ("bn1", "2")]);
    assert_eq!(map.apply("fc1.weight"), "1.weight");
    assert_eq!(map.apply("bn1.running_var"), "2.running_var");
    assert_eq!(map.apply("fc10.weight"), "fc10.weight");
    assert_eq!(map.apply("fc1"), "1");
    let strip = NameMap::new()
        .prefix("model", "")
        .exact("scale", "2.weight");
    assert_eq!(strip.apply("model.fc.weight"), "fc.weight");
    assert_eq!(strip.apply("scale"), "2.weight");
}

#[test]
fn serde_json_round_trip_keeps_order_and_dtypes() {
    let sd = net(3).state_dict();
    let json = serde_json::to_string(&sd).unwrap();
    let back: StateDict = serde_json::from_str(&json).unwrap();
    assert_eq!(back, sd);
    let dup = r#"[{"name":"a","tensor":{"I64":{"dtype":"I64","shape":[],"data":[1]}}},{"name":"a","tensor":{"I64":{"dtype":"I64","shape":[],"data":[2]}}}]"#;
    assert!(serde_json::from_str::<StateDict>(dup).is_err());
}

#[test]
fn state_tensors_convert_between_float_types() {
    let t = StateTensor::from_float(Tensor::from_vec1(vec![0.5f64]));
    assert_eq!(t.dtype(), DType::F64);
    assert_eq!(
        t.cast_float::<f32>().to_tensor::<f32>().unwrap().to_vec(),
        vec![0.5]
    );
    assert!(t.to_tensor::<f32>().is_none());
}
