//! Winograd's minimal filtering F(2×2, 3×3) (Lavin and Gray, "Fast Algorithms for Convolutional
//! Neural Networks", 2016): the fast path for 3×3 convolutions with stride 1, dilation 1 and one
//! group, which computes each 2×2 block of outputs from a 4×4 block of inputs with 16
//! multiplications per channel pair instead of 36. Forward passes and input gradients with
//! outputs of 16×16 and more, where at least three quarters of the outputs its 4×4 tiles
//! compute are used, go to F(4×4, 3×3) instead (the `f4x4` module); weight gradients always
//! use F(2×2, 3×3).
//!
//! With `Bᵀ = [[1,0,−1,0],[0,1,1,0],[0,−1,1,0],[0,1,0,−1]]`, `G = [[1,0,0],[½,½,½],[½,−½,½],[0,0,1]]`
//! and `Aᵀ = [[1,1,1,0],[0,1,−1,−1]]`, an output tile is
//!
//! `Y[o] = Aᵀ (Σ_c (G W[o,c] Gᵀ) ⊙ (Bᵀ X[c] B)) A`
//!
//! so for each of the 16 positions `e` of the 4×4 transformed tile, the sum over channels is one
//! matrix product `M_e[o, t] = Σ_c U_e[o, c] · V_e[c, t]` over all tiles `t`, which goes through
//! [`gemm_into`]. Tiles are processed in bands of tile rows whose transformed inputs and
//! products stay in the L2 cache. The transforms are additions only; they are compiled for
//! AVX-512 and AVX2 as well as the baseline, and the CPU picks at run time.

#[macro_use]
mod simd;
mod f4x4;
mod grad;
mod input;
mod output;
mod weights;

use super::geometry::Geometry;
use super::{for_each_image, sum_over_images};
use crate::element::Float;
use crate::ops::matmul::kernel::{gemm_into, MatMut, MatRef};

/// Positions of a transformed 4×4 tile.
const E: usize = 16;

/// Fewest input and output channels for which the transforms pay for themselves.
const MIN_CHANNELS: usize = 16;

/// Upper bound on the elements of one band's transformed inputs and products together.
const BAND_ELEMS: usize = 1 << 18;

/// True when `g` is a convolution this module computes: 3×3, stride 1, dilation 1, one group,
/// enough channels, and an output of at least 2×2.
pub(crate) fn applies(g: &Geometry) -> bool {
    g.kh == 3
        && g.kw == 3
        && g.stride == (1, 1)
        && g.dilation == (1, 1)
        && g.groups == 1
        && g.c >= MIN_CHANNELS
        && g.o >= MIN_CHANNELS
        && g.oh >= 2
        && g.ow >= 2
}

/// conv2d of `x` (`n × c × h × w`) with `w` (`o × c × 3 × 3`) by F(2×2, 3×3), for a geometry
/// where [`applies`] holds.
pub(crate) fn conv2d<T: Float>(g: &Geometry, x: &[T], w: &[T], bias: Option<&[T]>) -> Vec<T> {
    debug_assert!(applies(g));
    if f4x4::applies(g) {
        return f4x4::conv2d(g, x, w, bias);
    }
    let plan = Plan::new(g);
    let u = weights::transform(g, w);
    for_each_image(
        g,
        plan.scratch_len(),
        g.out_image(),
        |i, out, scratch, parallel| {
            let x = &x[i * g.in_image()..(i + 1) * g.in_image()];
            for ty0 in (0..plan.th).step_by(plan.band) {
                let b = Band {
                    g,
                    tw: plan.tw,
                    ty0,
                    ty1: (ty0 + plan.band).min(plan.th),
                };
                b.run(x, &u, bias, out, scratch, &plan, parallel);
            }
        },
    )
}

/// The input gradient of the stride-1 3×3 convolution `g` as a forward convolution, when that
/// one is a Winograd case: `dx = conv2d(dy, W')` with `W'[c, o, i, j] = W[o, c, 2 − i, 2 − j]`
/// and padding `2 − p` (a "full" correlation with the flipped kernel). Returns `dx`
/// (`n × c × h × w`), or `None` when the fast path does not apply.
pub(crate) fn backward_input<T: Float>(g: &Geometry, dy: &[T], w: &[T]) -> Option<Vec<T>> {
    if g.padding.0 > 2 || g.padding.1 > 2 {
        return None;
    }
    let flipped = Geometry {
        c: g.o,
        h: g.oh,
        w: g.ow,
        o: g.c,
        oh: g.h,
        ow: g.w,
        padding: (2 - g.padding.0, 2 - g.padding.1),
        ..*g
    };
    let fits = g.oh + 2 * flipped.padding.0 == g.h + 2 && g.ow + 2 * flipped.padding.1 == g.w + 2;
    if !(applies(g) && applies(&flipped) && fits) {
        return None;
    }
    let mut wf = vec![T::zero(); w.len()];
    for o in 0..g.o {
        for c in 0..g.c {
            for k in 0..9 {
                wf[(c * g.o + o) * 9 + k] = w[(o * g.c + c) * 9 + 8 - k];
            }
        }
    }
    Some(conv2d(&flipped, dy, &wf, None))
}

