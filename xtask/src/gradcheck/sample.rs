//! Seeded inputs for the gradient-check cases: random shapes, values kept away from the points
//! where an op is not differentiable, and non-contiguous views of the inputs.

use scalpel_autograd::{Result, Var};
use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

/// A uniform index in `0..n` (`n > 0`).
pub fn below(rng: &mut Rng, n: usize) -> usize {
    ((rng.next_f64() * n as f64) as usize).min(n - 1)
}

/// A uniform size in `lo..=hi`.
pub fn size(rng: &mut Rng, lo: usize, hi: usize) -> usize {
    lo + below(rng, hi - lo + 1)
}

/// `rank` random sizes, each in `lo..=hi`.
pub fn dims(rng: &mut Rng, rank: usize, lo: usize, hi: usize) -> Vec<usize> {
    (0..rank).map(|_| size(rng, lo, hi)).collect()
}

/// Random sizes in `lo..=hi` for a random rank in `ranks`.
pub fn any_rank(
    rng: &mut Rng,
    ranks: std::ops::RangeInclusive<usize>,
    lo: usize,
    hi: usize,
) -> Vec<usize> {
    let rank = size(rng, *ranks.start(), *ranks.end());
    dims(rng, rank, lo, hi)
}

/// One of `items`, uniformly.
pub fn choose<E: Copy>(rng: &mut Rng, items: &[E]) -> E {
    items[below(rng, items.len())]
}

/// Dimensions that broadcast to `full`: `full` without its first `drop` axes, each remaining
/// axis set to 1 with probability 0.35.
pub fn broadcastable(rng: &mut Rng, full: &[usize], drop: usize) -> Vec<usize> {
    full[drop..]
        .iter()
        .map(|&d| if rng.next_f64() < 0.35 { 1 } else { d })
        .collect()
}

/// Values uniform in `[lo, hi)`.
pub fn uniform(rng: &mut Rng, dims: &[usize], lo: f64, hi: f64) -> Tensor<f64> {
    Tensor::from_fn(dims, |_| lo + (hi - lo) * rng.next_f64())
}

/// Values uniform in `[lo, hi)` but at least `gap` from every point of `kinks`: central
/// differences with a step of 1e-6 then never straddle a kink, where the one-sided derivatives
/// differ and the numeric gradient would be their average rather than either.
pub fn avoiding(
    rng: &mut Rng,
    dims: &[usize],
    lo: f64,
    hi: f64,
    kinks: &[f64],
    gap: f64,
) -> Tensor<f64> {
    Tensor::from_fn(dims, |_| loop {
        let x = lo + (hi - lo) * rng.next_f64();
        if kinks.iter().all(|k| (x - k).abs() >= gap) {
            break x;
        }
    })
}

/// Values in `[-2, 2)` with magnitude at least 0.3 (for divisors, reciprocals and |x|).
pub fn nonzero(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    avoiding(rng, dims, -2.0, 2.0, &[0.0], 0.3)
}

/// Pairwise distinct values (a shuffled ladder with steps of at least 0.1 plus jitter), so that
/// every maximum or minimum is unique: at a tie the extremum has no derivative, and a finite
/// difference of 1e-6 cannot reorder values 0.1 apart.
pub fn distinct(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
    let n: usize = dims.iter().product();
    let order = rng.permutation(n);
    let v = order
        .into_iter()
        .map(|k| (k as f64 - n as f64 / 2.0) * 0.15 + 0.05 * rng.next_f64())
        .collect();
    Tensor::from_vec(v, dims).expect("numel matches")
}

/// Values on alternate bands of the grid `0.2·k + phase + [0, 0.05)`, k in −5..5. Operands drawn
/// with phases 0 and 0.1 are never within 0.05 of each other, whatever broadcasting pairs them
/// with, so element-wise maximum and minimum have no ties; both operands win somewhere.
pub fn banded(rng: &mut Rng, dims: &[usize], phase: f64) -> Tensor<f64> {
    Tensor::from_fn(dims, |_| {
        let k = below(rng, 10) as f64 - 5.0;
        0.2 * k + phase + 0.05 * rng.next_f64()
    })
}

/// Random indices in `0..n`, with repeats likely (gradients of gathers must accumulate them).
pub fn indices(rng: &mut Rng, dims: &[usize], n: usize) -> Tensor<i64> {
    rng.randint(dims, 0, n as i64).expect("non-empty range")
}

/// How a case presents an input to the op: gradcheck perturbs contiguous tensors, so a case
/// stores a tensor and turns it into a strided view inside its closure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The stored tensor itself.
    Contiguous,
    /// Stored with the last two axes swapped, then transposed back (column-major strides).
    Transposed,
    /// Reversed along axis 0 (a negative stride).
    Flipped,
    /// Stored twice as long on the last axis, then every other element taken (stride 2).
    Strided,
    /// The first slice along axis 0, broadcast back over axis 0 (stride 0: every slice is the
    /// same elements, so their gradients must be summed). Not drawn by [`pick`](Self::pick),
    /// since it repeats values, which ops sampled for distinct values cannot take.
    Broadcast,
}

impl View {
    /// A random non-contiguous view (or a contiguous one, a quarter of the time).
    pub fn pick(rng: &mut Rng) -> View {
        choose(
            rng,
            &[
                View::Contiguous,
                View::Transposed,
                View::Flipped,
                View::Strided,
            ],
        )
    }

    /// The view, made valid for `rank` (a rank-0 input can only be contiguous, a rank-1 input
    /// cannot be transposed).
    fn for_rank(self, rank: usize) -> View {
        match self {
            _ if rank == 0 => View::Contiguous,
            View::Transposed if rank < 2 => View::Flipped,
            v => v,
        }
    }

    /// The dimensions to store so that [`apply`](Self::apply) yields `dims`.
    pub fn stored_dims(self, dims: &[usize]) -> Vec<usize> {
        let mut d = dims.to_vec();
        let r = d.len();
        match self.for_rank(r) {
            View::Transposed => d.swap(r - 2, r - 1),
            View::Strided => d[r - 1] *= 2,
            View::Contiguous | View::Flipped | View::Broadcast => {}
        }
        d
    }

    /// Turns the stored variable into the view the op sees.
    pub fn apply(self, v: &Var<f64>) -> Result<Var<f64>> {
        let r = v.rank();
        match self.for_rank(r) {
            View::Contiguous => Ok(v.clone()),
            View::Transposed => v.transpose(-2, -1),
            View::Flipped => v.flip(&[0]),
            View::Strided => {
                let n = v.dims()[r - 1];
                v.slice(-1, 0, n, 2)
            }
            View::Broadcast => v.narrow(0, 0, 1)?.broadcast_to(v.shape()),
        }
    }

    /// A short tag for the names of cases with an input of `rank` ("" for contiguous).
    pub fn tag(self, rank: usize) -> &'static str {
        match self.for_rank(rank) {
            View::Contiguous => "",
            View::Transposed => " transposed",
            View::Flipped => " flipped",
            View::Strided => " strided",
            View::Broadcast => " broadcast",
        }
    }
}

/// `dims` written like a Python shape, e.g. `(3,1,4)`.
pub fn fmt_dims(dims: &[usize]) -> String {
    let inner: Vec<String> = dims.iter().map(ToString::to_string).collect();
    format!("({})", inner.join(","))
}
