//! Direct convolution: the fast path for convolutions with few channels, stride 1, dilation 1
//! and one group — LeNet's, the book's CNN's, the stems of larger networks.
//!
//! With few channels the column matrix of im2col is short and wide, its GEMM is mostly packing,
//! and building it is hundreds of short row copies per image. Here each image is instead copied
//! once into a zero-bordered buffer, and every output row is accumulated in registers from
//! whole-row slices of that buffer, [`LANES`] output columns at a time for a block of output
//! channels:
//!
//! `out[o, y, x..x+LANES] = bias[o] + Σ_{c, i, j} W[o, c, i, j] · xp[c, y + i, x + j..x + j + LANES]`
//!
//! where `xp` is the input padded by `(pH, pW)` and its rows are wide enough for the last,
//! partial group of lanes. The input gradient is the same computation on the output gradient
//! padded by `k − 1 − p` with the kernel flipped and its channel axes swapped.
//!
//! The weight gradient `dW[o, c, i, j] = Σ_{y, x} dY[o, y, x] · xp[c, y + i, x + j]` has its own
//! kernel (AVX-512, kernel widths 3 and 5): for a block of output channels and one kernel row,
//! all the block's `kW` taps are summed lane by lane in registers over the whole image, and the
//! lanes are added up once, after the batch.
//!
//! The kernels are f32 only, in AVX-512 or AVX2 (see `kernel`); other element types and
//! CPUs take the im2col path. Results differ from the im2col path's only by rounding.

mod kernel;

use super::geometry::Geometry;
use super::{for_each_image, sum_over_images, winograd};
use crate::element::Float;
use kernel::LANES;

/// Output channels for which the direct path beats im2col and GEMM (measured with the AVX-512
/// kernels on 2 cores, batch 32 to 64: 6 and 16 channels 1.2 to 1.9 times faster, 32 even, 64
/// slower; below 4 channels the blocks are too narrow to reuse the input loads). The AVX2
/// kernels use the same range, unmeasured.
const OUT_CHANNELS: std::ops::RangeInclusive<usize> = 4..=16;

/// Largest `C · kH · kW` (the GEMM's depth under im2col) for which the direct path is measured.
const MAX_DEPTH: usize = 512;

/// True when the forward pass of `g` takes the direct path: the kernels exist for `T` on this
/// CPU and the convolution is one they are faster for.
pub(crate) fn applies<T: Float>(g: &Geometry) -> bool {
    shape_applies::<T>(g) && Plan::forward(g).is_worthwhile()
}

/// True when the input gradient of `g` takes the direct path: as for the forward pass, for the
/// flipped correlation, which needs the padding smaller than the kernel (it pads by
/// `k − 1 − p`).
fn applies_to_input_grad<T: Float>(g: &Geometry) -> bool {
    shape_applies::<T>(g) && g.padding.0 < g.kh && g.padding.1 < g.kw && {
        // Exactly the input's size; conv_transpose2d's output padding could make it differ.
        let plan = Plan::input_grad(g);
        (plan.oh, plan.ow) == (g.h, g.w) && plan.is_worthwhile()
    }
}

/// True when the weight gradient of `g` takes the direct path: the forward pass would, and there
/// is a weight-gradient kernel for its width.
fn applies_to_weight_grad<T: Float>(g: &Geometry) -> bool {
    applies::<T>(g) && kernel::weight_grad_available::<T>(g.kw)
}

/// The kernels exist for `T` on this CPU, and `g` is a stride-1 correlation of one group that
/// no more specific path (pointwise, Winograd) takes.
fn shape_applies<T: Float>(g: &Geometry) -> bool {
    kernel::available::<T>()
        && g.stride == (1, 1)
        && g.dilation == (1, 1)
        && g.groups == 1
        && !g.is_pointwise()
        && !winograd::applies(g)
}

