//! Property tests of the indexing and joining ops against naive reference code written here,
//! on random shapes (zero-size dimensions included), random axes (negative included) and
//! non-contiguous inputs (transposed, narrowed, strided, flipped and expanded views).

use proptest::prelude::*;
use proptest::sample::Index;
use scalpel_tensor::{Tensor, TensorError};

// ---------------------------------------------------------------------------------------------
// Inputs: tensors of a given logical shape built through different kinds of view.

/// How a test tensor is laid out in its storage.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Contiguous,
    Transposed,
    Narrowed,
    Strided,
    Flipped,
    Expanded,
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Contiguous),
        Just(Kind::Transposed),
        Just(Kind::Narrowed),
        Just(Kind::Strided),
        Just(Kind::Flipped),
        Just(Kind::Expanded),
    ]
}

/// A tensor of logical shape `dims` laid out as `kind`, its storage filled with `fill(i)`.
fn make(dims: &[usize], kind: Kind, fill: impl Fn(usize) -> i64) -> Tensor<i64> {
    let base = |d: &[usize]| Tensor::from_fn(d, &fill);
    let r = dims.len();
    if r == 0 {
        return base(dims);
    }
    let t = match kind {
        Kind::Contiguous => base(dims),
        Kind::Transposed => {
            let rev: Vec<usize> = dims.iter().rev().copied().collect();
            let axes: Vec<isize> = (0..r as isize).rev().collect();
            base(&rev).permute(&axes).unwrap()
        }
        Kind::Narrowed => {
            let mut d = dims.to_vec();
            d[r - 1] += 2;
            base(&d).narrow(-1, 1, dims[r - 1]).unwrap()
        }
        Kind::Strided => {
            let mut d = dims.to_vec();
            d[0] = 2 * d[0] + 1;
            base(&d).slice(0, 1, d[0], 2).unwrap()
        }
        Kind::Flipped => {
            let axes: Vec<isize> = (0..r as isize).collect();
            base(dims).flip(&axes).unwrap()
        }
        Kind::Expanded => {
            let mut d = dims.to_vec();
            d[0] = 1;
            base(&d).expand(dims).unwrap()
        }
    };
    assert_eq!(t.dims(), dims);
    t
}

/// Distinct values (offset by `tag`) so that a wrong element shows.
fn values(dims: &[usize], kind: Kind, tag: i64) -> Tensor<i64> {
    make(dims, kind, |i| tag + i as i64)
}

/// Index tensors whose entries lie in `0..size` (`size > 0`), drawn from `pool`.
fn indices(dims: &[usize], kind: Kind, pool: &[u32], size: usize) -> Tensor<i64> {
    make(dims, kind, |i| {
        (pool[i % pool.len()] as usize % size) as i64
    })
}

fn shape(max_rank: usize) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0usize..=4, 1..=max_rank)
}

fn pool() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(any::<u32>(), 1..16)
}

/// `axis` as the op receives it: counted from the front or, when `negative`, from the back.
fn signed(axis: usize, rank: usize, negative: bool) -> isize {
    if negative {
        axis as isize - rank as isize
    } else {
        axis as isize
    }
}

// ---------------------------------------------------------------------------------------------
// Reference code: dense row-major arrays indexed by multi-index.

#[derive(Clone, Debug, PartialEq)]
struct Dense {
    dims: Vec<usize>,
    data: Vec<i64>,
}

impl Dense {
    fn of(t: &Tensor<i64>) -> Dense {
        Dense {
            dims: t.dims().to_vec(),
            data: t.to_vec(),
        }
    }
    fn at(&self, idx: &[usize]) -> i64 {
        self.data[ravel(idx, &self.dims)]
    }
    fn at_mut(&mut self, idx: &[usize]) -> &mut i64 {
        let i = ravel(idx, &self.dims);
        &mut self.data[i]
    }
    /// Every multi-index in row-major order.
    fn positions(&self) -> Vec<Vec<usize>> {
        (0..self.data.len())
            .map(|f| unravel(f, &self.dims))
            .collect()
    }
    /// Builds a tensor of `dims` whose element at multi-index `idx` is `f(idx)`.
    fn build(dims: &[usize], f: impl Fn(&[usize]) -> i64) -> Dense {
        let n = dims.iter().product();
        Dense {
            dims: dims.to_vec(),
            data: (0..n).map(|i| f(&unravel(i, dims))).collect(),
        }
    }
}

