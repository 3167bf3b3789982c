//! How every reduction walks its input: as `outer × red × inner` over contiguous data.
//!
//! A contiguous tensor reduced over a run of adjacent axes is already such a block: element
//! `(o, r, i)` sits at `(o·red + r)·inner + i`. Reducing the last axes gives `inner = 1` (each
//! output is a contiguous row); reducing the leading axes gives `outer = 1` (each output is a
//! column, summed down the rows). A permutation of a contiguous tensor, such as a transpose, is
//! walked the same way in storage order when that keeps the outputs in row-major order: no copy
//! either. A reduced broadcast axis is first cut to size 1 by the reductions that can count it
//! (`without_reduced_broadcast`). Any other view is copied once — in row-major order when its
//! reduced axes are adjacent, otherwise with its kept axes in front and its reduced axes behind
//! (`inner = 1`). Kernels are written twice: along a row, and down the columns of a block.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::ops::Range;

use rayon::prelude::*;
use smallvec::SmallVec;

use crate::element::Element;
use crate::error::Result;
use crate::layout::{Layout, Strides};
use crate::ops::elementwise::PARALLEL_THRESHOLD;
use crate::shape::{resolve_reduction_axes, Dims, Shape};
use crate::tensor::Tensor;

/// Elements of input a parallel task should cover at least.
const TASK: usize = 1 << 14;

/// A reduction of a tensor over a set of axes, laid out as `outer × red × inner`.
pub(super) struct Plan<'a, T: Element> {
    /// The input elements, contiguous in `outer × red × inner` order.
    pub data: Cow<'a, [T]>,
    /// Number of independent blocks.
    pub outer: usize,
    /// Number of elements each output combines.
    pub red: usize,
    /// Number of outputs per block (the distance between two consecutive reduced elements).
    pub inner: usize,
    /// Shape of the result.
    pub out_shape: Shape,
}

impl<'a, T: Element> Plan<'a, T> {
    /// Plans the reduction of `x` over `axes` (negative counts from the end; empty reduces over
    /// no axis; a 0-d `x` takes axis 0 or −1, which also reduce over nothing).
    ///
    /// # Errors
    /// An axis out of range or repeated, named with `op`.
    pub fn new(op: &'static str, x: &'a Tensor<T>, axes: &[isize], keepdim: bool) -> Result<Self> {
        let axes = resolve_reduction_axes(op, axes, x.rank())?;
        let dims = x.dims();
        let mut out_dims = Dims::new();
        for (i, &d) in dims.iter().enumerate() {
            if !axes.contains(&i) {
                out_dims.push(d);
            } else if keepdim {
                out_dims.push(1);
            }
        }
        let out_shape = Shape::from(out_dims);
        let red: usize = axes.iter().map(|&a| dims[a]).product();
        let plan = |data, (outer, inner)| Plan {
            data,
            outer,
            red,
            inner,
            out_shape: out_shape.clone(),
        };
        if x.numel() == 0 {
            return Ok(plan(Cow::Borrowed(&[]), (out_shape.numel(), 1)));
        }
        if let Some((range, split)) = dense_split(&x.layout, &axes) {
            return Ok(plan(Cow::Borrowed(&x.storage()[range]), split));
        }
        if let Some(split) = split_around(dims, &axes) {
            return Ok(plan(Cow::Owned(x.to_vec()), split));
        }
        // Gathered once with the kept axes first and the reduced axes last.
        let order = (0..x.rank())
            .filter(|i| !axes.contains(i))
            .chain(axes.iter().copied());
        let (mut shape, mut strides) = (Dims::new(), Strides::new());
        for i in order {
            shape.push(dims[i]);
            strides.push(x.strides()[i]);
        }
        let permuted = Tensor {
            storage: x.storage.clone(),
            layout: Layout::from_parts(shape.into(), strides, x.layout.offset),
        };
        Ok(plan(Cow::Owned(permuted.to_vec()), (out_shape.numel(), 1)))
    }

