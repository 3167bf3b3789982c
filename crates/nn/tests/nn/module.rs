//! The Module trait: names, modes, freezing, containers.

use std::sync::Arc;

use scalpel_autograd::{AutogradError, Var};
use scalpel_nn::{
    BatchNorm1d, Dropout, Flatten, Linear, Module, ReLU, Sequential, DIFFERENTIABLE_LAYERS,
};
use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

fn mlp(rng: &mut Rng) -> Sequential {
    Sequential::new()
        .add(Flatten::new())
        .add(Linear::new(12, 8, rng))
        .add(BatchNorm1d::new(8))
        .add(ReLU)
        .add(Dropout::new(0.5, rng))
        .add(Linear::new(8, 3, rng))
}

#[test]
fn sequential_names_parameters_and_buffers_by_position() {
    let net = mlp(&mut Rng::seed(0));
    let params: Vec<String> = net.named_parameters().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        params,
        ["1.weight", "1.bias", "2.weight", "2.bias", "5.weight", "5.bias"]
    );
    let buffers: Vec<String> = net.named_buffers().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        buffers,
        ["2.running_mean", "2.running_var", "2.num_batches_tracked"]
    );
    assert_eq!(net.num_parameters(), 12 * 8 + 8 + 8 + 8 + 8 * 3 + 3);
}

#[test]
fn nested_sequentials_join_names_with_dots() {
    let mut rng = Rng::seed(1);
    let inner = Sequential::new().add(Linear::new(2, 2, &mut rng));
    let outer = Sequential::new().add(ReLU).add(inner);
    let names: Vec<String> = outer
        .named_parameters()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["1.0.weight", "1.0.bias"]);
}

#[test]
fn submodules_are_listed_by_dotted_name_and_found_by_type() {
    let mut rng = Rng::seed(2);
    let shared = Arc::new(Linear::new(3, 3, &mut rng));
    let net = Sequential::new()
        .add(mlp(&mut rng))
        .add(Sequential::new().add(ReLU).add(BatchNorm1d::new(3)))
        .add(shared.clone());
    let names: Vec<String> = net.named_submodules().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        ["0", "0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "1", "1.0", "1.1", "2"]
    );
    // Every batch norm, by type: what a "no decay on normalisation weights" split needs.
    let norms: Vec<String> = net
        .named_submodules()
        .into_iter()
        .filter(|(_, m)| m.is::<BatchNorm1d>())
        .map(|(n, _)| n)
        .collect();
    assert_eq!(norms, ["0.2", "1.1"]);
    // Back to the concrete layer: its parameters are the model's own.
    let inner = net.get(0).unwrap().downcast_ref::<Sequential>().unwrap();
    let first = inner.get(1).unwrap().downcast_ref::<Linear>().unwrap();
    let listed = &net.named_parameters()[0];
    assert_eq!(listed.0, "0.1.weight");
    assert_eq!(listed.1.id(), first.weight().id());
    assert!(inner.get(0).unwrap().downcast_ref::<Linear>().is_none());
    // A layer added as `Arc<L>` is found as `L`, and as the `Arc` it is.
    let last = net.get(2).unwrap();
    assert!(std::ptr::eq(
        last.downcast_ref::<Linear>().unwrap(),
        &*shared
    ));
    assert!(Arc::ptr_eq(
        last.downcast_ref::<Arc<Linear>>().unwrap(),
        &shared
    ));
    let erased: Arc<dyn Module> = Arc::new(BatchNorm1d::new(2));
    let boxed: Box<dyn Module> = Box::new(BatchNorm1d::new(2));
    let erased = Sequential::new().add(erased).add(boxed);
    assert!(erased.iter().all(|m| m.is::<BatchNorm1d>()));
}

#[test]
fn a_shared_submodule_is_listed_once_but_every_unit_layer_is_listed() {
    // One batch norm and one block, each at two places; ReLU has no data, so every ReLU has
    // the same address, and each must still be listed.
    let mut rng = Rng::seed(3);
    let norm = Arc::new(BatchNorm1d::new(3));
    let block = Arc::new(Sequential::new().add(Linear::new(3, 3, &mut rng)).add(ReLU));
    let net = Sequential::new()
        .add(norm.clone())
        .add(ReLU)
        .add(norm.clone())
        .add(block.clone())
        .add(ReLU)
        .add(block.clone());
    let listed: Vec<(String, bool)> = net
        .named_submodules()
        .into_iter()
        .map(|(n, m)| (n, m.is::<BatchNorm1d>()))
        .collect();
    let expected = [
        ("0", true),
        ("1", false),
        ("3", false),
        ("3.0", false),
        ("3.1", false),
        ("4", false),
    ];
    let expected: Vec<(String, bool)> = expected.iter().map(|(n, b)| (n.to_string(), *b)).collect();
    assert_eq!(listed, expected);
    // The same first names as the parameters.
    let params: Vec<String> = net.named_parameters().into_iter().map(|(n, _)| n).collect();
    assert_eq!(params, ["0.weight", "0.bias", "3.0.weight", "3.0.bias"]);
}

#[test]
fn an_error_in_a_layer_names_the_layer_by_its_dotted_name() {
    let mut rng = Rng::seed(2);
    let inner = Sequential::new()
        .add(Linear::new(4, 4, &mut rng))
        .add(Linear::new(5, 2, &mut rng));
    let outer = Sequential::new().add(ReLU).add(inner);
    let x = Var::constant(Tensor::<f32>::ones([3, 4]));
    // The inner second layer expects 5 features and gets 4.
    let e = outer.forward(&x).unwrap_err();
    let AutogradError::InLayer { layer, source } = &e else {
        panic!("expected InLayer, got {e:?}");
    };
    assert_eq!(layer, "1.1");
    assert!(matches!(**source, AutogradError::Tensor(_)), "{source:?}");
    let text = e.to_string();
    assert!(
        text.starts_with("in layer `1.1`: ") && text.contains(&source.to_string()),
        "{text}"
    );
}

