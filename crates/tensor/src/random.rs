//! Seeded random tensors from an explicit generator, [`Rng`].
//!
//! There is no global generator: every random draw goes through an [`Rng`] that the caller
//! seeds and owns, so that every run is reproducible from its seed. The generator's state is a
//! plain value that serde can write and read, so a training checkpoint can store it and a
//! resumed run continues with exactly the numbers the uninterrupted run would have drawn.
//!
//! The generator is xoshiro256++ (Blackman and Vigna, "Scrambled linear pseudorandom number
//! generators", 2021): 256 bits of state, period 2²⁵⁶ − 1, fast, and statistically strong for
//! simulation (it is not cryptographic). Seeds are expanded to the 256-bit state with
//! SplitMix64, the seeding procedure its authors recommend. `rand`'s own `StdRng` is not used
//! because in rand 0.9 it cannot be serialised.
//!
//! [`Rng`] implements [`rand::RngCore`], so every `rand` and `rand_distr` distribution can draw
//! from it directly.
//!
//! ```
//! use scalpel_tensor::random::Rng;
//! let mut rng = Rng::seed(42);
//! let w = rng.normal([3, 4], 0.0f32, 0.02).unwrap();
//! let again = Rng::seed(42).normal([3, 4], 0.0f32, 0.02).unwrap();
//! assert_eq!(w, again);
//! ```

use rand::RngCore;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use crate::element::{Float, Numeric};
use crate::error::{Result, TensorError};
use crate::shape::Shape;
use crate::tensor::Tensor;

/// A seeded xoshiro256++ generator; see the [module docs](self).
///
/// Serialises as `{"state": [s0, s1, s2, s3]}`; deserialising an all-zero state (the one state
/// the generator cannot leave) is an error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RngState", into = "RngState")]
pub struct Rng {
    s: [u64; 4],
}

/// The serialised form of [`Rng`].
#[derive(Serialize, Deserialize)]
struct RngState {
    state: [u64; 4],
}

impl TryFrom<RngState> for Rng {
    type Error = String;
    fn try_from(r: RngState) -> std::result::Result<Self, String> {
        if r.state == [0; 4] {
            return Err("an all-zero xoshiro256++ state cannot generate".into());
        }
        Ok(Rng { s: r.state })
    }
}

impl From<Rng> for RngState {
    fn from(r: Rng) -> Self {
        RngState { state: r.s }
    }
}