/// The weight gradient of the convolution `g` (one where [`applies`] holds) of `x` with output
/// gradient `dy`, by the same algorithm: with `Z = A dY Aᵀ` the transformed 2×2 output-gradient
/// tiles and `V` the transformed input tiles of the forward pass,
/// `dW[o, c] = Gᵀ (Σ_t Z_t[o] ⊙ V_t[c]) G`, where the sum over tiles is, for each of the 16
/// positions `e`, one matrix product `dU_e[o, c] = Σ_t Z_e[o, t] · V_e[c, t]`.
pub(crate) fn backward_weight<T: Float>(g: &Geometry, x: &[T], dy: &[T]) -> Vec<T> {
    debug_assert!(applies(g));
    let plan = Plan::new(g);
    let du = sum_over_images(
        g,
        plan.scratch_len(),
        E * g.c * g.o,
        |i, du, scratch, parallel| {
            let x = &x[i * g.in_image()..(i + 1) * g.in_image()];
            let dy = &dy[i * g.out_image()..(i + 1) * g.out_image()];
            for ty0 in (0..plan.th).step_by(plan.band) {
                let b = Band {
                    g,
                    tw: plan.tw,
                    ty0,
                    ty1: (ty0 + plan.band).min(plan.th),
                };
                b.accumulate_weight_grad(x, dy, du, scratch, &plan, parallel);
            }
        },
    );
    weights::gradient(g, &du)
}

/// Elements between the end of one channel's block of V, M or Z and the start of the next.
const CHANNEL_PAD: usize = 16;

/// Distance between the blocks of two channels in V, M and Z (`[channel][e][t]`) for `tiles`
/// tiles: the 16 rows of tiles plus [`CHANNEL_PAD`], so that the same element of successive
/// channels does not fall in the same L1 cache set (the GEMM packing reads down the channels).
fn channel_stride(tiles: usize) -> usize {
    E * tiles + CHANNEL_PAD
}

/// Where the transformed data of one band lies in V and M (`[channel][e][t]`).
#[derive(Clone, Copy)]
struct Transformed {
    /// Tiles per position `e` that the products compute: the GEMMs' `m`.
    rows: usize,
    /// Distance between the rows of two successive positions `e` of one channel.
    position_step: usize,
    /// Distance between the blocks of two channels.
    channel_stride: usize,
}

/// The products of one band, one GEMM for each of the `positions` positions of a transformed
/// tile: `Mᵀ_e[t, o] = Σ_c Vᵀ_e[t, c] · Uᵀ_e[c, o]`, contiguous along the tiles `t`, with the
/// transformed weights `u` laid out `[e][o][c]`. The positions are computed in order: in
/// F(2×2, 3×3), the rows a product computes past its tiles run into the next position's.
fn products<T: Float>(
    g: &Geometry,
    positions: usize,
    at: Transformed,
    v: &[T],
    u: &[T],
    m: &mut [T],
    parallel: bool,
) {
    for e in 0..positions {
        let (offset, col_stride) = (e * at.position_step, at.channel_stride as isize);
        gemm_into(
            at.rows,
            g.o,
            g.c,
            MatMut {
                data: &mut *m,
                offset,
                row_stride: 1,
                col_stride,
            },
            MatRef {
                data: v,
                offset,
                row_stride: 1,
                col_stride,
            },
            MatRef {
                data: u,
                offset: e * g.o * g.c,
                row_stride: 1,
                col_stride: g.c as isize,
            },
            false,
            parallel,
        );
    }
}

/// Tile counts and band size of one convolution.
struct Plan {
    /// Tile rows: `⌈OH/2⌉`.
    th: usize,
    /// Tile columns: `⌈OW/2⌉`.
    tw: usize,
    /// Tile rows per band.
    band: usize,
    /// Elements of the transformed inputs `V` of a full band.
    v_len: usize,
    /// Elements of the products `M` of a full band.
    m_len: usize,
}

