//! [`plane`](self::plane): sixteen 2 × 2 windows at a time in AVX-512 registers, for f32.
//!
//! The two input rows of sixteen windows are loaded as four registers and split into the
//! windows' four places (top-left, top-right, bottom-left, bottom-right) by two-register
//! permutes; the running maximum and its place are then updated with the scalar loop's rule —
//! a larger value or a NaN takes the place — as masked blends, and the flat index is
//! `origin + (place & 1) + (place >> 1)·W`, widened to i64 for the store.

use std::arch::x86_64::{
    __m512, __m512i, _mm512_add_epi32, _mm512_and_si512, _mm512_castsi512_si256,
    _mm512_cmp_ps_mask, _mm512_cvtepi32_epi64, _mm512_extracti64x4_epi64, _mm512_mask_blend_epi32,
    _mm512_mask_blend_ps, _mm512_mask_storeu_epi64, _mm512_mask_storeu_ps, _mm512_maskz_loadu_ps,
    _mm512_mullo_epi32, _mm512_permutex2var_ps, _mm512_set1_epi32, _mm512_setr_epi32,
    _mm512_setzero_si512, _mm512_srli_epi32, _CMP_GT_OQ, _CMP_UNORD_Q,
};

use super::PoolGeometry;
use crate::ops::f32_slices::is_f32;

/// Windows per register.
const LANES: usize = 16;

/// Whether [`plane`] runs for `T` and `g`: `T` is f32, the CPU has AVX-512F, and flat indices
/// of the plane fit in i32 (they are computed in 32-bit lanes).
pub(super) fn handles<T: 'static>(g: &PoolGeometry) -> bool {
    is_f32::<T>() && g.h * g.w < i32::MAX as usize && is_x86_feature_detected!("avx512f")
}

/// The maxima and indices of the 2 × 2 windows of the plane `x` (`h × w`) into `values` and
/// `indices` (`oh × ow` each).
///
/// # Safety
/// The CPU has AVX-512F ([`handles`] says so).
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn plane(g: &PoolGeometry, x: &[f32], values: &mut [f32], indices: &mut [i64]) {
    let w = g.w;
    // Lane l of the even (odd) permute takes element 2l (2l + 1) of the pair of registers;
    // `even` is also each window's first column within its group, 2l.
    let even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    let odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    let (one, width) = (_mm512_set1_epi32(1), _mm512_set1_epi32(w as i32));
    for y in 0..g.oh {
        // Bounds checked once per row: the 2·ow inputs of each of the two rows.
        let top = &x[2 * y * w..][..2 * g.ow];
        let bottom = &x[(2 * y + 1) * w..][..2 * g.ow];
        let out_v = &mut values[y * g.ow..][..g.ow];
        let out_i = &mut indices[y * g.ow..][..g.ow];
        for x0 in (0..g.ow).step_by(LANES) {
            let n = LANES.min(g.ow - x0);
            // Masked loads read the 2n inputs of the n windows and nothing past them.
            let load_pair = |row: &[f32]| {
                let p = row.as_ptr().add(2 * x0);
                let lo = _mm512_maskz_loadu_ps(first_lanes(2 * n), p);
                let hi = _mm512_maskz_loadu_ps(
                    first_lanes((2 * n).saturating_sub(LANES)),
                    p.add(LANES.min(2 * n)),
                );
                (lo, hi)
            };
            let (t0, t1) = load_pair(top);
            let (b0, b1) = load_pair(bottom);
            let places: [__m512; 4] = [
                _mm512_permutex2var_ps(t0, even, t1),
                _mm512_permutex2var_ps(t0, odd, t1),
                _mm512_permutex2var_ps(b0, even, b1),
                _mm512_permutex2var_ps(b0, odd, b1),
            ];
            let (mut best, mut at) = (places[0], _mm512_setzero_si512());
            for (k, &v) in places.iter().enumerate().skip(1) {
                let take = _mm512_cmp_ps_mask::<_CMP_GT_OQ>(v, best)
                    | _mm512_cmp_ps_mask::<_CMP_UNORD_Q>(v, v);
                best = _mm512_mask_blend_ps(take, best, v);
                at = _mm512_mask_blend_epi32(take, at, _mm512_set1_epi32(k as i32));
            }
            let origin = _mm512_add_epi32(_mm512_set1_epi32((2 * y * w + 2 * x0) as i32), even);
            let column = _mm512_and_si512(at, one);
            let row = _mm512_mullo_epi32(_mm512_srli_epi32::<1>(at), width);
            let flat: __m512i = _mm512_add_epi32(origin, _mm512_add_epi32(column, row));
            let mask = first_lanes(n);
            _mm512_mask_storeu_ps(out_v.as_mut_ptr().add(x0), mask, best);
            let low = _mm512_cvtepi32_epi64(_mm512_castsi512_si256(flat));
            let high = _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64::<1>(flat));
            let idx = out_i.as_mut_ptr().add(x0);
            _mm512_mask_storeu_epi64(idx, mask as u8, low);
            if n > 8 {
                // `idx + 8` is inside the row only when more than eight windows are.
                _mm512_mask_storeu_epi64(idx.add(8), (mask >> 8) as u8, high);
            }
        }
    }
}

/// The mask of the first `n` (at most 16) lanes.
#[inline(always)]
fn first_lanes(n: usize) -> u16 {
    if n >= LANES {
        u16::MAX
    } else {
        (1u16 << n) - 1
    }
}
