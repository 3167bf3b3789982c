//! Temporary timing of optimizer steps on the W2 MLP parameter shapes.
use std::time::Instant;

use scalpel_autograd::Var;
use scalpel_optim::{Adam, AdamConfig, Optimizer, Sgd, SgdConfig};
use scalpel_tensor::Tensor;

fn params() -> Vec<Var<f32>> {
    let shapes: [&[usize]; 6] = [&[784, 256], &[256], &[256, 128], &[128], &[128, 10], &[10]];
    shapes
        .iter()
        .map(|s| {
            let v = Var::parameter(Tensor::from_fn(*s, |i| (i as f32 * 0.01).sin()));
            v.set_grad(Some(Tensor::from_fn(*s, |i| (i as f32 * 0.02).cos() * 0.01)));
            v
        })
        .collect()
}

fn time<O: Optimizer>(name: &str, mut opt: O) {
    for _ in 0..20 {
        opt.step().unwrap();
    }
    let mut best = f64::MAX;
    for _ in 0..100 {
        let t = Instant::now();
        for _ in 0..10 {
            opt.step().unwrap();
        }
        best = best.min(t.elapsed().as_secs_f64() * 1e6 / 10.0);
    }
    println!("{name}: {best:.1} us/step (best of 100)");
}

fn main() {
    time("sgd", Sgd::new(params(), SgdConfig { lr: 0.1, ..Default::default() }).unwrap());
    time("sgd momentum", Sgd::new(params(), SgdConfig { lr: 0.1, momentum: 0.9, ..Default::default() }).unwrap());
    time("adam", Adam::new(params(), AdamConfig::default()).unwrap());
    // Baseline: one copy of each parameter (the floor for a non-in-place update).
    let ps = params();
    let mut best = f64::MAX;
    for _ in 0..1000 {
        let t = Instant::now();
        for p in &ps {
            let v = p.value();
            let g = p.grad().unwrap();
            let mut d = v.to_vec();
            for (x, y) in d.iter_mut().zip(g.as_slice().unwrap()) { *x -= 0.1 * y; }
            p.set_value(Tensor::from_vec(d, v.shape().clone()).unwrap()).unwrap();
        }
        best = best.min(t.elapsed().as_secs_f64() * 1e6);
    }
    println!("hand loop: {best:.1} us/step");
    // Hand-written Adam without any per-element branch, for comparison.
    let mut state: Vec<(Vec<f32>, Vec<f32>)> = ps.iter().map(|p| (vec![0.0; p.value().numel()], vec![0.0; p.value().numel()])).collect();
    let mut best = f64::MAX;
    for _ in 0..1000 {
        let t = Instant::now();
        for (p, (m, v)) in ps.iter().zip(state.iter_mut()) {
            let val = p.value();
            let g = p.grad().unwrap();
            let mut d = val.to_vec();
            let (ss, bc, eps) = (0.001f32, 0.3f32, 1e-8f32);
            for (((x, &gi), mi), vi) in d.iter_mut().zip(g.as_slice().unwrap()).zip(m.iter_mut()).zip(v.iter_mut()) {
                *mi += 0.1 * (gi - *mi);
                *vi = *vi * 0.999 + 0.001 * gi * gi;
                *x -= ss * (*mi / (vi.sqrt() / bc + eps));
            }
            p.set_value(Tensor::from_vec(d, val.shape().clone()).unwrap()).unwrap();
        }
        best = best.min(t.elapsed().as_secs_f64() * 1e6);
    }
    println!("hand adam: {best:.1} us/step");
}
