//! The three transforms of F(2×2, 3×3) and the one of its weight gradient: weights
//! `U = G W Gᵀ`, input tiles `V = Bᵀ d B`, output tiles `Y = Aᵀ M A`, output-gradient tiles
//! `Z = A dY Aᵀ`, and `dW = Gᵀ dU G`.
//!
//! The input and output transforms work on a whole band at once. A channel's input rows are
//! first split by row parity and column parity into four planes, each holding one row of
//! `row_len = tw + 1` half columns per tile row; then the 4×4 block of tile `i = ty·row_len +
//! tx` is `EE[i], EO[i], EE[i+1], EO[i+1]` (even input row), `OE[i], …` (odd row) and the same
//! at `i + row_len` (the next two rows). Every transform is therefore a handful of loops over
//! contiguous memory at fixed offsets, which the compiler vectorises; the entry points pick an
//! AVX-512 or AVX2 build of them at run time.

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
/// the four parity planes of one channel (`band + 1` rows of `tw + 1`, plus one), or the four
/// output planes `Y_ij` of one channel.
pub(super) fn small_len(band: usize, tw: usize) -> usize {
    4 * plane_len(band, tw + 1)
}

/// Elements of one parity plane: `band + 1` rows of `row_len`, and one more for the shifted
/// reads of the last tile.
fn plane_len(band: usize, row_len: usize) -> usize {
    (band + 1) * row_len + 1
}

/// Runs the function compiled with AVX-512F or AVX2 when the CPU has them, else as compiled.
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

