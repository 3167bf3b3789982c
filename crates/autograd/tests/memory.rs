//! Graph memory: nodes are freed after backward and when variables go out of scope. This file
//! holds a single test because the live-node counter is process-wide.

use scalpel_autograd::{live_nodes, no_grad, Var};
use scalpel_tensor::Tensor;

#[test]
fn graphs_are_freed_by_backward_and_by_drop() {
    let base = live_nodes();

    // A chain of 200,000 operations: backward is iterative and the chain is freed afterwards.
    let x = Var::parameter(Tensor::<f32>::ones([2]));
    let mut y = x.clone();
    for _ in 0..200_000 {
        y = y.add_scalar(1.0).unwrap();
    }
    assert_eq!(live_nodes(), base + 200_000);
    y.sum_all().unwrap().backward().unwrap();
    assert_eq!(x.grad().unwrap().to_vec(), vec![1.0, 1.0]);
    drop(y);
    assert_eq!(live_nodes(), base);

    // 10,000 training steps of a small model: the node count does not grow.
    let w = Var::parameter(Tensor::from_fn([3, 2], |i| 0.1 * i as f64));
    let b = Var::parameter(Tensor::<f64>::zeros([2]));
    let data = Var::constant(Tensor::from_fn([8, 3], |i| (i % 5) as f64 - 2.0));
    let target = Var::constant(Tensor::from_fn([8, 2], |i| (i % 3) as f64));
    let mut first_loss = None;
    let mut last_loss = 0.0;
    for step in 0..10_000 {
        let pred = data.matmul(&w).unwrap().add(&b).unwrap().tanh().unwrap();
        let loss = pred
            .sub(&target)
            .unwrap()
            .square()
            .unwrap()
            .mean_all()
            .unwrap();
        loss.backward().unwrap();
        {
            let _g = no_grad();
            for p in [&w, &b] {
                let updated = p.value().sub(&p.grad().unwrap().mul_scalar(0.05)).unwrap();
                p.set_value(updated).unwrap();
                p.zero_grad();
            }
        }
        last_loss = loss.item().unwrap();
        first_loss.get_or_insert(last_loss);
        if step % 1000 == 0 {
            assert!(
                live_nodes() <= base + 8,
                "step {step}: {} live nodes",
                live_nodes() - base
            );
        }
    }
    assert!(
        last_loss < first_loss.unwrap(),
        "training did not reduce the loss"
    );
    assert_eq!(live_nodes(), base);
}
