//! The input transform of F(4×4, 3×3), `V = Bᵀ d B` for every 6×6 input block `d`.
//!
//! It works on a whole band at once, vectorised across tiles. A channel's input rows are split
//! by row phase and column offset into six arrays `A_j`, `j < 6`: for each row phase `α < 4`, a
//! plane of `ty1 − ty0 + 1` rows of `tw` values, `A_j[α][k][q] = x[4k + α][4q + j]` in padded
//! coordinates, rows counted from the band's first padded row `4·ty0`. The 6×6 block of tile `t = ty·tw + tx` is then
//! `d[i][j] = A_j[i % 4][t + (i / 4)·tw]`: every input of every tile at a fixed offset from `t`,
//! so that the transform is a few loops over contiguous memory.
//!
//! `A_0 … A_3` are one stride-4 split of the padded rows; `A_4` and `A_5` are `A_0` and `A_1`
//! one place further on, except at the end of each row, which takes the two padded columns
//! past the last full block of four.

use super::super::simd::prefetch;
use super::{for_lanes, Band, E, LANES};
use crate::element::Float;

/// Sizes of the input transform's buffers for a band of `rows` tile rows, `tw` wide.
struct Sizes {
    /// Values of one row-phase plane of an array `A_j`: `(rows + 1)·tw`.
    plane: usize,
    /// Values of one array `A_j` (four planes): `4·plane`; the padded rows hold four times as
    /// many.
    quarter: usize,
    /// Length of one array `A_j` with the spare values read past its end by the last lanes.
    array: usize,
}

impl Sizes {
    fn new(rows: usize, tw: usize) -> Sizes {
        let plane = (rows + 1) * tw;
        Sizes {
            plane,
            quarter: 4 * plane,
            array: 4 * plane + LANES,
        }
    }

    /// Elements of the padded rows, the edge columns and the six arrays.
    fn split_len(&self, rows: usize) -> usize {
        4 * self.quarter + 8 * (rows + 1) + 6 * self.array
    }
}

/// Elements of the small buffers of the transforms for bands of `band` tile rows, `tw` wide:
/// for the input transform, the padded rows of one channel, the six arrays `A_j` and the 36
/// rows of `Bᵀ d`; for the output transform, the 24 rows of `Aᵀ M` and the 16 of `Y`.
pub(super) fn small_len(band: usize, tw: usize) -> usize {
    let row = super::row_len(band * tw);
    let input = Sizes::new(band, tw).split_len(band) + E * row;
    let output = 40 * row;
    input.max(output)
}

multiversion! {
    /// Transforms the band's input tiles of every channel of the image `x` into `v`
    /// (`[c][e][t]`, channels `b.stride()` apart, rows `b.row()` long).
    fn transform => inputs_portable(b: &Band, x: &[T], v: &mut [T], small: &mut [T])
}

#[inline(always)]
fn inputs_portable<T: Float>(b: &Band, x: &[T], v: &mut [T], small: &mut [T]) {
    let g = b.g;
    let plane = g.h * g.w;
    // The input rows the band reads, as a range of a plane.
    let first = (4 * b.ty0).saturating_sub(g.padding.0).min(g.h);
    let last = (4 * b.ty1 + 2).saturating_sub(g.padding.0).min(g.h);
    let rows = first * g.w..last * g.w;
    let row = b.row();
    let sizes = Sizes::new(b.ty1 - b.ty0, b.tw);
    let (arrays, bt_d) = small.split_at_mut(sizes.split_len(b.ty1 - b.ty0));
    let bt_d = &mut bt_d[..E * row];
    for c in 0..g.c {
        if c + 1 < g.c {
            prefetch(&x[(c + 1) * plane..(c + 2) * plane][rows.clone()]);
        }
        let image = &x[c * plane..(c + 1) * plane];
        let a = split(b, &sizes, image, arrays);
        // d[i][j] for every lane of the band, as a slice starting at tile 0.
        let d = |i: usize, j: usize| &a[j][(i % 4) * sizes.plane + (i / 4) * b.tw..][..row];
        // Bᵀ d, column by column: (Bᵀ d)[k][j] at row 6j + k.
        for j in 0..6 {
            let column = [d(0, j), d(1, j), d(2, j), d(3, j), d(4, j), d(5, j)];
            for_lanes(column, rows_mut(&mut bt_d[6 * j * row..], row), times_bt);
        }
        // Each row of Bᵀ d times B: V[r][j] at row 6r + j.
        let (bt_d, v) = (&*bt_d, &mut v[c * b.stride()..]);
        for r in 0..6 {
            let bt_d_row: [&[T]; 6] = std::array::from_fn(|k| &bt_d[(6 * k + r) * row..][..row]);
            for_lanes(bt_d_row, rows_mut(&mut v[6 * r * row..], row), times_bt);
        }
    }
}

