//! The three transforms of F(2×2, 3×3): weights `U = G W Gᵀ`, input tiles `V = Bᵀ d B` and
//! output tiles `Y = Aᵀ M A`. The input and output transforms run over whole rows of tiles at a
//! time, so that every inner loop is over contiguous memory and vectorises; [`inputs`] and
//! [`outputs`] pick an AVX-512 or AVX2 build of them at run time.

use super::block::{
    deinterleave, interleave, load, map2, map3, prefetch, store, store2, Block, LANES,
};
use super::{Band, E};
use crate::element::Float;
use crate::ops::conv::geometry::Geometry;

/// The transformed weights `U_e = G W Gᵀ` of an `o × c × 3 × 3` weight, laid out `[e][o][c]`.
pub(super) fn weights<T: Float>(g: &Geometry, w: &[T]) -> Vec<T> {
    let half = T::from_f64_lossy(0.5);
    // G applied to three values: [a, (a + b + c)/2, (a − b + c)/2, c].
    let apply_g = |a: T, b: T, c: T| [a, (a + b + c) * half, (a - b + c) * half, c];
    let mut u = vec![T::zero(); E * g.o * g.c];
    for o in 0..g.o {
        for c in 0..g.c {
            let k = &w[(o * g.c + c) * 9..][..9];
            // Columns of G·k (4×3), then each of its rows times Gᵀ.
            let cols: [[T; 4]; 3] = std::array::from_fn(|j| apply_g(k[j], k[3 + j], k[6 + j]));
            for xi in 0..4 {
                let row = apply_g(cols[0][xi], cols[1][xi], cols[2][xi]);
                for (nu, &val) in row.iter().enumerate() {
                    u[((xi * 4 + nu) * g.o + o) * g.c + c] = val;
                }
            }
        }
    }
    u
}

/// The weight gradient `dW[o, c] = Gᵀ dU[o, c] G` (`o × c × 3 × 3`) from the summed products
/// `du` (`[e][c][o]`).
pub(super) fn weight_grads<T: Float>(g: &Geometry, du: &[T]) -> Vec<T> {
    let half = T::from_f64_lossy(0.5);
    // Gᵀ applied to four values: [x0 + (x1 + x2)/2, (x1 − x2)/2, (x1 + x2)/2 + x3].
    let apply_gt = |x: [T; 4]| {
        [
            x[0] + (x[1] + x[2]) * half,
            (x[1] - x[2]) * half,
            (x[1] + x[2]) * half + x[3],
        ]
    };
    let mut dw = vec![T::zero(); g.o * g.c * 9];
    for o in 0..g.o {
        for c in 0..g.c {
            let at = |e: usize| du[(e * g.c + c) * g.o + o];
            // Gᵀ over ξ for each column ν, then each resulting row times G.
            let cols: [[T; 3]; 4] =
                std::array::from_fn(|nu| apply_gt([at(nu), at(4 + nu), at(8 + nu), at(12 + nu)]));
            for i in 0..3 {
                let row = apply_gt([cols[0][i], cols[1][i], cols[2][i], cols[3][i]]);
                for (j, &val) in row.iter().enumerate() {
                    dw[(o * g.c + c) * 9 + i * 3 + j] = val;
                }
            }
        }
    }
    dw
}

/// Elements of the small buffers of the transforms for bands of `band` tile rows, `tw` wide:
/// the even and odd padded columns of the band's `2·band + 2` input rows, and one padded input
/// row.
pub(super) fn small_len(band: usize, tw: usize) -> usize {
    2 * (2 * band + 2) * half_row_len(tw) + padded_len(half_row_len(tw)) + LANES
}

/// Length of the even and odd half rows of a band `tw` tiles wide: the `tw + 1` half columns
/// the tiles read, rounded up to whole blocks.
fn half_row_len(tw: usize) -> usize {
    (tw + 1).next_multiple_of(LANES)
}

/// Runs `$body` compiled with AVX-512F or AVX2 when the CPU has them, else as compiled.
macro_rules! with_best_simd {
    ($avx512:ident, $avx2:ident, $portable:ident, ($($arg:ident),*)) => {{
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU supports AVX-512F, checked just above.
                return unsafe { $avx512($($arg),*) };
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2, checked just above.
                return unsafe { $avx2($($arg),*) };
            }
        }
        $portable($($arg),*)
    }};
}