fn unravel(mut flat: usize, dims: &[usize]) -> Vec<usize> {
    let mut idx = vec![0; dims.len()];
    for d in (0..dims.len()).rev() {
        idx[d] = flat % dims[d];
        flat /= dims[d];
    }
    idx
}

fn ravel(idx: &[usize], dims: &[usize]) -> usize {
    idx.iter().zip(dims).fold(0, |acc, (&i, &d)| {
        assert!(i < d);
        acc * d + i
    })
}

fn dot(a: &Tensor<i64>, b: &Tensor<i64>) -> i64 {
    a.to_vec().iter().zip(b.to_vec()).map(|(x, y)| x * y).sum()
}

// ---------------------------------------------------------------------------------------------
// concat, stack, split, chunk

proptest! {
    #[test]
    fn concat_matches_reference(
        dims in shape(4),
        axis in any::<Index>(),
        negative in any::<bool>(),
        parts in prop::collection::vec((0usize..4, kind()), 1..4),
    ) {
        let ax = axis.index(dims.len());
        let inputs: Vec<Tensor<i64>> = parts
            .iter()
            .enumerate()
            .map(|(k, &(n, kind))| {
                let mut d = dims.clone();
                d[ax] = n;
                values(&d, kind, 1000 * k as i64)
            })
            .collect();
        let refs: Vec<&Tensor<i64>> = inputs.iter().collect();
        let out = Tensor::concat(&refs, signed(ax, dims.len(), negative)).unwrap();

        let dense: Vec<Dense> = inputs.iter().map(Dense::of).collect();
        let mut out_dims = dims.clone();
        out_dims[ax] = parts.iter().map(|p| p.0).sum();
        let expected = Dense::build(&out_dims, |idx| {
            let mut idx = idx.to_vec();
            for d in &dense {
                if idx[ax] < d.dims[ax] {
                    return d.at(&idx);
                }
                idx[ax] -= d.dims[ax];
            }
            unreachable!()
        });
        prop_assert!(out.is_contiguous());
        prop_assert_eq!(Dense::of(&out), expected);
    }

    #[test]
    fn stack_is_unsqueeze_then_concat(
        dims in prop::collection::vec(0usize..=3, 0..=3),
        axis in any::<Index>(),
        negative in any::<bool>(),
        kinds in prop::collection::vec(kind(), 1..4),
    ) {
        let ax = axis.index(dims.len() + 1);
        let axis = signed(ax, dims.len() + 1, negative);
        let inputs: Vec<Tensor<i64>> = kinds
            .iter()
            .enumerate()
            .map(|(k, &kind)| values(&dims, kind, 100 * k as i64))
            .collect();
        let refs: Vec<&Tensor<i64>> = inputs.iter().collect();
        let stacked = Tensor::stack(&refs, axis).unwrap();

        let views: Vec<Tensor<i64>> =
            inputs.iter().map(|t| t.unsqueeze(ax as isize).unwrap()).collect();
        let view_refs: Vec<&Tensor<i64>> = views.iter().collect();
        prop_assert_eq!(&stacked, &Tensor::concat(&view_refs, ax as isize).unwrap());
        // Slice k along the new axis is input k.
        for (k, t) in inputs.iter().enumerate() {
            prop_assert_eq!(&stacked.select(ax as isize, k).unwrap(), t);
        }
    }

    #[test]
    fn split_then_concat_is_the_identity_and_split_copies_nothing(
        dims in shape(4),
        axis in any::<Index>(),
        negative in any::<bool>(),
        split_size in 1usize..5,
        kind in kind(),
    ) {
        let ax = axis.index(dims.len());
        let axis = signed(ax, dims.len(), negative);
        let x = values(&dims, kind, 0);
        let parts = x.split(split_size, axis).unwrap();
        let size = dims[ax];
        let expected: Vec<usize> = if size == 0 {
            vec![0]
        } else {
            (0..size).step_by(split_size).map(|s| split_size.min(size - s)).collect()
        };
        prop_assert_eq!(parts.iter().map(|p| p.dims()[ax]).collect::<Vec<_>>(), expected);
        prop_assert!(parts.iter().all(|p| p.shares_storage_with(&x)));
        let refs: Vec<&Tensor<i64>> = parts.iter().collect();
        prop_assert_eq!(&Tensor::concat(&refs, axis).unwrap(), &x);
    }

    #[test]
    fn split_with_sizes_then_concat_is_the_identity(
        dims in shape(3),
        axis in any::<Index>(),
        cuts in prop::collection::vec(any::<Index>(), 0..4),
        kind in kind(),
    ) {
        let ax = axis.index(dims.len());
        let x = values(&dims, kind, 0);
        // Random cut points in 0..=size give sizes (zeros included) that add up to the axis.
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(dims[ax] + 1)).collect();
        points.sort_unstable();
        points.push(dims[ax]);
        let sizes: Vec<usize> = points
            .iter()
            .scan(0, |prev, &p| { let s = p - *prev; *prev = p; Some(s) })
            .collect();
        let parts = x.split_with_sizes(&sizes, ax as isize).unwrap();
        prop_assert_eq!(parts.iter().map(|p| p.dims()[ax]).collect::<Vec<_>>(), sizes);
        let refs: Vec<&Tensor<i64>> = parts.iter().collect();
        prop_assert_eq!(&Tensor::concat(&refs, ax as isize).unwrap(), &x);
    }

    #[test]
    fn chunk_follows_torch_sizes_and_concat_restores(
        dims in shape(3),
        axis in any::<Index>(),
        chunks in 1usize..6,
        kind in kind(),
    ) {
        let ax = axis.index(dims.len());
        let x = values(&dims, kind, 0);
        let parts = x.chunk(chunks, ax as isize).unwrap();
        let size = dims[ax];
        let sizes: Vec<usize> = parts.iter().map(|p| p.dims()[ax]).collect();
        if size == 0 {
            prop_assert_eq!(sizes, vec![0; chunks]);
        } else {
            // torch.chunk: pieces of ceil(size / chunks), the last one smaller.
            let piece = size.div_ceil(chunks);
            prop_assert_eq!(sizes.len(), size.div_ceil(piece));
            prop_assert!(sizes.len() <= chunks);
            prop_assert!(sizes[..sizes.len() - 1].iter().all(|&s| s == piece));
            prop_assert_eq!(sizes.iter().sum::<usize>(), size);
        }
        prop_assert!(parts.iter().all(|p| p.shares_storage_with(&x)));
        let refs: Vec<&Tensor<i64>> = parts.iter().collect();
        prop_assert_eq!(&Tensor::concat(&refs, ax as isize).unwrap(), &x);
    }
}

