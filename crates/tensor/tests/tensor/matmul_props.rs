//! `Tensor::matmul` against a naive triple-loop reference, over random sizes (0 and 1
//! included), operand layouts (transposed, narrowed, stepped, flipped, expanded, permuted batch)
//! and broadcast batch dimensions, in f64 with a tight tolerance and in f32 with a relative one.

use proptest::prelude::*;
use scalpel_tensor::ops::matmul::kernel::PARALLEL_FLOPS;
use scalpel_tensor::{Float, Tensor};

use crate::common::Values;

/// How an operand's view over its storage is made.
#[derive(Clone, Copy, Debug)]
enum View {
    Contiguous,
    /// The last two axes stored swapped, then transposed back (column-major matrices).
    Transposed,
    /// A window in the middle of a larger tensor along every axis.
    Narrowed,
    /// Every other element along every axis.
    Stepped,
    /// Every axis reversed (negative strides).
    Flipped,
    /// One axis stored with size 1 and expanded (stride 0).
    Expanded(usize),
    /// The first axis stored last, then permuted to the front.
    Permuted,
}

fn view_strategy() -> impl Strategy<Value = View> {
    prop_oneof![
        Just(View::Contiguous),
        Just(View::Transposed),
        Just(View::Narrowed),
        Just(View::Stepped),
        Just(View::Flipped),
        (0usize..4).prop_map(View::Expanded),
        Just(View::Permuted),
    ]
}

/// A tensor whose logical shape is `dims`, laid out as `view` says.
fn operand<T: Float>(dims: &[usize], view: View, values: &mut Values) -> Tensor<T> {
    let r = dims.len();
    match view {
        View::Transposed if r >= 2 => {
            let mut base = dims.to_vec();
            base.swap(r - 2, r - 1);
            values.tensor_of::<T>(&base).transpose(-2, -1).unwrap()
        }
        View::Narrowed => {
            let base: Vec<usize> = dims.iter().map(|d| d + 3).collect();
            let mut x = values.tensor_of::<T>(&base);
            for (ax, &d) in dims.iter().enumerate() {
                x = x.narrow(ax as isize, 1, d).unwrap();
            }
            x
        }
        View::Stepped => {
            let base: Vec<usize> = dims.iter().map(|d| 2 * d).collect();
            let mut x = values.tensor_of::<T>(&base);
            for (ax, &d) in dims.iter().enumerate() {
                x = x.slice(ax as isize, 0, 2 * d, 2).unwrap();
            }
            x
        }
        View::Flipped => {
            let axes: Vec<isize> = (0..r as isize).collect();
            values.tensor_of::<T>(dims).flip(&axes).unwrap()
        }
        View::Expanded(axis) if r > 0 => {
            let mut base = dims.to_vec();
            base[axis % r] = 1;
            values.tensor_of::<T>(&base).expand(dims).unwrap()
        }
        View::Permuted if r >= 2 => {
            let mut base = dims[1..].to_vec();
            base.push(dims[0]);
            let mut axes = vec![r as isize - 1];
            axes.extend(0..r as isize - 1);
            values.tensor_of::<T>(&base).permute(&axes).unwrap()
        }
        _ => values.tensor_of::<T>(dims),
    }
}

