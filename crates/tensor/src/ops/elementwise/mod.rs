//! Element-wise operations: unary maps, binary ops with numpy broadcasting, scalar ops,
//! comparisons to masks, `where`, `clamp`.
//!
//! Two generic kernels do all the work: [`unary_map`] and [`binary_map`]. Both take a fast path
//! over contiguous slices (which the compiler vectorises), go parallel only above
//! [`PARALLEL_THRESHOLD`] elements, and otherwise walk strided layouts row by row.

mod binary;
mod close;
mod compare;
mod scalar;
mod unary;

use rayon::prelude::*;

use crate::buffer_cache;
use crate::element::Element;
use crate::error::Result;
use crate::layout::for_each_row;
use crate::shape::Shape;
use crate::tensor::Tensor;
use crate::view::broadcast_layout;

/// Element count above which element-wise kernels split the work across rayon threads.
/// Below it the thread-pool hand-off costs more than the arithmetic.
pub const PARALLEL_THRESHOLD: usize = 1 << 16;

/// Rayon chunk size for element-wise kernels.
const CHUNK: usize = 1 << 14;

/// Applies `f` to every element of `x`.
pub fn unary_map<T: Element, U: Element>(
    x: &Tensor<T>,
    f: impl Fn(T) -> U + Sync + Send,
) -> Tensor<U> {
    if let Some(s) = x.as_slice() {
        if s.len() >= PARALLEL_THRESHOLD {
            let out = par_map(s, f);
            return Tensor::from_vec_unchecked(out, x.shape().clone());
        }
    }
    x.map(f)
}

/// Applies `f` pairwise to `a` and `b` broadcast to a common shape (numpy rules).
///
/// # Errors
/// [`TensorError::ShapeMismatch`](crate::TensorError::ShapeMismatch) naming `op` when the shapes
/// do not broadcast.
pub fn binary_map<T: Element, U: Element>(
    op: &'static str,
    a: &Tensor<T>,
    b: &Tensor<T>,
    f: impl Fn(T, T) -> U + Sync + Send,
) -> Result<Tensor<U>> {
    if a.shape() == b.shape() {
        if let (Some(x), Some(y)) = (a.as_slice(), b.as_slice()) {
            return Ok(Tensor::from_vec_unchecked(
                zip_slices(x, y, &f),
                a.shape().clone(),
            ));
        }
    }
    let shape = if a.shape() == b.shape() {
        a.shape().clone()
    } else {
        Shape::broadcast(op, a.shape(), b.shape())?
    };
    let la = broadcast_layout(op, &a.layout, &shape)?;
    let lb = broadcast_layout(op, &b.layout, &shape)?;
    let (da, db) = (&a.storage[..], &b.storage[..]);
    let mut out: Vec<U> = buffer_cache::take(shape.numel());
    for_each_row([&la, &lb], |[oa, ob], len, [sa, sb]| match (sa, sb) {
        (1, 1) => out.extend(
            da[oa..oa + len]
                .iter()
                .zip(&db[ob..ob + len])
                .map(|(&x, &y)| f(x, y)),
        ),
        (1, 0) => {
            let y = db[ob];
            out.extend(da[oa..oa + len].iter().map(|&x| f(x, y)));
        }
        (0, 1) => {
            let x = da[oa];
            out.extend(db[ob..ob + len].iter().map(|&y| f(x, y)));
        }
        _ => {
            let (mut pa, mut pb) = (oa as isize, ob as isize);
            for _ in 0..len {
                out.push(f(da[pa as usize], db[pb as usize]));
                pa += sa;
                pb += sb;
            }
        }
    });
    Ok(Tensor::from_vec_unchecked(out, shape))
}

/// `f` over two equal-length slices, in parallel above the threshold.
fn zip_slices<T: Element, U: Element>(
    x: &[T],
    y: &[T],
    f: &(impl Fn(T, T) -> U + Sync + Send),
) -> Vec<U> {
    if x.len() >= PARALLEL_THRESHOLD {
        par_zip(x, y, f)
    } else {
        let mut out = buffer_cache::take(x.len());
        out.extend(x.iter().zip(y).map(|(&a, &b)| f(a, b)));
        out
    }
}

/// `f` over `x` in parallel, `CHUNK` values per task. The output is written once, straight into
/// the new vector's capacity (a `vec![default; len]` first would write it twice: these outputs
/// are too large for the zeroing pass to be free).
fn par_map<T: Element, U: Element>(x: &[T], f: impl Fn(T) -> U + Sync + Send) -> Vec<U> {
    let mut out: Vec<U> = buffer_cache::take(x.len());
    crate::parallel::region(|| {
        out.spare_capacity_mut()[..x.len()]
            .par_chunks_mut(CHUNK)
            .zip(x.par_chunks(CHUNK))
            .for_each(|(o, i)| {
                for (o, &i) in o.iter_mut().zip(i) {
                    o.write(f(i));
                }
            })
    });
    // SAFETY: the output chunks and the input chunks have equal lengths (both split `x.len()`
    // by CHUNK), so the loop above initialised every one of the first `x.len()` elements.
    unsafe { out.set_len(x.len()) };
    out
}

/// `f` over the pairs of `x` and `y` (equal lengths) in parallel, as [`par_map`].
fn par_zip<T: Element, U: Element>(
    x: &[T],
    y: &[T],
    f: impl Fn(T, T) -> U + Sync + Send,
) -> Vec<U> {
    assert_eq!(x.len(), y.len(), "par_zip: operands of different lengths");
    let mut out: Vec<U> = buffer_cache::take(x.len());
    crate::parallel::region(|| {
        out.spare_capacity_mut()[..x.len()]
            .par_chunks_mut(CHUNK)
            .zip(x.par_chunks(CHUNK).zip(y.par_chunks(CHUNK)))
            .for_each(|(o, (a, b))| {
                for ((o, &a), &b) in o.iter_mut().zip(a).zip(b) {
                    o.write(f(a, b));
                }
            })
    });
    // SAFETY: as in `par_map`: equal-length chunks, every element written.
    unsafe { out.set_len(x.len()) };
    out
}

/// True for a value that is not equal to itself (a float NaN); false for every integer.
#[inline]
pub(crate) fn is_nan<T: PartialOrd>(x: T) -> bool {
    x.partial_cmp(&x).is_none()
}
