//! Pooling kernels over `(N, C, H, W)` tensors (the book's §6.1.5 and §6.2.3): max pooling with
//! argmax indices, average pooling, adaptive (and global) average pooling, and the backward
//! kernel of each.
//!
//! Every plane (one channel of one image) is pooled independently; planes are split across the
//! rayon pool when the input holds more than
//! [`PARALLEL_THRESHOLD`] elements. Inputs may be
//! non-contiguous views; they are made contiguous once on entry.
//!
//! The output size along each axis is PyTorch's (floor mode):
//! `(H + 2·padding − kernel) / stride + 1`. Padding may be at most half the kernel, so that
//! every window holds at least one element of the input.

mod adaptive;
mod avg;
mod geometry;
mod max;
mod max_2x2;

use rayon::prelude::*;

use crate::ops::elementwise::PARALLEL_THRESHOLD;

/// Runs `f(plane, out_plane)` for each of the `out.len() / out_plane_len` planes, in parallel
/// when the work (`work` elements read) is large.
fn for_each_plane<U: Send>(
    out: &mut [U],
    out_plane_len: usize,
    work: usize,
    f: impl Fn(usize, &mut [U]) + Sync + Send,
) {
    if out_plane_len == 0 {
        return;
    }
    if work >= PARALLEL_THRESHOLD && rayon::current_num_threads() > 1 {
        crate::parallel::region(|| {
            out.par_chunks_mut(out_plane_len)
                .enumerate()
                .for_each(|(i, o)| f(i, o))
        });
    } else {
        for (i, o) in out.chunks_mut(out_plane_len).enumerate() {
            f(i, o);
        }
    }
}
