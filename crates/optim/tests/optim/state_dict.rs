//! Resuming: k steps, state dict through JSON into a fresh optimizer, more steps — bit for bit
//! the same as an uninterrupted run, for every optimizer with every buffer in use. And a state
//! for other parameters is an error that names them.

use scalpel_autograd::Var;
use scalpel_optim::{
    Adadelta, AdadeltaConfig, Adagrad, AdagradConfig, Adam, AdamConfig, AdamW, AdamWConfig,
    OptimError, Optimizer, OptimizerState, ParamGroup, RmsProp, RmsPropConfig, Sgd, SgdConfig,
};
use scalpel_tensor::Tensor;

const BEFORE: usize = 3;
const AFTER: usize = 4;

/// Weight [3, 4] and bias [4] in two groups (the bias with its own lr and no weight decay), and
/// a third parameter that never receives a gradient.
fn params(weight: Vec<f32>, bias: Vec<f32>, frozen: Vec<f32>) -> Vec<Var<f32>> {
    vec![
        Var::parameter(Tensor::from_vec(weight, [3, 4]).unwrap()),
        Var::parameter(Tensor::from_vec1(bias)),
        Var::parameter(Tensor::from_vec1(frozen)),
    ]
}

fn initial() -> Vec<Var<f32>> {
    let w = (0..12).map(|i| (i as f32 - 5.5) * 0.3).collect();
    let b = vec![0.5, -1.0, 2.0, 0.25];
    params(w, b, vec![1.0, 2.0])
}

fn groups(p: &[Var<f32>]) -> Vec<ParamGroup<f32>> {
    vec![
        ParamGroup::new([p[0].clone(), p[2].clone()]),
        ParamGroup::new([p[1].clone()]).lr(0.02).weight_decay(0.0),
    ]
}

/// A gradient that depends non-linearly on the parameter: aᵢ·θᵢ + 0.1·θᵢ³.
fn set_grads(p: &[Var<f32>]) {
    for v in &p[..2] {
        let g = v.value().map(|x| 0.7 * x + 0.1 * x * x * x);
        v.set_grad(Some(g)).unwrap();
    }
}

/// Runs `n` steps, each followed by a learning-rate decay of 0.9 in every group (so that the
/// saved learning rates matter too).
fn run<O: Optimizer<f32>>(opt: &mut O, p: &[Var<f32>], n: usize) {
    for _ in 0..n {
        opt.zero_grad();
        set_grads(p);
        opt.step().unwrap();
        for g in 0..opt.num_groups() {
            opt.set_group_lr(g, opt.group_lr(g) * 0.9);
        }
    }
}

fn bits(p: &[Var<f32>]) -> Vec<Vec<u32>> {
    p.iter()
        .map(|v| v.value().to_vec().iter().map(|x| x.to_bits()).collect())
        .collect()
}

fn resumes_bit_for_bit<O: Optimizer<f32>>(make: impl Fn(Vec<ParamGroup<f32>>) -> O) {
    // Uninterrupted.
    let p = initial();
    let mut opt = make(groups(&p));
    run(&mut opt, &p, BEFORE + AFTER);
    let want = bits(&p);

    // Interrupted: parameters and optimizer state through JSON, then fresh objects.
    let p = initial();
    let mut opt = make(groups(&p));
    run(&mut opt, &p, BEFORE);
    let values: Vec<String> = p
        .iter()
        .map(|v| serde_json::to_string(&v.value()).unwrap())
        .collect();
    let saved = serde_json::to_string(&opt.state_dict()).unwrap();
    drop((p, opt));

    let restored: Vec<Tensor<f32>> = values
        .iter()
        .map(|s| serde_json::from_str(s).unwrap())
        .collect();
    let p: Vec<Var<f32>> = restored.into_iter().map(Var::parameter).collect();
    let mut opt = make(groups(&p));
    let state: OptimizerState<f32> = serde_json::from_str(&saved).unwrap();
    opt.load_state_dict(&state).unwrap();
    assert_eq!(opt.state_dict(), state);
    run(&mut opt, &p, AFTER);
    assert_eq!(bits(&p), want, "{} did not resume exactly", opt.name());
}

#[test]
fn sgd_nesterov_resumes_bit_for_bit() {
    resumes_bit_for_bit(|g| {
        let c = SgdConfig {
            lr: 0.05,
            momentum: 0.9,
            nesterov: true,
            weight_decay: 0.01,
            ..Default::default()
        };
        Sgd::with_groups(g, c).unwrap()
    });
}

#[test]
fn adagrad_resumes_bit_for_bit() {
    resumes_bit_for_bit(|g| {
        let c = AdagradConfig {
            lr: 0.1,
            lr_decay: 0.01,
            initial_accumulator_value: 0.1,
            weight_decay: 0.01,
            ..Default::default()
        };
        Adagrad::with_groups(g, c).unwrap()
    });
}

#[test]
fn adadelta_resumes_bit_for_bit() {
    resumes_bit_for_bit(|g| {
        let c = AdadeltaConfig {
            weight_decay: 0.01,
            ..Default::default()
        };
        Adadelta::with_groups(g, c).unwrap()
    });
}