    /// Runs a reduction: `row(x)` reduces one contiguous run of `red` elements;
    /// `cols(x, rows, stride, out)` sets each `out[j]` to the reduction of `x[r·stride + j]` over
    /// `r in 0..rows`.
    ///
    /// Work is split across rayon tasks only when the input has at least
    /// [`PARALLEL_THRESHOLD`] elements.
    pub fn run<U: Element>(
        &self,
        row: impl Fn(&[T]) -> U + Sync,
        cols: impl Fn(&[T], usize, usize, &mut [U]) + Sync,
    ) -> Tensor<U> {
        let (outer, red, inner) = (self.outer, self.red, self.inner);
        let mut out = crate::buffer_cache::filled(outer * inner, U::default());
        let data = &self.data[..];
        let parallel = data.len() >= PARALLEL_THRESHOLD;
        if out.is_empty() {
            return Tensor::from_vec_unchecked(out, self.out_shape.clone());
        }
        if red == 0 {
            // Every output reduces nothing: the kernels see empty input.
            for o in out.chunks_mut(inner) {
                cols(&[], 0, inner, o);
            }
        } else if inner == 1 {
            let rows_per_task = (TASK / red).max(1);
            let rows = |(k, o): (usize, &mut [U])| {
                let start = k * rows_per_task * red;
                for (o, x) in o.iter_mut().zip(data[start..].chunks_exact(red)) {
                    *o = row(x);
                }
            };
            if parallel && outer > rows_per_task {
                crate::parallel::region(|| {
                    out.par_chunks_mut(rows_per_task).enumerate().for_each(rows)
                });
            } else {
                rows((0, &mut out));
            }
        } else {
            // Each block's outputs are cut into column strips, so that a single wide block
            // (outer = 1) still spreads over threads.
            let width = if parallel {
                (TASK / red).max(64).min(inner)
            } else {
                inner
            };
            let strip = |block: usize, (s, o): (usize, &mut [U])| {
                cols(&data[block * red * inner + s * width..], red, inner, o);
            };
            if parallel {
                crate::parallel::region(|| {
                    out.par_chunks_mut(inner).enumerate().for_each(|(b, o)| {
                        o.par_chunks_mut(width)
                            .enumerate()
                            .for_each(|s| strip(b, s))
                    })
                });
            } else {
                for (b, o) in out.chunks_mut(inner).enumerate() {
                    strip(b, (0, o));
                }
            }
        }
        Tensor::from_vec_unchecked(out, self.out_shape.clone())
    }
}

/// When `layout` covers a storage range without gaps — a contiguous tensor, or any permutation
/// of one such as a transpose — and, in storage order, its reduced axes are adjacent and its kept
/// axes are in logical order: that range and the `(outer, inner)` sizes around the reduced axes.
fn dense_split(layout: &Layout, axes: &[usize]) -> Option<(Range<usize>, (usize, usize))> {
    let order = storage_order(layout)?;
    let split = split_live(&order, axes)?;
    Some((dense_range(layout), split))
}

/// When `layout` covers a storage range without gaps (a contiguous tensor, or any permutation
/// of one): its axes of size ≠ 1 as `(axis, size)`, outermost in storage first.
fn storage_order(layout: &Layout) -> Option<SmallVec<[(usize, usize); 6]>> {
    let dims = layout.shape().dims();
    let mut live: SmallVec<[(usize, usize, isize); 6]> = (0..dims.len())
        .filter(|&i| dims[i] != 1)
        .map(|i| (i, dims[i], layout.strides()[i]))
        .collect();
    live.sort_by_key(|&(_, _, s)| Reverse(s));
    let mut expected = 1isize;
    for &(_, d, s) in live.iter().rev() {
        if s != expected {
            return None;
        }
        expected *= d as isize;
    }
    Some(live.iter().map(|&(i, d, _)| (i, d)).collect())
}

/// The storage range a layout without gaps covers ([`storage_order`]).
fn dense_range(layout: &Layout) -> Range<usize> {
    let start = layout.offset();
    start..start + layout.shape().numel()
}