// ---------------------------------------------------------------------------------------------
// gather, scatter_add

/// A tensor `x` of `dims`, an axis, and index dims suited to gather along it: no larger than
/// `x` on the other axes, any size along the axis (0 when the axis of `x` is empty).
fn gather_case() -> impl Strategy<Value = (Vec<usize>, usize, Vec<usize>)> {
    shape(4).prop_flat_map(|dims| {
        let r = dims.len();
        (Just(dims), 0..r, prop::collection::vec(any::<Index>(), r)).prop_map(
            |(dims, ax, picks)| {
                let idx_dims = (0..dims.len())
                    .map(|d| match (d == ax, dims[ax]) {
                        (true, 0) => 0,
                        (true, _) => picks[d].index(5),
                        (false, _) => picks[d].index(dims[d] + 1),
                    })
                    .collect();
                (dims, ax, idx_dims)
            },
        )
    })
}

fn gather_reference(x: &Dense, ax: usize, index: &Dense) -> Dense {
    Dense::build(&index.dims, |p| {
        let mut q = p.to_vec();
        q[ax] = index.at(p) as usize;
        x.at(&q)
    })
}

proptest! {
    #[test]
    fn gather_matches_reference(
        (dims, ax, idx_dims) in gather_case(),
        negative in any::<bool>(),
        kinds in (kind(), kind()),
        pool in pool(),
    ) {
        let x = values(&dims, kinds.0, 7);
        let index = indices(&idx_dims, kinds.1, &pool, dims[ax].max(1));
        let out = x.gather(signed(ax, dims.len(), negative), &index).unwrap();
        prop_assert_eq!(Dense::of(&out), gather_reference(&Dense::of(&x), ax, &Dense::of(&index)));
    }

    #[test]
    fn gather_of_whole_rows_equals_index_select(
        rows in 1usize..5,
        cols in 0usize..4,
        picks in prop::collection::vec(any::<Index>(), 0..6),
    ) {
        let x = values(&[rows, cols], Kind::Contiguous, 0);
        let ids: Vec<i64> = picks.iter().map(|p| p.index(rows) as i64).collect();
        let column = Tensor::from_vec(ids.clone(), [ids.len(), 1]).unwrap();
        let index = column.expand([ids.len(), cols]).unwrap();
        prop_assert_eq!(
            x.gather(0, &index).unwrap(),
            x.index_select(0, &Tensor::from_vec1(ids)).unwrap()
        );
    }

    #[test]
    fn scatter_add_matches_reference_with_duplicates_accumulating(
        (dims, ax, idx_dims) in gather_case(),
        extra in prop::collection::vec(0usize..2, 4),
        kinds in (kind(), kind(), kind()),
        pool in prop::collection::vec(0u32..3, 1..6),
    ) {
        let base = values(&dims, kinds.0, 50);
        let index = indices(&idx_dims, kinds.1, &pool, dims[ax].max(1));
        // src may be larger than index; only the covered part is read.
        let src_dims: Vec<usize> = idx_dims.iter().zip(&extra).map(|(d, e)| d + e).collect();
        let src = values(&src_dims, kinds.2, 1000);
        let out = base.scatter_add(ax as isize, &index, &src).unwrap();

        let (s, i) = (Dense::of(&src), Dense::of(&index));
        let mut expected = Dense::of(&base);
        for p in i.positions() {
            let mut q = p.clone();
            q[ax] = i.at(&p) as usize;
            *expected.at_mut(&q) += s.at(&p);
        }
        prop_assert_eq!(Dense::of(&out), expected);
    }

    #[test]
    fn scatter_add_is_the_adjoint_of_gather(
        (dims, ax, idx_dims) in gather_case(),
        kinds in (kind(), kind(), kind()),
        pool in pool(),
    ) {
        // ⟨gather(x, i), y⟩ = ⟨x, scatter_add(0, i, y)⟩
        let x = values(&dims, kinds.0, -5);
        let index = indices(&idx_dims, kinds.1, &pool, dims[ax].max(1));
        let y = values(&idx_dims, kinds.2, 3);
        let lhs = dot(&x.gather(ax as isize, &index).unwrap(), &y);
        let zeros = Tensor::<i64>::zeros(dims.as_slice());
        let scattered = zeros.scatter_add(ax as isize, &index, &y).unwrap();
        prop_assert_eq!(lhs, dot(&x, &scattered));
    }
}

