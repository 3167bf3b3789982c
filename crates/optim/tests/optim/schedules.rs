//! Each schedule's learning-rate sequence against values worked out by hand from PyTorch's
//! definitions.

use std::f64::consts::FRAC_1_SQRT_2;

use scalpel_autograd::Var;
use scalpel_optim::{
    CosineAnnealingLR, ExponentialLR, LinearWarmup, LrScheduler, MultiStepLR, OptimError,
    Optimizer, ParamGroup, PlateauConfig, PlateauMode, ReduceLROnPlateau, Sgd, SgdConfig, StepLR,
    ThresholdMode,
};
use scalpel_tensor::Tensor;

fn optimizer(lr: f64) -> Sgd {
    let w = Var::parameter(Tensor::<f32>::zeros([2]));
    let config = SgdConfig {
        lr,
        ..Default::default()
    };
    Sgd::new([w], config).unwrap()
}

/// The learning rate of epochs 0, 1, …, n − 1 (read before each `step`, as a training loop
/// sees it).
fn sequence<S: LrScheduler>(opt: &mut Sgd, schedule: &mut S, n: usize) -> Vec<f64> {
    (0..n)
        .map(|_| {
            let lr = opt.lr();
            schedule.step(opt);
            lr
        })
        .collect()
}

fn assert_close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len());
    for (e, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-12 * w.abs().max(1e-3),
            "epoch {e}: got {g}, want {w}"
        );
    }
}

#[test]
fn step_lr_decays_every_step_size_epochs() {
    let mut opt = optimizer(1.0);
    let mut s = StepLR::new(&mut opt, 3, 0.1).unwrap();
    let want = [1.0, 1.0, 1.0, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001];
    assert_close(&sequence(&mut opt, &mut s, 10), &want);
    assert_eq!(s.last_epoch(), 10);
    assert_close(s.last_lr(), &[1e-3]); // epoch 10: 0.1^⌊10/3⌋
}

#[test]
fn multi_step_lr_decays_at_each_milestone_and_twice_at_a_repeated_one() {
    let mut opt = optimizer(1.0);
    let mut s = MultiStepLR::new(&mut opt, [5, 2, 5], 0.5);
    let want = [1.0, 1.0, 0.5, 0.5, 0.5, 0.125, 0.125, 0.125];
    assert_close(&sequence(&mut opt, &mut s, 8), &want);
}

#[test]
fn exponential_lr_multiplies_by_gamma_every_epoch() {
    let mut opt = optimizer(2.0);
    let mut s = ExponentialLR::new(&mut opt, 0.9);
    let want = [2.0, 1.8, 1.62, 1.458, 1.3122];
    assert_close(&sequence(&mut opt, &mut s, 5), &want);
}

#[test]
fn cosine_annealing_follows_half_a_cosine_to_eta_min_and_back() {
    let mut opt = optimizer(1.0);
    let mut s = CosineAnnealingLR::new(&mut opt, 4, 0.1).unwrap();
    // η_min + (lr₀ − η_min)(1 + cos(πe/4))/2 with cos(π/4) = 1/√2, cos(π/2) = 0.
    let high = 0.1 + 0.45 * (1.0 + FRAC_1_SQRT_2);
    let low = 0.1 + 0.45 * (1.0 - FRAC_1_SQRT_2);
    let want = [1.0, high, 0.55, low, 0.1, low, 0.55, high, 1.0];
    assert_close(&sequence(&mut opt, &mut s, 9), &want);
}

#[test]
fn linear_warmup_alone_ramps_to_the_initial_lr_then_holds() {
    let mut opt = optimizer(1.0);
    let mut s = LinearWarmup::new(&mut opt, 0.1, 4).unwrap();
    let want = [0.1, 0.325, 0.55, 0.775, 1.0, 1.0, 1.0];
    assert_close(&sequence(&mut opt, &mut s, 7), &want);
}

#[test]
fn linear_warmup_hands_over_to_the_wrapped_schedule_at_its_epoch_zero() {
    let mut opt = optimizer(1.0);
    let inner = StepLR::new(&mut opt, 2, 0.5).unwrap();
    let mut s = LinearWarmup::with_schedule(&mut opt, 0.5, 2, inner).unwrap();
    let want = [0.5, 0.75, 1.0, 1.0, 0.5, 0.5, 0.25];
    assert_close(&sequence(&mut opt, &mut s, 7), &want);
}

#[test]
fn schedules_scale_each_group_from_its_own_initial_lr() {
    let a = Var::parameter(Tensor::<f32>::zeros([2]));
    let b = Var::parameter(Tensor::<f32>::zeros([2]));
    let groups = vec![ParamGroup::new([a]), ParamGroup::new([b]).lr(0.1)];
    let config = SgdConfig {
        lr: 1.0,
        ..Default::default()
    };
    let mut opt = Sgd::with_groups(groups, config).unwrap();
    let mut s = ExponentialLR::new(&mut opt, 0.5);
    s.step(&mut opt);
    s.step(&mut opt);
    assert_close(&[opt.group_lr(0), opt.group_lr(1)], &[0.25, 0.025]);
    assert_close(s.last_lr(), &[0.25, 0.025]);
}

#[test]
fn boxed_schedule_drives_a_dyn_optimizer() {
    let mut opt = optimizer(1.0);
    let dyn_opt: &mut dyn Optimizer = &mut opt;
    let mut s: Box<dyn LrScheduler + Send> = Box::new(StepLR::new(dyn_opt, 1, 0.5).unwrap());
    s.step(dyn_opt);
    s.step(dyn_opt);
    assert_close(&[dyn_opt.lr()], &[0.25]);
}

