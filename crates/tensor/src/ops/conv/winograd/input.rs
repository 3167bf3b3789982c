//! The input transform of F(2×2, 3×3), `V = Bᵀ d B` for every 4×4 input block `d`.
//!
//! It works on a whole band at once. A channel's input rows are first split by row parity and
//! column parity into four planes, each holding one row of `row_len = tw + 1` half columns per
//! tile row; then the 4×4 block of tile `i = ty·row_len + tx` is `EE[i], EO[i], EE[i+1],
//! EO[i+1]` (even input row), `OE[i], …` (odd row) and the same at `i + row_len` (the next two
//! rows). The transform is therefore a handful of loops over contiguous memory at fixed
//! offsets, which the compiler vectorises.

use super::simd::prefetch;
use super::{Band, E};
use crate::element::Float;

/// Elements of the small buffers of the transforms for bands of `band` tile rows, `tw` wide:
/// the padded input rows of one channel and its four parity planes (`band + 1` rows of
/// `tw + 1` each, and a spare element after each pair), which also hold the four output planes
/// `Y_ij` of one channel.
pub(super) fn small_len(band: usize, tw: usize) -> usize {
    8 * (band + 1) * (tw + 1) + 2
}

multiversion! {
    /// Transforms the band's input tiles of every channel of the image `x` into `v`
    /// (`[c][e][t]`, channels `b.stride()` apart).
    fn transform => inputs_portable(b: &Band, x: &[T], v: &mut [T], small: &mut [T])
}

#[inline(always)]
fn inputs_portable<T: Float>(b: &Band, x: &[T], v: &mut [T], small: &mut [T]) {
    let g = b.g;
    let plane = g.h * g.w;
    // The input rows the band reads, as a range of a plane.
    let first = (2 * b.ty0).saturating_sub(g.padding.0).min(g.h);
    let last = (2 * b.ty1 + 2).saturating_sub(g.padding.0).min(g.h);
    let rows = first * g.w..last * g.w;
    for c in 0..g.c {
        if c + 1 < g.c {
            prefetch(&x[(c + 1) * plane..(c + 2) * plane][rows.clone()]);
        }
        let image = &x[c * plane..(c + 1) * plane];
        let planes = split_planes(b, image, g.padding, (g.h, g.w), small);
        input_tiles(b, planes, &mut v[c * b.stride()..][..E * b.tiles()]);
    }
}

/// Splits the input rows `2·ty0 − ph + r` (`r < 2·(ty1 − ty0) + 2`) of one channel `image`
/// (`h × w`, zero outside) into four planes by row and column parity: even rows even columns,
/// even rows odd columns, odd rows even columns, odd rows odd columns, where padded column `q`
/// is input column `q − pw`.
///
/// The rows are first copied into a zero-padded buffer, even rows before odd rows, each
/// `2·row_len` wide; splitting that buffer into its even and odd elements is then one long
/// loop, whose two halves are the four planes.
#[inline(always)]
pub(super) fn split_planes<'s, T: Float>(
    b: &Band,
    image: &[T],
    (ph, pw): (usize, usize),
    (h, w): (usize, usize),
    small: &'s mut [T],
) -> [&'s [T]; 4] {
    let (rl, nb) = (b.row_len(), b.ty1 - b.ty0);
    let half = (nb + 1) * rl;
    let (padded, rest) = small.split_at_mut(4 * half);
    let (even, rest) = rest.split_at_mut(2 * half + 1);
    let odd = &mut rest[..2 * half + 1];
    padded.fill(T::zero());
    let copy = w.min((2 * rl).saturating_sub(pw));
    for r in 0..2 * nb + 2 {
        let Some(iy) = (2 * b.ty0 + r).checked_sub(ph).filter(|&iy| iy < h) else {
            continue;
        };
        let at = ((r % 2) * (nb + 1) + r / 2) * 2 * rl + pw;
        padded[at..at + copy].copy_from_slice(&image[iy * w..iy * w + copy]);
    }
    let (e, o, src) = (&mut even[..2 * half], &mut odd[..2 * half], &*padded);
    for i in 0..2 * half {
        e[i] = src[2 * i];
        o[i] = src[2 * i + 1];
    }
    // Each plane is read one element past its end, for the unused last tile: the first
    // element of the next plane, or a spare zero.
    even[2 * half] = T::zero();
    odd[2 * half] = T::zero();
    let (even, odd) = (&*even, &*odd);
    [
        &even[..half + 1],
        &odd[..half + 1],
        &even[half..],
        &odd[half..],
    ]
}

/// Writes `V_e[t] = (Bᵀ d B)_e` for every tile of the band into the 16 rows of `v` (`[e][t]`)
/// from the parity planes `[ee, eo, oe, oo]`.
#[inline(always)]
fn input_tiles<T: Float>(b: &Band, planes: [&[T]; 4], v: &mut [T]) {
    let (n, rl) = (b.tiles(), b.row_len());
    let [ee, eo, oe, oo] = planes;
    // Rows of the tile block: d0 = even row here, d1 = odd row here, d2 = even row below,
    // d3 = odd row below; for the even (columns a, c) and odd (columns b, d) half columns.
    let d0 = (&ee[..n + 1], &eo[..n + 1]);
    let d1 = (&oe[..n + 1], &oo[..n + 1]);
    let d2 = (&ee[rl..rl + n + 1], &eo[rl..rl + n + 1]);
    let d3 = (&oe[rl..rl + n + 1], &oo[rl..rl + n + 1]);
    // Row ξ of Bᵀ d: d0 − d2, d1 + d2, d2 − d1, d1 − d3.
    let rows = [
        (d0, d2, false),
        (d1, d2, true),
        (d2, d1, false),
        (d1, d3, false),
    ];
    for (xi, (p, q, add)) in rows.into_iter().enumerate() {
        let (v0, rest) = v[4 * xi * n..].split_at_mut(n);
        let (v1, rest) = rest.split_at_mut(n);
        let (v2, rest) = rest.split_at_mut(n);
        let v3 = &mut rest[..n];
        if add {
            row_times_b(p, q, |x, y| x + y, [v0, v1, v2, v3]);
        } else {
            row_times_b(p, q, |x, y| x - y, [v0, v1, v2, v3]);
        }
    }
}

/// For the row `r = f(p, q)` of `Bᵀ d` (even half columns `.0`, odd `.1`), writes `r B`:
/// with `a, b, c, d = r.0[i], r.1[i], r.0[i + 1], r.1[i + 1]`, the values `a − c`, `b + c`,
/// `c − b`, `b − d`.
#[inline(always)]
fn row_times_b<T: Float>(
    p: (&[T], &[T]),
    q: (&[T], &[T]),
    f: impl Fn(T, T) -> T,
    [v0, v1, v2, v3]: [&mut [T]; 4],
) {
    let n = v0.len();
    let (pe, po, qe, qo) = (&p.0[..n + 1], &p.1[..n + 1], &q.0[..n + 1], &q.1[..n + 1]);
    let (v1, v2, v3) = (&mut v1[..n], &mut v2[..n], &mut v3[..n]);
    for i in 0..n {
        let (a, bb) = (f(pe[i], qe[i]), f(po[i], qo[i]));
        let (c, d) = (f(pe[i + 1], qe[i + 1]), f(po[i + 1], qo[i + 1]));
        v0[i] = a - c;
        v1[i] = bb + c;
        v2[i] = c - bb;
        v3[i] = bb - d;
    }
}