/// Defines `$name`, running `$portable` compiled for the best instruction set the CPU has.
macro_rules! multiversion {
    ($(#[$doc:meta])* fn $name:ident => $portable:ident ($($arg:ident : $ty:ty),*)) => {
        $(#[$doc])*
        pub(super) fn $name<T: Float>($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx512f")]
            unsafe fn avx512<T: Float>($($arg: $ty),*) {
                $portable($($arg),*)
            }
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2")]
            unsafe fn avx2<T: Float>($($arg: $ty),*) {
                $portable($($arg),*)
            }
            with_best_simd!(avx512, avx2, $portable, ($($arg),*))
        }
    };
}

multiversion! {
    /// Transforms the band's input tiles of every channel of the image `x` into `v`
    /// (`[c][e][t]`, channels `b.stride()` apart).
    fn inputs => inputs_portable(b: &Band, x: &[T], v: &mut [T], small: &mut [T])
}

multiversion! {
    /// Writes the band's rows of every output channel of `out` (`o × oh × ow`) from the
    /// products `m` (`[o][e][t]`), adding the bias; `small` holds [`small_len`] elements.
    fn outputs => outputs_portable(b: &Band, m: &[T], bias: Option<&[T]>, out: &mut [T], small: &mut [T])
}

multiversion! {
    /// Transforms the band's 2×2 output-gradient tiles of every channel of `dy` (`o × oh × ow`)
    /// into `z` (`[o][e][t]`): `Z = A dY Aᵀ`, zero for outputs past the edge.
    fn grads => grads_portable(b: &Band, dy: &[T], z: &mut [T], small: &mut [T])
}

#[inline(always)]
fn inputs_portable<T: Float>(b: &Band, x: &[T], v: &mut [T], small: &mut [T]) {
    let g = b.g;
    let plane = g.h * g.w;
    for c in 0..g.c {
        let image = &x[c * plane..(c + 1) * plane];
        let planes = split_planes(b, image, g.padding, (g.h, g.w), small);
        input_tiles(b, planes, &mut v[c * b.stride()..][..E * b.tiles()]);
    }
}

/// Splits the input rows `2·ty0 − ph + r` (`r < 2·(ty1 − ty0) + 2`) of one channel `image`
/// (`h × w`, zero outside) into four planes by row and column parity: even rows even columns,
/// even rows odd columns, odd rows even columns, odd rows odd columns, where padded column `q`
/// is input column `q − pw`.
#[inline(always)]
fn split_planes<'s, T: Float>(
    b: &Band,
    image: &[T],
    (ph, pw): (usize, usize),
    (h, w): (usize, usize),
    small: &'s mut [T],
) -> [&'s [T]; 4] {
    let (rl, nb) = (b.row_len(), b.ty1 - b.ty0);
    let len = plane_len(nb, rl);
    let (ee, rest) = small.split_at_mut(len);
    let (eo, rest) = rest.split_at_mut(len);
    let (oe, rest) = rest.split_at_mut(len);
    let oo = &mut rest[..len];
    for r in 0..2 * nb + 2 {
        let (even, odd) = if r % 2 == 0 {
            (&mut ee[r / 2 * rl..][..rl], &mut eo[r / 2 * rl..][..rl])
        } else {
            (&mut oe[r / 2 * rl..][..rl], &mut oo[r / 2 * rl..][..rl])
        };
        let iy = (2 * b.ty0 + r).checked_sub(ph).filter(|&iy| iy < h);
        split_row(iy.map(|iy| &image[iy * w..(iy + 1) * w]), pw, even, odd);
    }
    for p in [&mut *ee, &mut *eo, &mut *oe, &mut *oo] {
        p[len - 1] = T::zero();
    }
    [&*ee, &*eo, &*oe, &*oo]
}

/// `even[k], odd[k]` = padded columns `2k`, `2k + 1` of `row` (input column `q − pw` at padded
/// column `q`; zero outside the row, and everywhere when there is no row).
#[inline(always)]
fn split_row<T: Float>(row: Option<&[T]>, pw: usize, even: &mut [T], odd: &mut [T]) {
    even.fill(T::zero());
    odd.fill(T::zero());
    let Some(row) = row else { return };
    // Input column ix lands in even[(ix + pw) / 2] or odd[(ix + pw) / 2] by the parity of
    // ix + pw. Skip the first column when it is odd, then take whole pairs.
    let (first, rest) = if pw % 2 == 1 {
        (row.first().copied(), row.get(1..).unwrap_or(&[]))
    } else {
        (None, row)
    };
    let k0 = pw.div_ceil(2);
    if let (Some(v), Some(slot)) = (first, odd.get_mut(pw / 2)) {
        *slot = v;
    }
    let n = (rest.len() / 2).min(even.len().saturating_sub(k0));
    let (e, o, src) = (&mut even[k0..k0 + n], &mut odd[k0..k0 + n], &rest[..2 * n]);
    for i in 0..n {
        e[i] = src[2 * i];
        o[i] = src[2 * i + 1];
    }
    if rest.len() % 2 == 1 && n == rest.len() / 2 {
        if let Some(slot) = even.get_mut(k0 + n) {
            *slot = rest[rest.len() - 1];
        }
    }
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
    let rows = [(d0, d2, false), (d1, d2, true), (d2, d1, false), (d1, d3, false)];
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
    let r: [&[T]; E] = std::array::from_fn(|e| &m[e * n..(e + 1) * n]);
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

#[inline(always)]
fn grads_portable<T: Float>(b: &Band, dy: &[T], z: &mut [T], small: &mut [T]) {
    let g = b.g;
    let plane = g.oh * g.ow;
    let n = b.tiles();
    for o in 0..g.o {
        let dy = &dy[o * plane..(o + 1) * plane];
        // The output gradient seen as a padding-free "input" of the band's output rows
        // 2·ty0 + r, split by parity: p, q (even rows), r, s (odd rows) of each tile.
        let [p, q, r, s] = split_planes(b, dy, (0, 0), (g.oh, g.ow), small);
        let z = &mut z[o * b.stride()..][..E * n];
        grad_tiles([&p[..n], &q[..n], &r[..n], &s[..n]], z);
    }
}

/// `Z = A dY Aᵀ` for every tile with gradients `[[p, q], [r, s]]`, into the 16 rows of `z`.
#[inline(always)]
fn grad_tiles<T: Float>([p, q, r, s]: [&[T]; 4], z: &mut [T]) {
    let n = p.len();
    let (q, r, s) = (&q[..n], &r[..n], &s[..n]);
    // Rows of A dY: (p, q), (p + r, q + s), (p − r, q − s), (−r, −s); each row [u, v] times
    // Aᵀ is [u, u + v, u − v, −v].
    for xi in 0..4 {
        let (z0, rest) = z[4 * xi * n..].split_at_mut(n);
        let (z1, rest) = rest.split_at_mut(n);
        let (z2, rest) = rest.split_at_mut(n);
        let z3 = &mut rest[..n];
        for i in 0..n {
            let (u, v) = match xi {
                0 => (p[i], q[i]),
                1 => (p[i] + r[i], q[i] + s[i]),
                2 => (p[i] - r[i], q[i] - s[i]),
                _ => (-r[i], -s[i]),
            };
            z0[i] = u;
            z1[i] = u + v;
            z2[i] = u - v;
            z3[i] = -v;
        }
    }
}
