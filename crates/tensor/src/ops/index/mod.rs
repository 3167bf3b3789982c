//! Indexing and joining: `concat`, `stack`, `split`, `chunk`, `unbind`, `gather`, `scatter_add`,
//! `index_select`, `index_add`, `masked_select`, `nonzero`, `one_hot`, `pad`, `repeat`, `roll`.
//!
//! Index tensors are `Tensor<i64>`, as in PyTorch. An index outside its dimension — negative
//! ones included — is a [`TensorError::IndexOutOfRange`], never a panic and never wrapped
//! around. Every op accepts non-contiguous inputs; copies walk source and destination layouts
//! together with [`for_each_row`], so runs that are contiguous on both sides become `memcpy`s.

mod concat;
mod gather;
mod index_add;
mod index_select;
mod masked_select;
mod nonzero;
mod one_hot;
mod pad;
mod repeat;
pub mod roll;
mod scatter;
mod split;

use crate::element::Element;
use crate::error::{Result, TensorError};
use crate::layout::{for_each_row, Layout};
use crate::shape::Shape;

/// Checks that `index` addresses an element of axis `axis` of `shape`, returning it as `usize`.
fn checked_index(op: &'static str, index: i64, axis: usize, shape: &Shape) -> Result<usize> {
    match usize::try_from(index) {
        Ok(i) if i < shape.dims()[axis] => Ok(i),
        _ => Err(TensorError::index(op, index.into(), axis, shape)),
    }
}

/// Combines every element of `src` (read through `src_layout`) into the element of `dst` at the
/// same logical position of `dst_layout`: `f(&mut dst[..], src[..])`. Both layouts have the same
/// shape; runs contiguous in both are handed to `f` slice by slice.
fn zip_into<T: Element>(
    dst: &mut [T],
    dst_layout: &Layout,
    src: &[T],
    src_layout: &Layout,
    f: impl Fn(&mut T, T),
) {
    for_each_row([dst_layout, src_layout], |[d, s], len, [ds, ss]| {
        if ds == 1 && ss == 1 {
            for (o, &x) in dst[d..d + len].iter_mut().zip(&src[s..s + len]) {
                f(o, x);
            }
        } else {
            let (mut pd, mut ps) = (d as isize, s as isize);
            for _ in 0..len {
                f(&mut dst[pd as usize], src[ps as usize]);
                pd += ds;
                ps += ss;
            }
        }
    });
}

/// Copies `src` into the region of `dst` described by `dst_layout` (same shape as `src_layout`).
/// Runs contiguous on both sides are single `copy_from_slice` calls.
fn copy_into<T: Element>(dst: &mut [T], dst_layout: &Layout, src: &[T], src_layout: &Layout) {
    for_each_row([dst_layout, src_layout], |[d, s], len, [ds, ss]| {
        if ds == 1 && ss == 1 {
            dst[d..d + len].copy_from_slice(&src[s..s + len]);
        } else {
            let (mut pd, mut ps) = (d as isize, s as isize);
            for _ in 0..len {
                dst[pd as usize] = src[ps as usize];
                pd += ds;
                ps += ss;
            }
        }
    });
}

/// The shape `dims`, or an error naming `op` when it is too large to lay out
/// ([`Shape::check_addressable`]).
fn checked_shape(op: &'static str, dims: &[usize]) -> Result<Shape> {
    let shape = Shape::new(dims);
    shape.check_addressable(op)?;
    Ok(shape)
}
