//! Property tests of the binary element-wise ops: every op against a naive reference that
//! broadcasts by index arithmetic, on random compatible shapes and non-contiguous operands; and
//! the algebraic laws that hold whatever the layout.

use crate::common;

use common::{
    broadcast_index, broadcast_shape, build, half_integer, half_integer_or_nan, hash, indices,
    recipe, shape, Dense, Recipe,
};
use proptest::prelude::*;
use scalpel_tensor::{Element, Result, Tensor};

/// Equal shapes and equal elements, NaN equal to NaN.
fn same<T: Element>(what: &str, got: &Tensor<T>, want: &Dense<T>) {
    assert_eq!(got.dims(), &want.shape[..], "{what}: shape");
    #[allow(clippy::eq_op)]
    let eq = |a: T, b: T| a == b || (a != a && b != b);
    let g = got.to_vec();
    for (k, (&a, &b)) in g.iter().zip(&want.data).enumerate() {
        assert!(eq(a, b), "{what}: element {k}: got {a}, want {b}");
    }
}

/// `f` applied to `a` and `b` broadcast to `shape`, one output index at a time.
fn zip_ref<T: Copy, U: Copy>(
    shape: &[usize],
    a: &Dense<T>,
    b: &Dense<T>,
    f: impl Fn(T, T) -> U,
) -> Dense<U> {
    let data = indices(shape)
        .iter()
        .map(|i| {
            f(
                a.at(&broadcast_index(i, &a.shape)),
                b.at(&broadcast_index(i, &b.shape)),
            )
        })
        .collect();
    Dense::new(shape.to_vec(), data)
}

/// An operand shape that broadcasts to `out`: its first `drop` axes removed and the axes picked
/// by `ones` set to size 1.
fn operand_shape(out: &[usize], drop: usize, ones: u8) -> Vec<usize> {
    out[drop.min(out.len())..]
        .iter()
        .enumerate()
        .map(|(i, &d)| if ones >> i & 1 == 1 { 1 } else { d })
        .collect()
}

/// Random operand shapes for a random broadcast result, with their layouts and seeds.
#[derive(Clone, Debug)]
struct Operands {
    shapes: [Vec<usize>; 3],
    /// A shape that broadcasts to `shapes[0]`.
    within: Vec<usize>,
    recipes: [Recipe; 3],
    seed: u64,
}

fn operands() -> impl Strategy<Value = Operands> {
    (
        shape(4, 4),
        prop::array::uniform3((0usize..5, any::<u8>())),
        prop::array::uniform3(recipe()),
        any::<u64>(),
        (0usize..5, any::<u8>()),
    )
        .prop_map(|(out, cut, recipes, seed, (drop, ones))| {
            let shapes = cut.map(|(drop, ones)| operand_shape(&out, drop, ones));
            let within = operand_shape(&shapes[0], drop, ones);
            Operands {
                shapes,
                within,
                recipes,
                seed,
            }
        })
}

impl Operands {
    /// Operand `k` as a strided tensor and its reference, with values from `fill(seed, index)`.
    fn f64(&self, k: usize, fill: fn(u64, usize) -> f64) -> (Tensor<f64>, Dense<f64>) {
        let seed = hash(self.seed, k as u64);
        build(&self.shapes[k], &self.recipes[k], |i| fill(seed, i))
    }

    /// The broadcast shape of operands `i` and `j`.
    fn shape_of(&self, i: usize, j: usize) -> Vec<usize> {
        broadcast_shape(&self.shapes[i], &self.shapes[j]).expect("operands broadcast")
    }
}

/// An arithmetic op under test, its name, and the scalar function it must apply.
type FloatCase = (
    &'static str,
    fn(&Tensor<f64>, &Tensor<f64>) -> Result<Tensor<f64>>,
    fn(f64, f64) -> f64,
);
/// A comparison under test, its name, and the scalar predicate it must apply.
type MaskCase = (
    &'static str,
    fn(&Tensor<f64>, &Tensor<f64>) -> Result<Tensor<bool>>,
    fn(f64, f64) -> bool,
);

fn max_ref(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a > b {
        a
    } else {
        b
    }
}