/// One step of SplitMix64 (Steele, Lea and Flood, 2014): advances `state` and returns a
/// well-mixed 64-bit value.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Rng {
    /// A generator whose whole stream is determined by `seed`.
    pub fn seed(seed: u64) -> Rng {
        let mut sm = seed;
        // SplitMix64 outputs are never all zero for four consecutive steps.
        Rng {
            s: std::array::from_fn(|_| splitmix64(&mut sm)),
        }
    }

    /// A child generator with its own stream, for handing to a worker, a data loader or a
    /// layer, so that each consumer's draws do not depend on how many the others make.
    ///
    /// The child's state is four outputs of `self`, each rehashed with SplitMix64; `self`
    /// advances by four draws. Forks of forks are fine: child streams start at unrelated
    /// points of the 2²⁵⁶-long cycle, so they overlap only with negligible probability.
    pub fn fork(&mut self) -> Rng {
        let mut s: [u64; 4] = std::array::from_fn(|_| {
            let mut x = self.next_u64();
            splitmix64(&mut x)
        });
        if s == [0; 4] {
            s[0] = 1;
        }
        Rng { s }
    }

    /// One xoshiro256++ step.
    fn step(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A uniform `f64` in `[0, 1)` with 53 random bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.step() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A tensor of values drawn uniformly from `[low, high)`. `low == high` gives a tensor
    /// filled with `low`.
    ///
    /// # Errors
    /// [`TensorError::InvalidArgument`] when a bound is not finite, `low > high`, or
    /// `high - low` overflows; [`TensorError::InvalidShape`] or
    /// [`TensorError::InvalidArgument`] for a shape too large to lay out or to allocate.
    pub fn uniform<T: Float>(
        &mut self,
        shape: impl Into<Shape>,
        low: T,
        high: T,
    ) -> Result<Tensor<T>> {
        let (lo, hi) = (low.to_f64_lossy(), high.to_f64_lossy());
        if !(lo.is_finite() && hi.is_finite() && lo <= hi && (hi - lo).is_finite()) {
            return Err(TensorError::arg(
                "uniform",
                format!("[{low}, {high}) is not a finite, ordered range"),
            ));
        }
        Tensor::try_from_fn("uniform", shape.into(), |_| loop {
            let x = T::from_f64_lossy(lo + (hi - lo) * self.next_f64());
            // Rounding to T can land on `high`; draw again so the interval stays half-open.
            if x < high || low == high {
                break x;
            }
        })
    }

    /// A tensor of values drawn from the normal distribution N(`mean`, `std`²).
    ///
    /// # Errors
    /// [`TensorError::InvalidArgument`] when `mean` or `std` is not finite or `std < 0`; a shape
    /// too large to lay out or to allocate, as [`uniform`](Self::uniform).
    pub fn normal<T: Float>(
        &mut self,
        shape: impl Into<Shape>,
        mean: T,
        std: T,
    ) -> Result<Tensor<T>> {
        let (m, s) = (mean.to_f64_lossy(), std.to_f64_lossy());
        if !(m.is_finite() && s.is_finite() && s >= 0.0) {
            return Err(TensorError::arg(
                "normal",
                format!("mean {mean} and std {std} must be finite with std >= 0"),
            ));
        }
        Tensor::try_from_fn("normal", shape.into(), |_| {
            let z: f64 = StandardNormal.sample(self);
            T::from_f64_lossy(m + s * z)
        })
    }

    /// A tensor of independent Bernoulli(`p`) draws as numbers: 1 with probability `p`, else 0
    /// (`torch.bernoulli`; a dropout keep-mask is `bernoulli(shape, 1.0 - drop)`).
    ///
    /// # Errors
    /// [`TensorError::InvalidArgument`] when `p` is outside `[0, 1]`; a shape too large to lay
    /// out or to allocate, as [`uniform`](Self::uniform).
    pub fn bernoulli<T: Numeric>(&mut self, shape: impl Into<Shape>, p: f64) -> Result<Tensor<T>> {
        Ok(self
            .bernoulli_mask(shape, p)?
            .map(|b| if b { T::one() } else { T::zero() }))
    }

    /// A boolean mask of independent Bernoulli(`p`) draws: true with probability `p`.
    ///
    /// # Errors
    /// [`TensorError::InvalidArgument`] when `p` is outside `[0, 1]`; a shape too large to lay
    /// out or to allocate, as [`uniform`](Self::uniform).
    pub fn bernoulli_mask(&mut self, shape: impl Into<Shape>, p: f64) -> Result<Tensor<bool>> {
        if !(0.0..=1.0).contains(&p) {
            return Err(TensorError::arg(
                "bernoulli",
                format!("probability {p} is outside [0, 1]"),
            ));
        }
        Tensor::try_from_fn("bernoulli", shape.into(), |_| self.next_f64() < p)
    }

    /// A tensor of integers drawn uniformly from `[low, high)` (`torch.randint`), without
    /// modulo bias.
    ///
    /// # Errors
    /// [`TensorError::InvalidArgument`] when `low >= high`; a shape too large to lay out or to
    /// allocate, as [`uniform`](Self::uniform).
    pub fn randint(&mut self, shape: impl Into<Shape>, low: i64, high: i64) -> Result<Tensor<i64>> {
        if low >= high {
            return Err(TensorError::arg(
                "randint",
                format!("[{low}, {high}) is empty"),
            ));
        }
        Tensor::try_from_fn("randint", shape.into(), |_| {
            rand::Rng::random_range(self, low..high)
        })
    }

    /// A uniformly random permutation of `0..n` (`torch.randperm`).
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut p: Vec<usize> = (0..n).collect();
        self.shuffle(&mut p);
        p
    }

    /// Shuffles `items` in place, every order equally likely (Fisher–Yates).
    pub fn shuffle<E>(&mut self, items: &mut [E]) {
        for i in (1..items.len()).rev() {
            // u64 rather than usize so the stream is the same on 32- and 64-bit targets.
            let j = rand::Rng::random_range(self, 0..=i as u64) as usize;
            items.swap(i, j);
        }
    }
}

impl RngCore for Rng {
    fn next_u32(&mut self) -> u32 {
        // The high bits of xoshiro256++ are its best.
        (self.step() >> 32) as u32
    }
    fn next_u64(&mut self) -> u64 {
        self.step()
    }
    fn fill_bytes(&mut self, dst: &mut [u8]) {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.step().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xoshiro256pp_matches_the_reference_sequence_from_state_1_2_3_4() {
        // First outputs of the authors' reference C code from the state {1, 2, 3, 4}.
        let mut rng = Rng { s: [1, 2, 3, 4] };
        let expected: [u64; 10] = [
            41943041,
            58720359,
            3588806011781223,
            3591011842654386,
            9228616714210784205,
            9973669472204895162,
            14011001112246962877,
            12406186145184390807,
            15849039046786891736,
            10450023813501588000,
        ];
        for e in expected {
            assert_eq!(rng.next_u64(), e);
        }
    }

    #[test]
    fn splitmix64_matches_the_reference_sequence_from_seed_0() {
        let mut s = 0u64;
        assert_eq!(splitmix64(&mut s), 0xe220_a839_7b1d_cdaf);
        assert_eq!(splitmix64(&mut s), 0x6e78_9e6a_a1b9_65f4);
    }

    #[test]
    fn all_zero_state_is_rejected_on_deserialise() {
        let e = serde_json::from_str::<Rng>(r#"{"state":[0,0,0,0]}"#).unwrap_err();
        assert!(e.to_string().contains("all-zero"), "{e}");
    }
}
