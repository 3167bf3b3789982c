//! Property tests of the zero-copy views: random chains of transpose, permute, narrow, strided
//! slice, flip, unsqueeze/squeeze, expand and select, checked element by element against a
//! dense model that copies through explicit index mapping; and reshape, view and contiguous,
//! which must preserve the logical (row-major) order of the elements.

use crate::common;

use common::{indices, numel, shape, Dense};
use proptest::prelude::*;
use scalpel_tensor::Tensor;

/// Largest element count a chain may reach through `expand`.
const MAX_NUMEL: usize = 4096;

/// One view step, as raw numbers interpreted against the current shape by [`apply`].
type Step = (u8, [u8; 6]);

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec((0u8..9, any::<[u8; 6]>()), 0..8)
}

/// Applies one step to the tensor and to its model. Steps that do not fit the current shape
/// (an axis of a 0-d tensor, an element count past [`MAX_NUMEL`]) are skipped; a squeeze of an
/// axis whose size is not 1 must fail and leaves both unchanged.
fn apply(t: Tensor<f64>, d: Dense<f64>, (kind, p): Step) -> (Tensor<f64>, Dense<f64>) {
    let r = d.shape.len();
    let p: [usize; 6] = p.map(usize::from);
    // An axis, given as a negative number when p[5] is odd.
    let axis = |k: usize, rank: usize| -> (usize, isize) {
        let a = k % rank;
        let given = if p[5] % 2 == 1 {
            a as isize - rank as isize
        } else {
            a as isize
        };
        (a, given)
    };
    if r == 0 && !matches!(kind, 5 | 7) {
        return (t, d);
    }
    match kind {
        0 => {
            let ((a, ga), (b, _)) = (axis(p[0], r), axis(p[1], r));
            let mut perm: Vec<usize> = (0..r).collect();
            perm.swap(a, b);
            (t.transpose(ga, b as isize).unwrap(), d.permute(&perm))
        }
        1 => {
            let mut perm: Vec<usize> = (0..r).collect();
            perm.sort_by_key(|&i| (p[i], i));
            let given: Vec<isize> = perm.iter().map(|&i| i as isize).collect();
            (t.permute(&given).unwrap(), d.permute(&perm))
        }
        2 => {
            let (a, ga) = axis(p[0], r);
            let n = d.shape[a];
            let start = p[1] % (n + 1);
            let len = p[2] % (n - start + 1);
            (
                t.narrow(ga, start, len).unwrap(),
                d.slice(a, start, start + len, 1),
            )
        }
        3 => {
            let (a, ga) = axis(p[0], r);
            let n = d.shape[a];
            // Either end may pass the dimension, and `start` may pass `end`: both are clamped,
            // as in Python.
            let (start, end, step) = (p[1] % (n + 3), p[2] % (n + 3), 1 + p[3] % 3);
            (
                t.slice(ga, start, end, step).unwrap(),
                d.slice(a, start, end, step),
            )
        }
        4 => {
            let axes: Vec<usize> = (0..r).filter(|a| p[0] >> a & 1 == 1).collect();
            let given: Vec<isize> = axes.iter().map(|&a| a as isize).collect();
            let flipped = axes.iter().fold(d, |d, &a| d.flip(a));
            (t.flip(&given).unwrap(), flipped)
        }
        5 if r < 5 => {
            let (a, ga) = axis(p[0], r + 1);
            (t.unsqueeze(ga).unwrap(), d.unsqueeze(a))
        }
        6 => {
            let (a, ga) = axis(p[0], r);
            if d.shape[a] == 1 {
                (t.squeeze(ga).unwrap(), d.squeeze(a))
            } else {
                assert!(t.squeeze(ga).is_err(), "squeeze of size {}", d.shape[a]);
                (t, d)
            }
        }
        7 => {
            let mut target: Vec<usize> = d
                .shape
                .iter()
                .enumerate()
                .map(|(i, &s)| if s == 1 { 1 + p[i % 5] % 3 } else { s })
                .collect();
            if r < 5 && p[5] % 2 == 1 {
                target.insert(0, 1 + p[4] % 3);
            }
            if numel(&target) > MAX_NUMEL {
                return (t, d);
            }
            (t.expand(target.clone()).unwrap(), d.broadcast(&target))
        }
        8 => {
            let (a, ga) = axis(p[0], r);
            let n = d.shape[a];
            if n == 0 {
                assert!(t.select(ga, 0).is_err());
                return (t, d);
            }
            let i = p[1] % n;
            (t.select(ga, i).unwrap(), d.select(a, i))
        }
        _ => (t, d),
    }
}

/// A base tensor whose storage holds 0, 1, 2, … (every element distinct, so any wrong index
/// shows), a chain of views of it, and the chain's model.
fn chain(base_shape: &[usize], steps: &[Step]) -> (Tensor<f64>, Tensor<f64>, Dense<f64>) {
    let data: Vec<f64> = (0..numel(base_shape)).map(|k| k as f64).collect();
    let base = Tensor::from_vec(data.clone(), base_shape.to_vec()).unwrap();
    let model = Dense::new(base_shape.to_vec(), data);
    let (t, d) = steps
        .iter()
        .fold((base.clone(), model), |(t, d), &s| apply(t, d, s));
    (base, t, d)
}

