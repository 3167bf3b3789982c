//! A step updates a parameter's buffer in place when nothing else holds it, and leaves a value
//! that something still holds (a clone, a retained graph's saved tensors) as it was.

use scalpel_autograd::{BackwardOptions, Var};
use scalpel_optim::{Optimizer, Sgd, SgdConfig};
use scalpel_tensor::Tensor;

fn sgd(w: &Var<f64>) -> Sgd<f64> {
    let config = SgdConfig {
        lr: 0.5,
        ..Default::default()
    };
    Sgd::new([w.clone()], config).unwrap()
}

/// The address of the parameter's buffer.
fn buffer(w: &Var<f64>) -> usize {
    w.value().storage().as_ptr() as usize
}

#[test]
fn an_unshared_parameter_is_updated_in_its_own_buffer() {
    let w = Var::parameter(Tensor::from_vec(vec![1.0, -2.0, 3.0], [3]).unwrap());
    let mut opt = sgd(&w);
    w.square().unwrap().sum_all().unwrap().backward().unwrap();
    let before = buffer(&w);
    opt.step().unwrap();
    // w − 0.5 · 2w = 0.
    assert_eq!(w.value().to_vec(), vec![0.0, 0.0, 0.0]);
    assert_eq!(buffer(&w), before, "the step copied an unshared buffer");
}

#[test]
fn a_value_held_elsewhere_keeps_its_old_elements() {
    let w = Var::parameter(Tensor::from_vec(vec![1.0, -2.0, 3.0], [3]).unwrap());
    let mut opt = sgd(&w);
    let y = w.square().unwrap().sum_all().unwrap();
    let keep = BackwardOptions {
        retain_graph: true,
        ..Default::default()
    };
    y.backward_with(None, keep).unwrap();
    let held = w.value();
    opt.step().unwrap();
    assert_eq!(held.to_vec(), vec![1.0, -2.0, 3.0]);
    assert_eq!(w.value().to_vec(), vec![0.0, 0.0, 0.0]);
}
