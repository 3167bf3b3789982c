//! Convolution kernels: conv1d and conv2d with stride, padding, dilation and groups, their
//! backward kernels for the input, the weight and the bias, transposed convolution, and the
//! im2col / col2im transforms they are built on (the book's §6.3–6.4, "im2row" and "row2im").
//!
//! Layouts follow PyTorch: inputs are `(N, C, H, W)` (or `(N, C, L)` in 1-D), weights are
//! `(O, C / groups, kH, kW)`, transposed-convolution weights `(C_in, C_out / groups, kH, kW)`.
//! Inputs may be non-contiguous views; they are made contiguous once on entry. There is no
//! autograd here: the backward kernels are plain functions that `scalpel-autograd` and
//! `scalpel-nn` call.
//!
//! # The column matrix
//! For one image of `C` channels and a `kH × kW` kernel producing an `OH × OW` output, the
//! column matrix has `C·kH·kW` rows and `OH·OW` columns, row-major:
//!
//! ```text
//! col[(c·kH + i)·kW + j, oh·OW + ow] = x[c, oh·sH − pH + i·dH, ow·sW − pW + j·dW]
//! ```
//!
//! and 0 where that position falls in the padding. Column `p` is the receptive field of output
//! position `p`, row `(c, i, j)` is channel `c` seen through kernel tap `(i, j)`; the book's
//! im2row matrix is its transpose. The convolution is then `out[o, p] = Σ_k W[o, k] · col[k, p]`
//! with the weight viewed as an `O × C·kH·kW` matrix.
//!
//! # Performance
//! - The column matrix is never built for the whole batch: each image is processed in bands of
//!   output rows whose column matrix fits in the L2 cache, into a scratch buffer allocated once
//!   per worker.
//! - Every product goes through [`gemm_into`](crate::ops::matmul::kernel::gemm_into), oriented so
//!   that the long dimension (output positions) is the contiguous one of its operands.
//! - Above [`PARALLEL_MACS`] multiply-adds, a batch of two or more images is split across the
//!   rayon pool, one contiguous block of images per thread, each image's GEMMs single-threaded;
//!   a single large image runs its GEMMs on the pool instead. Smaller convolutions never touch
//!   rayon.
//! - A pointwise convolution (1×1, stride 1, no padding) is a plain GEMM on the image, with no
//!   im2col.
//! - A 3×3 convolution with stride 1, dilation 1, one group and at least 16 input and output
//!   channels — the workhorse of VGG- and ResNet-style networks — uses Winograd's minimal
//!   filtering (see the `winograd` module): F(4×4, 3×3) for the forward pass and the input
//!   gradient on outputs of 16×16 and more whose tiles are mostly used (4 times fewer
//!   multiplications; see `winograd::f4x4::applies`), F(2×2, 3×3) on
//!   smaller ones and for the weight gradient (2.25 times fewer). Its results differ from the
//!   im2col path's only by rounding; in f32, F(4×4, 3×3)'s rounding errors are several times
//!   those of a plain sum (its transforms multiply by up to 8), but well within the bound
//!   `n·u·Σ|x·w|` of one, which the tests check.
//! - An f32 convolution with stride 1, dilation 1, one group and 4 to 16 output channels (LeNet's,
//!   the book's CNN's, the stems of larger networks) is computed directly, without im2col, by
//!   AVX-512 or AVX2 kernels that keep a block of output channels in registers (the `direct`
//!   module); so is its input gradient (any number of output channels) when it has 4 to 16
//!   input channels and the padding is smaller than the kernel, and, with AVX-512 and a kernel
//!   3 or 5 wide, its weight gradient.

mod backward;
mod direct;
mod forward;
mod geometry;
mod im2col;
pub(crate) mod params;
mod transpose;
mod winograd;

pub use params::{conv_output_len, Conv1dParams, Conv2dParams, ConvTranspose2dParams};

use std::mem::MaybeUninit;

use rayon::prelude::*;

use crate::buffer_cache;
use crate::element::Float;
use crate::error::{Result, TensorError};
use crate::tensor::Tensor;
use geometry::Geometry;

/// Multiply-adds above which a convolution uses the rayon pool (about 50 µs of work on one
/// core; below it the hand-off costs more than it saves).
pub const PARALLEL_MACS: usize = 1 << 22;

/// `t` as a contiguous tensor (a copy only when it is a non-contiguous view).
fn dense<T: Float>(t: &Tensor<T>) -> Tensor<T> {
    t.contiguous()
}

/// Checks that `bias`, if any, has shape `(O,)` for a weight `(O, …)`.
fn check_bias<T: Float>(
    op: &'static str,
    weight: &Tensor<T>,
    bias: Option<&Tensor<T>>,
) -> Result<()> {
    check_bias_len(
        op,
        weight,
        bias,
        weight.dims().first().copied().unwrap_or(0),
    )
}