// ---------------------------------------------------------------------------------------------
// index_select, index_add, masked_select

proptest! {
    #[test]
    fn index_select_matches_reference(
        dims in shape(4),
        axis in any::<Index>(),
        negative in any::<bool>(),
        n in 0usize..6,
        pool in pool(),
        kinds in (kind(), kind()),
    ) {
        let ax = axis.index(dims.len());
        let x = values(&dims, kinds.0, 0);
        // Any layout of index tensor too (strided, flipped, expanded 1-D views).
        let n = if dims[ax] == 0 { 0 } else { n };
        let index = indices(&[n], kinds.1, &pool, dims[ax].max(1));
        let ids = index.to_vec();
        let out = x.index_select(signed(ax, dims.len(), negative), &index).unwrap();

        let xd = Dense::of(&x);
        let mut out_dims = dims.clone();
        out_dims[ax] = ids.len();
        let expected = Dense::build(&out_dims, |p| {
            let mut q = p.to_vec();
            q[ax] = ids[p[ax]] as usize;
            xd.at(&q)
        });
        prop_assert_eq!(Dense::of(&out), expected);
    }

    #[test]
    fn index_add_is_the_adjoint_of_index_select(
        dims in shape(3),
        axis in any::<Index>(),
        picks in prop::collection::vec(any::<Index>(), 0..6),
        kinds in (kind(), kind(), kind()),
    ) {
        // ⟨index_select(x, i), y⟩ = ⟨x, index_add(0, i, y)⟩, with repeated indices.
        let ax = axis.index(dims.len());
        let x = values(&dims, kinds.0, 1);
        let ids: Vec<i64> = if dims[ax] == 0 {
            vec![]
        } else {
            picks.iter().map(|p| p.index(dims[ax]) as i64).collect()
        };
        let index = Tensor::from_vec1(ids.clone());
        let mut y_dims = dims.clone();
        y_dims[ax] = ids.len();
        let y = values(&y_dims, kinds.1, -4);
        let base = values(&dims, kinds.2, 9);
        let lhs = dot(&x.index_select(ax as isize, &index).unwrap(), &y);
        let added = base.index_add(ax as isize, &index, &y).unwrap();
        let rhs = dot(&x, &added.sub(&base).unwrap());
        prop_assert_eq!(lhs, rhs);
    }

    #[test]
    fn masked_select_matches_reference(
        dims in shape(3),
        bits in prop::collection::vec(any::<bool>(), 1..8),
        kind in kind(),
        broadcast_mask in any::<bool>(),
    ) {
        let x = values(&dims, kind, 0);
        // The mask either has x's shape or only its last axis (broadcast over the rest).
        let mask_dims = if broadcast_mask { vec![dims[dims.len() - 1]] } else { dims.clone() };
        let mask = Tensor::from_fn(mask_dims.as_slice(), |i| bits[i % bits.len()]);
        let full = mask.broadcast_to(dims.as_slice()).unwrap().to_vec();
        let expected: Vec<i64> =
            x.to_vec().into_iter().zip(full).filter(|p| p.1).map(|p| p.0).collect();
        let out = x.masked_select(&mask).unwrap();
        prop_assert_eq!(out.dims(), &[expected.len()]);
        prop_assert_eq!(out.to_vec(), expected);
    }
}

