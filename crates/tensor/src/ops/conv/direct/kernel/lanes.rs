//! Sixteen f32 lanes as two AVX2 registers or one AVX-512 register ([`Lanes`]), the kernels
//! written once over them, and the run-time choice between the two ([`Isa`]).

use std::arch::x86_64::{
    __m256, __m512, _mm256_cmpgt_epi32, _mm256_fmadd_ps, _mm256_loadu_ps, _mm256_maskstore_ps,
    _mm256_set1_epi32, _mm256_set1_ps, _mm256_setr_epi32, _mm256_setzero_ps, _mm256_storeu_ps,
    _mm512_fmadd_ps, _mm512_loadu_ps, _mm512_mask_storeu_ps, _mm512_set1_ps, _mm512_setzero_ps,
    _mm512_storeu_ps,
};

use super::{channel_blocks, Position, LANES};
use crate::ops::conv::direct::Plan;
use crate::ops::f32_slices::is_f32;

/// An instruction set the kernels run with, found on this CPU: only [`detect`](Isa::detect)
/// (and, in tests, [`all`](Isa::all)) make one, so holding one is the proof that calling its
/// kernels is safe.
#[derive(Clone, Copy, Debug)]
pub(super) struct Isa(Set);

/// The instruction sets there are kernels for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Set {
    /// AVX-512F: one register of sixteen lanes.
    Avx512,
    /// AVX2 with FMA: two registers of eight lanes.
    Avx2,
}

impl Isa {
    /// The best instruction set for element type `T` on this CPU, if there is a kernel for it.
    /// (Feature detection is a cached load: this runs for every image.)
    pub(super) fn detect<T: 'static>() -> Option<Isa> {
        if !is_f32::<T>() {
            None
        } else if is_x86_feature_detected!("avx512f") {
            Some(Isa(Set::Avx512))
        } else if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            Some(Isa(Set::Avx2))
        } else {
            None
        }
    }

    /// Every instruction set this CPU has a kernel for, best first.
    #[cfg(test)]
    fn all() -> Vec<Isa> {
        let mut sets = Vec::new();
        if is_x86_feature_detected!("avx512f") {
            sets.push(Isa(Set::Avx512));
        }
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            sets.push(Isa(Set::Avx2));
        }
        sets
    }

    /// [`correlate`](super::correlate) with this instruction set.
    pub(super) fn correlate(
        self,
        plan: &Plan,
        xp: &[f32],
        table: &[f32],
        bias: Option<&[f32]>,
        out: &mut [f32],
    ) {
        // SAFETY: `detect` found the instruction set on this CPU.
        unsafe {
            match self.0 {
                Set::Avx512 => correlate_avx512(plan, xp, table, bias, out),
                Set::Avx2 => correlate_avx2(plan, xp, table, bias, out),
            }
        }
    }
}

#[target_feature(enable = "avx512f")]
unsafe fn correlate_avx512(
    plan: &Plan,
    xp: &[f32],
    table: &[f32],
    bias: Option<&[f32]>,
    out: &mut [f32],
) {
    correlate_with::<Zmm>(plan, xp, table, bias, out)
}

#[target_feature(enable = "avx2,fma")]
unsafe fn correlate_avx2(
    plan: &Plan,
    xp: &[f32],
    table: &[f32],
    bias: Option<&[f32]>,
    out: &mut [f32],
) {
    correlate_with::<Ymm2>(plan, xp, table, bias, out)
}

/// Sixteen f32 lanes in registers. Every method needs the CPU feature of its implementation (its
/// safety condition, with in-bounds pointers) and is inlined into a function compiled with it.
trait Lanes: Copy {
    /// Widths of the channel blocks, widest first, ending with 1. For AVX2 the widest block's
    /// twelve accumulators, two input registers and the weight fill 15 of the 16 registers;
    /// for AVX-512, wider blocks than 8 load no less per multiply-add (one input and one weight
    /// load per channel either way) and are not worth their code.
    const WIDTHS: &'static [usize];
    /// All lanes zero.
    unsafe fn zero() -> Self;
    /// All lanes `v`.
    unsafe fn splat(v: f32) -> Self;
    /// Sixteen lanes from `p`.
    unsafe fn load(p: *const f32) -> Self;
    /// `a · b + self`, lane by lane, with one rounding.
    unsafe fn mul_add(self, a: Self, b: Self) -> Self;
    /// Writes the sixteen lanes to `p`.
    unsafe fn store(self, p: *mut f32);
    /// Writes the first `n < 16` lanes to `p` and nothing past them.
    unsafe fn store_first(self, p: *mut f32, n: usize);
}