#[test]
fn eval_and_train_reach_every_descendant() {
    let mut rng = Rng::seed(2);
    let inner = Sequential::new().add(Dropout::new(0.5, &mut rng));
    let net = Sequential::new().add(BatchNorm1d::new(3)).add(inner);
    let dropout_mode = |net: &Sequential| net.get(1).unwrap().children()[0].1.is_training();
    assert!(net.is_training() && dropout_mode(&net));
    net.eval();
    assert!(!net.is_training());
    assert!(!net.get(0).unwrap().is_training());
    assert!(!dropout_mode(&net));
    net.train(true);
    assert!(dropout_mode(&net));
}

#[test]
fn frozen_parameters_get_no_gradient() {
    let mut rng = Rng::seed(3);
    let net = Sequential::new()
        .add(Linear::new(3, 4, &mut rng))
        .add(ReLU)
        .add(Linear::new(4, 1, &mut rng));
    let first_weight = net.named_parameters()[0].1.clone();
    first_weight.set_requires_grad(false).unwrap();
    let x = Var::constant(rng.normal([5, 3], 0.0f32, 1.0).unwrap());
    net.forward(&x)
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap();
    assert!(first_weight.grad().is_none());
    assert!(net.named_parameters()[1].1.grad().is_some());
}

#[test]
fn freezing_the_whole_module_and_zero_grad() {
    let mut rng = Rng::seed(4);
    let layer: Linear = Linear::new(3, 2, &mut rng);
    let x = Var::constant(Tensor::ones([1, 3]));
    layer
        .forward(&x)
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap();
    assert!(layer.weight().grad().is_some());
    layer.zero_grad();
    assert!(layer.weight().grad().is_none());
    layer.set_requires_grad(false).unwrap();
    let y = layer.forward(&x).unwrap();
    assert!(!y.requires_grad());
}

#[test]
fn modules_are_send_and_sync_and_shareable() {
    fn assert_send_sync<M: Send + Sync>() {}
    assert_send_sync::<Sequential>();
    assert_send_sync::<BatchNorm1d>();
    assert_send_sync::<Dropout>();
    let mut rng = Rng::seed(5);
    let shared: Arc<dyn Module> = Arc::new(mlp(&mut rng));
    shared.eval();
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let m = Arc::clone(&shared);
            std::thread::spawn(move || {
                let x = Var::constant(Tensor::<f32>::ones([2, 3, 4]));
                m.forward(&x).unwrap().dims()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), [2, 3]);
    }
    assert_eq!(shared.named_parameters().len(), 6);
}

#[test]
fn an_empty_sequential_is_the_identity() {
    let net = Sequential::new();
    let x = Var::constant(Tensor::from_vec1(vec![1.0f32, 2.0]));
    assert_eq!(net.forward(&x).unwrap().value(), x.value());
    assert!(net.is_empty());
}

#[test]
fn registry_lists_every_layer_once() {
    let mut names = DIFFERENTIABLE_LAYERS.to_vec();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), DIFFERENTIABLE_LAYERS.len());
    for expected in [
        "Linear",
        "BatchNorm1d",
        "cross_entropy",
        "kl_div",
        "l2_penalty",
    ] {
        assert!(DIFFERENTIABLE_LAYERS.contains(&expected), "{expected}");
    }
}

#[test]
fn a_module_used_twice_lists_its_parameters_once_and_saves_them_under_each_name() {
    let mut rng = Rng::seed(6);
    let shared = Arc::new(Linear::new(4, 4, &mut rng));
    let norm = Arc::new(BatchNorm1d::new(4));
    let tied = Sequential::new()
        .add(Arc::clone(&shared))
        .add(Arc::clone(&norm))
        .add(ReLU)
        .add(Arc::clone(&shared))
        .add(Arc::clone(&norm));
    let names: Vec<String> = tied
        .named_parameters()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["0.weight", "0.bias", "1.weight", "1.bias"]);
    assert_eq!(tied.num_parameters(), 4 * 4 + 4 + 4 + 4);
    let buffers: Vec<String> = tied.named_buffers().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        buffers,
        ["1.running_mean", "1.running_var", "1.num_batches_tracked"]
    );
    // One gradient holding both uses.
    let x = Var::constant(Tensor::<f32>::ones([3, 4]));
    tied.forward(&x)
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap();
    let grads: Vec<bool> = tied
        .parameters()
        .iter()
        .map(|p| p.grad().is_some())
        .collect();
    assert_eq!(grads, [true; 4]);
    // The state keeps every name, as PyTorch's does, and loads back strictly.
    let state = tied.state_dict();
    assert_eq!(state.len(), 2 * (2 + 2 + 3));
    assert!(state.contains_key("3.weight") && state.contains_key("4.running_var"));
    let copy = Sequential::new()
        .add(Linear::new(4, 4, &mut rng))
        .add(BatchNorm1d::new(4))
        .add(ReLU)
        .add(Linear::new(4, 4, &mut rng))
        .add(BatchNorm1d::new(4));
    copy.load_state_dict(&state, true).unwrap();
    let (name, weight) = &copy.named_parameters()[4];
    assert_eq!(name, "3.weight");
    assert_eq!(weight.value(), shared.weight().value());
}