#[test]
fn rmsprop_centered_with_momentum_resumes_bit_for_bit() {
    resumes_bit_for_bit(|g| {
        let c = RmsPropConfig {
            lr: 0.01,
            momentum: 0.9,
            centered: true,
            weight_decay: 0.01,
            ..Default::default()
        };
        RmsProp::with_groups(g, c).unwrap()
    });
}

#[test]
fn adam_amsgrad_resumes_bit_for_bit() {
    resumes_bit_for_bit(|g| {
        let c = AdamConfig {
            lr: 0.05,
            amsgrad: true,
            weight_decay: 0.01,
            ..Default::default()
        };
        Adam::with_groups(g, c).unwrap()
    });
}

#[test]
fn adamw_amsgrad_resumes_bit_for_bit() {
    resumes_bit_for_bit(|g| {
        let c = AdamWConfig {
            lr: 0.05,
            amsgrad: true,
            ..Default::default()
        };
        AdamW::with_groups(g, c).unwrap()
    });
}

#[test]
fn state_dict_records_groups_steps_and_pytorch_buffer_names() {
    let p = initial();
    let mut opt = Adam::with_groups(groups(&p), AdamConfig::default()).unwrap();
    run(&mut opt, &p, 2);
    let s = opt.state_dict();
    assert_eq!(s.optimizer, "Adam");
    assert_eq!(s.groups.len(), 2);
    assert_eq!(s.groups[1].lr, 0.02 * 0.9 * 0.9);
    assert_eq!(s.groups[1].weight_decay, 0.0);
    assert_eq!(s.groups[0].shapes[0].dims(), &[3, 4]);
    // Order: group 0 (weight, frozen), then group 1 (bias).
    assert_eq!(s.state.len(), 3);
    let weight = s.state[0].as_ref().unwrap();
    assert_eq!(weight.step, 2);
    let names: Vec<&str> = weight.buffers.keys().map(String::as_str).collect();
    assert_eq!(names, ["exp_avg", "exp_avg_sq"]);
    assert_eq!(weight.buffers["exp_avg"].dims(), &[3, 4]);
    assert!(
        s.state[1].is_none(),
        "a parameter without gradient has no state"
    );
    assert_eq!(s.state[2].as_ref().unwrap().step, 2);
}

#[test]
fn loading_a_state_for_other_shapes_is_an_error_naming_them() {
    let p = initial();
    let mut opt = Adam::with_groups(groups(&p), AdamConfig::default()).unwrap();
    run(&mut opt, &p, 1);
    let saved = opt.state_dict();

    let transposed = params(vec![0.0; 12], vec![0.0; 4], vec![0.0; 2]);
    let t = Var::parameter(Tensor::<f32>::zeros([4, 3]));
    let other = vec![t, transposed[1].clone(), transposed[2].clone()];
    let mut fresh = Adam::with_groups(groups(&other), AdamConfig::default()).unwrap();
    let before = fresh.state_dict();
    let err = fresh.load_state_dict(&saved).unwrap_err();
    assert!(matches!(
        err,
        OptimError::StateShape {
            group: 0,
            index: 0,
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        "load_state_dict: group 0, parameter 0: the state is for shape [3, 4], the parameter has shape [4, 3]"
    );
    assert_eq!(fresh.state_dict(), before, "a failed load changes nothing");
}

#[test]
fn loading_a_buffer_of_the_wrong_shape_is_an_error_naming_it() {
    let p = initial();
    let mut opt = Adam::with_groups(groups(&p), AdamConfig::default()).unwrap();
    run(&mut opt, &p, 1);
    let mut saved = opt.state_dict();
    let entry = saved.state[0].as_mut().unwrap();
    entry.buffers.insert("exp_avg".into(), Tensor::zeros([12]));
    let err = opt.load_state_dict(&saved).unwrap_err();
    assert!(err.to_string().contains("shape [12]"), "{err}");
}

#[test]
fn loading_another_optimizers_state_is_an_error() {
    let p = initial();
    let mut adam = Adam::with_groups(groups(&p), AdamConfig::default()).unwrap();
    run(&mut adam, &p, 1);
    let mut sgd = Sgd::with_groups(groups(&p), SgdConfig::default()).unwrap();
    let err = sgd.load_state_dict(&adam.state_dict()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "load_state_dict: the state was saved by Adam, this optimizer is SGD"
    );
}

#[test]
fn loading_a_state_with_other_groups_or_buffers_is_an_error() {
    let p = initial();
    let mut opt = Adam::with_groups(groups(&p), AdamConfig::default()).unwrap();
    run(&mut opt, &p, 1);
    let saved = opt.state_dict();

    let mut one_group = Adam::new(p.clone(), AdamConfig::default()).unwrap();
    assert!(matches!(
        one_group.load_state_dict(&saved),
        Err(OptimError::StateMismatch(_))
    ));

    let amsgrad = AdamConfig {
        amsgrad: true,
        ..Default::default()
    };
    let mut with_max = Adam::with_groups(groups(&p), amsgrad).unwrap();
    let err = with_max.load_state_dict(&saved).unwrap_err();
    assert!(err.to_string().contains("max_exp_avg_sq"), "{err}");
}
