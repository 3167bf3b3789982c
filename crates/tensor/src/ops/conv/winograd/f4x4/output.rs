//! The output transform of F(4×4, 3×3), `Y = Aᵀ M A + bias` for every tile, and the
//! interleaving of the tiles' 4×4 outputs into output rows.

use super::input::rows_mut;
use super::{for_lanes, Band, E};
use crate::element::Float;

multiversion! {
    /// Writes the band's rows of every output channel of `out` (`o × oh × ow`) from the
    /// products `m` (`[o][e][t]`), adding the bias; `small` holds
    /// [`small_len`](super::input::small_len) elements.
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
    let row = b.row();
    let (at_m, y) = small.split_at_mut(24 * row);
    let y = &mut y[..16 * row];
    for o in 0..g.o {
        let bias = bias.map_or(T::zero(), |bias| bias[o]);
        let m = &m[o * b.stride()..][..E * row];
        // Aᵀ M, column by column: (Aᵀ M)[i][j] at row 4j + i.
        for j in 0..6 {
            let column: [&[T]; 6] = std::array::from_fn(|k| &m[(6 * k + j) * row..][..row]);
            for_lanes(column, rows_mut(&mut at_m[4 * j * row..], row), times_at);
        }
        // Each row of Aᵀ M times A, plus the bias: Y[i][j] at row 4i + j.
        let at_m = &*at_m;
        for i in 0..4 {
            let at_m_row: [&[T]; 6] = std::array::from_fn(|k| &at_m[(4 * k + i) * row..][..row]);
            for_lanes(at_m_row, rows_mut(&mut y[4 * i * row..], row), |a| {
                times_at(a).map(|v| v + bias)
            });
        }
        write_rows(b, y, &mut out[o * plane..(o + 1) * plane]);
    }
}

/// `Aᵀ a` for one lane of six values.
#[inline(always)]
fn times_at<T: Float>([x0, x1, x2, x3, x4, x5]: [T; 6]) -> [T; 4] {
    let (two, four, eight) = (
        T::from_f64_lossy(2.0),
        T::from_f64_lossy(4.0),
        T::from_f64_lossy(8.0),
    );
    let (sum12, diff12) = (x1 + x2, x1 - x2);
    let (sum34, diff34) = (x3 + x4, x3 - x4);
    [
        x0 + sum12 + sum34,
        diff12 + two * diff34,
        sum12 + four * sum34,
        diff12 + eight * diff34 + x5,
    ]
}

/// Writes the output rows of the band from the tile outputs `y` (16 rows of `b.row()`,
/// `Y[i][j]` at row `4i + j`, each `[ty][tx]` with rows `tw` apart): output row `4·ty + i`
/// interleaves `Y[i][0..4]`.
#[inline(always)]
fn write_rows<T: Float>(b: &Band, y: &[T], out: &mut [T]) {
    let (g, tw, row) = (b.g, b.tw, b.row());
    let quads = g.ow / 4;
    for ty in b.ty0..b.ty1 {
        let t0 = (ty - b.ty0) * tw;
        for i in 0..4 {
            let oy = 4 * ty + i;
            if oy >= g.oh {
                break;
            }
            let out_row = &mut out[oy * g.ow..(oy + 1) * g.ow];
            let src: [&[T]; 4] = std::array::from_fn(|j| &y[(4 * i + j) * row + t0..][..tw]);
            let [s0, s1, s2, s3] = src.map(|s| &s[..quads]);
            let dst = &mut out_row[..4 * quads];
            for k in 0..quads {
                dst[4 * k] = s0[k];
                dst[4 * k + 1] = s1[k];
                dst[4 * k + 2] = s2[k];
                dst[4 * k + 3] = s3[k];
            }
            for j in 0..g.ow % 4 {
                out_row[4 * quads + j] = src[j][quads];
            }
        }
    }
}
