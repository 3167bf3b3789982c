//! Shared helpers of the property tests: a dense row-major reference model of a tensor whose
//! views are computed by explicit index mapping, strategies for random shapes, and a recipe that
//! builds a non-contiguous tensor of any requested shape together with its reference.
//!
//! The reference never goes through the crate's layouts: every value it holds was copied by a
//! nested loop over multi-indices, so it is an independent oracle for the crate's strided code.

#![allow(dead_code)]

use proptest::prelude::*;
use scalpel_tensor::{Element, Float, Tensor};

/// Number of elements of `shape` (1 for a scalar).
pub fn numel(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// Every multi-index of `shape` in row-major order (none when a dimension is 0, one empty index
/// for a scalar).
pub fn indices(shape: &[usize]) -> Vec<Vec<usize>> {
    let n = numel(shape);
    (0..n)
        .map(|mut flat| {
            let mut idx = vec![0; shape.len()];
            for a in (0..shape.len()).rev() {
                idx[a] = flat % shape[a];
                flat /= shape[a];
            }
            idx
        })
        .collect()
}

/// Row-major position of a multi-index.
pub fn ravel(idx: &[usize], shape: &[usize]) -> usize {
    idx.iter().zip(shape).fold(0, |acc, (&i, &d)| {
        assert!(i < d, "index {idx:?} outside {shape:?}");
        acc * d + i
    })
}

/// A dense row-major array: the reference model of a tensor.
#[derive(Clone, Debug, PartialEq)]
pub struct Dense<T> {
    /// Dimensions.
    pub shape: Vec<usize>,
    /// Elements in row-major order.
    pub data: Vec<T>,
}

impl<T: Copy> Dense<T> {
    /// A dense array from its parts.
    pub fn new(shape: Vec<usize>, data: Vec<T>) -> Self {
        assert_eq!(numel(&shape), data.len());
        Dense { shape, data }
    }

    /// The element at a multi-index.
    pub fn at(&self, idx: &[usize]) -> T {
        self.data[ravel(idx, &self.shape)]
    }

    /// A new array of `shape` whose element at `idx` is `self.at(src(idx))`.
    pub fn gather(&self, shape: Vec<usize>, src: impl Fn(&[usize]) -> Vec<usize>) -> Self {
        let data = indices(&shape).iter().map(|i| self.at(&src(i))).collect();
        Dense::new(shape, data)
    }

    /// Output axis `i` is input axis `perm[i]`.
    pub fn permute(&self, perm: &[usize]) -> Self {
        let shape = perm.iter().map(|&p| self.shape[p]).collect();
        self.gather(shape, |idx| {
            let mut src = vec![0; idx.len()];
            for (i, &p) in perm.iter().enumerate() {
                src[p] = idx[i];
            }
            src
        })
    }

    /// `x[start:end:step]` along `axis`, `end` clamped to the dimension.
    pub fn slice(&self, axis: usize, start: usize, end: usize, step: usize) -> Self {
        let end = end.min(self.shape[axis]);
        let n = if end > start {
            (end - start).div_ceil(step)
        } else {
            0
        };
        let mut shape = self.shape.clone();
        shape[axis] = n;
        self.gather(shape, |idx| {
            let mut src = idx.to_vec();
            src[axis] = start + idx[axis] * step;
            src
        })
    }

    /// Index `index` of `axis`, removing the axis.
    pub fn select(&self, axis: usize, index: usize) -> Self {
        let mut shape = self.shape.clone();
        shape.remove(axis);
        self.gather(shape, |idx| {
            let mut src = idx.to_vec();
            src.insert(axis, index);
            src
        })
    }

    /// The order of `axis` reversed.
    pub fn flip(&self, axis: usize) -> Self {
        let d = self.shape[axis];
        self.gather(self.shape.clone(), |idx| {
            let mut src = idx.to_vec();
            src[axis] = d - 1 - idx[axis];
            src
        })
    }

    /// A new axis of size 1 at `axis`.
    pub fn unsqueeze(&self, axis: usize) -> Self {
        let mut shape = self.shape.clone();
        shape.insert(axis, 1);
        self.gather(shape, |idx| {
            let mut src = idx.to_vec();
            src.remove(axis);
            src
        })
    }

    /// The size-1 axis `axis` removed.
    pub fn squeeze(&self, axis: usize) -> Self {
        assert_eq!(self.shape[axis], 1);
        let mut shape = self.shape.clone();
        shape.remove(axis);
        self.gather(shape, |idx| {
            let mut src = idx.to_vec();
            src.insert(axis, 0);
            src
        })
    }

    /// Numpy broadcasting of this array to `shape` (which must be compatible).
    pub fn broadcast(&self, shape: &[usize]) -> Self {
        let own = self.shape.clone();
        self.gather(shape.to_vec(), |idx| broadcast_index(idx, &own))
    }

    /// Maps every element.
    pub fn map<U: Copy>(&self, f: impl Fn(T) -> U) -> Dense<U> {
        Dense::new(
            self.shape.clone(),
            self.data.iter().map(|&v| f(v)).collect(),
        )
    }
}

/// The index into an operand of shape `own` that numpy broadcasting reads for output index
/// `idx` (dimensions aligned from the right; size-1 dimensions read index 0).
pub fn broadcast_index(idx: &[usize], own: &[usize]) -> Vec<usize> {
    let lead = idx.len() - own.len();
    own.iter()
        .enumerate()
        .map(|(k, &d)| if d == 1 { 0 } else { idx[lead + k] })
        .collect()
}

/// Numpy's broadcast shape, computed independently of the crate; `None` when incompatible.
pub fn broadcast_shape(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let r = a.len().max(b.len());
    let dim = |s: &[usize], i: usize| {
        if i + s.len() >= r {
            s[i + s.len() - r]
        } else {
            1
        }
    };
    (0..r)
        .map(|i| match (dim(a, i), dim(b, i)) {
            (x, y) if x == y => Some(x),
            (1, y) => Some(y),
            (x, 1) => Some(x),
            _ => None,
        })
        .collect()
}

/// A deterministic stream of pseudo-random numbers (splitmix64) for filling tensors from a
/// proptest-chosen seed.
pub fn hash(seed: u64, k: u64) -> u64 {
    let mut z = seed
        .wrapping_add(k.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Half-integers in [−4, 4]: sums of a few hundred of them are exact in f64 in any order, and
/// ties are common (which exercises first-occurrence rules).
pub fn half_integer(seed: u64, k: usize) -> f64 {
    (hash(seed, k as u64) % 17) as f64 / 2.0 - 4.0
}

/// Like [`half_integer`], but about one value in twenty is NaN.
pub fn half_integer_or_nan(seed: u64, k: usize) -> f64 {
    if hash(seed ^ 0x55, k as u64).is_multiple_of(20) {
        f64::NAN
    } else {
        half_integer(seed, k)
    }
}

/// A dimension from 0 to `max`, 0 less often than the rest.
pub fn dim(max: usize) -> impl Strategy<Value = usize> {
    prop_oneof![1 => Just(0usize), 6 => 1..=max]
}

/// A shape of rank `0..=max_rank` with dimensions `0..=max_dim`.
pub fn shape(max_rank: usize, max_dim: usize) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(dim(max_dim), 0..=max_rank)
}

/// How to lay out a tensor of a given shape in storage, for ranks up to 4 (extra entries are
/// ignored). See [`build`].
#[derive(Clone, Debug)]
pub struct Recipe {
    /// Sort keys that order the axes in storage (a permutation).
    pub order: [u8; 4],
    /// Per axis: 0 plain, 1 narrowed from a longer axis, 2 every 2nd or 3rd element of a longer
    /// axis, 3 expanded from size 1 (stride 0).
    pub kind: [u8; 4],
    /// Per axis: padding and step parameters.
    pub pad: [(u8, u8); 4],
    /// Per axis: reversed in storage (a negative stride).
    pub flip: [bool; 4],
}

/// Any [`Recipe`].
pub fn recipe() -> impl Strategy<Value = Recipe> {
    (
        any::<[u8; 4]>(),
        prop::array::uniform4(0u8..4),
        prop::array::uniform4((0u8..3, 0u8..3)),
        any::<[bool; 4]>(),
    )
        .prop_map(|(order, kind, pad, flip)| Recipe {
            order,
            kind,
            pad,
            flip,
        })
}

/// A recipe that lays a tensor out contiguously.
pub fn contiguous_recipe() -> Recipe {
    Recipe {
        order: [0, 1, 2, 3],
        kind: [0; 4],
        pad: [(0, 0); 4],
        flip: [false; 4],
    }
}

/// A tensor of `shape` laid out in storage as `recipe` says — axes permuted, narrowed, strided,
/// expanded and flipped through the crate's view methods — and its dense reference. Element `k`
/// of the underlying storage is `fill(k)`.
pub fn build<T: Element>(
    shape: &[usize],
    recipe: &Recipe,
    fill: impl Fn(usize) -> T,
) -> (Tensor<T>, Dense<T>) {
    let rank = shape.len();
    assert!(rank <= 4);
    // The logical shape of the base before narrowing, striding and expanding.
    let mut base = Vec::with_capacity(rank);
    for (i, &d) in shape.iter().enumerate() {
        let (p, q) = (recipe.pad[i].0 as usize, recipe.pad[i].1 as usize);
        base.push(match recipe.kind[i] {
            1 => d + p + q,
            2 if d > 0 => p + (d - 1) * (2 + q % 2) + 1 + q,
            2 => p,
            3 => 1,
            _ => d,
        });
    }
    // Storage holds the base with its axes in `order`; permuting brings them back.
    let mut storage_axes: Vec<usize> = (0..rank).collect();
    storage_axes.sort_by_key(|&a| (recipe.order[a], a));
    let storage_shape: Vec<usize> = storage_axes.iter().map(|&a| base[a]).collect();
    let data: Vec<T> = (0..numel(&storage_shape)).map(fill).collect();
    let mut dense = Dense::new(storage_shape.clone(), data.clone());
    let mut t = Tensor::from_vec(data, storage_shape).unwrap();
    let mut back = vec![0; rank];
    for (k, &a) in storage_axes.iter().enumerate() {
        back[a] = k;
    }
    let back_isize: Vec<isize> = back.iter().map(|&a| a as isize).collect();
    t = t.permute(&back_isize).unwrap();
    dense = dense.permute(&back);
    for (i, &d) in shape.iter().enumerate() {
        let (p, q) = (recipe.pad[i].0 as usize, recipe.pad[i].1 as usize);
        match recipe.kind[i] {
            1 => {
                t = t.narrow(i as isize, p, d).unwrap();
                dense = dense.slice(i, p, p + d, 1);
            }
            2 => {
                let step = 2 + q % 2;
                let end = if d > 0 { p + (d - 1) * step + 1 } else { p };
                t = t.slice(i as isize, p, end, step).unwrap();
                dense = dense.slice(i, p, end, step);
            }
            _ => {}
        }
    }
    if recipe.kind[..rank].contains(&3) {
        t = t.expand(shape).unwrap();
        dense = dense.broadcast(shape);
    }
    for (i, &f) in recipe.flip[..rank].iter().enumerate() {
        if f && shape[i] > 0 {
            t = t.flip(&[i as isize]).unwrap();
            dense = dense.flip(i);
        }
    }
    assert_eq!(t.dims(), shape);
    (t, dense)
}

/// True when `got` equals `want` to within `tol` relative to max(1, |want|); NaN matches NaN and
/// an infinity matches the same infinity.
pub fn close(got: f64, want: f64, tol: f64) -> bool {
    if want.is_nan() {
        return got.is_nan();
    }
    if want.is_infinite() {
        return got == want;
    }
    (got - want).abs() <= tol * want.abs().max(1.0)
}

/// Asserts element-wise [`close`] and equal shapes, with a message naming `what`.
pub fn assert_close(what: &str, got: &Tensor<f64>, want: &Dense<f64>, tol: f64) {
    assert_eq!(got.dims(), &want.shape[..], "{what}: shape");
    let g = got.to_vec();
    for (k, (&a, &b)) in g.iter().zip(&want.data).enumerate() {
        assert!(
            close(a, b, tol),
            "{what}: element {k}: got {a}, want {b}\n got  {g:?}\n want {:?}",
            want.data
        );
    }
}

/// A deterministic stream of values in [−2, 2) (splitmix64), so that a case is its seed.
pub struct Values(pub u64);

impl Values {
    /// The next value of the stream.
    pub fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64 * 4.0 - 2.0
    }

    /// The next `n` values.
    pub fn vec(&mut self, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.next()).collect()
    }

    /// A contiguous tensor of the next values, rounded to `T`.
    pub fn tensor_of<T: Float>(&mut self, dims: &[usize]) -> Tensor<T> {
        let n = dims.iter().product();
        let data = (0..n).map(|_| T::from_f64_lossy(self.next())).collect();
        Tensor::from_vec(data, dims).unwrap()
    }

    /// An f64 tensor of the next values; when `strided` (and of rank 2 or more), a view whose
    /// last two axes are stored swapped.
    pub fn tensor(&mut self, dims: &[usize], strided: bool) -> Tensor<f64> {
        let n = dims.iter().product();
        let r = dims.len();
        if strided && r >= 2 {
            let mut stored = dims.to_vec();
            stored.swap(r - 2, r - 1);
            let t = Tensor::from_vec(self.vec(n), stored).unwrap();
            let t = t.transpose(-2, -1).unwrap();
            assert!(n == 0 || !t.is_contiguous() || dims[r - 1] == 1 || dims[r - 2] == 1);
            t
        } else {
            Tensor::from_vec(self.vec(n), dims).unwrap()
        }
    }
}