/// Fills the six arrays `A_j` (see the module docs) from the input rows `4·ty0 − ph + r`
/// (`r < 4·(ty1 − ty0) + 2`) of one channel `image` (`h × w`, zero outside), where padded
/// column `q` is input column `q − pw`.
///
/// The rows are first copied into a zero-padded buffer ordered by row phase, `4·tw` wide, with
/// the two padded columns past it (`4·tw` and `4·tw + 1`) kept aside; `A_0 … A_3` are then one
/// long stride-4 split of that buffer.
#[inline(always)]
fn split<'s, T: Float>(b: &Band, s: &Sizes, image: &[T], small: &'s mut [T]) -> [&'s [T]; 6] {
    let g = b.g;
    let (ph, pw) = g.padding;
    let (tw, nb) = (b.tw, b.ty1 - b.ty0);
    let width = 4 * tw;
    let (padded, rest) = small.split_at_mut(4 * s.quarter);
    let (edges, rest) = rest.split_at_mut(8 * (nb + 1));
    padded.fill(T::zero());
    edges.fill(T::zero());
    let copy = g.w.min(width - pw);
    for r in 0..4 * nb + 2 {
        let Some(iy) = (4 * b.ty0 + r).checked_sub(ph).filter(|&iy| iy < g.h) else {
            continue;
        };
        let at = (r % 4) * (nb + 1) + r / 4;
        let src = &image[iy * g.w..(iy + 1) * g.w];
        padded[at * width + pw..][..copy].copy_from_slice(&src[..copy]);
        for e in 0..2 {
            if let Some(&value) = src.get(width + e - pw) {
                edges[2 * at + e] = value;
            }
        }
    }
    let mut arrays = rest[..6 * s.array].chunks_exact_mut(s.array);
    let mut next = || arrays.next().expect("six arrays");
    let (a0, a1, a2, a3, a4, a5) = (next(), next(), next(), next(), next(), next());
    {
        let q = s.quarter;
        let (q0, q1, q2, q3, src) = (
            &mut a0[..q],
            &mut a1[..q],
            &mut a2[..q],
            &mut a3[..q],
            &padded[..4 * q],
        );
        for i in 0..q {
            q0[i] = src[4 * i];
            q1[i] = src[4 * i + 1];
            q2[i] = src[4 * i + 2];
            q3[i] = src[4 * i + 3];
        }
        a4[..q - 1].copy_from_slice(&a0[1..q]);
        a5[..q - 1].copy_from_slice(&a1[1..q]);
        for at in 0..4 * (nb + 1) {
            a4[at * tw + tw - 1] = edges[2 * at];
            a5[at * tw + tw - 1] = edges[2 * at + 1];
        }
    }
    [&*a0, &*a1, &*a2, &*a3, &*a4, &*a5]
}

/// The `K` consecutive `n`-element rows at the start of `buf`.
#[inline(always)]
pub(super) fn rows_mut<T, const K: usize>(buf: &mut [T], n: usize) -> [&mut [T]; K] {
    let mut rows = buf[..K * n].chunks_exact_mut(n.max(1));
    std::array::from_fn(|_| rows.next().unwrap_or_default())
}

/// `Bᵀ a` for one lane of six values.
#[inline(always)]
fn times_bt<T: Float>([x0, x1, x2, x3, x4, x5]: [T; 6]) -> [T; 6] {
    let (two, four, five) = (
        T::from_f64_lossy(2.0),
        T::from_f64_lossy(4.0),
        T::from_f64_lossy(5.0),
    );
    [
        four * x0 - five * x2 + x4,
        (x3 + x4) - four * (x1 + x2),
        (x4 - x3) + four * (x1 - x2),
        (x4 - x2) + two * (x3 - x1),
        (x4 - x2) - two * (x3 - x1),
        four * x1 - five * x3 + x5,
    ]
}
