//! The optimizer protocol: parameter groups with their own learning rate and weight decay,
//! skipping parameters without gradient, checks on construction and on `step`, and the parallel
//! path for large parameters.

use scalpel_autograd::Var;
use scalpel_optim::{
    Adam, AdamConfig, AdamW, AdamWConfig, OptimError, Optimizer, ParamGroup, Sgd, SgdConfig,
};
use scalpel_tensor::Tensor;

fn param(values: Vec<f64>) -> Var<f64> {
    Var::parameter(Tensor::from_vec1(values))
}

fn sgd(lr: f64) -> SgdConfig {
    SgdConfig {
        lr,
        ..Default::default()
    }
}

#[test]
fn each_group_steps_with_its_own_learning_rate() {
    let a = param(vec![1.0]);
    let b = param(vec![1.0]);
    let groups = vec![
        ParamGroup::new([a.clone()]),
        ParamGroup::new([b.clone()]).lr(0.01),
    ];
    let mut opt = Sgd::with_groups(groups, sgd(0.1)).unwrap();
    a.set_grad(Some(Tensor::from_vec1(vec![2.0]))).unwrap();
    b.set_grad(Some(Tensor::from_vec1(vec![2.0]))).unwrap();
    opt.step().unwrap();
    assert_eq!(a.item().unwrap(), 1.0 - 0.1 * 2.0);
    assert_eq!(b.item().unwrap(), 1.0 - 0.01 * 2.0);
    assert_eq!((opt.group_lr(0), opt.group_lr(1)), (0.1, 0.01));
}

#[test]
fn each_group_decays_with_its_own_weight_decay() {
    let w = param(vec![2.0]);
    let b = param(vec![2.0]);
    let groups = vec![
        ParamGroup::new([w.clone()]),
        ParamGroup::new([b.clone()]).weight_decay(0.0),
    ];
    let config = AdamWConfig {
        lr: 0.1,
        weight_decay: 0.5,
        ..Default::default()
    };
    let mut opt = AdamW::with_groups(groups, config).unwrap();
    w.set_grad(Some(Tensor::from_vec1(vec![0.0]))).unwrap();
    b.set_grad(Some(Tensor::from_vec1(vec![0.0]))).unwrap();
    opt.step().unwrap();
    // A zero gradient leaves only the decoupled decay θ·(1 − γλ).
    assert_eq!(w.item().unwrap(), 2.0 * (1.0 - 0.1 * 0.5));
    assert_eq!(b.item().unwrap(), 2.0);
    assert_eq!(opt.group_weight_decay(1), 0.0);
}

#[test]
fn parameters_without_gradient_are_skipped_and_keep_no_state() {
    let a = param(vec![1.0, 2.0]);
    let frozen = param(vec![5.0]);
    let mut opt = Adam::new([a.clone(), frozen.clone()], AdamConfig::default()).unwrap();
    a.set_grad(Some(Tensor::from_vec1(vec![1.0, 1.0]))).unwrap();
    opt.step().unwrap();
    assert_eq!(frozen.item().unwrap(), 5.0);
    assert_eq!((opt.param_step(0, 0), opt.param_step(0, 1)), (1, 0));
    assert_ne!(a.value().to_vec(), vec![1.0, 2.0]);
}

#[test]
fn zero_grad_clears_every_gradient() {
    let a = param(vec![1.0]);
    let b = param(vec![1.0]);
    let groups = vec![ParamGroup::new([a.clone()]), ParamGroup::new([b.clone()])];
    let mut opt = Sgd::with_groups(groups, sgd(0.1)).unwrap();
    a.set_grad(Some(Tensor::from_vec1(vec![1.0]))).unwrap();
    b.set_grad(Some(Tensor::from_vec1(vec![1.0]))).unwrap();
    opt.zero_grad();
    assert!(a.grad().is_none() && b.grad().is_none());
    opt.step().unwrap();
    assert_eq!((a.item().unwrap(), b.item().unwrap()), (1.0, 1.0));
}

#[test]
fn set_lr_sets_every_group_and_add_param_group_uses_the_defaults() {
    let a = param(vec![1.0]);
    let mut opt = Sgd::new([a], sgd(0.1)).unwrap();
    opt.add_param_group(ParamGroup::new([param(vec![0.0])]))
        .unwrap();
    assert_eq!(opt.num_groups(), 2);
    assert_eq!(opt.group_lr(1), 0.1);
    opt.set_lr(0.5);
    assert_eq!((opt.group_lr(0), opt.group_lr(1)), (0.5, 0.5));
    assert_eq!(opt.params().len(), 2);
}

#[test]
fn a_gradient_of_another_shape_never_reaches_the_step() {
    // `set_grad` refuses it (and backward checks every gradient it makes), so the step's own
    // check of gradient shapes (`OptimError::GradShape`) is a second line that nothing public
    // reaches; the step then moves only the parameter with a valid gradient.
    let a = param(vec![1.0, 2.0]);
    let b = param(vec![1.0, 2.0]);
    let mut opt = Sgd::new([a.clone(), b.clone()], sgd(0.1)).unwrap();
    a.set_grad(Some(Tensor::from_vec1(vec![1.0, 1.0]))).unwrap();
    let err = b
        .set_grad(Some(Tensor::from_vec1(vec![1.0, 1.0, 1.0])))
        .unwrap_err();
    assert!(err.to_string().contains("set_grad: [3] and [2]"), "{err}");
    assert!(b.grad().is_none());
    opt.step().unwrap();
    assert_eq!(a.value().to_vec(), vec![0.9, 1.9]);
    assert_eq!(b.value().to_vec(), vec![1.0, 2.0]);
}

