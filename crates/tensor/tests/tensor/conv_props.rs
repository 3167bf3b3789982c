//! conv2d, conv1d, both conv2d backward kernels and conv_transpose2d against direct nested-loop
//! references written here, over random batch, channels, sizes, kernels, stride, padding,
//! dilation and groups (non-square and non-contiguous operands included); the backward kernels
//! and col2im as adjoints; and the fast paths (pointwise 1×1, batch-parallel) against the
//! general path.

use proptest::prelude::*;
use scalpel_tensor::ops::conv::{Conv1dParams, Conv2dParams, ConvTranspose2dParams};
use scalpel_tensor::Tensor;

use crate::common::Values;

/// One random convolution: shapes, parameters and the seed of its values.
#[derive(Clone, Debug)]
struct Case {
    n: usize,
    c: usize,
    h: usize,
    w: usize,
    o: usize,
    kh: usize,
    kw: usize,
    p: Conv2dParams,
    bias: bool,
    strided: bool,
    seed: u64,
}

impl Case {
    fn oh(&self) -> usize {
        (self.h + 2 * self.p.padding.0 - self.p.dilation.0 * (self.kh - 1) - 1) / self.p.stride.0
            + 1
    }
    fn ow(&self) -> usize {
        (self.w + 2 * self.p.padding.1 - self.p.dilation.1 * (self.kw - 1) - 1) / self.p.stride.1
            + 1
    }
    fn input_dims(&self) -> [usize; 4] {
        [self.n, self.c, self.h, self.w]
    }
    fn weight_dims(&self) -> [usize; 4] {
        [self.o, self.c / self.p.groups, self.kh, self.kw]
    }
    fn output_dims(&self) -> [usize; 4] {
        [self.n, self.o, self.oh(), self.ow()]
    }
}

/// Length of an input axis on which a kernel of `k` taps with dilation `d` and padding `p` fits,
/// plus `extra`.
fn fitting(k: usize, d: usize, p: usize, extra: usize) -> usize {
    (d * (k - 1) + 1).saturating_sub(2 * p).max(1) + extra
}

fn case_strategy() -> impl Strategy<Value = Case> {
    (
        (1usize..=3, 1usize..=3, 1usize..=3, 1usize..=3),
        (1usize..=4, 1usize..=4, 1usize..=3, 1usize..=3),
        (0usize..=2, 0usize..=2, 1usize..=2, 1usize..=2),
        (
            0usize..=5,
            0usize..=5,
            any::<bool>(),
            any::<bool>(),
            any::<u64>(),
        ),
    )
        .prop_map(
            |(
                (n, groups, cg, og),
                (kh, kw, sh, sw),
                (ph, pw, dh, dw),
                (eh, ew, bias, strided, seed),
            )| {
                Case {
                    n,
                    c: cg * groups,
                    h: fitting(kh, dh, ph, eh),
                    w: fitting(kw, dw, pw, ew),
                    o: og * groups,
                    kh,
                    kw,
                    p: Conv2dParams {
                        stride: (sh, sw),
                        padding: (ph, pw),
                        dilation: (dh, dw),
                        groups,
                    },
                    bias,
                    strided,
                    seed,
                }
            },
        )
}

/// Row-major index of a 4-D position.
fn at(d: [usize; 4], i: [usize; 4]) -> usize {
    ((i[0] * d[1] + i[1]) * d[2] + i[2]) * d[3] + i[3]
}