/// One AVX-512 register.
#[derive(Clone, Copy)]
struct Zmm(__m512);

impl Lanes for Zmm {
    const WIDTHS: &'static [usize] = &[8, 6, 4, 2, 1];
    #[inline(always)]
    unsafe fn zero() -> Self {
        Zmm(_mm512_setzero_ps())
    }
    #[inline(always)]
    unsafe fn splat(v: f32) -> Self {
        Zmm(_mm512_set1_ps(v))
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        Zmm(_mm512_loadu_ps(p))
    }
    #[inline(always)]
    unsafe fn mul_add(self, a: Self, b: Self) -> Self {
        Zmm(_mm512_fmadd_ps(a.0, b.0, self.0))
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        _mm512_storeu_ps(p, self.0)
    }
    #[inline(always)]
    unsafe fn store_first(self, p: *mut f32, n: usize) {
        _mm512_mask_storeu_ps(p, (1u16 << n) - 1, self.0)
    }
}

/// Two AVX2 registers.
#[derive(Clone, Copy)]
struct Ymm2(__m256, __m256);

impl Lanes for Ymm2 {
    const WIDTHS: &'static [usize] = &[6, 4, 2, 1];
    #[inline(always)]
    unsafe fn zero() -> Self {
        Ymm2(_mm256_setzero_ps(), _mm256_setzero_ps())
    }
    #[inline(always)]
    unsafe fn splat(v: f32) -> Self {
        let v = _mm256_set1_ps(v);
        Ymm2(v, v)
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self {
        Ymm2(_mm256_loadu_ps(p), _mm256_loadu_ps(p.add(8)))
    }
    #[inline(always)]
    unsafe fn mul_add(self, a: Self, b: Self) -> Self {
        Ymm2(
            _mm256_fmadd_ps(a.0, b.0, self.0),
            _mm256_fmadd_ps(a.1, b.1, self.1),
        )
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32) {
        _mm256_storeu_ps(p, self.0);
        _mm256_storeu_ps(p.add(8), self.1);
    }
    #[inline(always)]
    unsafe fn store_first(self, p: *mut f32, n: usize) {
        // The mask of the first `k` of eight lanes.
        let first = |k: usize| {
            _mm256_cmpgt_epi32(
                _mm256_set1_epi32(k as i32),
                _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
            )
        };
        if n <= 8 {
            _mm256_maskstore_ps(p, first(n), self.0);
        } else {
            // `p + 8` is inside the row only when more than eight lanes are.
            _mm256_storeu_ps(p, self.0);
            _mm256_maskstore_ps(p.add(8), first(n - 8), self.1);
        }
    }
}

/// [`correlate`](super::correlate) with the lanes `L`.
///
/// # Safety
/// The CPU has the instruction set of `L`, and `xp`, `table`, `bias` and `out` are laid out as
/// `plan` says (their lengths are checked; the pointer reads inside each checked slice are
/// what this relies on).
#[inline(always)]
unsafe fn correlate_with<L: Lanes>(
    plan: &Plan,
    xp: &[f32],
    table: &[f32],
    bias: Option<&[f32]>,
    out: &mut [f32],
) {
    for y in 0..plan.oh {
        for x0 in (0..plan.ow).step_by(LANES) {
            let at = Position { y, x0 };
            for (o0, b) in channel_blocks(plan.co, L::WIDTHS) {
                match b {
                    8 => output_block::<L, 8>(plan, xp, table, bias, out, at, o0),
                    6 => output_block::<L, 6>(plan, xp, table, bias, out, at, o0),
                    4 => output_block::<L, 4>(plan, xp, table, bias, out, at, o0),
                    2 => output_block::<L, 2>(plan, xp, table, bias, out, at, o0),
                    1 => output_block::<L, 1>(plan, xp, table, bias, out, at, o0),
                    _ => unreachable!("channel block of {b}"),
                }
            }
        }
    }
}

/// Output channels `o0..o0 + B` at `at`, accumulated over every tap.
///
/// # Safety
/// As for [`correlate_with`], with `o0 + B ≤ plan.co`.
#[inline(always)]
unsafe fn output_block<L: Lanes, const B: usize>(
    plan: &Plan,
    xp: &[f32],
    table: &[f32],
    bias: Option<&[f32]>,
    out: &mut [f32],
    at: Position,
    o0: usize,
) {
    let mut acc = [L::zero(); B];
    if let Some(bias) = bias {
        for (a, &b) in acc.iter_mut().zip(&bias[o0..o0 + B]) {
            *a = L::splat(b);
        }
    }
    let (kw, co) = (plan.kw, plan.co);
    for c in 0..plan.ci {
        for i in 0..plan.kh {
            let start = (c * plan.hp + at.y + i) * plan.wq + at.x0;
            // Bounds checked once per kernel row: kw − 1 + LANES inputs, kw taps of co weights.
            let row = &xp[start..start + kw - 1 + LANES];
            let taps = &table[(c * plan.kh + i) * kw * co..][..kw * co];
            for j in 0..kw {
                let x = L::load(row.as_ptr().add(j));
                let w = taps.as_ptr().add(j * co + o0);
                for (b, a) in acc.iter_mut().enumerate() {
                    *a = a.mul_add(L::splat(*w.add(b)), x);
                }
            }
        }
    }
    let n = at.lanes(plan);
    for (b, a) in acc.iter().enumerate() {
        let start = at.offset(plan, o0 + b);
        let dst = out[start..start + n].as_mut_ptr();
        if n == LANES {
            a.store(dst);
        } else {
            a.store_first(dst, n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The correlation of one image by nested loops, in f64, from the same f32 values.
    fn reference(plan: &Plan, x: &[f32], table: &[f32], bias: &[f32]) -> Vec<f64> {
        let mut out = vec![0.0f64; plan.co * plan.oh * plan.ow];
        for o in 0..plan.co {
            for y in 0..plan.oh {
                for xo in 0..plan.ow {
                    let mut acc = bias[o] as f64;
                    for c in 0..plan.ci {
                        for i in 0..plan.kh {
                            for j in 0..plan.kw {
                                if let Some(v) = plan.tap(x, c, (y, xo), (i, j)) {
                                    let w = table[((c * plan.kh + i) * plan.kw + j) * plan.co + o];
                                    acc += v * f64::from(w);
                                }
                            }
                        }
                    }
                    out[(o * plan.oh + y) * plan.ow + xo] = acc;
                }
            }
        }
        out
    }

    /// Every instruction set of this CPU (AVX2 too where AVX-512 is what `detect` picks), on
    /// output widths with full and partial groups of lanes, short of and past eight, and every
    /// channel-block width.
    #[test]
    fn every_instruction_set_matches_the_loops() {
        let mut seed = 7u32;
        let mut value = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as f32 / (1u32 << 24) as f32 * 2.0 - 1.0
        };
        for isa in Isa::all() {
            for (ow, co) in [(3, 4), (8, 5), (16, 7), (17, 9), (20, 16), (33, 6), (7, 13)] {
                let (ci, kh, kw, ph, pw) = (3, 3, 5, 1, 2);
                let (h, w) = (4, ow + kw - 1 - 2 * pw);
                let plan = Plan::new(ci, (h, w), co, (kh, kw), (ph, pw));
                assert_eq!(plan.ow, ow);
                let x: Vec<f32> = (0..ci * h * w).map(|_| value()).collect();
                let table: Vec<f32> = (0..ci * kh * kw * co).map(|_| value()).collect();
                let bias: Vec<f32> = (0..co).map(|_| value()).collect();
                let mut xp = vec![0.0f32; plan.padded_len()];
                plan.pad_into(&x, &mut xp);
                // Exactly the output's length: a store past it would be out of bounds.
                let mut out = vec![f32::NAN; co * plan.oh * ow];
                isa.correlate(&plan, &xp, &table, Some(&bias), &mut out);
                let want = reference(&plan, &x, &table, &bias);
                for (k, (&a, &b)) in out.iter().zip(&want).enumerate() {
                    assert!(
                        (a as f64 - b).abs() <= 1e-5 * (1.0 + b.abs()),
                        "{isa:?} ow {ow} co {co}: element {k}: {a} != {b}"
                    );
                }
            }
        }
    }
}
