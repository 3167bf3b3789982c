//! Winograd's F(4×4, 3×3): each 4×4 block of outputs from a 6×6 block of inputs, with 36
//! multiplications per channel pair instead of 144 (F(2×2, 3×3) needs 64 for the same outputs).
//! The fast path of larger forward convolutions and input gradients.
//!
//! The matrices are Lavin and Gray's, with interpolation points 0, ±1, ±2 and ∞:
//!
//! ```text
//! Bᵀ = [[4, 0,−5, 0, 1, 0],      G = [[ ¼,    0,   0],      Aᵀ = [[1, 1, 1, 1, 1, 0],
//!       [0,−4,−4, 1, 1, 0],           [−⅙,   −⅙,  −⅙],            [0, 1,−1, 2,−2, 0],
//!       [0, 4,−4,−1, 1, 0],           [−⅙,    ⅙,  −⅙],            [0, 1, 1, 4, 4, 0],
//!       [0,−2,−1, 2, 1, 0],           [1/24, 1/12, ⅙],            [0, 1,−1, 8,−8, 1]]
//!       [0, 2,−1,−2, 1, 0],           [1/24,−1/12, ⅙],
//!       [0, 4, 0,−5, 0, 1]]           [ 0,    0,   1]]
//! ```
//!
//! and, as in F(2×2, 3×3), `Y[o] = Aᵀ (Σ_c (G W[o,c] Gᵀ) ⊙ (Bᵀ X[c] B)) A`: one matrix product
//! over the channels for each of the 36 positions of a transformed tile. Its rounding errors are
//! several times F(2×2, 3×3)'s (the transforms multiply by up to 8 and divide by 24: in f32,
//! measured, about 6 times in rms), but well within the bound `n·u·Σ|x·w|` of a plain sum of
//! the same products, which the tests check.

mod input;
mod output;
mod weights;

use super::super::for_each_image;
use super::super::geometry::Geometry;
use super::{products, Transformed};
use crate::element::Float;

/// Positions of a transformed 6×6 tile.
const E: usize = 36;

/// Smallest output height and width for which the larger tiles pay. On smaller outputs the
/// transforms' cost per tile, the lanes left empty and the outputs a tile overhangs outweigh the
/// saved multiplications (measured: on 8×8 to 14×14 outputs F(4×4, 3×3) took 1.3 to 2 times as
/// long as F(2×2, 3×3); from 16×16, 0.74 to 0.97 times, except where too much was wasted).
const MIN_OUTPUT: usize = 16;

/// Upper bound on the elements of one band's transformed inputs and products together.
const BAND_ELEMS: usize = 1 << 19;

/// Tiles the transforms handle at a time: one AVX-512 register of f32. Rows of tiles in the
/// transformed data are rounded up to a multiple of it.
const LANES: usize = 16;

/// Elements between the end of one channel's block of V or M and the start of the next, so
/// that the same element of successive channels does not fall in the same L1 cache set (the
/// GEMM packing reads down the channels).
const CHANNEL_PAD: usize = 16;

/// Length of the rows of transformed data for `tiles` tiles: a whole number of lanes.
fn row_len(tiles: usize) -> usize {
    tiles.next_multiple_of(LANES)
}

/// Applies `f` to every lane of the rows `inputs`, writing the rows `outputs`, whose length is
/// a multiple of [`LANES`]: written `LANES` lanes at a time, so that each step is a few vector
/// instructions.
#[inline(always)]
fn for_lanes<T: Float, const I: usize, const O: usize>(
    inputs: [&[T]; I],
    outputs: [&mut [T]; O],
    f: impl Fn([T; I]) -> [T; O],
) {
    let n = outputs[0].len();
    debug_assert_eq!(n % LANES, 0);
    for start in (0..n).step_by(LANES) {
        let ins: [&[T]; I] = inputs.map(|s| &s[start..start + LANES]);
        let mut res = [[T::zero(); LANES]; O];
        for l in 0..LANES {
            let r = f(std::array::from_fn(|k| ins[k][l]));
            for o in 0..O {
                res[o][l] = r[o];
            }
        }
        for o in 0..O {
            outputs[o][start..start + LANES].copy_from_slice(&res[o]);
        }
    }
}

/// True when F(4×4, 3×3) should compute the convolution `g`, which must already be a Winograd
/// case (see [`super::applies`]): the output is at least [`MIN_OUTPUT`] square, and at least
/// three quarters of the outputs the transforms compute are used, the rest being lanes past the
/// last tile of a band and tiles overhanging the output. (An 18×18 output, 25 tiles in 32
/// lanes, fails this and ran 1.2 times as long as with F(2×2, 3×3).)
pub(super) fn applies(g: &Geometry) -> bool {
    if g.oh < MIN_OUTPUT || g.ow < MIN_OUTPUT {
        return false;
    }
    let plan = Plan::new(g);
    let computed = plan.th.div_ceil(plan.band) * row_len(plan.band * plan.tw) * 16;
    4 * g.oh * g.ow >= 3 * computed
}

/// conv2d of `x` (`n × c × h × w`) with `w` (`o × c × 3 × 3`) by F(4×4, 3×3), for a geometry
/// where [`super::applies`] and [`applies`] hold.
pub(super) fn conv2d<T: Float>(g: &Geometry, x: &[T], w: &[T], bias: Option<&[T]>) -> Vec<T> {
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

/// Tile counts and band size of one convolution.
struct Plan {
    /// Tile rows: `⌈OH/4⌉`.
    th: usize,
    /// Tile columns: `⌈OW/4⌉`.
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
        let (th, tw) = (g.oh.div_ceil(4), g.ow.div_ceil(4));
        let tiles = BAND_ELEMS / (E * (g.c + g.o));
        // Bands of equal height, as few as fit.
        let bands = th.div_ceil((tiles / tw).clamp(1, th));
        let band = th.div_ceil(bands);
        let stride = E * row_len(band * tw) + CHANNEL_PAD;
        Plan {
            th,
            tw,
            band,
            v_len: g.c * stride,
            m_len: g.o * stride,
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
    /// Length of each of the 36 rows of one channel's transformed data: the band's tiles
    /// (`t = (ty − ty0)·tw + tx`), rounded up to whole lanes. The GEMMs' `m`.
    fn row(&self) -> usize {
        row_len((self.ty1 - self.ty0) * self.tw)
    }

    /// Distance between the blocks of two channels in V and M (`[channel][e][t]`).
    fn stride(&self) -> usize {
        E * self.row() + CHANNEL_PAD
    }

    /// Input transform, 36 GEMMs, output transform: the band's rows of `out` (`o × oh × ow`).
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
        let (g, row) = (self.g, self.row());
        let (v, rest) = scratch.split_at_mut(plan.v_len);
        let (m, small) = rest.split_at_mut(plan.m_len);
        let v = &mut v[..g.c * self.stride()];
        let m = &mut m[..g.o * self.stride()];
        input::transform(self, x, v, small);
        let layout = Transformed {
            rows: row,
            position_step: row,
            channel_stride: self.stride(),
        };
        products(g, E, layout, v, u, m, parallel);
        output::transform(self, m, bias, out, small);
    }
}