/// One stride-1 correlation of an image of `ci` channels, `h × w`, padded by `(ph, pw)`, with a
/// `kh × kw` kernel into `co` channels of `oh × ow`, and the layout of its padded copy: `ci`
/// planes of `hp` rows of `wq` elements, wide enough that the last group of lanes of every
/// output row reads inside the row.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Plan {
    /// Input channels.
    pub ci: usize,
    /// Input height.
    pub h: usize,
    /// Input width.
    pub w: usize,
    /// Output channels.
    pub co: usize,
    /// Kernel height.
    pub kh: usize,
    /// Kernel width.
    pub kw: usize,
    /// Rows of zeros above and below the input.
    pub ph: usize,
    /// Columns of zeros left and right of the input.
    pub pw: usize,
    /// Output height, `h + 2·ph − kh + 1`.
    pub oh: usize,
    /// Output width, `w + 2·pw − kw + 1`.
    pub ow: usize,
    /// Rows of a padded plane, `h + 2·ph`.
    pub hp: usize,
    /// Elements of a padded row: `ow` rounded up to whole groups of lanes, plus `kw − 1`, so
    /// that the last group of every output row reads inside its row (at least `w + 2·pw`).
    pub wq: usize,
}

impl Plan {
    /// The plan of correlating `ci × h × w` images padded by `(ph, pw)` with a `kh × kw` kernel
    /// into `co` channels; the padded image must be at least as large as the kernel.
    fn new(
        ci: usize,
        (h, w): (usize, usize),
        co: usize,
        kernel: (usize, usize),
        pad: (usize, usize),
    ) -> Plan {
        let (kh, kw) = kernel;
        let (ph, pw) = pad;
        let (oh, ow) = (h + 2 * ph + 1 - kh, w + 2 * pw + 1 - kw);
        Plan {
            ci,
            h,
            w,
            co,
            kh,
            kw,
            ph,
            pw,
            oh,
            ow,
            hp: h + 2 * ph,
            wq: ow.div_ceil(LANES) * LANES + kw - 1,
        }
    }

    /// The forward convolution of `g`.
    fn forward(g: &Geometry) -> Plan {
        Plan::new(g.c, (g.h, g.w), g.o, (g.kh, g.kw), g.padding)
    }

    /// The input gradient of `g`: the output gradient padded by `k − 1 − p`, correlated with
    /// the flipped kernel into the input's channels.
    fn input_grad(g: &Geometry) -> Plan {
        let pad = (g.kh - 1 - g.padding.0, g.kw - 1 - g.padding.1);
        Plan::new(g.o, (g.oh, g.ow), g.c, (g.kh, g.kw), pad)
    }

    /// Whether the direct kernels are faster than im2col and GEMM for this correlation: a
    /// measured range of output channels and depth, and output rows that fill at least half of
    /// the lanes computed for them.
    fn is_worthwhile(&self) -> bool {
        let lanes = self.ow.div_ceil(LANES) * LANES;
        OUT_CHANNELS.contains(&self.co)
            && self.ci * self.kh * self.kw <= MAX_DEPTH
            && 2 * self.ow >= lanes
    }

    /// Elements of the padded copy of one image.
    fn padded_len(&self) -> usize {
        self.ci * self.hp * self.wq
    }

    /// The input value that output `(y, xo)` reads at tap `(i, j)` of channel `c` of the image
    /// `x` (`ci × h × w`), in f64; `None` where the tap falls in the padding. (For the loop
    /// oracles of the kernels' tests.)
    #[cfg(test)]
    fn tap(
        &self,
        x: &[f32],
        c: usize,
        (y, xo): (usize, usize),
        (i, j): (usize, usize),
    ) -> Option<f64> {
        let ih = (y + i).checked_sub(self.ph).filter(|&r| r < self.h)?;
        let iw = (xo + j).checked_sub(self.pw).filter(|&r| r < self.w)?;
        Some(f64::from(x[(c * self.h + ih) * self.w + iw]))
    }

    /// Copies the image `x` (`ci × h × w`) into the interior of `xp`, whose border is zero
    /// and is never written.
    fn pad_into<T: Float>(&self, x: &[T], xp: &mut [T]) {
        for c in 0..self.ci {
            for r in 0..self.h {
                let src = &x[(c * self.h + r) * self.w..][..self.w];
                let at = (c * self.hp + r + self.ph) * self.wq + self.pw;
                xp[at..at + self.w].copy_from_slice(src);
            }
        }
    }
}

