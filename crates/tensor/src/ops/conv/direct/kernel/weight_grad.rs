//! The weight gradient of the direct convolution, in AVX-512:
//!
//! `dW[o, c, i, j] = Σ_{y, x} dY[o, y, x] · xp[c, y + i, x + j]`
//!
//! For one input channel `c`, one kernel row `i` and a block of `B` output channels, the
//! `B × kW` sums are kept as sixteen partial sums each (one per lane) in `B·kW` registers,
//! while the kernel walks the output rows sixteen columns at a time: every output-gradient
//! vector loaded feeds `kW` multiply-adds and every input vector `B`. Lanes past the end of an
//! output row are loaded as zeros, from both operands. The partial sums are added up across
//! lanes only once, after the whole batch.

use std::arch::x86_64::{
    __m512, __mmask16, _mm512_fmadd_ps, _mm512_loadu_ps, _mm512_maskz_loadu_ps, _mm512_storeu_ps,
};

use super::{channel_blocks, LANES};
use crate::ops::conv::direct::Plan;

/// Whether there is a kernel for kernel width `kw` on this CPU: AVX-512F, widths 3 and 5.
pub(super) fn supports(kw: usize) -> bool {
    is_x86_feature_detected!("avx512f") && matches!(kw, 3 | 5)
}

/// Adds the weight gradient of one image — padded input `xp` (laid out as `plan` says) and
/// output gradient `dy` (`co × oh × ow`) — to the lane-wise partial sums `partial`
/// (`[c][i][o][j][lane]`).
///
/// # Panics
/// When the CPU lacks AVX-512F or the kernel width has no kernel (see [`supports`]), or the
/// slices are shorter than `plan` says.
pub(super) fn accumulate(plan: &Plan, xp: &[f32], dy: &[f32], partial: &mut [f32]) {
    assert!(
        supports(plan.kw),
        "no weight-gradient kernel for this CPU or kernel width"
    );
    assert!(xp.len() >= plan.padded_len() && dy.len() >= plan.co * plan.oh * plan.ow);
    assert!(partial.len() >= super::weight_grad_partial_len(plan));
    // SAFETY: AVX-512F is present (checked above), and the lengths the kernel relies on too.
    unsafe { accumulate_avx512(plan, xp, dy, partial) }
}

/// [`accumulate`] compiled for AVX-512F.
///
/// # Safety
/// The CPU has AVX-512F, and the slices are as long as `plan` says (see [`block`]).
#[target_feature(enable = "avx512f")]
unsafe fn accumulate_avx512(plan: &Plan, xp: &[f32], dy: &[f32], partial: &mut [f32]) {
    let widths: &'static [usize] = if plan.kw == 5 {
        &[4, 2, 1]
    } else {
        &[6, 4, 2, 1]
    };
    for c in 0..plan.ci {
        for i in 0..plan.kh {
            for (o0, b) in channel_blocks(plan.co, widths) {
                let at = Rows { c, i, o0 };
                match (plan.kw, b) {
                    (5, 4) => block::<4, 5>(plan, xp, dy, partial, at),
                    (5, 2) => block::<2, 5>(plan, xp, dy, partial, at),
                    (5, 1) => block::<1, 5>(plan, xp, dy, partial, at),
                    (3, 6) => block::<6, 3>(plan, xp, dy, partial, at),
                    (3, 4) => block::<4, 3>(plan, xp, dy, partial, at),
                    (3, 2) => block::<2, 3>(plan, xp, dy, partial, at),
                    (3, 1) => block::<1, 3>(plan, xp, dy, partial, at),
                    _ => unreachable!("weight-gradient block {b} for kernel width {}", plan.kw),
                }
            }
        }
    }
}

/// Input channel `c`, kernel row `i`, output channels `o0..o0 + B`.
#[derive(Clone, Copy)]
struct Rows {
    c: usize,
    i: usize,
    o0: usize,
}

/// The mask of the first `n ≤ 16` lanes.
#[inline(always)]
fn first_lanes(n: usize) -> __mmask16 {
    (((1u32 << n) - 1) & 0xFFFF) as __mmask16
}