// ---------------------------------------------------------------------------------------------
// one_hot, pad, repeat

proptest! {
    #[test]
    fn one_hot_has_one_one_per_row_and_argmax_recovers_labels(
        dims in prop::collection::vec(0usize..=4, 0..=3),
        num_classes in 1usize..6,
        kind in kind(),
        pool in pool(),
    ) {
        let labels = indices(&dims, kind, &pool, num_classes);
        let hot = Tensor::<f32>::one_hot(&labels, num_classes).unwrap();
        let mut expected_dims = dims.clone();
        expected_dims.push(num_classes);
        prop_assert_eq!(hot.dims(), expected_dims.as_slice());
        let data = hot.to_vec();
        for (row, label) in labels.to_vec().into_iter().enumerate() {
            let r = &data[row * num_classes..(row + 1) * num_classes];
            prop_assert_eq!(r.iter().sum::<f32>(), 1.0);
            let argmax = (0..num_classes).fold(0, |best, c| if r[c] > r[best] { c } else { best });
            prop_assert_eq!(argmax as i64, label);
        }
    }

    #[test]
    fn pad_matches_reference(
        dims in shape(4),
        n_pads in any::<Index>(),
        pads in prop::collection::vec((0usize..3, 0usize..3), 4),
        kind in kind(),
    ) {
        let pads = &pads[..n_pads.index(dims.len() + 1)];
        let x = values(&dims, kind, 1);
        let out = x.pad(pads, -1).unwrap();

        let lead = dims.len() - pads.len();
        let before = |d: usize| if d < lead { 0 } else { pads[d - lead].0 };
        let out_dims: Vec<usize> = (0..dims.len())
            .map(|d| if d < lead { dims[d] } else { dims[d] + pads[d - lead].0 + pads[d - lead].1 })
            .collect();
        let xd = Dense::of(&x);
        let expected = Dense::build(&out_dims, |p| {
            let q: Option<Vec<usize>> = (0..p.len())
                .map(|d| p[d].checked_sub(before(d)).filter(|&i| i < dims[d]))
                .collect();
            q.map_or(-1, |q| xd.at(&q))
        });
        prop_assert_eq!(Dense::of(&out), expected);
    }

    #[test]
    fn repeat_matches_reference(
        dims in prop::collection::vec(0usize..=3, 0..=3),
        extra in 0usize..2,
        reps in prop::collection::vec(0usize..3, 5),
        kind in kind(),
    ) {
        let reps = &reps[..dims.len() + extra];
        let x = values(&dims, kind, 0);
        let out = x.repeat(reps).unwrap();

        // torch.repeat: leading axes of size 1 first, then tile.
        let mut src_dims = vec![1; extra];
        src_dims.extend(&dims);
        let xd = Dense { dims: src_dims.clone(), data: x.to_vec() };
        let out_dims: Vec<usize> = src_dims.iter().zip(reps).map(|(d, r)| d * r).collect();
        let expected = Dense::build(&out_dims, |p| {
            let q: Vec<usize> = p.iter().zip(&src_dims).map(|(i, d)| i % d).collect();
            xd.at(&q)
        });
        prop_assert_eq!(Dense::of(&out), expected);
    }
}

