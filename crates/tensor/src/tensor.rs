//! [`Tensor`]: shared storage plus a [`Layout`]; constructors, accessors and copies.

use std::sync::Arc;

use num_traits::NumCast;

use crate::buffer_cache::{self, Storage};
use crate::element::{DType, Element, Float, Numeric};
use crate::error::{Result, TensorError};
use crate::layout::{for_each_row, Layout};
use crate::shape::Shape;

/// An n-dimensional array of `T` (f32 by default).
///
/// The storage is reference counted and shared by views: cloning a tensor or taking a view
/// (`transpose`, `narrow`, `reshape` where possible, …) copies no elements. Tensors are values:
/// operations return new tensors, and [`set`](Tensor::set) changes only the tensor it is called
/// on, never another one sharing its storage.
#[derive(Clone)]
pub struct Tensor<T: Element = f32> {
    pub(crate) storage: Arc<Storage<T>>,
    pub(crate) layout: Layout,
}

impl<T: Element> Tensor<T> {
    /// A tensor owning `data` laid out row-major in `shape`.
    ///
    /// # Errors
    /// [`TensorError::ElementCount`] when `data.len()` differs from the shape's element count;
    /// [`TensorError::InvalidShape`] for a shape too large to lay out (such as `[0, 2⁶², 8]`).
    pub fn from_vec(data: Vec<T>, shape: impl Into<Shape>) -> Result<Self> {
        let shape = shape.into();
        if data.len() != shape.numel() {
            return Err(TensorError::ElementCount {
                op: "from_vec",
                expected: shape.numel(),
                got: data.len(),
                shape: Box::new(shape),
            });
        }
        shape.check_addressable("from_vec")?;
        Ok(Self::from_vec_unchecked(data, shape))
    }
    /// Like [`from_vec`](Self::from_vec) for callers that computed `data` from `shape`.
    pub(crate) fn from_vec_unchecked(data: Vec<T>, shape: Shape) -> Self {
        debug_assert_eq!(data.len(), shape.numel());
        Tensor {
            storage: Arc::new(Storage::new(data)),
            layout: Layout::contiguous(shape),
        }
    }
    /// A tensor copying `data` into `shape`.
    ///
    /// # Errors
    /// [`TensorError::ElementCount`] when the lengths disagree.
    pub fn from_slice(data: &[T], shape: impl Into<Shape>) -> Result<Self> {
        Self::from_vec(data.to_vec(), shape)
    }
    /// A 1-D tensor of `data`.
    pub fn from_vec1(data: Vec<T>) -> Self {
        let n = data.len();
        Self::from_vec_unchecked(data, Shape::new(&[n]))
    }
    /// A 2-D tensor from rows of equal length.
    ///
    /// # Errors
    /// [`TensorError::InvalidArgument`] when the rows differ in length.
    pub fn from_rows<R: AsRef<[T]>>(rows: &[R]) -> Result<Self> {
        let cols = rows.first().map_or(0, |r| r.as_ref().len());
        let mut data = Vec::with_capacity(rows.len() * cols);
        for (i, r) in rows.iter().enumerate() {
            let r = r.as_ref();
            if r.len() != cols {
                return Err(TensorError::arg(
                    "from_rows",
                    format!("row {i} has {} elements, row 0 has {cols}", r.len()),
                ));
            }
            data.extend_from_slice(r);
        }
        Ok(Self::from_vec_unchecked(
            data,
            Shape::new(&[rows.len(), cols]),
        ))
    }
    /// A 0-dimensional tensor holding `value`.
    pub fn scalar(value: T) -> Self {
        Self::from_vec_unchecked(vec![value], Shape::scalar())
    }
    /// A tensor of `shape` filled with `value`.
    pub fn full(shape: impl Into<Shape>, value: T) -> Self {
        let shape = shape.into();
        Self::from_vec_unchecked(buffer_cache::filled(shape.numel(), value), shape)
    }
    /// A tensor with the shape of `other` filled with `value` (`torch.full_like`).
    pub fn full_like(other: &Tensor<T>, value: T) -> Self {
        Self::full(other.shape(), value)
    }
    /// A tensor of `shape` whose element at row-major position `i` is `f(i)`.
    pub fn from_fn(shape: impl Into<Shape>, f: impl FnMut(usize) -> T) -> Self {
        let shape = shape.into();
        let data = (0..shape.numel()).map(f).collect();
        Self::from_vec_unchecked(data, shape)
    }
    /// [`from_fn`](Self::from_fn) for the constructors that return a `Result`: a shape too large
    /// to lay out, or a buffer the allocator cannot give, is an error naming `op` instead of a
    /// panic or an abort of the process.
    pub(crate) fn try_from_fn(
        op: &'static str,
        shape: Shape,
        f: impl FnMut(usize) -> T,
    ) -> Result<Self> {
        shape.check_addressable(op)?;
        let n = shape.numel();
        let mut data = buffer_cache::try_take(op, n)?;
        data.extend((0..n).map(f));
        Ok(Self::from_vec_unchecked(data, shape))
    }