/// Adds the `B × KW` sums of one block to their partial sums.
///
/// # Safety
/// AVX-512F is present; the slices are as long as `plan` says (checked by [`accumulate`]),
/// `o0 + B ≤ co` and `KW = kw`. Every load is inside its slice: input rows are `wq ≥` the
/// output row rounded up to whole lanes `+ kw − 1` wide, and output-gradient loads are masked
/// to the row.
#[inline(always)]
unsafe fn block<const B: usize, const KW: usize>(
    plan: &Plan,
    xp: &[f32],
    dy: &[f32],
    partial: &mut [f32],
    at: Rows,
) {
    let (xp, dy, partial) = (xp.as_ptr(), dy.as_ptr(), partial.as_mut_ptr());
    let sums =
        |b: usize, j: usize| (((at.c * plan.kh + at.i) * plan.co + at.o0 + b) * KW + j) * LANES;
    let mut acc: [[__m512; KW]; B] =
        std::array::from_fn(|b| std::array::from_fn(|j| _mm512_loadu_ps(partial.add(sums(b, j)))));
    for y in 0..plan.oh {
        let row = xp.add((at.c * plan.hp + y + at.i) * plan.wq);
        for x0 in (0..plan.ow).step_by(LANES) {
            let mask = first_lanes(LANES.min(plan.ow - x0));
            let d: [__m512; B] = std::array::from_fn(|b| {
                let start = ((at.o0 + b) * plan.oh + y) * plan.ow + x0;
                _mm512_maskz_loadu_ps(mask, dy.add(start))
            });
            for j in 0..KW {
                let x = _mm512_maskz_loadu_ps(mask, row.add(x0 + j));
                for (sums, &d) in acc.iter_mut().zip(&d) {
                    sums[j] = _mm512_fmadd_ps(d, x, sums[j]);
                }
            }
        }
    }
    for (b, row) in acc.iter().enumerate() {
        for (j, &a) in row.iter().enumerate() {
            _mm512_storeu_ps(partial.add(sums(b, j)), a);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::conv::direct::kernel::{reduce_weight_grad, weight_grad_partial_len};

    /// The weight gradient of one image by nested loops, in f64, from the same f32 values.
    fn reference(plan: &Plan, x: &[f32], dy: &[f32], dw: &mut [f64]) {
        for o in 0..plan.co {
            for c in 0..plan.ci {
                for i in 0..plan.kh {
                    for j in 0..plan.kw {
                        let mut acc = 0.0f64;
                        for y in 0..plan.oh {
                            for xo in 0..plan.ow {
                                if let Some(v) = plan.tap(x, c, (y, xo), (i, j)) {
                                    acc += v * f64::from(dy[(o * plan.oh + y) * plan.ow + xo]);
                                }
                            }
                        }
                        dw[((o * plan.ci + c) * plan.kh + i) * plan.kw + j] += acc;
                    }
                }
            }
        }
    }

    /// Both kernel widths, output widths with full and partial groups of lanes, every channel
    /// block width, summed over two images; an input holding infinities only where no output
    /// reads them would turn masked lanes into NaN if they were not zero.
    #[test]
    fn weight_gradient_matches_the_loops_over_two_images() {
        if !supports(5) {
            return; // No AVX-512 on this CPU: the im2col path computes the weight gradient.
        }
        let mut seed = 5u32;
        let mut value = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as f32 / (1u32 << 24) as f32 * 2.0 - 1.0
        };
        for (ow, co, kw) in [
            (3, 4, 5),
            (10, 16, 5),
            (16, 7, 3),
            (17, 9, 5),
            (33, 6, 3),
            (28, 5, 5),
        ] {
            let (ci, kh, ph, pw) = (2, 3, 1, kw / 2);
            let (h, w) = (5, ow + kw - 1 - 2 * pw);
            let plan = Plan::new(ci, (h, w), co, (kh, kw), (ph, pw));
            assert_eq!(plan.ow, ow);
            let mut partial = vec![0.0f32; weight_grad_partial_len(&plan)];
            let mut want = vec![0.0f64; co * ci * kh * kw];
            for _ in 0..2 {
                let x: Vec<f32> = (0..ci * h * w).map(|_| value()).collect();
                let dy: Vec<f32> = (0..co * plan.oh * ow).map(|_| value()).collect();
                let mut xp = vec![0.0f32; plan.padded_len()];
                plan.pad_into(&x, &mut xp);
                // Past the padded input's columns that outputs read: never part of a product.
                for row in xp.chunks_mut(plan.wq) {
                    row[w + 2 * pw..].fill(f32::INFINITY);
                }
                accumulate(&plan, &xp, &dy, &mut partial);
                reference(&plan, &x, &dy, &mut want);
            }
            let mut got = vec![0.0f32; want.len()];
            reduce_weight_grad(&plan, &partial, &mut got);
            for (k, (&a, &b)) in got.iter().zip(&want).enumerate() {
                assert!(
                    (a as f64 - b).abs() <= 1e-4 * (1.0 + b.abs()),
                    "ow {ow} co {co} kw {kw}: element {k}: {a} != {b}"
                );
            }
        }
    }
}