/// `torch.matmul` by definition: the result's dims, values, and for each value the sum of
/// |a_ik·b_kj| that bounds its rounding error.
fn reference(a: &[f64], ad: &[usize], b: &[f64], bd: &[usize]) -> (Vec<usize>, Vec<f64>, Vec<f64>) {
    let pa: Vec<usize> = if ad.len() == 1 {
        vec![1, ad[0]]
    } else {
        ad.to_vec()
    };
    let pb: Vec<usize> = if bd.len() == 1 {
        vec![bd[0], 1]
    } else {
        bd.to_vec()
    };
    let (m, k, n) = (pa[pa.len() - 2], pa[pa.len() - 1], pb[pb.len() - 1]);
    let (ba, bb) = (&pa[..pa.len() - 2], &pb[..pb.len() - 2]);
    let rank = ba.len().max(bb.len());
    let pad = |d: &[usize]| [vec![1; rank - d.len()], d.to_vec()].concat();
    let (ba, bb) = (pad(ba), pad(bb));
    let batch: Vec<usize> = ba
        .iter()
        .zip(&bb)
        .map(|(&x, &y)| x.max(y) * (x.min(y).min(1)))
        .collect();
    let count: usize = batch.iter().product();
    let mut out = Vec::new();
    let mut bound = Vec::new();
    for flat in 0..count {
        // Row-major batch index, then each operand's own batch offset (size-1 axes repeat).
        let (mut ia, mut ib, mut rest) = (0, 0, flat);
        let (mut sa, mut sb) = (1, 1);
        for d in (0..rank).rev() {
            let i = rest % batch[d];
            rest /= batch[d];
            ia += if ba[d] == 1 { 0 } else { i * sa };
            ib += if bb[d] == 1 { 0 } else { i * sb };
            sa *= ba[d];
            sb *= bb[d];
        }
        for i in 0..m {
            for j in 0..n {
                let (mut s, mut abs) = (0.0, 0.0);
                for p in 0..k {
                    let x = a[ia * m * k + i * k + p] * b[ib * k * n + p * n + j];
                    s += x;
                    abs += x.abs();
                }
                out.push(s);
                bound.push(abs);
            }
        }
    }
    let mut dims = batch;
    if ad.len() > 1 {
        dims.push(m);
    }
    if bd.len() > 1 {
        dims.push(n);
    }
    (dims, out, bound)
}

/// Checks `a.matmul(b)` against the reference within `tol`·Σ|a_ik·b_kj|.
fn check_against_reference<T: Float>(a: &Tensor<T>, b: &Tensor<T>, tol: f64) {
    let f64s = |t: &Tensor<T>| {
        t.to_vec()
            .iter()
            .map(|x| x.to_f64_lossy())
            .collect::<Vec<_>>()
    };
    let (dims, want, bound) = reference(&f64s(a), a.dims(), &f64s(b), b.dims());
    let got = a.matmul(b).unwrap();
    assert_eq!(
        got.dims(),
        dims.as_slice(),
        "{:?} x {:?}",
        a.dims(),
        b.dims()
    );
    for (i, ((g, w), e)) in f64s(&got).iter().zip(&want).zip(&bound).enumerate() {
        assert!(
            (g - w).abs() <= tol * e + 1e-300,
            "{:?} x {:?}: element {i}: {g} vs {w}",
            a.dims(),
            b.dims()
        );
    }
}

/// A matmul problem: shared batch dims, which of them each side keeps, m/k/n, vector flags.
#[derive(Debug, Clone)]
struct Case {
    a_dims: Vec<usize>,
    b_dims: Vec<usize>,
    a_view: View,
    b_view: View,
    seed: u64,
}

fn size() -> impl Strategy<Value = usize> {
    prop_oneof![6 => 0usize..6, 1 => 6usize..40]
}

fn batch_size() -> impl Strategy<Value = usize> {
    prop_oneof![1 => Just(0usize), 8 => 1usize..4]
}

prop_compose! {
    fn case()(
        batch in prop::collection::vec(batch_size(), 0..=3),
        a_keep in prop::collection::vec(any::<bool>(), 3),
        b_keep in prop::collection::vec(any::<bool>(), 3),
        a_rank in 0usize..=3,
        b_rank in 0usize..=3,
        (m, k, n) in (size(), size(), size()),
        (a_vec, b_vec) in (prop::bool::weighted(0.15), prop::bool::weighted(0.15)),
        a_view in view_strategy(),
        b_view in view_strategy(),
        seed in any::<u64>(),
    ) -> Case {
        // Each side keeps a suffix of the batch dims, with some of them broadcast as 1.
        let side = |rank: usize, keep: &[bool]| -> Vec<usize> {
            let r = rank.min(batch.len());
            batch[batch.len() - r..]
                .iter()
                .zip(keep)
                .map(|(&d, &k)| if k { d } else { 1 })
                .collect()
        };
        let a_dims = if a_vec { vec![k] } else { [side(a_rank, &a_keep), vec![m, k]].concat() };
        let b_dims = if b_vec { vec![k] } else { [side(b_rank, &b_keep), vec![k, n]].concat() };
        Case { a_dims, b_dims, a_view, b_view, seed }
    }
}

