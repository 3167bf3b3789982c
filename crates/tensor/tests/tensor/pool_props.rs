//! Max, average and adaptive average pooling and their backward kernels against direct
//! nested-loop references written here, over random sizes, kernels, strides and padding
//! (non-contiguous inputs included); the average-pooling backward kernels as adjoints.

use proptest::prelude::*;
use scalpel_tensor::Tensor;

use crate::common::Values;

/// One random pooling window over a random input.
#[derive(Clone, Debug)]
struct Case {
    dims: [usize; 4],
    kernel: (usize, usize),
    stride: (usize, usize),
    padding: (usize, usize),
    strided: bool,
    seed: u64,
}

impl Case {
    fn out(&self) -> (usize, usize) {
        let [_, _, h, w] = self.dims;
        (
            (h + 2 * self.padding.0 - self.kernel.0) / self.stride.0 + 1,
            (w + 2 * self.padding.1 - self.kernel.1) / self.stride.1 + 1,
        )
    }
    /// Input rows and columns of window (y, x), padding excluded.
    fn window(&self, y: usize, x: usize) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
        let [_, _, h, w] = self.dims;
        let r0 = (y * self.stride.0) as isize - self.padding.0 as isize;
        let c0 = (x * self.stride.1) as isize - self.padding.1 as isize;
        let clip = |a: isize, len: usize| a.clamp(0, len as isize) as usize;
        (
            clip(r0, h)..clip(r0 + self.kernel.0 as isize, h),
            clip(c0, w)..clip(c0 + self.kernel.1 as isize, w),
        )
    }
}

fn case_strategy() -> impl Strategy<Value = Case> {
    (
        (1usize..=2, 1usize..=3),
        (1usize..=4, 1usize..=4, 1usize..=3, 1usize..=3),
        (0usize..=2, 0usize..=2, 0usize..=6, 0usize..=6),
        any::<bool>(),
        any::<u64>(),
    )
        .prop_map(
            |((n, c), (kh, kw, sh, sw), (ph, pw, eh, ew), strided, seed)| {
                let padding = (ph.min(kh / 2), pw.min(kw / 2));
                Case {
                    dims: [
                        n,
                        c,
                        (kh - 2 * padding.0).max(1) + eh,
                        (kw - 2 * padding.1).max(1) + ew,
                    ],
                    kernel: (kh, kw),
                    stride: (sh, sw),
                    padding,
                    strided,
                    seed,
                }
            },
        )
}

fn dot(a: &Tensor<f64>, b: &Tensor<f64>) -> f64 {
    a.to_vec().iter().zip(b.to_vec()).map(|(x, y)| x * y).sum()
}

