//! The output transform of F(2×2, 3×3), `Y = Aᵀ M A + bias` for every tile, and the
//! interleaving of the tiles' 2×2 outputs into output rows.

use super::{Band, E};
use crate::element::Float;

multiversion! {
    /// Writes the band's rows of every output channel of `out` (`o × oh × ow`) from the
    /// products `m` (`[o][e][t]`), adding the bias; `small` holds [`small_len`](super::input::small_len) elements.
    fn transform => outputs_portable(b: &Band, m: &[T], bias: Option<&[T]>, out: &mut [T], small: &mut [T])
}

#[inline(always)]
fn outputs_portable<T: Float>(
    b: &Band,
    m: &[T],
    bias: Option<&[T]>,
    out: &mut [T],
    small: &mut [T],
) {
    let g = b.g;
    let plane = g.oh * g.ow;
    let n = b.tiles();
    for o in 0..g.o {
        let bo = bias.map_or(T::zero(), |bias| bias[o]);
        let m = &m[o * b.stride()..][..E * n];
        let (y0, rest) = small.split_at_mut(n);
        let (y1, rest) = rest.split_at_mut(n);
        let (y2, rest) = rest.split_at_mut(n);
        let y3 = &mut rest[..n];
        output_tiles(m, bo, [y0, y1, y2, y3]);
        let y = [&*y0, &*y1, &*y2, &*y3];
        write_rows(b, y, &mut out[o * plane..(o + 1) * plane]);
    }
}

/// `Y = Aᵀ M A + bias` for every tile: `y[2i + j][t] = Y_ij` from the 16 rows of `m`
/// (`[e][t]`).
#[inline(always)]
fn output_tiles<T: Float>(m: &[T], bias: T, [y00, y01, y10, y11]: [&mut [T]; 4]) {
    let n = y00.len();
    let row = |e: usize| &m[e * n..(e + 1) * n];
    let r = [
        row(0),
        row(1),
        row(2),
        row(3),
        row(4),
        row(5),
        row(6),
        row(7),
        row(8),
        row(9),
        row(10),
        row(11),
        row(12),
        row(13),
        row(14),
        row(15),
    ];
    let (y01, y10, y11) = (&mut y01[..n], &mut y10[..n], &mut y11[..n]);
    for i in 0..n {
        // Rows of Aᵀ M: s0 = M0 + M1 + M2, s1 = M1 − M2 − M3 (for each column ν).
        let s0 = |nu: usize| r[nu][i] + r[4 + nu][i] + r[8 + nu][i];
        let s1 = |nu: usize| r[4 + nu][i] - r[8 + nu][i] - r[12 + nu][i];
        let (a0, a1, a2, a3) = (s0(0), s0(1), s0(2), s0(3));
        let (b0, b1, b2, b3) = (s1(0), s1(1), s1(2), s1(3));
        // Each row times A: [s0 + s1 + s2, s1 − s2 − s3].
        y00[i] = a0 + a1 + a2 + bias;
        y01[i] = a1 - a2 - a3 + bias;
        y10[i] = b0 + b1 + b2 + bias;
        y11[i] = b1 - b2 - b3 + bias;
    }
}

/// Writes the output rows of the band from the tile outputs `y` (`Y_00, Y_01, Y_10, Y_11`,
/// each `[ty][tx]` with rows `row_len` apart): row `2·ty + i` interleaves `Y_i0` and `Y_i1`.
#[inline(always)]
fn write_rows<T: Float>(b: &Band, y: [&[T]; 4], out: &mut [T]) {
    let (g, rl) = (b.g, b.row_len());
    for ty in b.ty0..b.ty1 {
        let t0 = (ty - b.ty0) * rl;
        for i in 0..2 {
            let oy = 2 * ty + i;
            if oy >= g.oh {
                break;
            }
            let row = &mut out[oy * g.ow..(oy + 1) * g.ow];
            let (left, right) = (&y[2 * i][t0..t0 + rl], &y[2 * i + 1][t0..t0 + rl]);
            let pairs = g.ow / 2;
            let (dst, l, r) = (&mut row[..2 * pairs], &left[..pairs], &right[..pairs]);
            for k in 0..pairs {
                dst[2 * k] = l[k];
                dst[2 * k + 1] = r[k];
            }
            if g.ow % 2 == 1 {
                row[g.ow - 1] = left[pairs];
            }
        }
    }
}