#[test]
fn schedule_state_dict_resumes_the_sequence_and_the_optimizer_lr() {
    let mut opt = optimizer(1.0);
    let mut s = StepLR::new(&mut opt, 2, 0.5).unwrap();
    for _ in 0..3 {
        s.step(&mut opt);
    }
    let saved = s.state_dict();
    let json = serde_json::to_string(&saved).unwrap();

    let mut opt2 = optimizer(1.0);
    let mut s2 = StepLR::new(&mut opt2, 2, 0.5).unwrap();
    s2.load_state_dict(&mut opt2, &serde_json::from_str(&json).unwrap())
        .unwrap();
    assert_eq!(opt2.lr(), opt.lr());
    assert_eq!(
        sequence(&mut opt2, &mut s2, 4),
        sequence(&mut opt, &mut s, 4)
    );
}

#[test]
fn plateau_reduces_after_patience_with_cooldown_and_min_lr() {
    let mut opt = optimizer(1.0);
    let config = PlateauConfig {
        factor: 0.5,
        patience: 1,
        cooldown: 1,
        min_lr: 0.2,
        ..Default::default()
    };
    let mut p = ReduceLROnPlateau::new(&opt, config).unwrap();
    let metrics = [
        10.0, 9.0, 9.0, 9.0, 9.0, 9.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0,
    ];
    // Traced by hand: bad epochs are counted after the best; more than 1 (patience) reduces
    // the rate and starts a 1-epoch cooldown; the rate never goes below 0.2.
    let want = [
        1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2,
    ];
    let got: Vec<f64> = metrics
        .iter()
        .map(|&m| {
            p.step(&mut opt, m);
            opt.lr()
        })
        .collect();
    assert_close(&got, &want);
    assert_eq!(p.best(), Some(8.0));
    assert_close(p.last_lr(), &[0.2]);
}

#[test]
fn plateau_in_max_mode_with_absolute_threshold() {
    let mut opt = optimizer(1.0);
    let config = PlateauConfig {
        mode: PlateauMode::Max,
        threshold_mode: ThresholdMode::Abs,
        threshold: 0.5,
        patience: 0,
        ..Default::default()
    };
    let mut p = ReduceLROnPlateau::new(&opt, config).unwrap();
    // 1.4 is not above 1.0 + 0.5: a bad epoch, more than patience 0, so the rate drops.
    // 1.6 and 2.2 each beat the best by more than 0.5.
    let got: Vec<f64> = [1.0, 1.4, 1.6, 2.2]
        .iter()
        .map(|&m| {
            p.step(&mut opt, m);
            opt.lr()
        })
        .collect();
    assert_close(&got, &[1.0, 0.1, 0.1, 0.1]);
    assert_eq!(p.best(), Some(2.2));
}

#[test]
fn plateau_relative_threshold_in_max_mode_needs_a_proportional_gain() {
    let mut opt = optimizer(1.0);
    let config = PlateauConfig {
        mode: PlateauMode::Max,
        threshold: 0.1,
        patience: 5,
        ..Default::default()
    };
    let mut p = ReduceLROnPlateau::new(&opt, config).unwrap();
    p.step(&mut opt, 1.0);
    p.step(&mut opt, 1.05); // not above 1.0·1.1
    assert_eq!((p.best(), p.num_bad_epochs()), (Some(1.0), 1));
    p.step(&mut opt, 1.2);
    assert_eq!((p.best(), p.num_bad_epochs()), (Some(1.2), 0));
}

#[test]
fn plateau_counts_a_nan_metric_as_a_bad_epoch() {
    let mut opt = optimizer(1.0);
    let mut p = ReduceLROnPlateau::new(&opt, PlateauConfig::default()).unwrap();
    p.step(&mut opt, f64::NAN);
    assert_eq!((p.best(), p.num_bad_epochs()), (None, 1));
}

#[test]
fn plateau_round_trips_through_json() {
    let mut opt = optimizer(1.0);
    let config = PlateauConfig {
        patience: 0,
        cooldown: 3,
        ..Default::default()
    };
    let mut p = ReduceLROnPlateau::new(&opt, config).unwrap();
    for m in [1.0, 2.0] {
        p.step(&mut opt, m);
    }
    let json = serde_json::to_string(&p).unwrap();
    let back: ReduceLROnPlateau = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
    let mut opt2 = optimizer(1.0);
    let mut p2 = ReduceLROnPlateau::new(&opt2, PlateauConfig::default()).unwrap();
    p2.load_state_dict(&mut opt2, &back).unwrap();
    assert_eq!(opt2.lr(), opt.lr());
    assert!(p2.in_cooldown());
}

#[test]
fn invalid_schedule_settings_are_errors_naming_the_argument() {
    let mut opt = optimizer(1.0);
    let err = StepLR::new(&mut opt, 0, 0.5).unwrap_err();
    assert!(matches!(
        err,
        OptimError::InvalidHyperparameter {
            name: "step_size",
            ..
        }
    ));
    assert!(CosineAnnealingLR::new(&mut opt, 0, 0.0).is_err());
    assert!(LinearWarmup::new(&mut opt, 1.5, 3).is_err());
    let config = PlateauConfig {
        factor: 1.0,
        ..Default::default()
    };
    let err = ReduceLROnPlateau::new(&opt, config).unwrap_err();
    assert_eq!(
        err.to_string(),
        "ReduceLROnPlateau: invalid factor = 1: must be in [0, 1)"
    );
}