/// Transforms the band's input tiles of every channel of the image `x` into `v`, `[c][e][t]`.
pub(super) fn inputs<T: Float>(b: &Band, x: &[T], v: &mut [T], small: &mut [T]) {
    with_best_simd!(
        inputs_avx512,
        inputs_avx2,
        inputs_portable,
        (b, x, v, small)
    )
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn inputs_avx512<T: Float>(b: &Band, x: &[T], v: &mut [T], small: &mut [T]) {
    inputs_portable(b, x, v, small)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn inputs_avx2<T: Float>(b: &Band, x: &[T], v: &mut [T], small: &mut [T]) {
    inputs_portable(b, x, v, small)
}

#[inline(always)]
fn inputs_portable<T: Float>(b: &Band, x: &[T], v: &mut [T], small: &mut [T]) {
    let g = b.g;
    let plane = g.h * g.w;
    // The input rows the band reads, 2·ty0 − ph ..= 2·ty1 + 1 − ph, as a range of a plane.
    let first = (2 * b.ty0).saturating_sub(g.padding.0).min(g.h);
    let last = (2 * b.ty1 + 2).saturating_sub(g.padding.0).min(g.h);
    let rows = first * g.w..last * g.w;
    for c in 0..g.c {
        if c + 1 < g.c {
            prefetch(&x[(c + 1) * plane..(c + 2) * plane][rows.clone()]);
        }
        input_channel(b, &x[c * plane..(c + 1) * plane], c, v, small);
    }
}

/// Writes `V_e[c, t] = (Bᵀ d B)_e` for every tile `t` of the band, where `d` is the tile's 4×4
/// input block in channel `c` (`plane`). The band's input rows are first split into their even
/// and odd padded columns (zero outside the input), so that the tiles `tx .. tx + LANES` read
/// the blocks `even[tx..]`, `odd[tx..]`, `even[tx + 1..]` and `odd[tx + 1..]`.
#[inline(always)]
fn input_channel<T: Float>(b: &Band, plane: &[T], c: usize, v: &mut [T], small: &mut [T]) {
    let (g, tw, tiles) = (b.g, b.tw, b.tiles());
    // Tile tx reads half columns tx and tx + 1; rows are whole blocks so that every block
    // written is a full one.
    let hw = half_row_len(tw);
    let rows = 2 * (b.ty1 - b.ty0) + 2;
    let (eo, padded) = small.split_at_mut(2 * rows * hw);
    for r in 0..rows {
        let halves = eo[2 * r * hw..(2 * r + 2) * hw].split_at_mut(hw);
        let iy = (2 * b.ty0 + r) as isize - g.padding.0 as isize;
        split_row(plane, g, iy, halves, padded);
    }
    let eo = &*eo;
    for ty in b.ty0..b.ty1 {
        let r0 = 2 * (ty - b.ty0);
        let t0 = (ty - b.ty0) * tw;
        // The 16 rows of V for channel c are consecutive: e = 4·xi + nu at base + e·tiles.
        let base = c * b.stride() + t0;
        for tx in (0..tw).step_by(LANES) {
            let d0 = tile_columns(eo, hw, r0, tx);
            let d1 = tile_columns(eo, hw, r0 + 1, tx);
            let d2 = tile_columns(eo, hw, r0 + 2, tx);
            let d3 = tile_columns(eo, hw, r0 + 3, tx);
            // Rows of Bᵀ d: d0 − d2, d1 + d2, d2 − d1, d1 − d3; each then times B.
            store_row_times_b(v, (base, tiles, tw), tx, &zip4(&d0, &d2, |p, q| p - q));
            store_row_times_b(v, (base + 4 * tiles, tiles, tw), tx, &zip4(&d1, &d2, |p, q| p + q));
            store_row_times_b(v, (base + 8 * tiles, tiles, tw), tx, &zip4(&d2, &d1, |p, q| p - q));
            store_row_times_b(v, (base + 12 * tiles, tiles, tw), tx, &zip4(&d1, &d3, |p, q| p - q));
        }
    }
}

/// Columns `a, b, c, d` of input row `r` for the tiles `tx .. tx + LANES`: the blocks
/// `even[tx..]`, `odd[tx..]`, `even[tx + 1..]`, `odd[tx + 1..]` of the row's halves in `eo`.
#[inline(always)]
fn tile_columns<T: Float>(eo: &[T], hw: usize, r: usize, tx: usize) -> [Block<T>; 4] {
    let (even, odd) = eo[2 * r * hw..(2 * r + 2) * hw].split_at(hw);
    let z = T::zero();
    [
        load(even, tx, z),
        load(odd, tx, z),
        load(even, tx + 1, z),
        load(odd, tx + 1, z),
    ]
}

/// `f` applied to the four column blocks pairwise.
#[inline(always)]
fn zip4<T: Float>(
    p: &[Block<T>; 4],
    q: &[Block<T>; 4],
    f: impl Fn(T, T) -> T + Copy,
) -> [Block<T>; 4] {
    [
        map2(&p[0], &q[0], f),
        map2(&p[1], &q[1], f),
        map2(&p[2], &q[2], f),
        map2(&p[3], &q[3], f),
    ]
}

/// Stores one row `[a, b, c, d]` of `Bᵀ d` times `B` — `a − c, b + c, c − b, b − d` — at tile
/// `tx` of the four tile rows of `v` (each `tw` wide) starting at `at`, `tiles` apart.
#[inline(always)]
fn store_row_times_b<T: Float>(
    v: &mut [T],
    (at, tiles, tw): (usize, usize, usize),
    tx: usize,
    r: &[Block<T>; 4],
) {
    let [a, b, c, d] = r;
    let row = |nu: usize| at + nu * tiles;
    store(&mut v[row(0)..row(0) + tw], tx, &map2(a, c, |p, q| p - q));
    store(&mut v[row(1)..row(1) + tw], tx, &map2(b, c, |p, q| p + q));
    store(&mut v[row(2)..row(2) + tw], tx, &map2(c, b, |p, q| p - q));
    store(&mut v[row(3)..row(3) + tw], tx, &map2(b, d, |p, q| p - q));
}

/// Splits input row `iy` of `plane` (zero when outside the input) into its even and odd padded
/// columns: padded column `q` is input column `q − pw`, `even[k]` is `q = 2k`, `odd[k]` is
/// `q = 2k + 1`. `padded` holds [`padded_len`]` + LANES` elements for `even.len()`.
#[inline(always)]
fn split_row<T: Float>(
    plane: &[T],
    g: &Geometry,
    iy: isize,
    (even, odd): (&mut [T], &mut [T]),
    padded: &mut [T],
) {
    if iy < 0 || iy >= g.h as isize {
        even.fill(T::zero());
        odd.fill(T::zero());
        return;
    }
    let row = &plane[iy as usize * g.w..(iy as usize + 1) * g.w];
    let len = padded_len(even.len());
    let padded = &mut padded[..len + LANES];
    let z = T::zero();
    // Whole blocks only (the buffer has a block of slack): short copies and fills would
    // otherwise become calls to memcpy and memset.
    for k in (0..len).step_by(LANES) {
        store(padded, k, &[z; LANES]);
    }
    let pw = g.padding.1;
    let n = row.len().min(len.saturating_sub(pw));
    // The last block read is zero past the row's end, so the right padding stays zero.
    for k in (0..n).step_by(LANES) {
        store(padded, pw + k, &load(&row[..n], k, z));
    }
    for k in (0..even.len()).step_by(LANES) {
        let (e, o) = deinterleave(&padded[..len], 2 * k, z);
        store(even, k, &e);
        store(odd, k, &o);
    }
}

/// Length of the padded row [`split_row`] splits into `half` even and `half` odd columns.
fn padded_len(half: usize) -> usize {
    2 * half
}

/// Transforms the band's 2×2 output-gradient tiles of every channel of `dy` (`o × oh × ow`)
/// into `z` (`[o][e][t]`): `Z = A dY Aᵀ`, zero for outputs past the edge.
pub(super) fn grads<T: Float>(b: &Band, dy: &[T], z: &mut [T]) {
    with_best_simd!(grads_avx512, grads_avx2, grads_portable, (b, dy, z))
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn grads_avx512<T: Float>(b: &Band, dy: &[T], z: &mut [T]) {
    grads_portable(b, dy, z)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn grads_avx2<T: Float>(b: &Band, dy: &[T], z: &mut [T]) {
    grads_portable(b, dy, z)
}

#[inline(always)]
fn grads_portable<T: Float>(b: &Band, dy: &[T], z: &mut [T]) {
    let (g, tw, tiles) = (b.g, b.tw, b.tiles());
    let plane = g.oh * g.ow;
    let zero = T::zero();
    for o in 0..g.o {
        let dy = &dy[o * plane..(o + 1) * plane];
        let row = |oy: usize| if oy < g.oh { &dy[oy * g.ow..(oy + 1) * g.ow] } else { &[] };
        for ty in b.ty0..b.ty1 {
            let base = o * b.stride() + (ty - b.ty0) * tw;
            for tx in (0..tw).step_by(LANES) {
                // The tiles' gradients [[p, q], [r, s]], zero past the output's edge.
                let (p, q) = deinterleave(row(2 * ty), 2 * tx, zero);
                let (r, s) = deinterleave(row(2 * ty + 1), 2 * tx, zero);
                // Rows of A dY: (p, q), (p + r, q + s), (p − r, q − s), (−r, −s); each row
                // [u, v] times Aᵀ is [u, u + v, u − v, −v].
                let rows = [
                    [p, q],
                    [map2(&p, &r, |x, y| x + y), map2(&q, &s, |x, y| x + y)],
                    [map2(&p, &r, |x, y| x - y), map2(&q, &s, |x, y| x - y)],
                    [map2(&r, &r, |x, _| -x), map2(&s, &s, |x, _| -x)],
                ];
                for (xi, [u, v]) in rows.iter().enumerate() {
                    let at = base + 4 * xi * tiles;
                    let vals = [
                        *u,
                        map2(u, v, |x, y| x + y),
                        map2(u, v, |x, y| x - y),
                        map2(v, v, |x, _| -x),
                    ];
                    for (nu, val) in vals.iter().enumerate() {
                        let start = at + nu * tiles;
                        store(&mut z[start..start + tw], tx, val);
                    }
                }
            }
        }
    }
}

/// Writes the band's rows of every output channel of `out` (`o × oh × ow`) from the products
/// `m` (`[o][e][t]`), adding the bias.
pub(super) fn outputs<T: Float>(b: &Band, m: &[T], bias: Option<&[T]>, out: &mut [T]) {
    with_best_simd!(
        outputs_avx512,
        outputs_avx2,
        outputs_portable,
        (b, m, bias, out)
    )
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn outputs_avx512<T: Float>(b: &Band, m: &[T], bias: Option<&[T]>, out: &mut [T]) {
    outputs_portable(b, m, bias, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn outputs_avx2<T: Float>(b: &Band, m: &[T], bias: Option<&[T]>, out: &mut [T]) {
    outputs_portable(b, m, bias, out)
}

#[inline(always)]
fn outputs_portable<T: Float>(b: &Band, m: &[T], bias: Option<&[T]>, out: &mut [T]) {
    let g = b.g;
    let plane = g.oh * g.ow;
    for o in 0..g.o {
        let bo = bias.map_or(T::zero(), |bias| bias[o]);
        output_channel(b, m, o, bo, &mut out[o * plane..(o + 1) * plane]);
    }
}

/// Writes the band's rows of output channel `o` (`out`, `oh × ow`): `Y = Aᵀ M A + bias` for
/// each tile, dropping the outputs of edge tiles that fall outside the output.
#[inline(always)]
fn output_channel<T: Float>(b: &Band, m: &[T], o: usize, bias: T, out: &mut [T]) {
    let (g, tw, tiles) = (b.g, b.tw, b.tiles());
    for ty in b.ty0..b.ty1 {
        let t0 = (ty - b.ty0) * tw;
        // The 16 rows of M for channel o are consecutive: e = 4·ξ + ν at base + e·tiles.
        let base = o * b.stride() + t0;
        for tx in (0..tw).step_by(LANES) {
            let m0 = m_row(m, base, (tiles, tw), tx);
            let m1 = m_row(m, base + 4 * tiles, (tiles, tw), tx);
            let m2 = m_row(m, base + 8 * tiles, (tiles, tw), tx);
            let m3 = m_row(m, base + 12 * tiles, (tiles, tw), tx);
            // Rows of Aᵀ M: M0 + M1 + M2 and M1 − M2 − M3.
            let s0 = zip4(&zip4(&m0, &m1, |p, q| p + q), &m2, |p, q| p + q);
            let s1 = zip4(&zip4(&m1, &m2, |p, q| p - q), &m3, |p, q| p - q);
            for (i, s) in [s0, s1].iter().enumerate() {
                let oy = 2 * ty + i;
                if oy >= g.oh {
                    break;
                }
                // The row times A: [s0 + s1 + s2, s1 − s2 − s3], plus the bias.
                let [p0, p1, p2, p3] = s;
                let y0 = map3(p0, p1, p2, |a, b, c| a + b + c + bias);
                let y1 = map3(p1, p2, p3, |a, b, c| a - b - c + bias);
                store2(&mut out[oy * g.ow..(oy + 1) * g.ow], 2 * tx, &interleave(&y0, &y1));
            }
        }
    }
}

/// Row `ξ` of the tiles' 4×4 blocks of M — the blocks of the four rows of `m` starting at `at`,
/// `tiles` apart (each `tw` wide), at tile `tx`.
#[inline(always)]
fn m_row<T: Float>(m: &[T], at: usize, (tiles, tw): (usize, usize), tx: usize) -> [Block<T>; 4] {
    let row = |nu: usize| &m[at + nu * tiles..at + nu * tiles + tw];
    let z = T::zero();
    [
        load(row(0), tx, z),
        load(row(1), tx, z),
        load(row(2), tx, z),
        load(row(3), tx, z),
    ]
}
