//! The book's exact values for softmax cross-entropy and the softmax backward pass.

use scalpel_autograd::{BackwardOptions, Var};
use scalpel_tensor::Tensor;

fn close(a: &[f64], b: &[f64], tol: f64) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= tol * (1.0 + y.abs()))
}

#[test]
fn softmax_cross_entropy_from_logits_matches_the_book() {
    let z = Var::parameter(Tensor::from_rows(&[[2.0f64, 25.0, 13.0], [54.0, 3.0, 11.0]]).unwrap());
    let labels = Tensor::from_vec(vec![2i64, 1], [2, 1]).unwrap();
    let picked = z.log_softmax(1).unwrap().gather(1, &labels).unwrap();
    let loss = picked.mean_all().unwrap().neg().unwrap();
    assert!(
        (loss.item().unwrap() - 31.500003072148047).abs() < 1e-12,
        "{}",
        loss.item().unwrap()
    );
    loss.backward().unwrap();
    let g = z.grad().unwrap().to_vec();
    let expected = [
        5.13090829e-11,
        0.499996928,
        -0.499996928,
        0.5,
        -0.5,
        1.05756552e-19,
    ];
    assert!(close(&g, &expected, 1e-8), "{g:?}");
}

#[test]
fn softmax_backward_matches_the_book() {
    let x = Var::parameter(Tensor::from_rows(&[[1.0f64, 2.0], [2.0, 5.0]]).unwrap());
    let y = x.softmax(1).unwrap();
    let upstream = Tensor::from_rows(&[[1.0, 3.0], [2.0, 4.0]]).unwrap();
    y.backward_with(Some(upstream), BackwardOptions::default())
        .unwrap();
    let g = x.grad().unwrap().to_vec();
    let expected = [-0.39322387, 0.39322387, -0.09035332, 0.09035332];
    assert!(close(&g, &expected, 1e-7), "{g:?}");
}