/// A shape with `n` elements, split into up to four factors chosen by `picks`.
fn factor_shape(n: usize, picks: [u8; 3]) -> Vec<usize> {
    if n == 0 {
        return vec![picks[0] as usize % 3, 0, picks[1] as usize % 2 + 1];
    }
    let mut dims = Vec::new();
    let mut rest = n;
    for &b in &picks {
        let divisors: Vec<usize> = (1..=rest).filter(|k| rest.is_multiple_of(*k)).collect();
        let d = divisors[b as usize % divisors.len()];
        dims.push(d);
        rest /= d;
    }
    dims.push(rest);
    dims
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn view_chains_match_the_index_mapping_model(base in shape(4, 5), steps in steps()) {
        let (base, t, d) = chain(&base, &steps);
        prop_assert_eq!(t.dims(), &d.shape[..]);
        prop_assert_eq!(t.numel(), d.data.len());
        prop_assert_eq!(t.to_vec(), d.data.clone());
        // Element access through the strides alone, independent of the row walker.
        for idx in indices(&d.shape) {
            prop_assert_eq!(t.get(&idx).unwrap(), d.at(&idx));
        }
        prop_assert!(t.shares_storage_with(&base), "a view copied its storage");
    }

    #[test]
    fn contiguous_copies_only_when_needed_and_keeps_the_order(base in shape(4, 5), steps in steps()) {
        let (_, t, d) = chain(&base, &steps);
        let c = t.contiguous();
        prop_assert!(c.is_contiguous());
        prop_assert_eq!(c.dims(), t.dims());
        prop_assert_eq!(c.to_vec(), d.data.clone());
        prop_assert_eq!(c.shares_storage_with(&t), t.is_contiguous());
        if let Some(s) = t.as_slice() {
            prop_assert_eq!(s, &d.data[..]);
        }
    }

    #[test]
    fn reshape_and_view_keep_the_row_major_order(
        base in shape(4, 5), steps in steps(), picks in any::<[u8; 3]>(), minus in 0usize..4,
    ) {
        let (_, t, d) = chain(&base, &steps);
        let target = factor_shape(d.data.len(), picks);
        let r = t.reshape(target.clone()).unwrap();
        prop_assert_eq!(r.dims(), &target[..]);
        prop_assert_eq!(r.to_vec(), d.data.clone());
        prop_assert_eq!(t.reshape([d.data.len()]).unwrap().to_vec(), d.data.clone());
        if !target.contains(&0) {
            let mut inferred: Vec<isize> = target.iter().map(|&k| k as isize).collect();
            inferred[minus] = -1;
            let shaped = t.reshape_infer(&inferred).unwrap();
            prop_assert_eq!(shaped.dims(), &target[..]);
        }
        match t.view(target.clone()) {
            Ok(v) => {
                prop_assert!(v.shares_storage_with(&t), "view copied");
                prop_assert_eq!(v.dims(), &target[..]);
                prop_assert_eq!(v.to_vec(), d.data.clone());
            }
            Err(e) => prop_assert!(!t.is_contiguous(), "view of a contiguous tensor failed: {}", e),
        }
        prop_assert!(t.reshape([d.data.len() + 1]).is_err());
    }

    #[test]
    fn view_to_the_same_shape_or_with_a_new_unit_axis_always_succeeds(
        base in shape(4, 5), steps in steps(), at in any::<u8>(),
    ) {
        let (_, t, d) = chain(&base, &steps);
        prop_assume!(!d.data.is_empty());
        let same = t.view(t.shape().clone()).unwrap();
        prop_assert!(same.shares_storage_with(&t));
        prop_assert_eq!(same.to_vec(), d.data.clone());
        let mut unit = d.shape.clone();
        unit.insert(at as usize % (unit.len() + 1), 1);
        let u = t.view(unit.clone()).unwrap();
        prop_assert_eq!(u.dims(), &unit[..]);
        prop_assert_eq!(u.to_vec(), d.data.clone());
    }
}

#[test]
fn transposed_matrices_copy_out_in_row_major_order() {
    // Sizes around the 32-wide copy tiles, whole and narrowed (an offset and a column stride
    // larger than the row count).
    for (rows, cols) in [(2, 2), (5, 3), (31, 33), (64, 32), (70, 45), (1, 9), (9, 1)] {
        let data: Vec<f64> = (0..rows * cols).map(|v| v as f64).collect();
        let m = Tensor::from_vec(data, [rows, cols]).unwrap();
        let views = [
            m.t(),
            m.narrow(1, cols / 3, cols - cols / 3)
                .unwrap()
                .narrow(0, rows / 4, rows - rows / 4)
                .unwrap()
                .t(),
        ];
        for t in views {
            let (r, c) = (t.dims()[0], t.dims()[1]);
            let want: Vec<f64> = (0..r * c)
                .map(|k| t.get(&[k / c, k % c]).unwrap())
                .collect();
            assert_eq!(t.to_vec(), want, "{rows}x{cols} as {:?}", t.strides());
        }
    }
}