fn min_ref(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a < b {
        a
    } else {
        b
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arithmetic_ops_broadcast_like_index_arithmetic(ops in operands()) {
        let (a, da) = ops.f64(0, half_integer_or_nan);
        let (b, db) = ops.f64(1, half_integer_or_nan);
        let shape = ops.shape_of(0, 1);
        let cases: [FloatCase; 7] = [
            ("add", Tensor::add, |x, y| x + y),
            ("sub", Tensor::sub, |x, y| x - y),
            ("mul", Tensor::mul, |x, y| x * y),
            ("div", Tensor::div, |x, y| x / y),
            ("maximum", Tensor::maximum, max_ref),
            ("minimum", Tensor::minimum, min_ref),
            ("pow", Tensor::pow, f64::powf),
        ];
        for (name, op, f) in cases {
            same(name, &op(&a, &b).unwrap(), &zip_ref(&shape, &da, &db, f));
        }
    }

    #[test]
    fn comparisons_broadcast_like_index_arithmetic(ops in operands()) {
        let (a, da) = ops.f64(0, half_integer_or_nan);
        let (b, db) = ops.f64(1, half_integer_or_nan);
        let shape = ops.shape_of(0, 1);
        let cases: [MaskCase; 6] = [
            ("eq", Tensor::eq, |x, y| x == y),
            ("ne", Tensor::ne, |x, y| x != y),
            ("lt", Tensor::lt, |x, y| x < y),
            ("le", Tensor::le, |x, y| x <= y),
            ("gt", Tensor::gt, |x, y| x > y),
            ("ge", Tensor::ge, |x, y| x >= y),
        ];
        for (name, op, f) in cases {
            same(name, &op(&a, &b).unwrap(), &zip_ref(&shape, &da, &db, f));
        }
    }

    #[test]
    fn where_broadcasts_all_three_operands(ops in operands()) {
        let (c, dc) = build(&ops.shapes[0], &ops.recipes[0], |i| hash(ops.seed, i as u64).is_multiple_of(2));
        let (a, da) = ops.f64(1, half_integer);
        let (b, db) = ops.f64(2, half_integer);
        let got = Tensor::where_(&c, &a, &b).unwrap();
        let shape = broadcast_shape(&ops.shape_of(0, 1), &ops.shapes[2]).unwrap();
        let data = indices(&shape)
            .iter()
            .map(|i| {
                if dc.at(&broadcast_index(i, &dc.shape)) {
                    da.at(&broadcast_index(i, &da.shape))
                } else {
                    db.at(&broadcast_index(i, &db.shape))
                }
            })
            .collect();
        same("where", &got, &Dense::new(shape, data));
    }

    #[test]
    fn incompatible_shapes_are_errors_naming_the_op(a in shape(3, 3), b in shape(3, 3)) {
        let x = Tensor::<f64>::zeros(a.clone());
        let y = Tensor::<f64>::ones(b.clone());
        match broadcast_shape(&a, &b) {
            Some(s) => {
                prop_assert_eq!(x.add(&y).unwrap().dims().to_vec(), s.clone());
                prop_assert_eq!(x.lt(&y).unwrap().dims().to_vec(), s);
            }
            None => {
                let e = x.mul(&y).unwrap_err().to_string();
                prop_assert!(e.starts_with("mul: "), "{}", e);
                prop_assert!(x.ge(&y).is_err());
            }
        }
    }

    #[test]
    fn add_and_mul_commute(ops in operands()) {
        let (a, _) = ops.f64(0, half_integer_or_nan);
        let (b, _) = ops.f64(1, half_integer_or_nan);
        let ba = b.add(&a).unwrap();
        same("a+b = b+a", &a.add(&b).unwrap(), &Dense::new(ba.dims().to_vec(), ba.to_vec()));
        let ba = b.mul(&a).unwrap();
        same("a·b = b·a", &a.mul(&b).unwrap(), &Dense::new(ba.dims().to_vec(), ba.to_vec()));
    }

    #[test]
    fn add_is_associative(ops in operands()) {
        // Half-integers of this size add exactly, so associativity holds to the last bit.
        let (a, _) = ops.f64(0, half_integer);
        let (b, _) = ops.f64(1, half_integer);
        let (c, _) = ops.f64(2, half_integer);
        let left = a.add(&b).unwrap().add(&c).unwrap();
        let right = a.add(&b.add(&c).unwrap()).unwrap();
        same("(a+b)+c = a+(b+c)", &left, &Dense::new(right.dims().to_vec(), right.to_vec()));
    }

    #[test]
    fn one_and_zero_are_identities(ops in operands()) {
        let (a, da) = ops.f64(0, half_integer_or_nan);
        // Ones and zeros of a strided shape that broadcasts to a's shape, and the scalar 1.
        let (ones, _) = build(&ops.within, &ops.recipes[1], |_| 1.0);
        let (zeros, _) = build(&ops.within, &ops.recipes[2], |_| 0.0);
        same("a·1 = a", &a.mul(&ones).unwrap(), &da);
        same("1·a = a", &ones.mul(&a).unwrap(), &da);
        same("a+0 = a", &a.add(&zeros).unwrap(), &da);
        same("a·1 = a (scalar)", &a.mul(&Tensor::scalar(1.0)).unwrap(), &da);
        let zero = da.map(|v| if v.is_nan() { f64::NAN } else { 0.0 });
        same("a−a = 0", &a.sub(&a).unwrap(), &zero);
    }
}