    /// The logical shape.
    pub fn shape(&self) -> &Shape {
        &self.layout.shape
    }
    /// The dimensions as a slice (same as `shape().dims()`).
    pub fn dims(&self) -> &[usize] {
        self.layout.shape.dims()
    }
    /// Size of dimension `axis` (negative counts from the end).
    ///
    /// # Errors
    /// [`TensorError::AxisOutOfRange`].
    pub fn dim(&self, axis: isize) -> Result<usize> {
        Ok(self.dims()[self.shape().axis("dim", axis)?])
    }
    /// Number of dimensions.
    pub fn rank(&self) -> usize {
        self.layout.shape.rank()
    }
    /// Number of elements.
    pub fn numel(&self) -> usize {
        self.layout.shape.numel()
    }
    /// The layout (shape, strides, offset) over the storage.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }
    /// Strides in elements.
    pub fn strides(&self) -> &[isize] {
        self.layout.strides()
    }
    /// The runtime element type.
    pub fn dtype(&self) -> DType {
        T::DTYPE
    }
    /// The whole underlying storage (shared with every view of it).
    pub fn storage(&self) -> &[T] {
        &self.storage
    }
    /// True when the two tensors share storage.
    pub fn shares_storage_with(&self, other: &Tensor<T>) -> bool {
        Arc::ptr_eq(&self.storage, &other.storage)
    }
    /// True when the elements are laid out row-major without gaps.
    pub fn is_contiguous(&self) -> bool {
        self.layout.is_contiguous()
    }
    /// The elements as a row-major slice, when the tensor is contiguous, and an empty slice for
    /// every empty tensor (whose strides and offset address nothing).
    pub fn as_slice(&self) -> Option<&[T]> {
        self.layout.contiguous_range().map(|r| &self.storage[r])
    }
    /// A contiguous tensor with the same elements: `self` (no copy) when already contiguous.
    pub fn contiguous(&self) -> Tensor<T> {
        if self.is_contiguous() {
            return self.clone();
        }
        Self::from_vec_unchecked(self.to_vec(), self.shape().clone())
    }
    /// The elements in row-major logical order, as an owned vector: the storage itself, with no
    /// copy, when this tensor is its only owner and covers all of it contiguously (what an
    /// optimizer's in-place update wants); otherwise a copy, as [`to_vec`](Self::to_vec).
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let t = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], [2, 2]).unwrap();
    /// assert_eq!(t.t().into_vec(), vec![1.0, 3.0, 2.0, 4.0]); // a view: copied in order
    /// assert_eq!(t.into_vec(), vec![1.0, 2.0, 3.0, 4.0]); // the only owner: no copy
    /// ```
    pub fn into_vec(self) -> Vec<T> {
        let whole = self.layout.contiguous_range() == Some(0..self.storage.len());
        if !whole {
            return self.to_vec();
        }
        match Arc::try_unwrap(self.storage) {
            Ok(data) => data.into_vec(),
            Err(shared) => shared[..].to_vec(),
        }
    }
    /// The elements in row-major logical order.
    pub fn to_vec(&self) -> Vec<T> {
        if let Some(s) = self.as_slice() {
            let mut out = buffer_cache::take(s.len());
            out.extend_from_slice(s);
            return out;
        }
        if let Some(out) = self.transposed_to_vec() {
            return out;
        }
        let mut out = buffer_cache::take(self.numel());
        let data = &self.storage[..];
        for_each_row([&self.layout], |[start], len, [stride]| {
            if stride == 1 {
                out.extend_from_slice(&data[start..start + len]);
            } else {
                let mut o = start as isize;
                for _ in 0..len {
                    out.push(data[o as usize]);
                    o += stride;
                }
            }
        });
        out
    }
    /// [`to_vec`](Self::to_vec) of a transposed matrix (2-D, its rows adjacent in storage: the
    /// gradient of a weight used as `wᵀ`, for one), copied in square tiles so that reads and
    /// writes both stay in cache, instead of one strided walk per row. `None` for other layouts.
    fn transposed_to_vec(&self) -> Option<Vec<T>> {
        const TILE: usize = 32;
        let (&[rows, cols], &[1, col_stride]) = (self.dims(), self.strides()) else {
            return None;
        };
        if col_stride <= 0 || rows < 2 || cols < 2 {
            return None;
        }
        let col_stride = col_stride as usize;
        let data = &self.storage[self.layout.offset()..];
        let mut out = buffer_cache::filled(rows * cols, T::default());
        for r0 in (0..rows).step_by(TILE) {
            for c0 in (0..cols).step_by(TILE) {
                for c in c0..(c0 + TILE).min(cols) {
                    let column = &data[c * col_stride..];
                    for r in r0..(r0 + TILE).min(rows) {
                        out[r * cols + c] = column[r];
                    }
                }
            }
        }
        Some(out)
    }
    /// The element at a multi-index.
    ///
    /// # Errors
    /// [`TensorError::InvalidArgument`] for a wrong number of indices,
    /// [`TensorError::IndexOutOfRange`] for an index past its dimension.
    pub fn get(&self, index: &[usize]) -> Result<T> {
        self.check_multi_index("get", index)?;
        Ok(self.storage[self.layout.index_of(index)])
    }
    /// Writes `value` at a multi-index (`x[i, j] = v`).
    ///
    /// Only this tensor changes: clones and views of it, and the tensor it is a view of, keep
    /// their values. The element is written in place when no other tensor shares the storage
    /// and the tensor is not a broadcast (whose elements share storage); otherwise this tensor
    /// first becomes a contiguous copy of its own elements.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let x = Tensor::from_vec(vec![1, 2, 3, 4], [2, 2]).unwrap();
    /// let mut y = x.t();
    /// y.set(&[0, 1], 9).unwrap();
    /// assert_eq!(y.to_vec(), vec![1, 9, 2, 4]);
    /// assert_eq!(x.to_vec(), vec![1, 2, 3, 4]); // x is unchanged
    /// ```
    ///
    /// # Errors
    /// As [`get`](Self::get).
    pub fn set(&mut self, index: &[usize], value: T) -> Result<()> {
        self.check_multi_index("set", index)?;
        let broadcast = self
            .dims()
            .iter()
            .zip(self.strides())
            .any(|(&d, &s)| s == 0 && d > 1);
        if broadcast || Arc::get_mut(&mut self.storage).is_none() {
            *self = Tensor::from_vec_unchecked(self.to_vec(), self.shape().clone());
        }
        let at = self.layout.index_of(index);
        let storage = Arc::get_mut(&mut self.storage).expect("a storage no other tensor shares");
        storage.as_mut_slice()[at] = value;
        Ok(())
    }
    /// Checks that `index` addresses an element: one index per axis, each within its axis.
    fn check_multi_index(&self, op: &'static str, index: &[usize]) -> Result<()> {
        if index.len() != self.rank() {
            return Err(TensorError::arg(
                op,
                format!(
                    "{} indices for a tensor of shape {}",
                    index.len(),
                    self.shape()
                ),
            ));
        }
        for (axis, (&i, &d)) in index.iter().zip(self.dims()).enumerate() {
            if i >= d {
                return Err(TensorError::index(op, i as i128, axis, self.shape()));
            }
        }
        Ok(())
    }
    /// The single element of a tensor with one element (of any rank).
    ///
    /// # Errors
    /// [`TensorError::InvalidShape`] when the tensor has more or fewer than one element.
    pub fn item(&self) -> Result<T> {
        if self.numel() != 1 {
            return Err(TensorError::shape(
                "item",
                self.shape(),
                "needs exactly one element",
            ));
        }
        Ok(self.storage[self.layout.offset])
    }
    /// Applies `f` to every element, producing a new contiguous tensor (of any element type).
    pub fn map<U: Element>(&self, f: impl Fn(T) -> U) -> Tensor<U> {
        let data: Vec<U> = match self.as_slice() {
            Some(s) => {
                let mut out = buffer_cache::take(s.len());
                out.extend(s.iter().map(|&x| f(x)));
                out
            }
            None => {
                let mut out = buffer_cache::take(self.numel());
                let data = &self.storage[..];
                for_each_row([&self.layout], |[start], len, [stride]| {
                    let mut o = start as isize;
                    for _ in 0..len {
                        out.push(f(data[o as usize]));
                        o += stride;
                    }
                });
                out
            }
        };
        Tensor::from_vec_unchecked(data, self.shape().clone())
    }
}

