use std::time::Instant;
use scalpel_autograd::Var;
use scalpel_nn::functional::batch_norm_train;
use scalpel_nn::{cross_entropy, Reduction};
use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

fn reference(x: &Var<f32>, w: &Var<f32>, b: &Var<f32>) -> Var<f32> {
    let axes = [0isize, 2, 3];
    let ps = [1usize, x.dims()[1], 1, 1];
    let c = x.sub(&x.mean(&axes, true).unwrap()).unwrap();
    let v = c.square().unwrap().mean(&axes, true).unwrap();
    c.div(&v.add_scalar(1e-5).unwrap().sqrt().unwrap()).unwrap()
        .mul(&w.reshape(ps).unwrap()).unwrap().add(&b.reshape(ps).unwrap()).unwrap()
}

#[test]
fn perf() {
    let mut rng = Rng::seed(0);
    let x = Var::parameter(rng.normal([64, 64, 32, 32], 0.0f32, 1.0).unwrap());
    let w = Var::parameter(Tensor::ones([64]));
    let b = Var::parameter(Tensor::zeros([64]));
    for _ in 0..2 {
        let t = Instant::now();
        let (y, _) = batch_norm_train(&x, Some(&w), Some(&b), 1e-5).unwrap();
        let f = t.elapsed();
        y.sum_all().unwrap().backward().unwrap();
        println!("fused bn fwd {:?} total {:?}", f, t.elapsed());
        let t = Instant::now();
        let y = reference(&x, &w, &b);
        let f = t.elapsed();
        y.sum_all().unwrap().backward().unwrap();
        println!("composed bn fwd {:?} total {:?}", f, t.elapsed());
    }
    let logits = Var::parameter(rng.normal([4096, 1000], 0.0f32, 1.0).unwrap());
    let y = rng.randint([4096], 0, 1000).unwrap();
    for _ in 0..2 {
        let t = Instant::now();
        let l = cross_entropy(&logits, &y, Reduction::Mean).unwrap();
        let f = t.elapsed();
        l.backward().unwrap();
        println!("fused ce fwd {:?} total {:?}", f, t.elapsed());
        let t = Instant::now();
        let lp = logits.log_softmax(1).unwrap();
        let l = lp.gather(1, &y.reshape([4096, 1]).unwrap()).unwrap().neg().unwrap().mean_all().unwrap();
        let f = t.elapsed();
        l.backward().unwrap();
        println!("composed ce fwd {:?} total {:?}", f, t.elapsed());
    }
}