/// `table[((c·kH + i)·kW + j)·O + o] = W[o, c, i, j]`: the forward kernel as a table whose rows
/// are the taps and whose columns are the output channels.
fn forward_table<T: Float>(g: &Geometry, w: &[T]) -> Vec<T> {
    let k = g.rows();
    let mut table = vec![T::zero(); k * g.o];
    for o in 0..g.o {
        for (t, &v) in w[o * k..(o + 1) * k].iter().enumerate() {
            table[t * g.o + o] = v;
        }
    }
    table
}

/// `table[((o·kH + i)·kW + j)·C + c] = W[o, c, kH − 1 − i, kW − 1 − j]`: the kernel of the
/// input gradient, flipped, with the roles of the channel axes swapped.
fn input_grad_table<T: Float>(g: &Geometry, w: &[T]) -> Vec<T> {
    let taps = g.kh * g.kw;
    let mut table = vec![T::zero(); g.o * taps * g.c];
    for o in 0..g.o {
        for c in 0..g.c {
            let kernel = &w[(o * g.c + c) * taps..][..taps];
            for (t, &v) in kernel.iter().enumerate() {
                let flipped = taps - 1 - t;
                table[(o * taps + flipped) * g.c + c] = v;
            }
        }
    }
    table
}

/// The forward convolution of `x` by `w` (plus `bias`) for a geometry where [`applies`] holds.
pub(crate) fn conv2d<T: Float>(g: &Geometry, x: &[T], w: &[T], bias: Option<&[T]>) -> Vec<T> {
    debug_assert!(applies::<T>(g));
    let sizes = (g.in_image(), g.out_image());
    correlate_batch(g, &Plan::forward(g), x, sizes, &forward_table(g, w), bias)
}

/// The input gradient of `g` from the output gradient `dy`, when the direct path applies to it.
pub(crate) fn backward_input<T: Float>(g: &Geometry, dy: &[T], w: &[T]) -> Option<Vec<T>> {
    if !applies_to_input_grad::<T>(g) {
        return None;
    }
    let sizes = (g.out_image(), g.in_image());
    let table = input_grad_table(g, w);
    Some(correlate_batch(
        g,
        &Plan::input_grad(g),
        dy,
        sizes,
        &table,
        None,
    ))
}

/// The weight gradient of `g` (`o × c × kh × kw`) from the input `x` and the output gradient
/// `dy`, when the direct path applies to it. A batch is split across the pool, one block of
/// images and one set of partial sums per thread.
pub(crate) fn backward_weight<T: Float>(g: &Geometry, x: &[T], dy: &[T]) -> Option<Vec<T>> {
    if !applies_to_weight_grad::<T>(g) {
        return None;
    }
    let plan = Plan::forward(g);
    let (in_len, out_len) = (g.in_image(), g.out_image());
    let partial = sum_over_images(
        g,
        plan.padded_len(),
        kernel::weight_grad_partial_len(&plan),
        |i, partial, padded, _| {
            plan.pad_into(&x[i * in_len..][..in_len], padded);
            kernel::accumulate_weight_grad(&plan, padded, &dy[i * out_len..][..out_len], partial);
        },
    );
    let mut dw = vec![T::zero(); g.o * g.rows()];
    kernel::reduce_weight_grad(&plan, &partial, &mut dw);
    crate::buffer_cache::give(partial);
    Some(dw)
}

/// Correlates each image of `src` (`sizes.0` elements each) as `plan` says with the tap table
/// `table`, plus `bias`, into images of `sizes.1` elements. A batch is split across the pool as
/// the im2col path splits it; a single image runs on one thread (the im2col path would split
/// its GEMMs instead; the direct kernels are about twice as fast per thread on these shapes).
fn correlate_batch<T: Float>(
    g: &Geometry,
    plan: &Plan,
    src: &[T],
    sizes: (usize, usize),
    table: &[T],
    bias: Option<&[T]>,
) -> Vec<T> {
    let (src_len, dst_len) = sizes;
    for_each_image(g, plan.padded_len(), dst_len, |i, out, padded, _| {
        plan.pad_into(&src[i * src_len..][..src_len], padded);
        kernel::correlate(plan, padded, table, bias, out);
    })
}