// ---------------------------------------------------------------------------------------------
// Errors, never panics

/// Values no index into a dimension of `size` may take.
fn bad_index(size: usize) -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(-1i64),
        Just(size as i64),
        Just(size as i64 + 7),
        Just(i64::MIN),
        Just(i64::MAX),
    ]
}

/// True when `r` is the error for index `bad` on axis `axis` of a tensor of shape `dims`.
fn is_out_of_range<T>(r: &Result<T, TensorError>, bad: i64, axis: usize, dims: &[usize]) -> bool {
    matches!(r, Err(TensorError::IndexOutOfRange { index, axis: a, shape, .. })
        if *index == i128::from(bad) && *a == axis && shape.dims() == dims)
}

proptest! {
    #[test]
    fn out_of_range_indices_are_errors_in_every_indexing_op(
        (size, bad) in (0usize..4).prop_flat_map(|size| (Just(size), bad_index(size))),
        n in 1usize..5,
        at in any::<Index>(),
    ) {
        let x = values(&[size, 2], Kind::Contiguous, 0);
        let xt = values(&[size, 2], Kind::Flipped, 0);
        // Valid zeros around one bad index; every index is bad when the axis is empty.
        let mut ids = vec![if size == 0 { bad } else { 0 }; n];
        ids[at.index(n)] = bad;
        let index1 = Tensor::from_vec1(ids.clone());
        let index2 = Tensor::from_vec(ids.iter().flat_map(|&i| [i, i]).collect(), [n, 2]).unwrap();

        prop_assert!(is_out_of_range(&x.index_select(0, &index1), bad, 0, &[size, 2]));
        prop_assert!(is_out_of_range(&xt.index_select(0, &index1), bad, 0, &[size, 2]));
        prop_assert!(is_out_of_range(&x.gather(0, &index2), bad, 0, &[size, 2]));
        prop_assert!(is_out_of_range(&xt.gather(0, &index2), bad, 0, &[size, 2]));
        let row_index = Tensor::from_vec(ids.clone(), [n, 1]).unwrap().expand([n, 2]).unwrap();
        prop_assert!(is_out_of_range(&x.gather(0, &row_index), bad, 0, &[size, 2]));
        let src = values(&[n, 2], Kind::Contiguous, 0);
        prop_assert!(is_out_of_range(&x.scatter_add(0, &index2, &src), bad, 0, &[size, 2]));
        prop_assert!(is_out_of_range(&x.index_add(0, &index1, &src), bad, 0, &[size, 2]));
        prop_assert!(is_out_of_range(&Tensor::<f32>::one_hot(&index1, size), bad, 1, &[n, size]));
    }
}

#[test]
fn an_empty_index_gathers_nothing_whatever_its_strides_or_values() {
    // Expanded from a column of 7s (out of range), or contiguous: the same empty index.
    let sevens = Tensor::<i64>::full([3, 1], 7).expand([3, 0]).unwrap();
    for src in [Tensor::<f32>::zeros([2, 0]), Tensor::<f32>::zeros([0, 0])] {
        for index in [sevens.clone(), sevens.contiguous()] {
            assert_eq!(src.gather(0, &index).unwrap().dims(), &[3, 0]);
        }
    }
}

#[test]
fn index_errors_name_the_op_index_axis_and_shape() {
    let x = values(&[3, 4], Kind::Contiguous, 0);
    let msg = |e: TensorError| e.to_string();
    let index = Tensor::from_vec(vec![0i64, 4, 1, 2], [2, 2]).unwrap();
    assert_eq!(
        msg(x.gather(1, &index).unwrap_err()),
        "gather: index 4 is out of range for axis 1 of size 4 in shape [3, 4]"
    );
    let src = values(&[2, 2], Kind::Contiguous, 0);
    assert_eq!(
        msg(x.scatter_add(1, &index, &src).unwrap_err()),
        "scatter_add: index 4 is out of range for axis 1 of size 4 in shape [3, 4]"
    );
    let rows = Tensor::from_vec1(vec![2i64, -1]);
    assert_eq!(
        msg(x.index_select(0, &rows).unwrap_err()),
        "index_select: index -1 is out of range for axis 0 of size 3 in shape [3, 4]"
    );
    let src = values(&[2, 4], Kind::Contiguous, 0);
    assert_eq!(
        msg(x.index_add(0, &rows, &src).unwrap_err()),
        "index_add: index -1 is out of range for axis 0 of size 3 in shape [3, 4]"
    );
    assert_eq!(
        msg(Tensor::<f32>::one_hot(&Tensor::from_vec1(vec![1i64, 3]), 3).unwrap_err()),
        "one_hot: index 3 is out of range for axis 1 of size 3 in shape [2, 3]"
    );
    assert_eq!(
        msg(x.select(1, 7).unwrap_err()),
        "select: index 7 is out of range for axis 1 of size 4 in shape [3, 4]"
    );
    assert_eq!(
        msg(x.get(&[2, 4]).unwrap_err()),
        "get: index 4 is out of range for axis 1 of size 4 in shape [3, 4]"
    );
}