/// The elements of `x` for a reduction over all of them in any order, and how many times each
/// stands in the logical tensor. A broadcast axis (stride 0) is read once and counted; a
/// permutation of a dense block, such as a transpose, is borrowed in storage order. Other views
/// are copied, without their broadcast axes.
pub(super) fn distinct_elements<T: Element>(x: &Tensor<T>) -> (Cow<'_, [T]>, usize) {
    if let Some(data) = x.as_slice() {
        return (Cow::Borrowed(data), 1);
    }
    if x.numel() == 0 {
        return (Cow::Borrowed(&[]), 1);
    }
    let (mut dims, mut strides, mut repeats) = (Dims::new(), Strides::new(), 1);
    for (&d, &s) in x.dims().iter().zip(x.strides()) {
        if s == 0 {
            repeats *= d;
        } else {
            dims.push(d);
            strides.push(s);
        }
    }
    let core = Layout::from_parts(dims.into(), strides, x.layout.offset);
    if storage_order(&core).is_some() {
        return (Cow::Borrowed(&x.storage()[dense_range(&core)]), repeats);
    }
    let core = Tensor {
        storage: x.storage.clone(),
        layout: core,
    };
    (Cow::Owned(core.to_vec()), repeats)
}

/// `x` with each broadcast axis it is reduced over (stride 0, size > 1) cut to size 1, and the
/// product of those axes' sizes: how many times each element of the cut view stands in every
/// output. `None` when no reduced axis is broadcast. Max, min, any and all of the cut view are
/// those of `x` (copies change no extreme), and so is the mean (the mean of equal copies); argmax
/// and argmin along a broadcast axis are 0 (every element ties with the first); a sum is
/// multiplied by the count r, a product raised to the power r, a logsumexp raised by ln r, a
/// p-norm multiplied by r^(1/p), and a variance rescaled for its correction. So the gradient
/// `expand`s hand to `sum_to` is summed without copying the expansion.
///
/// # Errors
/// An axis out of range or repeated, named with `op`.
pub(super) fn without_reduced_broadcast<T: Element>(
    op: &'static str,
    x: &Tensor<T>,
    axes: &[isize],
) -> Result<Option<(Tensor<T>, usize)>> {
    let broadcast = |(&d, &s): (&usize, &isize)| s == 0 && d > 1;
    if x.numel() == 0 || !x.dims().iter().zip(x.strides()).any(broadcast) {
        return Ok(None);
    }
    let axes = resolve_reduction_axes(op, axes, x.rank())?;
    let mut dims: Dims = x.dims().iter().copied().collect();
    let mut repeats = 1;
    for &a in &axes {
        if x.strides()[a] == 0 {
            repeats *= dims[a];
            dims[a] = 1;
        }
    }
    if repeats == 1 {
        return Ok(None);
    }
    let layout = Layout::from_parts(dims.into(), x.strides().into(), x.layout.offset);
    let cut = Tensor {
        storage: x.storage.clone(),
        layout,
    };
    Ok(Some((cut, repeats)))
}

/// For a contiguous `x` reduced over `axes` that are not adjacent (such as a bias gradient's
/// `(0, 2, 3)` of an `(N, C, H, W)` tensor): the last run of adjacent reduced axes and the other
/// reduced axes. Reducing the run first (keeping its axes) and then the rest walks the data in
/// place twice instead of gathering a permuted copy. `None` when one plan handles `axes`
/// without a copy.
pub(super) fn split_reduction<T: Element>(
    op: &'static str,
    x: &Tensor<T>,
    axes: &[isize],
) -> Result<Option<(Vec<isize>, Vec<isize>)>> {
    let axes = resolve_reduction_axes(op, axes, x.rank())?;
    if x.as_slice().is_none() || split_around(x.dims(), &axes).is_some() {
        return Ok(None);
    }
    let live = |a: &usize| x.dims()[*a] != 1;
    let mut sorted: Vec<usize> = axes.iter().copied().filter(live).collect();
    sorted.sort_unstable();
    let Some(&last) = sorted.last() else {
        return Ok(None);
    };
    // Walk down from the last reduced axis while the axes in between are reduced or size 1.
    let mut first = last;
    while first > 0 && (axes.contains(&(first - 1)) || x.dims()[first - 1] == 1) {
        first -= 1;
    }
    let (run, rest): (Vec<usize>, Vec<usize>) = axes.iter().partition(|&&a| a >= first);
    let signed = |v: Vec<usize>| v.into_iter().map(|a| a as isize).collect();
    Ok(Some((signed(run), signed(rest))))
}

