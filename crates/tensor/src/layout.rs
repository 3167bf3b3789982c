//! [`Layout`]: how a tensor's logical elements map onto its storage (shape, strides, offset).
//!
//! Views (reshape, transpose, narrow, expand, flip, …) only build a new layout over the same
//! storage. Kernels read storage through a layout, so every kernel accepts non-contiguous input.

use smallvec::SmallVec;

use crate::shape::Shape;

/// Strides in elements, one per dimension. Negative strides come from `flip`; zero strides from
/// broadcasting.
pub type Strides = SmallVec<[isize; 6]>;

/// Shape, strides and the storage offset of the first element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub(crate) shape: Shape,
    pub(crate) strides: Strides,
    pub(crate) offset: usize,
}

impl Layout {
    /// The row-major contiguous layout of `shape`, starting at offset 0.
    pub fn contiguous(shape: Shape) -> Self {
        let strides = shape.contiguous_strides();
        Layout {
            shape,
            strides,
            offset: 0,
        }
    }
    /// A layout from its parts. The caller guarantees every reachable offset is in bounds.
    pub(crate) fn from_parts(shape: Shape, strides: Strides, offset: usize) -> Self {
        debug_assert_eq!(shape.rank(), strides.len());
        Layout {
            shape,
            strides,
            offset,
        }
    }
    /// The logical shape.
    pub fn shape(&self) -> &Shape {
        &self.shape
    }
    /// Strides in elements.
    pub fn strides(&self) -> &[isize] {
        &self.strides
    }
    /// Storage index of the first logical element.
    pub fn offset(&self) -> usize {
        self.offset
    }
    /// True when the elements lie in storage in row-major order with no gaps
    /// (size-1 dimensions may have any stride).
    pub fn is_contiguous(&self) -> bool {
        let mut expected = 1isize;
        for (&d, &s) in self.shape.iter().zip(self.strides.iter()).rev() {
            if d != 1 && s != expected {
                return false;
            }
            expected *= d as isize;
        }
        true
    }
    /// The storage range of the elements when the layout is contiguous.
    pub fn contiguous_range(&self) -> Option<std::ops::Range<usize>> {
        if self.shape.numel() == 0 {
            // An empty view addresses nothing; its offset may lie past the storage (the last
            // index of an empty axis selected).
            return Some(0..0);
        }
        self.is_contiguous()
            .then(|| self.offset..self.offset + self.shape.numel())
    }
    /// Storage index of a logical multi-index (unchecked beyond debug assertions).
    pub fn index_of(&self, index: &[usize]) -> usize {
        debug_assert_eq!(index.len(), self.shape.rank());
        let mut off = self.offset as isize;
        for ((&i, &s), &d) in index.iter().zip(self.strides.iter()).zip(self.shape.iter()) {
            debug_assert!(i < d);
            off += i as isize * s;
        }
        off as usize
    }
    /// Storage indices of all elements in row-major logical order.
    pub fn offsets(&self) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.shape.numel());
        for_each_row([self], |[start], len, [stride]| {
            let mut o = start as isize;
            for _ in 0..len {
                out.push(o as usize);
                o += stride;
            }
        });
        out
    }
}

/// Walks several layouts of the same shape in lockstep, row by row.
///
/// For every run of elements along the (coalesced) innermost dimension, `f` receives the storage
/// offset of the run's first element in each layout, the run length, and each layout's stride
/// along the run. Adjacent dimensions that are contiguous in every layout are merged first, so a
/// contiguous tensor is a single run. A tensor with zero elements calls `f` never; a scalar once.
pub fn for_each_row<const N: usize>(
    layouts: [&Layout; N],
    mut f: impl FnMut([usize; N], usize, [isize; N]),
) {
    let shape = layouts[0].shape.dims();
    debug_assert!(layouts.iter().all(|l| l.shape.dims() == shape));
    if shape.contains(&0) {
        return;
    }
    // Coalesce: drop size-1 dims, merge dim i into i+1 when contiguous in every layout.
    let mut dims: SmallVec<[usize; 6]> = SmallVec::new();
    let mut strides: [Strides; N] = std::array::from_fn(|_| Strides::new());
    for (i, &d) in shape.iter().enumerate() {
        if d == 1 {
            continue;
        }
        if let Some(&last) = dims.last() {
            let mergeable =
                (0..N).all(|k| *strides[k].last().unwrap() == layouts[k].strides[i] * d as isize);
            if mergeable {
                *dims.last_mut().unwrap() = last * d;
                for k in 0..N {
                    *strides[k].last_mut().unwrap() = layouts[k].strides[i];
                }
                continue;
            }
        }
        dims.push(d);
        for k in 0..N {
            strides[k].push(layouts[k].strides[i]);
        }
    }
    let starts: [usize; N] = std::array::from_fn(|k| layouts[k].offset);
    let rank = dims.len();
    if rank == 0 {
        f(starts, 1, [1; N]);
        return;
    }
    let inner_len = dims[rank - 1];
    let inner_strides: [isize; N] = std::array::from_fn(|k| strides[k][rank - 1]);
    if rank == 1 {
        f(starts, inner_len, inner_strides);
        return;
    }
    let outer = &dims[..rank - 1];
    let mut idx: SmallVec<[usize; 6]> = SmallVec::from_elem(0, rank - 1);
    let mut pos: [isize; N] = std::array::from_fn(|k| starts[k] as isize);
    loop {
        f(
            std::array::from_fn(|k| pos[k] as usize),
            inner_len,
            inner_strides,
        );
        // Increment the outer multi-index like an odometer.
        let mut d = rank - 1;
        loop {
            if d == 0 {
                return;
            }
            d -= 1;
            idx[d] += 1;
            for k in 0..N {
                pos[k] += strides[k][d];
            }
            if idx[d] < outer[d] {
                break;
            }
            for k in 0..N {
                pos[k] -= strides[k][d] * outer[d] as isize;
            }
            idx[d] = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contiguous_layout_is_one_run() {
        let l = Layout::contiguous(Shape::new(&[2, 3, 4]));
        let mut runs = vec![];
        for_each_row([&l], |[s], n, [st]| runs.push((s, n, st)));
        assert_eq!(runs, vec![(0, 24, 1)]);
        assert!(l.is_contiguous());
    }

    #[test]
    fn transposed_layout_walks_in_logical_order() {
        // A (2,3) matrix transposed to (3,2): strides (1,3).
        let l = Layout::from_parts(Shape::new(&[3, 2]), SmallVec::from_slice(&[1, 3]), 0);
        assert!(!l.is_contiguous());
        assert_eq!(l.offsets(), vec![0, 3, 1, 4, 2, 5]);
    }

    #[test]
    fn empty_layout_visits_nothing_and_scalar_once() {
        let e = Layout::contiguous(Shape::new(&[2, 0, 3]));
        assert!(e.offsets().is_empty());
        let s = Layout::contiguous(Shape::scalar());
        assert_eq!(s.offsets(), vec![0]);
    }
}