#[test]
fn mismatched_shapes_are_errors_naming_the_op_and_shapes() {
    let a = values(&[2, 3], Kind::Contiguous, 0);
    let b = values(&[2, 4], Kind::Contiguous, 0);
    let c = values(&[2, 3, 1], Kind::Contiguous, 0);
    let e = Tensor::concat(&[&a, &b], 0).unwrap_err();
    assert_eq!(
        e.to_string(),
        "concat: [2, 3] and [2, 4]: shapes must agree on every axis but 0"
    );
    assert!(Tensor::concat(&[&a, &b], 1).is_ok());
    let e = Tensor::concat(&[&a, &c], 0).unwrap_err();
    assert_eq!(
        e.to_string(),
        "concat: [2, 3] and [2, 3, 1]: ranks differ (2 and 3)"
    );
    assert!(matches!(
        Tensor::<i64>::concat(&[], 0),
        Err(TensorError::InvalidArgument { .. })
    ));
    assert!(matches!(
        Tensor::stack(&[&a, &b], 0),
        Err(TensorError::ShapeMismatch { .. })
    ));
    assert!(matches!(
        Tensor::<i64>::stack(&[], 0),
        Err(TensorError::InvalidArgument { .. })
    ));
    let idx = Tensor::<i64>::zeros([2, 3, 1]);
    assert!(matches!(
        a.gather(0, &idx),
        Err(TensorError::ShapeMismatch { .. })
    ));
    let too_wide = Tensor::<i64>::zeros([1, 4]);
    let e = a.gather(0, &too_wide).unwrap_err();
    assert_eq!(
        e.to_string(),
        "gather: [2, 3] and [1, 4]: index is larger than the tensor on axis 1"
    );
    assert!(matches!(
        a.scatter_add(0, &Tensor::<i64>::zeros([2, 3]), &Tensor::zeros([1, 3])),
        Err(TensorError::ShapeMismatch { .. })
    ));
    assert!(matches!(
        a.scatter_add(0, &Tensor::<i64>::zeros([2, 3]), &Tensor::zeros([2])),
        Err(TensorError::ShapeMismatch { .. })
    ));
    assert!(matches!(
        a.index_select(0, &Tensor::<i64>::zeros([1, 1])),
        Err(TensorError::InvalidShape { .. })
    ));
    assert!(matches!(
        a.index_add(1, &Tensor::from_vec1(vec![0i64]), &Tensor::zeros([2, 2])),
        Err(TensorError::ShapeMismatch { .. })
    ));
    assert!(matches!(
        a.split_with_sizes(&[1, 1], 1),
        Err(TensorError::InvalidShape { .. })
    ));
    assert!(matches!(
        a.split_with_sizes(&[usize::MAX, 4], 1),
        Err(TensorError::InvalidShape { .. })
    ));
    assert!(matches!(
        a.pad(&[(0, 0); 3], 0),
        Err(TensorError::InvalidShape { .. })
    ));
    assert!(matches!(
        a.pad(&[(usize::MAX, 1)], 0),
        Err(TensorError::InvalidArgument { .. })
    ));
    assert!(matches!(
        a.repeat(&[2]),
        Err(TensorError::InvalidShape { .. })
    ));
    assert!(matches!(
        a.repeat(&[usize::MAX, 2]),
        Err(TensorError::InvalidArgument { .. })
    ));
    assert!(matches!(
        a.masked_select(&Tensor::full([2], true)),
        Err(TensorError::ShapeMismatch { .. })
    ));
}