/// When the reduced axes of `dims` are adjacent once size-1 axes are ignored: the product of
/// the kept dimensions before them and after them (`outer`, `inner`).
fn split_around(dims: &[usize], axes: &[usize]) -> Option<(usize, usize)> {
    let order: SmallVec<[(usize, usize); 6]> = dims
        .iter()
        .enumerate()
        .filter(|&(_, &d)| d != 1)
        .map(|(i, &d)| (i, d))
        .collect();
    split_live(&order, axes)
}

/// `order` lists `(axis, size)` of the axes of size ≠ 1 in the order their elements are laid
/// out. When the reduced ones are adjacent and the kept ones are in increasing axis order (so
/// that the outputs come out row-major): the products of the kept sizes before and after them.
fn split_live(order: &[(usize, usize)], axes: &[usize]) -> Option<(usize, usize)> {
    let reduced = |&(i, _): &(usize, usize)| axes.contains(&i);
    let (first, end) = match (
        order.iter().position(reduced),
        order.iter().rposition(reduced),
    ) {
        (Some(f), Some(l)) => (f, l + 1),
        // Nothing of size ≠ 1 is reduced: every output reduces one element.
        _ => (order.len(), order.len()),
    };
    if !order[first..end].iter().all(reduced) {
        return None;
    }
    let kept = order[..first].iter().chain(&order[end..]);
    if !kept
        .clone()
        .zip(kept.clone().skip(1))
        .all(|(a, b)| a.0 < b.0)
    {
        return None;
    }
    let size = |part: &[(usize, usize)]| part.iter().map(|&(_, d)| d).product();
    Some((size(&order[..first]), size(&order[end..])))
}

/// The elements of `x` in row-major order, borrowed when already contiguous.
pub(super) fn contiguous_data<T: Element>(x: &Tensor<T>) -> Cow<'_, [T]> {
    match x.as_slice() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(x.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjacent_axes_split_into_outer_and_inner() {
        assert_eq!(split_around(&[2, 3, 4], &[1]), Some((2, 4)));
        assert_eq!(split_around(&[2, 3, 4], &[0]), Some((1, 12)));
        assert_eq!(split_around(&[2, 3, 4], &[1, 2]), Some((2, 1)));
        assert_eq!(split_around(&[2, 3, 4], &[0, 2]), None);
        // A size-1 axis between reduced axes does not break adjacency.
        assert_eq!(split_around(&[2, 1, 4, 5], &[0, 2]), Some((1, 5)));
        assert_eq!(split_around(&[2, 3], &[]), Some((6, 1)));
    }

    #[test]
    fn a_transpose_is_reduced_in_storage_order_without_a_copy() {
        let x = Tensor::from_vec((0..12).collect::<Vec<i32>>(), [3, 4]).unwrap();
        let t = x.t();
        let rows = Plan::new("sum", &t, &[0], false).unwrap();
        assert!(matches!(rows.data, Cow::Borrowed(_)));
        assert_eq!((rows.outer, rows.red, rows.inner), (3, 4, 1));
        let cols = Plan::new("sum", &t, &[-1], true).unwrap();
        assert!(matches!(cols.data, Cow::Borrowed(_)));
        assert_eq!((cols.outer, cols.red, cols.inner), (1, 3, 4));
        assert_eq!(cols.out_shape.dims(), &[4, 1]);
        // Kept axes that storage holds in reverse order would come out transposed: gathered.
        let p = x.unsqueeze(0).unwrap().permute(&[2, 0, 1]).unwrap();
        let all = Plan::new("sum", &p, &[1], false).unwrap();
        assert!(matches!(all.data, Cow::Owned(_)));
    }

    #[test]
    fn strided_input_reduced_over_split_axes_is_gathered_kept_axes_first() {
        let x = Tensor::from_vec((0..24).collect::<Vec<i32>>(), [2, 3, 4]).unwrap();
        let p = Plan::new("sum", &x, &[0, 2], false).unwrap();
        assert_eq!((p.outer, p.red, p.inner), (3, 8, 1));
        assert_eq!(&p.data[..8], &[0, 1, 2, 3, 12, 13, 14, 15]);
        assert_eq!(p.out_shape.dims(), &[3]);
    }
}
