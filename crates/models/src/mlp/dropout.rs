//! [`ResumableDropout`]: inverted dropout whose random state is part of the state dict, so that
//! a training run restored from a checkpoint draws exactly the masks it would have drawn.

use scalpel_autograd::{Result, Var};
use scalpel_nn::functional::dropout;
use scalpel_nn::{Buffer, Module, TrainingFlag};
use scalpel_tensor::{Float, Rng, Tensor};

/// Inverted dropout (book §5.4.2): in training mode each element is zeroed with probability
/// `p` and the others are scaled by 1/(1 − p); in evaluation mode it is the identity.
///
/// Unlike [`scalpel_nn::Dropout`], which keeps its generator inside the layer where a state dict
/// cannot see it, this layer derives the mask of its k-th training forward pass from
/// `(seed, k)` and keeps both as `i64` buffers, `seed` and `step`. They are saved and loaded with
/// the parameters, so a checkpoint restores the random stream too and a resumed run is
/// bit-for-bit the uninterrupted one. The masks have the same distribution as
/// [`scalpel_nn::Dropout`]'s.
pub struct ResumableDropout<T: Float = f32> {
    p: f64,
    seed: Buffer<T>,
    step: Buffer<T>,
    training: TrainingFlag,
}

impl<T: Float> ResumableDropout<T> {
    /// Dropout with drop probability `p`, its seed drawn from `rng`.
    ///
    /// # Panics
    /// When `p` is outside `[0, 1]` (as [`scalpel_nn::Dropout::new`]).
    pub fn new(p: f64, rng: &mut Rng) -> Self {
        Self::with_seed(p, rand_seed(rng))
    }

    /// Dropout with drop probability `p` and the given seed.
    ///
    /// # Panics
    /// When `p` is outside `[0, 1]`.
    pub fn with_seed(p: f64, seed: u64) -> Self {
        assert!(
            (0.0..=1.0).contains(&p),
            "ResumableDropout: drop probability {p} is outside [0, 1]"
        );
        ResumableDropout {
            p,
            // The buffers hold the u64 seed's bits as an i64 (state dicts store i64, not u64).
            seed: Buffer::int(Tensor::scalar(seed as i64)),
            step: Buffer::int(Tensor::scalar(0)),
            training: TrainingFlag::new(),
        }
    }

    /// The drop probability.
    pub fn p(&self) -> f64 {
        self.p
    }

    /// Number of training forward passes so far (masks drawn).
    pub fn steps(&self) -> u64 {
        scalar(&self.step) as u64
    }
}

fn rand_seed(rng: &mut Rng) -> u64 {
    rand::RngCore::next_u64(rng)
}

fn scalar<T: Float>(b: &Buffer<T>) -> i64 {
    b.int_value()
        .and_then(|t| t.to_vec().first().copied())
        .unwrap_or(0)
}

/// The generator of mask `step`: SplitMix-style mixing of the pair, so that neighbouring steps
/// and seeds give unrelated streams.
fn mask_rng(seed: u64, step: u64) -> Rng {
    let mut z = seed ^ step.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    Rng::seed(z ^ (z >> 31))
}

impl<T: Float> Module<T> for ResumableDropout<T> {
    fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
        if !self.training.get() || self.p == 0.0 {
            return Ok(x.clone());
        }
        let (seed, mut step) = (scalar(&self.seed) as u64, 0u64);
        self.step.update(|v| {
            let current = match v {
                scalpel_nn::BufferValue::Int(t) => t.to_vec().first().copied().unwrap_or(0),
                scalpel_nn::BufferValue::Float(_) => 0,
            };
            step = current as u64;
            scalpel_nn::BufferValue::Int(Tensor::scalar(current + 1))
        });
        dropout(x, self.p, true, &mut mask_rng(seed, step))
    }
    fn local_buffers(&self) -> Vec<(String, &Buffer<T>)> {
        vec![("seed".into(), &self.seed), ("step".into(), &self.step)]
    }
    fn training_flag(&self) -> Option<&TrainingFlag> {
        Some(&self.training)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_replay_after_loading_the_state_dict() {
        let a: ResumableDropout = ResumableDropout::with_seed(0.5, 11);
        let x = Var::constant(Tensor::<f32>::ones([4, 8]));
        a.forward(&x).unwrap();
        let state = a.state_dict();
        let next = a.forward(&x).unwrap().value();

        let b: ResumableDropout = ResumableDropout::with_seed(0.5, 999);
        b.load_state_dict(&state, true).unwrap();
        assert_eq!(b.forward(&x).unwrap().value(), next);
        assert_eq!(b.steps(), 2);
    }

    #[test]
    fn keeps_the_expected_value_and_is_the_identity_in_eval_mode() {
        let d: ResumableDropout<f64> = ResumableDropout::with_seed(0.25, 1);
        let x = Var::constant(Tensor::<f64>::ones([100, 100]));
        let y = d.forward(&x).unwrap().value();
        let kept = y.to_vec().iter().filter(|&&v| v != 0.0).count() as f64 / 1e4;
        assert!((kept - 0.75).abs() < 0.02, "kept {kept}");
        assert!(y
            .to_vec()
            .iter()
            .all(|&v| v == 0.0 || (v - 1.0 / 0.75).abs() < 1e-12));
        d.eval();
        assert_eq!(d.forward(&x).unwrap().value(), x.value());
        assert_eq!(d.steps(), 1);
    }
}
