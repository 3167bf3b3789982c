use scalpel::prelude::*;
use scalpel::tensor::ops::conv::Conv2dParams;
use std::time::Instant;
fn t(name: &str, mut f: impl FnMut()) {
    for _ in 0..20 {
        f();
    }
    let n = 200;
    let s = Instant::now();
    for _ in 0..n {
        f();
    }
    println!(
        "{name:30} {:8.1} us",
        s.elapsed().as_secs_f64() * 1e6 / n as f64
    );
}
fn main() {
    let mut rng = Rng::seed(0);
    let x = rng.normal([64, 1, 28, 28], 0.0f32, 1.0).unwrap();
    let w1 = rng.normal([6, 1, 5, 5], 0.0f32, 0.1).unwrap();
    let w2 = rng.normal([16, 6, 5, 5], 0.0f32, 0.1).unwrap();
    let p2 = Conv2dParams {
        padding: (2, 2),
        ..Default::default()
    };
    let y1 = x.conv2d(&w1, None, p2).unwrap();
    let r1 = y1.relu();
    let (m1, i1) = r1.max_pool2d((2, 2), (2, 2), (0, 0)).unwrap();
    let y2 = m1.conv2d(&w2, None, Default::default()).unwrap();
    let (m2, i2) = y2.relu().max_pool2d((2, 2), (2, 2), (0, 0)).unwrap();
    t("conv1 fwd", || {
        std::hint::black_box(x.conv2d(&w1, None, p2).unwrap());
    });
    t("relu1 fwd", || {
        std::hint::black_box(y1.relu());
    });
    t("pool1 fwd", || {
        std::hint::black_box(r1.max_pool2d((2, 2), (2, 2), (0, 0)).unwrap());
    });
    t("conv2 fwd", || {
        std::hint::black_box(m1.conv2d(&w2, None, Default::default()).unwrap());
    });
    t("pool2 fwd", || {
        std::hint::black_box(y2.max_pool2d((2, 2), (2, 2), (0, 0)).unwrap());
    });
    t("pool2 bwd", || {
        std::hint::black_box(m2.max_pool2d_backward(&i2, y2.shape().clone()).unwrap());
    });
    t("pool1 bwd", || {
        std::hint::black_box(m1.max_pool2d_backward(&i1, y1.shape().clone()).unwrap());
    });
    t("conv2 bwd input", || {
        std::hint::black_box(
            y2.conv2d_backward_input(&w2, m1.shape().clone(), Default::default())
                .unwrap(),
        );
    });
    t("conv2 bwd weight", || {
        std::hint::black_box(
            m1.conv2d_backward_weight(&y2, w2.shape().clone(), Default::default())
                .unwrap(),
        );
    });
    t("conv1 bwd weight", || {
        std::hint::black_box(
            x.conv2d_backward_weight(&y1, w1.shape().clone(), p2)
                .unwrap(),
        );
    });
    t("bias bwd sum y1", || {
        std::hint::black_box(y1.sum(&[0, 2, 3], false).unwrap());
    });
    t("add bias y1", || {
        std::hint::black_box(y1.add(&Tensor::<f32>::zeros([1, 6, 1, 1])).unwrap());
    });
}