impl<T: Numeric> Tensor<T> {
    /// A tensor of zeros.
    pub fn zeros(shape: impl Into<Shape>) -> Self {
        Self::full(shape, T::zero())
    }
    /// A tensor of ones.
    pub fn ones(shape: impl Into<Shape>) -> Self {
        Self::full(shape, T::one())
    }
    /// Zeros with the shape of `other`.
    pub fn zeros_like(other: &Tensor<T>) -> Self {
        Self::zeros(other.shape())
    }
    /// Ones with the shape of `other`.
    pub fn ones_like(other: &Tensor<T>) -> Self {
        Self::ones(other.shape())
    }
    /// The n×n identity matrix.
    pub fn eye(n: usize) -> Self {
        // Saturating: a size past usize::MAX fails to allocate (capacity overflow), not wraps.
        let mut data = vec![T::zero(); n.saturating_mul(n)];
        for i in 0..n {
            data[i * n + i] = T::one();
        }
        Self::from_vec_unchecked(data, Shape::new(&[n, n]))
    }
    /// `[start, start+step, …]` up to but excluding `end`, like `numpy.arange`.
    ///
    /// # Errors
    /// [`TensorError::InvalidArgument`] when `step` is zero or has the wrong sign, when a bound
    /// or the step is not finite, or when the allocator cannot give the range's elements;
    /// [`TensorError::InvalidShape`] when they are more than can be laid out.
    pub fn arange(start: T, end: T, step: T) -> Result<Self> {
        let is_float = matches!(T::DTYPE, DType::F32 | DType::F64);
        let n = if is_float {
            float_range_len(start, end, step)?
        } else {
            integer_range_len(start, end, step)?
        };
        // A count past what can be laid out or allocated is refused by `try_from_fn`.
        let shape = Shape::new(&[n]);
        if is_float {
            // start + i·step, each rounded once, as numpy does: adding the step n times would
            // pile up n roundings (0.1 steps to 10 in f32 ended at 9.900002).
            let (s, st) = (start.to_f64_lossy(), step.to_f64_lossy());
            Self::try_from_fn("arange", shape, |i| T::from_f64_lossy(s + i as f64 * st))
        } else {
            // Integers add exactly.
            let mut v = start;
            Self::try_from_fn("arange", shape, |i| {
                let value = v;
                if i + 1 < n {
                    v += step; // not past the last element, where it could overflow
                }
                value
            })
        }
    }
    /// Converts every element to another numeric type: exact where the value fits (`i64` to
    /// `i64` past 2⁵³ included), floats truncated toward zero into integers, NaN to 0, and a
    /// value out of the target's range saturated at its bounds (`300i64` to `u8` is 255). Float
    /// to integer is what `as` does; integer to integer differs from `as`, numpy's `astype` and
    /// PyTorch's `to`, which wrap (`300` to `44`).
    pub fn cast<U: Numeric>(&self) -> Tensor<U> {
        self.map(|x| match <U as NumCast>::from(x) {
            Some(y) => y,
            None => U::from_f64_lossy(x.to_f64_lossy()),
        })
    }
}

