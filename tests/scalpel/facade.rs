//! The facade re-exports the layers: a program needs only `scalpel::prelude`.

use scalpel::prelude::*;

#[test]
fn prelude_covers_tensors_and_gradients() {
    let mut rng = Rng::seed(0);
    let x = Var::parameter(rng.normal::<f64>([3], 0.0, 1.0).unwrap());
    let y = x.square().unwrap().sum_all().unwrap();
    y.backward().unwrap();
    let expected = x.value().mul_scalar(2.0);
    assert_eq!(x.grad().unwrap(), expected);
}