fn run_case<T: Float>(c: &Case, tol: f64) {
    let mut values = Values(c.seed);
    let a = operand::<T>(&c.a_dims, c.a_view, &mut values);
    let b = operand::<T>(&c.b_dims, c.b_view, &mut values);
    assert_eq!((a.dims(), b.dims()), (&c.a_dims[..], &c.b_dims[..]));
    check_against_reference(&a, &b, tol);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn matmul_f64_matches_triple_loop(c in case()) {
        run_case::<f64>(&c, 1e-13);
    }

    #[test]
    fn matmul_f32_matches_triple_loop_relatively(c in case()) {
        run_case::<f32>(&c, 1e-5);
    }

    #[test]
    fn inner_dimension_mismatch_names_both_shapes(
        m in 1usize..5, k in 1usize..5, extra in 1usize..4, n in 1usize..5, batch in 1usize..4,
    ) {
        let a = Tensor::<f32>::zeros([batch, m, k]);
        let b = Tensor::<f32>::zeros([k + extra, n]);
        prop_assert_eq!(
            a.matmul(&b).unwrap_err().to_string(),
            format!("matmul: [{batch}, {m}, {k}] and [{}, {n}]: inner dimensions {k} != {}",
                k + extra, k + extra)
        );
    }

    #[test]
    fn batch_mismatch_names_both_shapes(x in 2usize..5, dx in 1usize..3, k in 1usize..4) {
        let y = x + dx;
        let a = Tensor::<f64>::zeros([x, 2, k]);
        let b = Tensor::<f64>::zeros([1, y, k, 3]);
        prop_assert_eq!(
            a.matmul(&b).unwrap_err().to_string(),
            format!("matmul: [{x}, 2, {k}] and [1, {y}, {k}, 3]: \
                batch dimensions [{x}] and [1, {y}] do not broadcast")
        );
    }
}

#[test]
fn product_above_the_parallel_threshold_matches_reference() {
    // This one product is cut into one band per thread: along the rows of a transposed left
    // operand, else along the columns of a transposed right one (each only when that side has
    // 32 per thread and is at least a quarter of the other), else along the longer side. Every
    // choice is made below; no side is a multiple of the band rounding, so the last band is
    // short.
    let n = PARALLEL_FLOPS / (64 * 100) + 5;
    let mut values = Values(7);
    let x = operand::<f32>(&[64, 100], View::Contiguous, &mut values);
    let w = operand::<f32>(&[100, n], View::Transposed, &mut values);
    let tall = operand::<f32>(&[2 * n + 37, 100], View::Transposed, &mut values);
    let tall_plain = operand::<f32>(&[2 * n + 37, 100], View::Contiguous, &mut values);
    let square_t = operand::<f32>(&[100, 100], View::Transposed, &mut values);
    let short_t = operand::<f32>(&[72, 100], View::Transposed, &mut values);
    let short = operand::<f32>(&[72, 100], View::Contiguous, &mut values);
    let wide = PARALLEL_FLOPS / (72 * 100) + 5;
    let w_plain = operand::<f32>(&[100, wide], View::Contiguous, &mut values);
    let w_long = operand::<f32>(&[100, 4 * 72 + 5], View::Contiguous, &mut values);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    // Right operand transposed, wider than tall: columns.
    pool.install(|| check_against_reference(&x, &w, 1e-5));
    // Both transposed, taller than wide: rows.
    pool.install(|| check_against_reference(&tall, &w, 1e-5));
    // Right operand transposed, taller than wide (100 of 2·n + 37 rows): columns.
    pool.install(|| check_against_reference(&tall_plain, &square_t, 1e-5));
    // Left operand transposed, wider than tall (72 rows, 150 columns): rows.
    pool.install(|| check_against_reference(&short_t, &w_plain, 1e-5));
    // Left operand transposed but more than 4 times shorter than wide: columns.
    pool.install(|| check_against_reference(&short_t, &w_long, 1e-5));
    // Neither transposed, wider than tall: columns.
    pool.install(|| check_against_reference(&short, &w_plain, 1e-5));
}