fn assert_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (k, (a, b)) in got.iter().zip(want).enumerate() {
        assert!(
            (a - b).abs() <= 1e-12 * (1.0 + b.abs()),
            "{what}: element {k}: {a} != {b}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn max_pool2d_matches_direct_loop_and_points_at_the_maximum(case in case_strategy()) {
        let x = Values(case.seed).tensor(&case.dims, case.strided);
        let (y, idx) = x.max_pool2d(case.kernel, case.stride, case.padding).unwrap();
        let [n, c, h, w] = case.dims;
        let (oh, ow) = case.out();
        prop_assert_eq!(y.dims(), &[n, c, oh, ow]);
        prop_assert_eq!(idx.dims(), &[n, c, oh, ow]);
        let (xv, yv, iv) = (x.to_vec(), y.to_vec(), idx.to_vec());
        for p in 0..n * c {
            for yy in 0..oh {
                for xx in 0..ow {
                    let (rows, cols) = case.window(yy, xx);
                    let mut best = (f64::NEG_INFINITY, usize::MAX);
                    for r in rows {
                        for col in cols.clone() {
                            let v = xv[p * h * w + r * w + col];
                            if v > best.0 {
                                best = (v, r * w + col);
                            }
                        }
                    }
                    let k = (p * oh + yy) * ow + xx;
                    prop_assert_eq!(yv[k], best.0);
                    prop_assert_eq!(iv[k], best.1 as i64);
                }
            }
        }
    }

    #[test]
    fn max_pool2d_backward_routes_each_gradient_to_its_maximum(case in case_strategy()) {
        let mut v = Values(case.seed);
        let x = v.tensor(&case.dims, case.strided);
        let (y, idx) = x.max_pool2d(case.kernel, case.stride, case.padding).unwrap();
        let [n, c, h, w] = case.dims;
        let g = v.tensor(&[n, c, y.dims()[2], y.dims()[3]], case.strided);
        let dx = g.max_pool2d_backward(&idx, x.shape()).unwrap();
        let mut want = vec![0.0; n * c * h * w];
        let (gv, iv) = (g.to_vec(), idx.to_vec());
        let out_plane = y.dims()[2] * y.dims()[3];
        for (k, (&gk, &ik)) in gv.iter().zip(&iv).enumerate() {
            want[(k / out_plane) * h * w + ik as usize] += gk;
        }
        assert_close(&dx.to_vec(), &want, "max_pool2d_backward");
    }

    #[test]
    fn avg_pool2d_matches_direct_loop_in_both_padding_modes(
        case in case_strategy(),
        count_include_pad in any::<bool>(),
    ) {
        let x = Values(case.seed).tensor(&case.dims, case.strided);
        let y = x.avg_pool2d(case.kernel, case.stride, case.padding, count_include_pad).unwrap();
        let [n, c, h, w] = case.dims;
        let (oh, ow) = case.out();
        prop_assert_eq!(y.dims(), &[n, c, oh, ow]);
        let xv = x.to_vec();
        let mut want = Vec::new();
        for p in 0..n * c {
            for yy in 0..oh {
                for xx in 0..ow {
                    let (rows, cols) = case.window(yy, xx);
                    let count = if count_include_pad {
                        case.kernel.0 * case.kernel.1
                    } else {
                        rows.len() * cols.len()
                    };
                    let mut sum = 0.0;
                    for r in rows {
                        for col in cols.clone() {
                            sum += xv[p * h * w + r * w + col];
                        }
                    }
                    want.push(sum / count as f64);
                }
            }
        }
        assert_close(&y.to_vec(), &want, "avg_pool2d");
    }

    #[test]
    fn avg_pool2d_backward_is_its_adjoint(case in case_strategy(), count_include_pad in any::<bool>()) {
        // ⟨avg_pool2d(x), g⟩ = ⟨x, avg_pool2d_backward(g)⟩.
        let mut v = Values(case.seed);
        let x = v.tensor(&case.dims, case.strided);
        let y = x.avg_pool2d(case.kernel, case.stride, case.padding, count_include_pad).unwrap();
        let d = y.dims();
        let g = v.tensor(&[d[0], d[1], d[2], d[3]], case.strided);
        let dx = g
            .avg_pool2d_backward(x.shape(), case.kernel, case.stride, case.padding, count_include_pad)
            .unwrap();
        let (a, b) = (dot(&y, &g), dot(&x, &dx));
        prop_assert!((a - b).abs() <= 1e-10 * (1.0 + a.abs()), "{} != {}", a, b);
    }

    #[test]
    fn adaptive_avg_pool2d_matches_pytorch_bins_and_its_backward_is_the_adjoint(
        (n, c, h, w) in (1usize..=2, 1usize..=3, 1usize..=9, 1usize..=9),
        (oh, ow) in (1usize..=5, 1usize..=5),
        strided in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let mut v = Values(seed);
        let x = v.tensor(&[n, c, h, w], strided);
        let y = x.adaptive_avg_pool2d((oh, ow)).unwrap();
        prop_assert_eq!(y.dims(), &[n, c, oh, ow]);
        let xv = x.to_vec();
        let mut want = Vec::new();
        for p in 0..n * c {
            for yy in 0..oh {
                let rows = (yy * h / oh)..((yy + 1) * h).div_ceil(oh);
                for xx in 0..ow {
                    let cols = (xx * w / ow)..((xx + 1) * w).div_ceil(ow);
                    let count = (rows.len() * cols.len()) as f64;
                    let sum: f64 = rows
                        .clone()
                        .flat_map(|r| cols.clone().map(move |col| (r, col)))
                        .map(|(r, col)| xv[p * h * w + r * w + col])
                        .sum();
                    want.push(sum / count);
                }
            }
        }
        assert_close(&y.to_vec(), &want, "adaptive_avg_pool2d");
        let g = v.tensor(&[n, c, oh, ow], strided);
        let dx = g.adaptive_avg_pool2d_backward(x.shape()).unwrap();
        let (a, b) = (dot(&y, &g), dot(&x, &dx));
        prop_assert!((a - b).abs() <= 1e-10 * (1.0 + a.abs()), "{} != {}", a, b);
    }
}