/// Checks that `bias`, if any, has shape `(channels,)`.
fn check_bias_len<T: Float>(
    op: &'static str,
    weight: &Tensor<T>,
    bias: Option<&Tensor<T>>,
    channels: usize,
) -> Result<()> {
    match bias {
        Some(b) if b.dims() != [channels] => Err(TensorError::mismatch(
            op,
            weight.shape(),
            b.shape(),
            format!("bias must have shape [{channels}], one value per output channel"),
        )),
        _ => Ok(()),
    }
}

/// Whether a convolution of `g` is large enough for the rayon pool.
fn is_large(g: &Geometry) -> bool {
    g.macs() >= PARALLEL_MACS && rayon::current_num_threads() > 1
}

/// Runs `f(image, out_image, scratch, parallel_gemm)` for every image of the batch and returns
/// the `n · chunk` outputs, where `out_image` is the image's `chunk` elements of the output,
/// zero when `f` gets them, and `scratch` a buffer of `scratch_len` elements. Large batches are
/// split across the pool (one scratch buffer per thread, `parallel_gemm` false); a large single
/// image gets `parallel_gemm` true.
///
/// Each image's output is zeroed just before `f` runs, by the thread that runs it, rather than
/// the whole output up front on the calling thread: the zeros are written into that thread's
/// cache, where `f` then writes, and not in one serial pass over the output (8 MiB in W4)
/// while the other threads wait.
fn for_each_image<T: Float>(
    g: &Geometry,
    scratch_len: usize,
    chunk: usize,
    f: impl Fn(usize, &mut [T], &mut [T], bool) + Sync + Send,
) -> Vec<T> {
    let len = g.n * chunk;
    if len == 0 {
        return Vec::new();
    }
    let mut out = buffer_cache::take::<T>(len);
    // Zeroes one image's output, then hands it to `f`.
    let run = |i: usize, image: &mut [MaybeUninit<T>], scratch: &mut [T], parallel: bool| {
        for v in image.iter_mut() {
            v.write(T::zero());
        }
        // SAFETY: every element of `image` was initialised just above, and `MaybeUninit<T>` has
        // the layout of `T`.
        let image =
            unsafe { std::slice::from_raw_parts_mut(image.as_mut_ptr().cast::<T>(), image.len()) };
        f(i, image, scratch, parallel);
    };
    let spare = &mut out.spare_capacity_mut()[..len];
    let large = is_large(g);
    if large && g.n > 1 {
        let per_thread = g.n.div_ceil(rayon::current_num_threads().min(g.n));
        crate::parallel::region(|| {
            spare
                .par_chunks_mut(per_thread * chunk)
                .enumerate()
                .for_each(|(t, block)| {
                    let mut scratch = buffer_cache::filled(scratch_len, T::zero());
                    for (i, o) in block.chunks_mut(chunk).enumerate() {
                        run(t * per_thread + i, o, &mut scratch, false);
                    }
                    buffer_cache::give(scratch);
                })
        });
    } else {
        let mut scratch = buffer_cache::filled(scratch_len, T::zero());
        for (i, o) in spare.chunks_mut(chunk).enumerate() {
            run(i, o, &mut scratch, large);
        }
        buffer_cache::give(scratch);
    }
    // SAFETY: the loops above initialised all `len` elements, image by image (each chunk of
    // `chunk` elements of the first `len` went to `run`); had `f` panicked, this would not run.
    unsafe { out.set_len(len) };
    out
}

/// Sums `f(image, partial, scratch, parallel_gemm)` over the batch into an `len`-element
/// accumulator, with a scratch buffer of `scratch_len` elements, splitting large batches across
/// the pool with one partial sum and scratch buffer per thread.
fn sum_over_images<T: Float>(
    g: &Geometry,
    scratch_len: usize,
    len: usize,
    f: impl Fn(usize, &mut [T], &mut [T], bool) + Sync + Send,
) -> Vec<T> {
    let large = is_large(g);
    if large && g.n > 1 {
        let threads = rayon::current_num_threads().min(g.n);
        let per_thread = g.n.div_ceil(threads);
        let partials: Vec<Vec<T>> = crate::parallel::region(|| {
            (0..threads)
                .into_par_iter()
                .map(|t| {
                    let mut acc = buffer_cache::filled(len, T::zero());
                    let mut scratch = buffer_cache::filled(scratch_len, T::zero());
                    for i in t * per_thread..((t + 1) * per_thread).min(g.n) {
                        f(i, &mut acc, &mut scratch, false);
                    }
                    buffer_cache::give(scratch);
                    acc
                })
                .collect()
        });
        let mut parts = partials.into_iter();
        let mut total = parts
            .next()
            .unwrap_or_else(|| buffer_cache::filled(len, T::zero()));
        for p in parts {
            for (t, &v) in total.iter_mut().zip(&p) {
                *t += v;
            }
            buffer_cache::give(p);
        }
        total
    } else {
        let mut acc = buffer_cache::filled(len, T::zero());
        let mut scratch = buffer_cache::filled(scratch_len, T::zero());
        for i in 0..g.n {
            f(i, &mut acc, &mut scratch, large);
        }
        buffer_cache::give(scratch);
        acc
    }
}