impl Plan {
    fn new(g: &Geometry) -> Plan {
        let (th, tw) = (g.oh.div_ceil(2), g.ow.div_ceil(2));
        let tiles = BAND_ELEMS / (E * (g.c + g.o));
        // Bands of equal height, as few as fit.
        let bands = th.div_ceil((tiles / (tw + 1)).clamp(1, th));
        let band = th.div_ceil(bands);
        Plan {
            th,
            tw,
            band,
            v_len: g.c * channel_stride(band * (tw + 1)),
            m_len: g.o * channel_stride(band * (tw + 1)),
        }
    }
    /// Scratch elements one worker needs: `V`, `M`, and the small buffers of the transforms.
    fn scratch_len(&self) -> usize {
        self.v_len + self.m_len + input::small_len(self.band, self.tw)
    }
}

/// Tile rows `ty0..ty1` of one image.
struct Band<'a> {
    g: &'a Geometry,
    /// Tile columns.
    tw: usize,
    ty0: usize,
    ty1: usize,
}

impl Band<'_> {
    /// Tiles in a row of the band's transformed data: the `tw` tiles and one more, whose
    /// values are never used. The extra tile lets every transform run as one loop over the
    /// whole band, rows of tiles and rows of inputs then being the same distance apart.
    fn row_len(&self) -> usize {
        self.tw + 1
    }
    /// Tiles in the band's transformed data (extra tiles included): the GEMMs' `m`.
    fn tiles(&self) -> usize {
        (self.ty1 - self.ty0) * self.row_len()
    }
    /// Distance between the blocks of two channels in V, M and Z.
    fn stride(&self) -> usize {
        channel_stride(self.tiles())
    }

    /// Input transform, 16 GEMMs, output transform: the band's rows of `out` (`o × oh × ow`).
    #[allow(clippy::too_many_arguments)]
    fn run<T: Float>(
        &self,
        x: &[T],
        u: &[T],
        bias: Option<&[T]>,
        out: &mut [T],
        scratch: &mut [T],
        plan: &Plan,
        parallel: bool,
    ) {
        let (g, tiles) = (self.g, self.tiles());
        let (v, rest) = scratch.split_at_mut(plan.v_len);
        let (m, small) = rest.split_at_mut(plan.m_len);
        let v = &mut v[..g.c * self.stride()];
        let m = &mut m[..g.o * self.stride()];
        input::transform(self, x, v, small);
        // The GEMM kernels work on blocks of 16 rows: computing up to 15 more tiles than there
        // are costs less than a partial block. The extra rows read the next position's V (or
        // the padding after the last) and write the next position's M, which its own product
        // then overwrites (or the padding).
        let m_rows = tiles.next_multiple_of(16);
        debug_assert!(m_rows - tiles <= CHANNEL_PAD);
        // V and M are laid out [channel][e][t], so that a transform touching one channel works
        // on one contiguous block rather than on 16 rows a whole matrix apart (which would all
        // fall in the same L1 cache set).
        let layout = Transformed {
            rows: m_rows,
            position_step: tiles,
            channel_stride: self.stride(),
        };
        products(g, E, layout, v, u, m, parallel);
        output::transform(self, m, bias, out, small);
    }

    /// `du[e][c][o] += Σ_t Z_e[o, t] · V_e[c, t]` over the band's tiles of one image.
    fn accumulate_weight_grad<T: Float>(
        &self,
        x: &[T],
        dy: &[T],
        du: &mut [T],
        scratch: &mut [T],
        plan: &Plan,
        parallel: bool,
    ) {
        let (g, tiles) = (self.g, self.tiles());
        let (v, rest) = scratch.split_at_mut(plan.v_len);
        let (z, small) = rest.split_at_mut(plan.m_len);
        let v = &mut v[..g.c * self.stride()];
        let z = &mut z[..g.o * self.stride()];
        input::transform(self, x, v, small);
        grad::transform(self, dy, z, small);
        for e in 0..E {
            // dU_e[o, c] += Σ_t Z_e[o, t] · V_e[c, t], stored [e][c][o]: contiguous along o.
            gemm_into(
                g.o,
                g.c,
                tiles,
                MatMut {
                    data: &mut *du,
                    offset: e * g.c * g.o,
                    row_stride: 1,
                    col_stride: g.o as isize,
                },
                MatRef {
                    data: &*z,
                    offset: e * tiles,
                    row_stride: self.stride() as isize,
                    col_stride: 1,
                },
                MatRef {
                    data: &*v,
                    offset: e * tiles,
                    row_stride: 1,
                    col_stride: self.stride() as isize,
                },
                true,
                parallel,
            );
        }
    }
}