#[test]
fn max_pool2d_padding_is_never_the_maximum() {
    // All-negative input: a zero padding would win, −∞ padding does not.
    let x = Tensor::from_vec(vec![-3.0f32, -1.0, -4.0, -2.0], [1, 1, 2, 2]).unwrap();
    let (y, idx) = x.max_pool2d((2, 2), (1, 1), (1, 1)).unwrap();
    assert_eq!(
        y.to_vec(),
        vec![-3.0, -1.0, -1.0, -3.0, -1.0, -1.0, -4.0, -2.0, -2.0]
    );
    assert_eq!(idx.to_vec(), vec![0, 1, 1, 0, 1, 1, 2, 3, 3]);
}

#[test]
fn max_pool2d_propagates_nan() {
    let x = Tensor::from_vec(vec![1.0f64, f64::NAN, 3.0, 2.0], [1, 1, 2, 2]).unwrap();
    let (y, idx) = x.max_pool2d((2, 2), (2, 2), (0, 0)).unwrap();
    assert!(y.to_vec()[0].is_nan());
    assert_eq!(idx.to_vec(), vec![1]);
}

#[test]
fn max_pool2d_2x2_fast_path_keeps_the_tie_and_nan_rule() {
    // Values from a small set, so that windows hold ties, NaNs and −∞; odd sizes leave a row
    // and a column out (floor mode); a transposed view checks strided inputs. In f64 and in
    // f32 (sixteen windows at a time on CPUs with AVX-512: rows of 1, 8, 17 and 35 windows
    // take full and partial groups).
    let pick = [f64::NEG_INFINITY, -1.0, 0.0, 1.0, f64::NAN];
    for (seed, dims) in [
        (1u64, [2usize, 3, 7, 9]),
        (2, [1, 2, 6, 6]),
        (3, [3, 1, 5, 2]),
        (4, [1, 2, 5, 71]),
        (5, [2, 1, 3, 34]),
        (6, [1, 3, 4, 16]),
    ] {
        for (strided, single) in [(false, false), (true, false), (false, true), (true, true)] {
            let mut v = Values(seed);
            let base = v.tensor(&dims, strided);
            let x = base.map(|u| pick[((u + 2.0) * 1.25) as usize % pick.len()]);
            let (y, idx) = if single {
                let (y, idx) = x.cast::<f32>().max_pool2d((2, 2), (2, 2), (0, 0)).unwrap();
                (y.cast::<f64>(), idx)
            } else {
                x.max_pool2d((2, 2), (2, 2), (0, 0)).unwrap()
            };
            let [n, c, h, w] = dims;
            let (oh, ow) = (h / 2, w / 2);
            assert_eq!(y.dims(), &[n, c, oh, ow]);
            let (xv, yv, iv) = (x.to_vec(), y.to_vec(), idx.to_vec());
            for p in 0..n * c {
                for yy in 0..oh {
                    for xx in 0..ow {
                        // PyTorch's loop: start at −∞ and the window's first place; a larger
                        // value or a NaN takes the place.
                        let mut best = (f64::NEG_INFINITY, 2 * yy * w + 2 * xx);
                        for r in 2 * yy..2 * yy + 2 {
                            for col in 2 * xx..2 * xx + 2 {
                                let val = xv[p * h * w + r * w + col];
                                if val > best.0 || val.is_nan() {
                                    best = (val, r * w + col);
                                }
                            }
                        }
                        let k = (p * oh + yy) * ow + xx;
                        assert_eq!(iv[k], best.1 as i64, "index of window {k}");
                        assert!(
                            yv[k] == best.0 || (yv[k].is_nan() && best.0.is_nan()),
                            "value of window {k}: {} != {}",
                            yv[k],
                            best.0
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn global_average_pooling_is_adaptive_pooling_to_one_by_one() {
    let x = Tensor::from_vec((0..24).map(f64::from).collect(), [2, 3, 2, 2]).unwrap();
    let y = x.adaptive_avg_pool2d((1, 1)).unwrap();
    assert_eq!(y.dims(), &[2, 3, 1, 1]);
    assert_eq!(y.to_vec(), vec![1.5, 5.5, 9.5, 13.5, 17.5, 21.5]);
}

#[test]
fn large_inputs_pool_in_parallel_like_small_ones() {
    // Above the parallel threshold each plane must pool exactly as it does alone.
    let x = Values(3).tensor(&[4, 8, 48, 40], true);
    let (y, idx) = x.max_pool2d((3, 3), (2, 2), (1, 1)).unwrap();
    let a = x.avg_pool2d((3, 3), (2, 2), (1, 1), false).unwrap();
    for p in [0usize, 13, 31] {
        let (n, c) = (p / 8, p % 8);
        let plane = x.narrow(0, n, 1).unwrap().narrow(1, c, 1).unwrap();
        let (yp, ip) = plane.max_pool2d((3, 3), (2, 2), (1, 1)).unwrap();
        let ap = plane.avg_pool2d((3, 3), (2, 2), (1, 1), false).unwrap();
        let pick = |t: &Tensor<f64>| t.narrow(0, n, 1).unwrap().narrow(1, c, 1).unwrap().to_vec();
        assert_eq!(pick(&y), yp.to_vec());
        assert_eq!(pick(&a), ap.to_vec());
        assert_eq!(
            idx.narrow(0, n, 1)
                .unwrap()
                .narrow(1, c, 1)
                .unwrap()
                .to_vec(),
            ip.to_vec()
        );
    }
}

#[test]
fn errors_name_the_op_and_the_problem() {
    let x = Tensor::<f32>::zeros([1, 1, 4, 4]);
    let msg = |e: scalpel_tensor::TensorError| e.to_string();
    assert_eq!(
        msg(x.max_pool2d((2, 2), (2, 2), (2, 0)).unwrap_err()),
        "max_pool2d: padding (2, 0) must be at most half the kernel (2, 2)"
    );
    assert_eq!(
        msg(x.avg_pool2d((5, 1), (1, 1), (0, 0), true).unwrap_err()),
        "avg_pool2d: shape [1, 1, 4, 4]: kernel (5, 1) is larger than the input padded by (0, 0)"
    );
    assert_eq!(
        msg(x.max_pool2d((2, 2), (0, 1), (0, 0)).unwrap_err()),
        "max_pool2d: kernel (2, 2) and stride (0, 1) must be positive"
    );
    let (y, idx) = x.max_pool2d((2, 2), (2, 2), (0, 0)).unwrap();
    let bad = Tensor::from_vec(vec![0i64, 3, 16, 5], [1, 1, 2, 2]).unwrap();
    assert_eq!(
        msg(y.max_pool2d_backward(&bad, [1, 1, 4, 4]).unwrap_err()),
        "max_pool2d_backward: index 16 is out of range for axis 2 of size 16 in shape [1, 1, 16]"
    );
    assert!(y.max_pool2d_backward(&idx, [1, 2, 4, 4]).is_err());
    assert_eq!(
        msg(y.avg_pool2d_backward([1, 1, 6, 6], (2, 2), (2, 2), (0, 0), true).unwrap_err()),
        "avg_pool2d_backward: [1, 1, 2, 2] and [1, 1, 3, 3]: the output gradient must have the pooling's output shape"
    );
    assert_eq!(
        msg(x.adaptive_avg_pool2d((0, 2)).unwrap_err()),
        "adaptive_avg_pool2d: output size (0, 2) must be positive"
    );
}