#[test]
fn bad_arguments_are_errors() {
    let a = values(&[2, 3], Kind::Contiguous, 0);
    assert!(matches!(
        a.split(0, 1),
        Err(TensorError::InvalidArgument { .. })
    ));
    assert!(matches!(
        a.chunk(0, 1),
        Err(TensorError::InvalidArgument { .. })
    ));
    // An empty axis splits into one empty piece even with split size 0.
    let empty = values(&[0, 3], Kind::Contiguous, 0);
    assert_eq!(empty.split(0, 0).unwrap().len(), 1);
}

#[test]
fn axes_out_of_range_are_errors_in_every_op() {
    let a = values(&[2, 3], Kind::Contiguous, 0);
    let idx1 = Tensor::from_vec1(vec![0i64]);
    let idx2 = Tensor::<i64>::zeros([1, 1]);
    let out_of_range =
        |r: Result<Tensor<i64>, TensorError>| matches!(r, Err(TensorError::AxisOutOfRange { .. }));
    for axis in [2isize, -3] {
        assert!(out_of_range(Tensor::concat(&[&a], axis)));
        assert!(out_of_range(a.gather(axis, &idx2)));
        assert!(out_of_range(a.scatter_add(axis, &idx2, &a)));
        assert!(out_of_range(a.index_select(axis, &idx1)));
        assert!(out_of_range(a.index_add(axis, &idx1, &a)));
        assert!(a.split(1, axis).is_err());
        assert!(a.split_with_sizes(&[1], axis).is_err());
        assert!(a.chunk(1, axis).is_err());
    }
    assert!(out_of_range(Tensor::stack(&[&a], 3)));
    assert!(out_of_range(Tensor::stack(&[&a], -4)));
    assert!(Tensor::stack(&[&a], -3).is_ok());
    let scalar = Tensor::scalar(1i64);
    assert!(out_of_range(Tensor::concat(&[&scalar], 0)));
}

#[test]
fn hand_worked_examples() {
    // torch.gather docs-style case, worked by hand.
    let x = Tensor::from_vec(vec![1i64, 2, 3, 4, 5, 6], [2, 3]).unwrap();
    let i = Tensor::from_vec(vec![2i64, 0, 1, 1], [2, 2]).unwrap();
    assert_eq!(x.gather(1, &i).unwrap().to_vec(), vec![3, 1, 5, 5]);
    let i0 = Tensor::from_vec(vec![1i64, 0, 1], [1, 3]).unwrap();
    assert_eq!(x.gather(0, &i0).unwrap().to_vec(), vec![4, 2, 6]);
    // np.add.at(zeros(3), [0, 0, 2], [1, 2, 3]) = [3, 0, 3]
    let acc = Tensor::<f64>::zeros([3]);
    let v = Tensor::from_vec1(vec![1.0, 2.0, 3.0]);
    let out = acc
        .scatter_add(0, &Tensor::from_vec1(vec![0i64, 0, 2]), &v)
        .unwrap();
    assert_eq!(out.to_vec(), vec![3.0, 0.0, 3.0]);
    // Padding the trailing axes of an [N, C, H, W] batch.
    let img = Tensor::<f32>::ones([1, 1, 2, 2]);
    let p = img.pad(&[(1, 1), (1, 1)], 0.0).unwrap();
    assert_eq!(p.dims(), &[1, 1, 4, 4]);
    assert_eq!(p.to_vec().iter().sum::<f32>(), 4.0);
    assert_eq!(p.get(&[0, 0, 1, 1]).unwrap(), 1.0);
    assert_eq!(p.get(&[0, 0, 0, 0]).unwrap(), 0.0);
    // chunk(5 elements, 4) gives 2, 2, 1 as torch does.
    let five = Tensor::from_vec1((0..5).collect::<Vec<i64>>());
    let sizes: Vec<usize> = five
        .chunk(4, 0)
        .unwrap()
        .iter()
        .map(|c| c.numel())
        .collect();
    assert_eq!(sizes, vec![2, 2, 1]);
    // Bool tensors concatenate and pad like any other element type.
    let m = Tensor::from_vec1(vec![true, false]);
    let joined = Tensor::concat(&[&m, &m.pad(&[(1, 0)], true).unwrap()], 0).unwrap();
    assert_eq!(joined.to_vec(), vec![true, false, true, true, false]);
}