#[test]
fn many_small_matrices_spread_over_threads_match_reference() {
    // Products below the threshold whose total is above it: one batch per task.
    let count = PARALLEL_FLOPS / (16 * 16 * 16) + 3;
    let mut values = Values(11);
    let a = operand::<f64>(&[count, 16, 16], View::Permuted, &mut values);
    let b = operand::<f64>(&[count, 16, 16], View::Stepped, &mut values);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    pool.install(|| check_against_reference(&a, &b, 1e-13));
}

#[test]
fn stack_times_shared_matrix_folds_into_one_product() {
    // Rows of the stack at one stride (9) even though each row is a window of 6.
    let mut values = Values(13);
    let a = values
        .tensor_of::<f64>(&[3, 4, 5, 9])
        .narrow(3, 1, 6)
        .unwrap();
    let w = operand::<f64>(&[6, 7], View::Flipped, &mut values);
    check_against_reference(&a, &w, 1e-13);
    let expanded = operand::<f64>(&[3, 4, 5, 6], View::Expanded(2), &mut values);
    check_against_reference(&expanded, &w, 1e-13);
}

#[test]
fn strict_forms_agree_with_matmul() {
    let mut values = Values(17);
    let a = values.tensor_of::<f64>(&[3, 4, 5]);
    let b = values.tensor_of::<f64>(&[3, 5, 2]);
    assert_eq!(a.bmm(&b).unwrap(), a.matmul(&b).unwrap());
    let (u, v) = (values.tensor_of::<f64>(&[4]), values.tensor_of::<f64>(&[3]));
    let outer = u.outer(&v).unwrap();
    assert_eq!(outer.dims(), &[4, 3]);
    for i in 0..4 {
        for j in 0..3 {
            let want = u.get(&[i]).unwrap() * v.get(&[j]).unwrap();
            assert_eq!(outer.get(&[i, j]).unwrap(), want);
        }
    }
}

#[test]
fn a_product_in_a_recycled_buffer_never_reads_its_old_values() {
    // A product is written into a buffer from the cache without being zeroed first: a tensor
    // of NaN of exactly the product's size, dropped just before, hands its buffer over (the test
    // checks that it did). Any read of the old values, even one multiplied by zero, would leave
    // NaN in the result. Shapes through gemm's paths: a row or a column vector result, depths 1
    // and 2, a large product split across threads, and a long thin one; sizes no other test
    // allocates, so that no other test takes the buffer in between.
    let mut values = Values(19);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    for (m, n, k) in [
        (1, 8201, 64),
        (8203, 1, 64),
        (64, 203, 1),
        (201, 65, 2),
        (97, 101, 3),
        (129, 255, 784),
        (4099, 17, 16),
    ] {
        let a = operand::<f32>(&[m, k], View::Contiguous, &mut values);
        let b = operand::<f32>(&[k, n], View::Transposed, &mut values);
        let f64s = |t: &Tensor<f32>| t.to_vec().iter().map(|&x| x as f64).collect::<Vec<_>>();
        let (_, want, bound) = reference(&f64s(&a), a.dims(), &f64s(&b), b.dims());
        let got = pool.install(|| {
            let nan = Tensor::full([m, n], f32::NAN);
            let buffer = nan.storage().as_ptr();
            drop(nan);
            let got = a.matmul(&b).unwrap();
            assert_eq!(
                got.storage().as_ptr(),
                buffer,
                "{m}x{k} · {k}x{n}: buffer not reused"
            );
            got
        });
        for (i, ((g, w), e)) in f64s(&got).iter().zip(&want).zip(&bound).enumerate() {
            assert!(
                (g - w).abs() <= 1e-5 * e + 1e-300,
                "{m}x{k} · {k}x{n}: element {i}: {g} vs {w}"
            );
        }
    }
}
