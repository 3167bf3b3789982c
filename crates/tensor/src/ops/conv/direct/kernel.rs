//! The register-blocked loops of the direct convolution, for f32 on x86-64 CPUs with AVX2 and
//! FMA or with AVX-512: a block of output channels times [`LANES`] output columns accumulates
//! in vector registers, and every input vector loaded feeds the whole block.
//!
//! The loops are written once, generic over [`Lanes`] (sixteen f32 lanes: two AVX2 registers or
//! one AVX-512 register), and compiled for each instruction set; the CPU picks at run time.
//! They are written with intrinsics because the compiler's vectoriser, left to plain loops,
//! vectorises across the block of channels with gathers and scatters, several times slower
//! than scalar code.

#[cfg(target_arch = "x86_64")]
mod lanes;
#[cfg(target_arch = "x86_64")]
mod weight_grad;

use super::Plan;
use crate::element::Float;
#[cfg(target_arch = "x86_64")]
use crate::ops::f32_slices::{as_f32, as_f32_mut, is_f32};

/// Output columns computed together.
pub(crate) const LANES: usize = 16;

/// Whether the direct kernels exist for element type `T` on this CPU.
pub(super) fn available<T: 'static>() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        lanes::Isa::detect::<T>().is_some()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The correlation of one padded image `xp` (laid out as `plan` says) with the tap-major kernel
/// `table` (`[(c·kH + i)·kW + j][o]`), plus `bias`, written to `out` (`co × oh × ow`).
///
/// # Panics
/// When [`available`] is false for `T`.
pub(super) fn correlate<T: 'static>(
    plan: &Plan,
    xp: &[T],
    table: &[T],
    bias: Option<&[T]>,
    out: &mut [T],
) {
    #[cfg(target_arch = "x86_64")]
    if let Some(isa) = lanes::Isa::detect::<T>() {
        let f = as_f32;
        let out = as_f32_mut(out);
        return isa.correlate(plan, f(xp), f(table), bias.map(f), out);
    }
    unreachable!("direct convolution without its kernels")
}

/// Whether the weight-gradient kernel exists for element type `T`, this CPU and kernel width
/// `kw` (f32 with AVX-512, widths 3 and 5).
pub(super) fn weight_grad_available<T: 'static>(kw: usize) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        is_f32::<T>() && weight_grad::supports(kw)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = kw;
        false
    }
}

/// Elements of the lane-wise partial sums of one weight gradient (see
/// [`accumulate_weight_grad`]).
pub(super) fn weight_grad_partial_len(plan: &Plan) -> usize {
    plan.ci * plan.kh * plan.co * plan.kw * LANES
}

/// Adds the weight gradient of one padded image `xp` (laid out as `plan` says) and its output
/// gradient `dy` (`co × oh × ow`) to the lane-wise partial sums `partial`
/// (`[c][i][o][j][lane]`, [`weight_grad_partial_len`] elements).
///
/// # Panics
/// When [`weight_grad_available`] is false for `T` and `plan.kw`.
pub(super) fn accumulate_weight_grad<T: 'static>(
    plan: &Plan,
    xp: &[T],
    dy: &[T],
    partial: &mut [T],
) {
    #[cfg(target_arch = "x86_64")]
    if weight_grad_available::<T>(plan.kw) {
        return weight_grad::accumulate(plan, as_f32(xp), as_f32(dy), as_f32_mut(partial));
    }
    let _ = (xp, dy, partial);
    unreachable!("direct weight gradient without its kernel")
}

/// The weight gradient `dw` (`co × ci × kh × kw`) from the partial sums of
/// [`accumulate_weight_grad`]: each weight's sixteen lanes added up.
pub(super) fn reduce_weight_grad<T: Float>(plan: &Plan, partial: &[T], dw: &mut [T]) {
    for c in 0..plan.ci {
        for i in 0..plan.kh {
            for o in 0..plan.co {
                for j in 0..plan.kw {
                    let at = (((c * plan.kh + i) * plan.co + o) * plan.kw + j) * LANES;
                    let sum = partial[at..at + LANES]
                        .iter()
                        .fold(T::zero(), |s, &v| s + v);
                    dw[((o * plan.ci + c) * plan.kh + i) * plan.kw + j] = sum;
                }
            }
        }
    }
}

/// Splits `co` output channels into blocks `(first, width)`, each width the first of `widths`
/// (in decreasing order, ending with 1) that fits in what is left.
fn channel_blocks(co: usize, widths: &'static [usize]) -> impl Iterator<Item = (usize, usize)> {
    let mut o0 = 0;
    std::iter::from_fn(move || {
        let left = co - o0;
        let b = widths.iter().copied().find(|&b| b <= left)?;
        o0 += b;
        Some((o0 - b, b))
    })
}

/// The first output column `x0` of a group of lanes in output row `y`.
#[derive(Clone, Copy)]
struct Position {
    y: usize,
    x0: usize,
}

impl Position {
    /// Where output channel `o`'s lanes start in the `co × oh × ow` output.
    fn offset(self, plan: &Plan, o: usize) -> usize {
        (o * plan.oh + self.y) * plan.ow + self.x0
    }
    /// How many of the lanes are inside the output row.
    fn lanes(self, plan: &Plan) -> usize {
        LANES.min(plan.ow - self.x0)
    }
}