/// The refusal of `arange` when `step` cannot lead from `start` to `end`.
fn wrong_step<T: Numeric>(start: T, end: T, step: T) -> TensorError {
    TensorError::arg(
        "arange",
        format!("step {step} cannot go from {start} to {end}"),
    )
}

/// The number of elements of a float `arange`, ⌈(end − start)/step⌉ in f64.
fn float_range_len<T: Numeric>(start: T, end: T, step: T) -> Result<usize> {
    let (s, e, st) = (
        start.to_f64_lossy(),
        end.to_f64_lossy(),
        step.to_f64_lossy(),
    );
    if !(s.is_finite() && e.is_finite() && st.is_finite()) {
        return Err(TensorError::arg(
            "arange",
            format!("start {start}, end {end} and step {step} must be finite"),
        ));
    }
    if st == 0.0 || (e - s) * st < 0.0 {
        return Err(wrong_step(start, end, step));
    }
    // Saturates at usize::MAX, which the caller refuses as too many elements.
    Ok(((e - s) / st).ceil().max(0.0) as usize)
}

/// The number of elements of an integer `arange`, ⌈(end − start)/step⌉ in exact integer
/// arithmetic (through f64 it rounds past 2⁵³ and can take in the end or lose every element).
fn integer_range_len<T: Numeric>(start: T, end: T, step: T) -> Result<usize> {
    let exact = |x: T| {
        x.to_i128()
            .expect("every integer element type fits in i128")
    };
    let (s, e, st) = (exact(start), exact(end), exact(step));
    let span = e - s;
    if st == 0 || (span != 0 && (span < 0) != (st < 0)) {
        return Err(wrong_step(start, end, step));
    }
    let (span, st) = (span.unsigned_abs(), st.unsigned_abs());
    Ok(usize::try_from(span.div_ceil(st)).unwrap_or(usize::MAX))
}