#[test]
fn a_non_contiguous_gradient_gives_the_same_step_as_its_contiguous_copy() {
    let run = |grad: Tensor<f64>| {
        let w =
            Var::parameter(Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [3, 2]).unwrap());
        let mut opt = Adam::new([w.clone()], AdamConfig::default()).unwrap();
        w.set_grad(Some(grad)).unwrap();
        opt.step().unwrap();
        w.value().to_vec()
    };
    let g = Tensor::from_vec(vec![0.1, -0.2, 0.3, -0.4, 0.5, -0.6], [2, 3]).unwrap();
    let transposed = g.t();
    assert!(!transposed.is_contiguous());
    assert_eq!(run(transposed.clone()), run(transposed.contiguous()));
}

#[test]
fn an_empty_group_is_allowed_as_in_pytorch() {
    // The usual split into decayed weights and undecayed biases, for a model without biases.
    let w = param(vec![1.0, 2.0]);
    let no_biases: Vec<Var<f64>> = vec![];
    let groups = vec![
        ParamGroup::new([w.clone()]).weight_decay(0.5),
        ParamGroup::new(no_biases).weight_decay(0.25),
    ];
    let mut opt = Sgd::with_groups(groups, sgd(0.1)).unwrap();
    opt.add_param_group(ParamGroup::new(Vec::new())).unwrap();
    w.set_grad(Some(Tensor::from_vec1(vec![1.0, 1.0]))).unwrap();
    opt.step().unwrap();
    // w − lr·(g + wd·w) = [1 − 0.1·1.5, 2 − 0.1·2]
    let moved = w.value().to_vec();
    assert!(
        (moved[0] - 0.85).abs() < 1e-15 && (moved[1] - 1.8).abs() < 1e-15,
        "{moved:?}"
    );
    // The state of the three groups, empty ones included, loads back into the same grouping.
    let state = opt.state_dict();
    let mut again = Sgd::with_groups(
        vec![
            ParamGroup::new([w.clone()]).weight_decay(0.5),
            ParamGroup::new(Vec::new()),
            ParamGroup::new(Vec::new()),
        ],
        sgd(0.1),
    )
    .unwrap();
    again.load_state_dict(&state).unwrap();
    assert_eq!(again.group_weight_decay(1), 0.25);
}

#[test]
fn invalid_parameter_lists_are_errors() {
    let a = param(vec![1.0]);
    let empty: Vec<Var<f64>> = vec![];
    let err = Sgd::new(empty, sgd(0.1)).err().unwrap();
    assert!(matches!(err, OptimError::InvalidParams { .. }));
    assert!(err.to_string().contains("empty parameter list"), "{err}");
    assert!(Sgd::<f64>::with_groups(vec![], sgd(0.1)).is_err());
    let err = Sgd::new([a.clone(), a.clone()], sgd(0.1)).err().unwrap();
    assert!(err.to_string().contains("more than once"), "{err}");
    let groups = vec![ParamGroup::new([a.clone()]), ParamGroup::new([a.clone()])];
    assert!(Sgd::with_groups(groups, sgd(0.1)).is_err());
    let computed = a.mul_scalar(2.0).unwrap();
    let err = Sgd::new([computed], sgd(0.1)).err().unwrap();
    assert!(err.to_string().contains("not a leaf"), "{err}");
}

#[test]
fn invalid_hyperparameters_are_errors_naming_them() {
    let a = || [param(vec![1.0])];
    let err = Sgd::new(a(), sgd(-0.1)).err().unwrap();
    assert_eq!(err.to_string(), "SGD: invalid lr = -0.1: must be >= 0");
    let nesterov = SgdConfig {
        nesterov: true,
        ..sgd(0.1)
    };
    assert!(Sgd::new(a(), nesterov).is_err());
    let betas = AdamConfig {
        betas: (0.9, 1.0),
        ..Default::default()
    };
    let err = Adam::new(a(), betas).err().unwrap();
    assert!(matches!(
        err,
        OptimError::InvalidHyperparameter {
            name: "betas.1",
            ..
        }
    ));
    let group = ParamGroup::new(a()).lr(-1.0);
    assert!(Adam::with_groups(vec![group], AdamConfig::default()).is_err());
}

#[test]
fn large_parameters_update_the_same_in_parallel_and_serially() {
    // Above the parallel threshold the update runs in one contiguous part per thread of the
    // rayon pool (the last one shorter: n is odd); every element is independent, so the result
    // must not depend on the number of threads.
    let n = 600_001;
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let w = Var::parameter(Tensor::from_fn([n], |i| (i as f32 * 0.001).sin()));
            let config = AdamConfig {
                amsgrad: true,
                weight_decay: 0.01,
                ..Default::default()
            };
            let mut opt = Adam::new([w.clone()], config).unwrap();
            for _ in 0..2 {
                w.set_grad(Some(w.value().map(|x| x.cos()))).unwrap();
                opt.step().unwrap();
            }
            w.value().to_vec()
        })
    };
    let serial = run(1);
    for threads in [2, 3] {
        let parallel = run(threads);
        assert_eq!(parallel.len(), n);
        assert!(serial
            .iter()
            .zip(&parallel)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
    }
}

#[test]
fn debug_shows_the_kind_settings_and_shapes() {
    let w = Var::parameter(Tensor::<f32>::zeros([2, 3]));
    let opt = Sgd::new([w], SgdConfig::default()).unwrap();
    let text = format!("{opt:?}");
    assert!(text.starts_with("SGD {"), "{text}");
    assert!(
        text.contains("lr: 0.001, weight_decay: 0, params: [[2, 3]]"),
        "{text}"
    );
}