/// Calls `f(n, o, y, x, c, i, j, ih, iw)` for every (output position, input channel of its
/// group, kernel tap) pair of the convolution whose tap reads a real (non-padding) input.
fn for_each_tap(case: &Case, mut f: impl FnMut([usize; 4], [usize; 4], [usize; 4])) {
    let (og, cg) = (case.o / case.p.groups, case.c / case.p.groups);
    let (s, pd, d) = (case.p.stride, case.p.padding, case.p.dilation);
    for n in 0..case.n {
        for o in 0..case.o {
            let group = o / og;
            for y in 0..case.oh() {
                for x in 0..case.ow() {
                    for cl in 0..cg {
                        for i in 0..case.kh {
                            for j in 0..case.kw {
                                let ih = (y * s.0 + i * d.0) as isize - pd.0 as isize;
                                let iw = (x * s.1 + j * d.1) as isize - pd.1 as isize;
                                if ih < 0
                                    || iw < 0
                                    || ih >= case.h as isize
                                    || iw >= case.w as isize
                                {
                                    continue;
                                }
                                let c = group * cg + cl;
                                f(
                                    [n, o, y, x],
                                    [n, c, ih as usize, iw as usize],
                                    [o, cl, i, j],
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Direct conv2d: `out[n,o,y,x] = b[o] + Σ w[o,cl,i,j]·x[n, g·cg+cl, y·s−p+i·d, x·s−p+j·d]`.
fn reference_conv2d(case: &Case, x: &[f64], w: &[f64], b: Option<&[f64]>) -> Vec<f64> {
    let od = case.output_dims();
    let mut out = vec![0.0; od.iter().product()];
    if let Some(b) = b {
        for (k, v) in out.iter_mut().enumerate() {
            *v = b[(k / (od[2] * od[3])) % od[1]];
        }
    }
    for_each_tap(case, |oi, xi, wi| {
        out[at(od, oi)] += w[at(case.weight_dims(), wi)] * x[at(case.input_dims(), xi)];
    });
    out
}

/// Direct input gradient: each tap sends `w · g` back to the input it read.
fn reference_backward_input(case: &Case, g: &[f64], w: &[f64]) -> Vec<f64> {
    let mut dx = vec![0.0; case.input_dims().iter().product()];
    for_each_tap(case, |oi, xi, wi| {
        dx[at(case.input_dims(), xi)] +=
            w[at(case.weight_dims(), wi)] * g[at(case.output_dims(), oi)];
    });
    dx
}

/// Direct weight gradient: each tap sends `x · g` to its weight.
fn reference_backward_weight(case: &Case, x: &[f64], g: &[f64]) -> Vec<f64> {
    let mut dw = vec![0.0; case.weight_dims().iter().product()];
    for_each_tap(case, |oi, xi, wi| {
        dw[at(case.weight_dims(), wi)] +=
            x[at(case.input_dims(), xi)] * g[at(case.output_dims(), oi)];
    });
    dw
}

fn assert_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (k, (a, b)) in got.iter().zip(want).enumerate() {
        assert!(
            (a - b).abs() <= 1e-10 * (1.0 + b.abs()),
            "{what}: element {k}: {a} != {b}"
        );
    }
}

fn dot(a: &Tensor<f64>, b: &Tensor<f64>) -> f64 {
    a.to_vec().iter().zip(b.to_vec()).map(|(x, y)| x * y).sum()
}

/// The operands of a case: input, weight, optional bias, output gradient.
fn operands(case: &Case) -> (Tensor<f64>, Tensor<f64>, Option<Tensor<f64>>, Tensor<f64>) {
    let mut v = Values(case.seed);
    let x = v.tensor(&case.input_dims(), case.strided);
    let w = v.tensor(&case.weight_dims(), case.strided);
    let b = case.bias.then(|| Tensor::from_vec1(v.vec(case.o)));
    let g = v.tensor(&case.output_dims(), case.strided);
    (x, w, b, g)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn conv2d_matches_direct_loop(case in case_strategy()) {
        let (x, w, b, _) = operands(&case);
        let y = x.conv2d(&w, b.as_ref(), case.p).unwrap();
        prop_assert_eq!(y.dims(), &case.output_dims());
        let bias = b.as_ref().map(|b| b.to_vec());
        let want = reference_conv2d(&case, &x.to_vec(), &w.to_vec(), bias.as_deref());
        assert_close(&y.to_vec(), &want, "conv2d");
    }

    #[test]
    fn conv2d_backward_input_matches_direct_loop(case in case_strategy()) {
        let (x, w, _, g) = operands(&case);
        let dx = g.conv2d_backward_input(&w, x.shape(), case.p).unwrap();
        prop_assert_eq!(dx.dims(), x.dims());
        assert_close(&dx.to_vec(), &reference_backward_input(&case, &g.to_vec(), &w.to_vec()), "dx");
    }

    #[test]
    fn conv2d_backward_weight_matches_direct_loop(case in case_strategy()) {
        let (x, w, _, g) = operands(&case);
        let dw = x.conv2d_backward_weight(&g, w.shape(), case.p).unwrap();
        prop_assert_eq!(dw.dims(), w.dims());
        assert_close(&dw.to_vec(), &reference_backward_weight(&case, &x.to_vec(), &g.to_vec()), "dw");
    }

    #[test]
    fn conv2d_backward_bias_sums_each_channel(case in case_strategy()) {
        let (_, _, _, g) = operands(&case);
        let db = g.conv2d_backward_bias().unwrap();
        let gv = g.to_vec();
        let plane = case.oh() * case.ow();
        let want: Vec<f64> = (0..case.o)
            .map(|o| (0..case.n).map(|n| gv[(n * case.o + o) * plane..][..plane].iter().sum::<f64>()).sum())
            .collect();
        assert_close(&db.to_vec(), &want, "db");
    }

    #[test]
    fn backward_kernels_are_adjoints_of_conv2d(case in case_strategy()) {
        // ⟨conv2d(x, w), g⟩ = ⟨x, backward_input(g, w)⟩ = ⟨w, backward_weight(x, g)⟩.
        let (x, w, _, g) = operands(&case);
        let y = x.conv2d(&w, None, case.p).unwrap();
        let dx = g.conv2d_backward_input(&w, x.shape(), case.p).unwrap();
        let dw = x.conv2d_backward_weight(&g, w.shape(), case.p).unwrap();
        let (a, b, c) = (dot(&y, &g), dot(&x, &dx), dot(&w, &dw));
        prop_assert!((a - b).abs() <= 1e-9 * (1.0 + a.abs()), "{} != {}", a, b);
        prop_assert!((a - c).abs() <= 1e-9 * (1.0 + a.abs()), "{} != {}", a, c);
    }

    #[test]
    fn col2im_is_the_adjoint_of_im2col(case in case_strategy()) {
        let (x, _, _, _) = operands(&case);
        let k = (case.kh, case.kw);
        let cols = x.im2col(k, case.p).unwrap();
        prop_assert_eq!(cols.dims(), &[case.n, case.c * case.kh * case.kw, case.oh() * case.ow()]);
        let y = Values(case.seed ^ 1).tensor(cols.dims(), case.strided);
        let back = y.col2im(x.shape(), k, case.p).unwrap();
        let (a, b) = (dot(&cols, &y), dot(&x, &back));
        prop_assert!((a - b).abs() <= 1e-9 * (1.0 + a.abs()), "{} != {}", a, b);
    }

    #[test]
    fn conv1d_matches_direct_loop(case in case_strategy()) {
        // The case's width axis is the 1-D length.
        let case = Case { h: 1, kh: 1, p: Conv2dParams { stride: (1, case.p.stride.1), padding: (0, case.p.padding.1), dilation: (1, case.p.dilation.1), ..case.p }, ..case };
        let (x, w, b, _) = operands(&case);
        let x1 = x.squeeze(2).unwrap();
        let w1 = w.squeeze(2).unwrap();
        let p = Conv1dParams { stride: case.p.stride.1, padding: case.p.padding.1, dilation: case.p.dilation.1, groups: case.p.groups };
        let y = x1.conv1d(&w1, b.as_ref(), p).unwrap();
        prop_assert_eq!(y.dims(), &[case.n, case.o, case.ow()]);
        let bias = b.as_ref().map(|b| b.to_vec());
        assert_close(&y.to_vec(), &reference_conv2d(&case, &x.to_vec(), &w.to_vec(), bias.as_deref()), "conv1d");
    }

    #[test]
    fn conv_transpose2d_matches_direct_loop(
        case in case_strategy(),
        oph in 0usize..=2,
        opw in 0usize..=2,
    ) {
        // The transposed convolution maps the case's output space back to its input space (with
        // output padding); its weight is (C_in = case.o, C_out / groups = case.c / groups, kH, kW).
        let (s, d) = (case.p.stride, case.p.dilation);
        let op = (oph % s.0.max(d.0), opw % s.1.max(d.1));
        let (_, w, _, g) = operands(&case);
        let groups = case.p.groups;
        let bias = case.bias.then(|| Tensor::from_vec1(Values(case.seed ^ 2).vec(case.c)));
        let p = ConvTranspose2dParams { stride: s, padding: case.p.padding, output_padding: op, dilation: d, groups };
        let (hin, win) = (case.oh(), case.ow());
        let out_h = ((hin - 1) * s.0 + d.0 * (case.kh - 1) + op.0 + 1) as isize - 2 * case.p.padding.0 as isize;
        let out_w = ((win - 1) * s.1 + d.1 * (case.kw - 1) + op.1 + 1) as isize - 2 * case.p.padding.1 as isize;
        let result = g.conv_transpose2d(&w, bias.as_ref(), p);
        if out_h <= 0 || out_w <= 0 {
            prop_assert!(result.unwrap_err().to_string().contains("gives an empty output"));
            return Ok(());
        }
        let y = result.unwrap();
        let (out_h, out_w) = (out_h as usize, out_w as usize);
        let od = [case.n, case.c, out_h, out_w];
        prop_assert_eq!(y.dims(), &od);
        // Direct scatter: in[n, ci, y, x] · w[ci, co, i, j] lands on out[n, g·cog + co, y·s − p + i·d, x·s − p + j·d].
        let (gv, wv) = (g.to_vec(), w.to_vec());
        let (cig, cog) = (case.o / groups, case.c / groups);
        let mut want = vec![0.0; od.iter().product()];
        if let Some(b) = &bias {
            let b = b.to_vec();
            for (k, v) in want.iter_mut().enumerate() {
                *v = b[(k / (out_h * out_w)) % case.c];
            }
        }
        for n in 0..case.n {
            for ci in 0..case.o {
                let grp = ci / cig;
                for yy in 0..hin {
                    for xx in 0..win {
                        for co in 0..cog {
                            for i in 0..case.kh {
                                for j in 0..case.kw {
                                    let oy = (yy * s.0 + i * d.0) as isize - case.p.padding.0 as isize;
                                    let ox = (xx * s.1 + j * d.1) as isize - case.p.padding.1 as isize;
                                    if oy < 0 || ox < 0 || oy >= out_h as isize || ox >= out_w as isize {
                                        continue;
                                    }
                                    want[at(od, [n, grp * cog + co, oy as usize, ox as usize])] +=
                                        gv[at([case.n, case.o, hin, win], [n, ci, yy, xx])]
                                            * wv[at(case.weight_dims(), [ci, co, i, j])];
                                }
                            }
                        }
                    }
                }
            }
        }
        assert_close(&y.to_vec(), &want, "conv_transpose2d");
    }

    #[test]
    fn pointwise_fast_path_matches_general_path(
        (n, groups, cg, og) in (1usize..=3, 1usize..=3, 1usize..=4, 1usize..=4),
        (h, w) in (1usize..=7, 1usize..=7),
        seed in any::<u64>(),
    ) {
        // A 1×1 convolution padded by one runs the general im2col path; its centre must equal
        // the unpadded (pointwise, no im2col) convolution, and likewise for both gradients.
        let (c, o) = (cg * groups, og * groups);
        let mut v = Values(seed);
        let x = v.tensor(&[n, c, h, w], false);
        let wt = v.tensor(&[o, cg, 1, 1], false);
        let g = v.tensor(&[n, o, h, w], false);
        let fast = Conv2dParams { groups, ..Default::default() };
        let general = Conv2dParams { padding: (1, 1), ..fast };
        let centre = |t: &Tensor<f64>| t.narrow(2, 1, h).unwrap().narrow(3, 1, w).unwrap();
        let y_fast = x.conv2d(&wt, None, fast).unwrap();
        let y_general = x.conv2d(&wt, None, general).unwrap();
        assert_close(&y_fast.to_vec(), &centre(&y_general).to_vec(), "forward");
        // The padded convolution's gradient: g in the centre, zeros on the border.
        let mut padded = vec![0.0; n * o * (h + 2) * (w + 2)];
        let gv = g.to_vec();
        for p in 0..n * o {
            for yy in 0..h {
                for xx in 0..w {
                    padded[(p * (h + 2) + yy + 1) * (w + 2) + xx + 1] = gv[(p * h + yy) * w + xx];
                }
            }
        }
        let g_padded = Tensor::from_vec(padded, [n, o, h + 2, w + 2]).unwrap();
        let dx_fast = g.conv2d_backward_input(&wt, x.shape(), fast).unwrap();
        let dx_general = g_padded.conv2d_backward_input(&wt, x.shape(), general).unwrap();
        assert_close(&dx_fast.to_vec(), &dx_general.to_vec(), "backward input");
        let dw_fast = x.conv2d_backward_weight(&g, wt.shape(), fast).unwrap();
        let dw_general = x.conv2d_backward_weight(&g_padded, wt.shape(), general).unwrap();
        assert_close(&dw_fast.to_vec(), &dw_general.to_vec(), "backward weight");
    }
}

/// Cases with rows wide enough (over 256 output columns between a few rows) that the kernels
/// process each image in several bands of output rows.
fn wide_case_strategy() -> impl Strategy<Value = Case> {
    (case_strategy(), 130usize..300, 3usize..8).prop_map(|(case, w, extra_h)| Case {
        n: case.n.min(2),
        w: fitting(case.kw, case.p.dilation.1, case.p.padding.1, w),
        h: fitting(case.kh, case.p.dilation.0, case.p.padding.0, extra_h),
        ..case
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn banded_kernels_match_direct_loops_on_wide_images(case in wide_case_strategy()) {
        let (x, w, b, g) = operands(&case);
        let bias = b.as_ref().map(|b| b.to_vec());
        let y = x.conv2d(&w, b.as_ref(), case.p).unwrap();
        assert_close(&y.to_vec(), &reference_conv2d(&case, &x.to_vec(), &w.to_vec(), bias.as_deref()), "conv2d");
        let dx = g.conv2d_backward_input(&w, x.shape(), case.p).unwrap();
        assert_close(&dx.to_vec(), &reference_backward_input(&case, &g.to_vec(), &w.to_vec()), "dx");
        let dw = x.conv2d_backward_weight(&g, w.shape(), case.p).unwrap();
        assert_close(&dw.to_vec(), &reference_backward_weight(&case, &x.to_vec(), &g.to_vec()), "dw");
    }
}

/// Unit strides with the padding that keeps the width (`2·pw = dw·(kw − 1)`), where im2col
/// copies a band's rows as one run of the input plane: odd kernels 1 to 7 wide, dilation 1 or
/// 2, any vertical kernel, padding and dilation, narrow and wide images (one band or several).
fn same_width_case_strategy() -> impl Strategy<Value = Case> {
    (
        case_strategy(),
        0usize..=3,
        1usize..=2,
        any::<bool>(),
        1usize..200,
    )
        .prop_map(|(case, half, dw, wide, width)| {
            let (kw, pw) = (2 * half + 1, half * dw);
            let w = if wide { width.max(130) } else { width.min(12) };
            Case {
                kw,
                w,
                p: Conv2dParams {
                    stride: (1, 1),
                    padding: (case.p.padding.0, pw),
                    dilation: (case.p.dilation.0, dw),
                    ..case.p
                },
                ..case
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn same_width_im2col_runs_match_direct_loops(case in same_width_case_strategy()) {
        let (x, w, b, g) = operands(&case);
        prop_assert_eq!(case.ow(), case.w);
        let bias = b.as_ref().map(|b| b.to_vec());
        let y = x.conv2d(&w, b.as_ref(), case.p).unwrap();
        assert_close(&y.to_vec(), &reference_conv2d(&case, &x.to_vec(), &w.to_vec(), bias.as_deref()), "conv2d");
        let dw = x.conv2d_backward_weight(&g, w.shape(), case.p).unwrap();
        assert_close(&dw.to_vec(), &reference_backward_weight(&case, &x.to_vec(), &g.to_vec()), "dw");
    }
}

/// 3×3 convolutions with stride 1 and enough channels for the Winograd fast paths, over odd and
/// even, square and non-square sizes and every padding up to 3 (the input gradient's fast paths
/// take paddings up to 2, the forward ones any): outputs from 1 to 36 wide, so
/// both F(2×2, 3×3) and F(4×4, 3×3) (from 16×16), with 4×4 tiles that overhang the output by
/// 0 to 3 rows and columns.
fn winograd_case_strategy() -> impl Strategy<Value = Case> {
    (
        (1usize..=2, 16usize..=19, 16usize..=19),
        (0usize..=3, 0usize..=3, 0usize..=35, 0usize..=35),
        (any::<bool>(), any::<bool>(), any::<u64>()),
    )
        .prop_map(
            |((n, c, o), (ph, pw, eh, ew), (bias, strided, seed))| Case {
                n,
                c,
                h: fitting(3, 1, ph, eh + 1),
                w: fitting(3, 1, pw, ew + 1),
                o,
                kh: 3,
                kw: 3,
                p: Conv2dParams {
                    padding: (ph, pw),
                    ..Default::default()
                },
                bias,
                strided,
                seed,
            },
        )
}

/// `w` (`o × c × 3 × 3`) inside a ring of zeros (`o × c × 5 × 5`): the same convolution with one
/// more padding, but a kernel that only the general im2col path computes.
fn zero_ring(w: &Tensor<f64>) -> Tensor<f64> {
    let d = w.dims();
    let wv = w.to_vec();
    let mut out = vec![0.0; d[0] * d[1] * 25];
    for p in 0..d[0] * d[1] {
        for i in 0..3 {
            for j in 0..3 {
                out[p * 25 + (i + 1) * 5 + j + 1] = wv[p * 9 + i * 3 + j];
            }
        }
    }
    Tensor::from_vec(out, [d[0], d[1], 5, 5]).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn winograd_fast_path_matches_direct_loop_and_general_path(case in winograd_case_strategy()) {
        let (x, w, b, g) = operands(&case);
        let bias = b.as_ref().map(|b| b.to_vec());
        let y = x.conv2d(&w, b.as_ref(), case.p).unwrap();
        assert_close(&y.to_vec(), &reference_conv2d(&case, &x.to_vec(), &w.to_vec(), bias.as_deref()), "conv2d");
        let ring = zero_ring(&w);
        let general = Conv2dParams { padding: (case.p.padding.0 + 1, case.p.padding.1 + 1), ..case.p };
        assert_close(&y.to_vec(), &x.conv2d(&ring, b.as_ref(), general).unwrap().to_vec(), "general conv2d");
        let dx = g.conv2d_backward_input(&w, x.shape(), case.p).unwrap();
        assert_close(&dx.to_vec(), &reference_backward_input(&case, &g.to_vec(), &w.to_vec()), "dx");
        let dx_general = g.conv2d_backward_input(&ring, x.shape(), general).unwrap();
        assert_close(&dx.to_vec(), &dx_general.to_vec(), "general dx");
        let dw = x.conv2d_backward_weight(&g, w.shape(), case.p).unwrap();
        assert_close(&dw.to_vec(), &reference_backward_weight(&case, &x.to_vec(), &g.to_vec()), "dw");
        let dw_general = x.conv2d_backward_weight(&g, ring.shape(), general).unwrap();
        let centre = dw_general.narrow(2, 1, 3).unwrap().narrow(3, 1, 3).unwrap();
        assert_close(&dw.to_vec(), &centre.to_vec(), "general dw");
    }
}

/// The f32 convolution and both gradients of `case` within the rounding error bound of a plain
/// f32 sum of their products from the f64 ones (see [`assert_f32_close`]). The Winograd paths
/// sum differently, and F(4×4, 3×3)'s transforms multiply by up to 8, but their errors stay
/// well inside it.
fn check_f32_against_f64(case: &Case) {
    let (x, w, b, g) = operands(case);
    // The f64 operands rounded to f32 and back, so that the f64 results are exact sums of the
    // same values the f32 ones sum.
    let round = |t: &Tensor<f64>| t.cast::<f32>().cast::<f64>();
    let (x, w, g) = (round(&x), round(&w), round(&g));
    let b = b.as_ref().map(round);
    let abs = |t: &Tensor<f64>| t.to_vec().iter().map(|v| v.abs()).collect::<Vec<_>>();
    let (xa, wa, ga) = (abs(&x), abs(&w), abs(&g));
    let ba = b.as_ref().map(abs);
    let (x32, w32, g32) = (x.cast::<f32>(), w.cast::<f32>(), g.cast::<f32>());
    let y64 = x.conv2d(&w, b.as_ref(), case.p).unwrap().to_vec();
    let b32 = b.as_ref().map(|b| b.cast::<f32>());
    let y32 = x32.conv2d(&w32, b32.as_ref(), case.p).unwrap();
    let y_scale = reference_conv2d(case, &xa, &wa, ba.as_deref());
    let taps = case.kh * case.kw;
    assert_f32_close(&y32.to_vec(), &y64, &y_scale, case.c * taps, "conv2d");
    let dx64 = g.conv2d_backward_input(&w, x.shape(), case.p).unwrap();
    let dx32 = g32.conv2d_backward_input(&w32, x.shape(), case.p).unwrap();
    let dx_scale = reference_backward_input(case, &ga, &wa);
    assert_f32_close(
        &dx32.to_vec(),
        &dx64.to_vec(),
        &dx_scale,
        case.o * taps,
        "dx",
    );
    let dw64 = x.conv2d_backward_weight(&g, w.shape(), case.p).unwrap();
    let dw32 = x32.conv2d_backward_weight(&g32, w.shape(), case.p).unwrap();
    let dw_scale = reference_backward_weight(case, &xa, &ga);
    let positions = case.n * case.oh() * case.ow();
    assert_f32_close(&dw32.to_vec(), &dw64.to_vec(), &dw_scale, positions, "dw");
}

#[test]
fn winograd_fast_paths_in_f32_stay_close_to_f64() {
    // F(4×4, 3×3) for the convolution and the input gradient (sums of 576 and 288 products),
    // F(2×2, 3×3) for the weight gradient (sums of 1024).
    let large_tiles = Case {
        n: 2,
        c: 64,
        h: 16,
        w: 32,
        o: 32,
        kh: 3,
        kw: 3,
        p: Conv2dParams {
            padding: (1, 1),
            ..Default::default()
        },
        bias: true,
        strided: false,
        seed: 11,
    };
    check_f32_against_f64(&large_tiles);
    // F(2×2, 3×3) throughout: outputs smaller than 16×16.
    check_f32_against_f64(&Case {
        h: 7,
        w: 6,
        ..large_tiles
    });
}

/// 3×3 convolutions whose F(4×4, 3×3) transforms run in several bands of tile rows, forward
/// and for the input gradient (whose band limit differs: its channel counts are swapped and its
/// output is the larger input).
#[test]
fn winograd_large_tiles_in_several_bands_match_direct_loop() {
    for (h, w, padding) in [(62, 150, (0, 0)), (61, 147, (2, 1))] {
        let case = Case {
            n: 1,
            c: 16,
            h,
            w,
            o: 17,
            kh: 3,
            kw: 3,
            p: Conv2dParams {
                padding,
                ..Default::default()
            },
            bias: true,
            strided: false,
            seed: 3,
        };
        let (x, w, b, g) = operands(&case);
        let bias = b.as_ref().map(|b| b.to_vec());
        let y = x.conv2d(&w, b.as_ref(), case.p).unwrap();
        let want = reference_conv2d(&case, &x.to_vec(), &w.to_vec(), bias.as_deref());
        assert_close(&y.to_vec(), &want, "conv2d");
        let dx = g.conv2d_backward_input(&w, x.shape(), case.p).unwrap();
        let want = reference_backward_input(&case, &g.to_vec(), &w.to_vec());
        assert_close(&dx.to_vec(), &want, "dx");
    }
}

/// A convolution large enough to split its batch across the rayon pool.
fn large_case() -> Case {
    Case {
        n: 4,
        c: 32,
        h: 16,
        w: 12,
        o: 24,
        kh: 3,
        kw: 3,
        p: Conv2dParams {
            padding: (1, 1),
            ..Default::default()
        },
        bias: true,
        strided: true,
        seed: 7,
    }
}

#[test]
fn batch_parallel_path_matches_direct_loop_and_per_image_results() {
    let case = large_case();
    let (x, w, b, g) = operands(&case);
    let y = x.conv2d(&w, b.as_ref(), case.p).unwrap();
    let bias = b.as_ref().map(|b| b.to_vec());
    let want = reference_conv2d(&case, &x.to_vec(), &w.to_vec(), bias.as_deref());
    assert_close(&y.to_vec(), &want, "forward");
    // One image at a time (below the parallel threshold) gives the same images.
    for i in 0..case.n {
        let xi = x.narrow(0, i, 1).unwrap();
        let yi = xi.conv2d(&w, b.as_ref(), case.p).unwrap();
        assert_close(&yi.to_vec(), &y.narrow(0, i, 1).unwrap().to_vec(), "image");
    }
    let dx = g.conv2d_backward_input(&w, x.shape(), case.p).unwrap();
    assert_close(
        &dx.to_vec(),
        &reference_backward_input(&case, &g.to_vec(), &w.to_vec()),
        "dx",
    );
    let dw = x.conv2d_backward_weight(&g, w.shape(), case.p).unwrap();
    assert_close(
        &dw.to_vec(),
        &reference_backward_weight(&case, &x.to_vec(), &g.to_vec()),
        "dw",
    );
}

/// The batch split across the pool, in f32.
#[test]
fn f32_conv2d_agrees_with_f64() {
    check_f32_against_f64(&large_case());
}

fn err(r: scalpel_tensor::Result<Tensor<f64>>) -> String {
    r.unwrap_err().to_string()
}

#[test]
fn shape_errors_name_the_op_and_the_shapes() {
    let z = |d: &[usize]| Tensor::<f64>::zeros(d);
    let p = Conv2dParams::default();
    assert_eq!(
        err(z(&[1, 3, 5, 5]).conv2d(&z(&[4, 2, 3, 3]), None, p)),
        "conv2d: [1, 3, 5, 5] and [4, 2, 3, 3]: weight has 2 input channels per group, the input has 3 / 1 = 3"
    );
    assert_eq!(
        err(z(&[1, 4, 5, 5]).conv2d(&z(&[6, 2, 3, 3]), None, Conv2dParams { groups: 4, ..p })),
        "conv2d: [1, 4, 5, 5] and [6, 2, 3, 3]: 6 output channels are not divisible by 4 groups"
    );
    assert_eq!(
        err(z(&[1, 3, 5, 5]).conv2d(&z(&[3, 1, 3, 3]), None, Conv2dParams { groups: 2, ..p })),
        "conv2d: [1, 3, 5, 5] and [3, 1, 3, 3]: 3 input channels are not divisible by 2 groups"
    );
    assert_eq!(
        err(z(&[1, 1, 2, 5]).conv2d(&z(&[1, 1, 3, 3]), None, p)),
        "conv2d: shape [1, 1, 2, 5]: kernel (3, 3) with dilation (1, 1) is larger than the input padded by (0, 0)"
    );
    assert_eq!(
        err(z(&[1, 1, 5, 5]).conv2d(
            &z(&[1, 1, 3, 3]),
            None,
            Conv2dParams {
                stride: (0, 1),
                ..p
            }
        )),
        "conv2d: stride (0, 1) must be positive"
    );
    assert_eq!(
        err(z(&[1, 5, 5]).conv2d(&z(&[1, 1, 3, 3]), None, p)),
        "conv2d: shape [1, 5, 5]: expected a 4-D input (batch, channels, height, width)"
    );
    assert_eq!(
        err(z(&[1, 1, 5, 5]).conv2d(&z(&[2, 1, 3, 3]), Some(&z(&[3])), p)),
        "conv2d: [2, 1, 3, 3] and [3]: bias must have shape [2], one value per output channel"
    );
    assert_eq!(
        err(z(&[1, 2, 3, 3]).conv2d_backward_input(&z(&[2, 1, 1, 1]), [1, 1, 2, 2], p)),
        "conv2d_backward_input: [1, 2, 3, 3] and [1, 2, 2, 2]: the output gradient must have the convolution's output shape"
    );
    assert_eq!(
        err(z(&[1, 1, 4]).conv1d(&z(&[1, 1, 5]), None, Conv1dParams::default())),
        "conv1d: [1, 1, 4] and [1, 1, 5]: kernel of 5 with dilation 1 is larger than the input padded by 0"
    );
    assert_eq!(
        err(z(&[1, 2, 4]).conv1d(&z(&[1, 1, 3]), None, Conv1dParams::default())),
        "conv1d: [1, 2, 4] and [1, 1, 3]: weight has 1 input channels per group, the input has 2 / 1 = 2"
    );
    assert_eq!(
        err(z(&[1, 2, 3, 3]).conv_transpose2d(&z(&[3, 1, 2, 2]), None, ConvTranspose2dParams::default())),
        "conv_transpose2d: [1, 2, 3, 3] and [3, 1, 2, 2]: weight has 3 input channels, the input has 2"
    );
    assert_eq!(
        err(z(&[1, 1, 3, 3]).conv_transpose2d(
            &z(&[1, 1, 2, 2]),
            None,
            ConvTranspose2dParams { output_padding: (1, 0), ..Default::default() }
        )),
        "conv_transpose2d: output padding (1, 0) must be smaller than the stride (1, 1) or the dilation (1, 1)"
    );
}

/// Stride-1 convolutions of one group with few channels, the shapes of the direct f32 fast
/// path: output widths from 1 to about 50 (one to four groups of 16 lanes, full and partial),
/// every channel-block width, paddings up to the kernel size (the input gradient takes the
/// direct path only below it), kernel widths with a weight-gradient kernel (3 and 5) and
/// without.
fn direct_case_strategy() -> impl Strategy<Value = Case> {
    (
        (1usize..=3, 1usize..=12, 1usize..=18),
        (1usize..=7, 1usize..=7),
        (0usize..=7, 0usize..=7, 0usize..=6, 0usize..=40),
        (any::<bool>(), any::<bool>(), any::<u64>()),
    )
        .prop_map(
            |((n, c, o), (kh, kw), (ph, pw, eh, ew), (bias, strided, seed))| {
                let (ph, pw) = (ph.min(kh), pw.min(kw));
                Case {
                    n,
                    c,
                    h: fitting(kh, 1, ph, eh),
                    w: fitting(kw, 1, pw, ew),
                    o,
                    kh,
                    kw,
                    p: Conv2dParams {
                        padding: (ph, pw),
                        ..Default::default()
                    },
                    bias,
                    strided,
                    seed,
                }
            },
        )
}

/// Each of `got` within the rounding error bound of an f32 sum of `terms` products (and a bias)
/// from `want`: `(terms + 2) · ε` times `magnitude`, the same sum over the absolute values.
fn assert_f32_close(got: &[f32], want: &[f64], magnitude: &[f64], terms: usize, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    let gamma = (terms + 2) as f64 * f32::EPSILON as f64;
    for (k, ((&a, &b), &m)) in got.iter().zip(want).zip(magnitude).enumerate() {
        assert!(
            (a as f64 - b).abs() <= gamma * m + 1e-30,
            "{what}: element {k}: {a} != {b} (bound {})",
            gamma * m
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn direct_f32_fast_path_matches_direct_loop(case in direct_case_strategy()) {
        let (x, w, b, g) = operands(&case);
        // The f32 operands, and the f64 reference computed from exactly those values.
        let (x32, w32, g32) = (x.cast::<f32>(), w.cast::<f32>(), g.cast::<f32>());
        let b32 = b.as_ref().map(|b| b.cast::<f32>());
        let (xv, wv, gv) = (x32.cast::<f64>().to_vec(), w32.cast::<f64>().to_vec(), g32.cast::<f64>().to_vec());
        let bv = b32.as_ref().map(|b| b.cast::<f64>().to_vec());
        let abs = |v: &[f64]| v.iter().map(|e| e.abs()).collect::<Vec<_>>();

        let y = x32.conv2d(&w32, b32.as_ref(), case.p).unwrap();
        let want = reference_conv2d(&case, &xv, &wv, bv.as_deref());
        let bound = reference_conv2d(&case, &abs(&xv), &abs(&wv), bv.as_deref().map(abs).as_deref());
        assert_f32_close(&y.to_vec(), &want, &bound, case.c * case.kh * case.kw, "conv2d");

        let dx = g32.conv2d_backward_input(&w32, x.shape(), case.p).unwrap();
        let want = reference_backward_input(&case, &gv, &wv);
        let bound = reference_backward_input(&case, &abs(&gv), &abs(&wv));
        assert_f32_close(&dx.to_vec(), &want, &bound, case.o * case.kh * case.kw, "dx");

        let dw = x32.conv2d_backward_weight(&g32, w.shape(), case.p).unwrap();
        let want = reference_backward_weight(&case, &xv, &gv);
        let bound = reference_backward_weight(&case, &abs(&xv), &abs(&gv));
        assert_f32_close(&dw.to_vec(), &want, &bound, case.n * case.oh() * case.ow(), "dw");
    }
}