impl<T: Float> Tensor<T> {
    /// `n` evenly spaced values from `start` to `end` inclusive, like `numpy.linspace`.
    pub fn linspace(start: T, end: T, n: usize) -> Self {
        if n == 1 {
            return Self::from_vec1(vec![start]);
        }
        // In f64 and rounded once, as numpy computes: in f32, element 9 of 11 from 0 to 1 was
        // 0.90000004.
        let (first, last) = (start.to_f64_lossy(), end.to_f64_lossy());
        let step = (last - first) / (n.max(2) - 1) as f64;
        Self::from_fn(Shape::new(&[n]), |i| {
            if i + 1 == n {
                end
            } else {
                T::from_f64_lossy(first + step * i as f64)
            }
        })
    }
}

impl<T: Element> std::fmt::Debug for Tensor<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match f.precision() {
            Some(p) => write!(f, "Tensor<{}>{} {:.p$}", T::DTYPE, self.shape(), self),
            None => write!(f, "Tensor<{}>{} {}", T::DTYPE, self.shape(), self),
        }
    }
}

impl<T: Element> PartialEq for Tensor<T> {
    /// Equal shapes and equal elements (layouts may differ).
    fn eq(&self, other: &Self) -> bool {
        self.shape() == other.shape() && self.to_vec() == other.to_vec()
    }
}

impl<T: Element> Default for Tensor<T> {
    fn default() -> Self {
        Self::from_vec_unchecked(Vec::new(), Shape::new(&[0]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_changes_only_the_tensor_it_is_called_on() {
        let base = Tensor::from_vec((0..6).collect::<Vec<i32>>(), [2, 3]).unwrap();
        // A clone shares the storage: the write copies first.
        let mut copy = base.clone();
        copy.set(&[1, 2], 50).unwrap();
        assert_eq!(copy.to_vec(), [0, 1, 2, 3, 4, 50]);
        assert_eq!(base.to_vec(), [0, 1, 2, 3, 4, 5]);
        // A unique contiguous tensor is written in place.
        let at = copy.as_slice().unwrap().as_ptr();
        copy.set(&[0, 0], -1).unwrap();
        assert_eq!(copy.as_slice().unwrap().as_ptr(), at);
        assert_eq!(copy.to_vec(), [-1, 1, 2, 3, 4, 50]);
        // A view written through, then its base: neither sees the other's write.
        let mut column = base.narrow(1, 1, 1).unwrap();
        column.set(&[1, 0], 40).unwrap();
        assert_eq!(column.to_vec(), [1, 40]);
        assert_eq!(base.to_vec(), [0, 1, 2, 3, 4, 5]);
        // The transpose of a dropped base owns its storage: written in place, as its own index.
        let mut t = Tensor::from_vec((0..6).collect::<Vec<i32>>(), [2, 3])
            .unwrap()
            .t();
        let storage = t.storage.as_ptr();
        t.set(&[2, 0], 20).unwrap();
        assert_eq!(t.storage.as_ptr(), storage);
        assert!(!t.is_contiguous());
        assert_eq!(t.to_vec(), [0, 3, 1, 4, 20, 5]);
        // A broadcast shares one element among its copies: only the one written changes.
        let mut wide = Tensor::from_vec1(vec![7i32, 8])
            .unsqueeze(0)
            .unwrap()
            .expand([3, 2])
            .unwrap();
        wide.set(&[1, 1], 0).unwrap();
        assert_eq!(wide.to_vec(), [7, 8, 7, 0, 7, 8]);
    }

    #[test]
    fn set_and_get_name_a_bad_index() {
        let mut x = Tensor::<f32>::zeros([2, 2]);
        assert_eq!(
            x.set(&[0, 2], 1.0).unwrap_err().to_string(),
            "set: index 2 is out of range for axis 1 of size 2 in shape [2, 2]"
        );
        assert_eq!(
            x.get(&[0]).unwrap_err().to_string(),
            "get: 1 indices for a tensor of shape [2, 2]"
        );
        assert_eq!(x.to_vec(), [0.0; 4]);
        // A usize index past i64 is named as given.
        assert_eq!(
            x.get(&[usize::MAX, 0]).unwrap_err().to_string(),
            format!(
                "get: index {} is out of range for axis 0 of size 2 in shape [2, 2]",
                usize::MAX
            )
        );
        assert_eq!(
            x.select(1, 1 << 63).unwrap_err().to_string(),
            "select: index 9223372036854775808 is out of range for axis 1 of size 2 in shape [2, 2]"
        );
    }

    #[test]
    fn from_vec_rejects_wrong_element_count_naming_shape() {
        let e = Tensor::from_vec(vec![1.0f32; 5], [2, 3]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "from_vec: shape [2, 3] needs 6 elements, got 5"
        );
    }

    #[test]
    fn like_constructors_take_the_shape_not_the_layout() {
        // A transposed view: the result is a fresh contiguous tensor of the view's shape.
        let x = Tensor::from_vec((0..6).collect::<Vec<i64>>(), [2, 3])
            .unwrap()
            .t();
        let sevens = Tensor::full_like(&x, 7);
        assert_eq!((sevens.dims(), sevens.to_vec()), (&[3, 2][..], vec![7; 6]));
        assert_eq!(Tensor::zeros_like(&x).to_vec(), vec![0; 6]);
        assert_eq!(Tensor::ones_like(&x).dims(), &[3, 2]);
        let mask = Tensor::full_like(&Tensor::<bool>::full([0, 2], true), false);
        assert_eq!(mask.dims(), &[0, 2]);
    }

    #[test]
    fn arange_and_linspace_match_numpy() {
        assert_eq!(Tensor::arange(0i64, 5, 2).unwrap().to_vec(), vec![0, 2, 4]);
        assert_eq!(
            Tensor::arange(1.0f64, 0.0, -0.25).unwrap().to_vec(),
            vec![1.0, 0.75, 0.5, 0.25]
        );
        assert!(Tensor::arange(0i32, 5, -1).is_err());
        assert_eq!(
            Tensor::linspace(0.0f64, 1.0, 5).to_vec(),
            vec![0.0, 0.25, 0.5, 0.75, 1.0]
        );
        // f32 computed in f64 and rounded once, as numpy: 0.9, not 0.90000004; and downwards
        // 0.6666667 and 0.33333334 (both correctly rounded thirds), not 0.6666666 and 0.3333333
        let elevenths = Tensor::linspace(0.0f32, 1.0, 11).to_vec();
        for (i, x) in elevenths.iter().enumerate() {
            assert_eq!(*x, (i as f64 / 10.0) as f32, "element {i}");
        }
        assert_eq!(
            Tensor::linspace(1.0f32, 0.0, 4).to_vec(),
            vec![1.0, (2.0f64 / 3.0) as f32, (1.0f64 / 3.0) as f32, 0.0]
        );
        // each element rounded once from start + i·step, as numpy's arange(0, 10, 0.1)
        let tenths = Tensor::arange(0.0f32, 10.0, 0.1).unwrap().to_vec();
        assert_eq!(tenths.len(), 100);
        for (i, x) in tenths.iter().enumerate() {
            assert_eq!(*x, (i as f64 * 0.1f32 as f64) as f32, "element {i}");
        }
        // integers add exactly, and stop at the last element (240 + 60 would overflow a u8)
        assert_eq!(
            Tensor::arange(120u8, 250, 60).unwrap().to_vec(),
            vec![120, 180, 240]
        );
    }

    #[test]
    fn integer_arange_counts_exactly_past_two_to_the_53() {
        // Through f64, 2⁵³ + 1 and 2⁵³ + 4 round to 2⁵³ and 2⁵³ + 4: four elements, the end
        // included. And near i64::MAX both bounds round to 2⁶³: no element at all.
        let base = 9_007_199_254_740_993i64;
        assert_eq!(
            Tensor::arange(base, base + 3, 1).unwrap().to_vec(),
            vec![base, base + 1, base + 2]
        );
        assert_eq!(
            Tensor::arange(i64::MAX - 2, i64::MAX, 1).unwrap().to_vec(),
            vec![i64::MAX - 2, i64::MAX - 1]
        );
        assert_eq!(
            Tensor::arange(i64::MAX, i64::MAX - 5, -2).unwrap().to_vec(),
            vec![i64::MAX, i64::MAX - 2, i64::MAX - 4]
        );
        assert_eq!(Tensor::arange(7i64, 7, -1).unwrap().numel(), 0);
        assert!(Tensor::arange(i64::MAX - 1, i64::MAX, -1).is_err());
        assert!(Tensor::arange(3u32, 3, 0).is_err());
    }

    #[test]
    fn cast_is_like_as() {
        let big = Tensor::from_vec1(vec![9_007_199_254_740_993i64, -3]);
        assert_eq!(big.cast::<i64>().to_vec(), vec![9_007_199_254_740_993, -3]);
        assert_eq!(big.cast::<u8>().to_vec(), vec![255, 0]); // saturating
        let x = Tensor::from_vec1(vec![2.7f32, -2.7, f32::NAN, 1e10]);
        assert_eq!(x.cast::<i32>().to_vec(), vec![2, -2, 0, i32::MAX]);
        assert_eq!(
            Tensor::from_vec1(vec![300u32]).cast::<f32>().to_vec(),
            vec![300.0]
        );
    }

    #[test]
    fn get_checks_every_index() {
        let t = Tensor::from_vec((0..6).collect::<Vec<i32>>(), [2, 3]).unwrap();
        assert_eq!(t.get(&[1, 2]).unwrap(), 5);
        assert!(t.get(&[2, 0]).is_err());
        assert!(t.get(&[0]).is_err());
    }
}
