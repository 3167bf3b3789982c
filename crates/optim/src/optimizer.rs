//! The [`Optimizer`] trait and [`ParamGroup`], the parameters that share a learning rate.

use scalpel_autograd::Var;
use scalpel_tensor::Float;

use crate::error::Result;
use crate::state::OptimizerState;

/// Something that updates a set of variables from their gradients (the book's optimizer class,
/// §2.5.1, and PyTorch's `torch.optim.Optimizer`).
///
/// Parameters live in groups; each group has its own learning rate and weight decay. Groups are
/// numbered in the order they were given, starting at 0; the methods that take a group index
/// panic when it is out of range, like indexing a slice.
///
/// The usual loop:
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_optim::{Optimizer, Sgd, SgdConfig};
/// use scalpel_tensor::Tensor;
///
/// let w = Var::parameter(Tensor::from_vec1(vec![1.0f32, -2.0]));
/// let mut opt = Sgd::new([w.clone()], SgdConfig { lr: 0.1, ..Default::default() })?;
/// for _ in 0..3 {
///     opt.zero_grad();
///     let loss = w.mul(&w)?.sum_all()?; // ‖w‖²
///     loss.backward()?;
///     opt.step()?;
/// }
/// assert!((w.value().to_vec()[0] - 0.512).abs() < 1e-6); // w·(1 − 0.2)³
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Optimizer<T: Float = f32> {
    /// Updates every parameter that has a gradient, once; parameters whose gradient is `None`
    /// are skipped (their state does not advance either). The update runs under
    /// [`no_grad`](scalpel_autograd::no_grad) and writes each value in place with
    /// [`Var::update_value`], which counts as a change of the variable (a graph that used the old
    /// value refuses a later backward).
    ///
    /// # Errors
    /// [`OptimError::GradShape`](crate::OptimError::GradShape) when a gradient's shape differs
    /// from its parameter's; nothing is updated then. (`Var::set_grad` and backward already
    /// refuse such gradients; this is the optimizer's own check.)
    fn step(&mut self) -> Result<()>;

    /// The kind of optimizer ("SGD", "Adam", …), as recorded in its state dict.
    fn name(&self) -> &'static str;

    /// Number of parameter groups (at least 1).
    fn num_groups(&self) -> usize;

    /// The parameters of group `group`.
    fn group_params(&self, group: usize) -> &[Var<T>];

    /// The learning rate of group `group`.
    fn group_lr(&self, group: usize) -> f64;

    /// Sets the learning rate of group `group` (what schedules do).
    fn set_group_lr(&mut self, group: usize, lr: f64);

    /// The weight decay of group `group`.
    fn group_weight_decay(&self, group: usize) -> f64;

    /// Sets the weight decay of group `group`.
    fn set_group_weight_decay(&mut self, group: usize, weight_decay: f64);

    /// Adds a group of parameters; learning rate and weight decay left unset in `group` take the
    /// optimizer's defaults. The group may be empty, as in PyTorch.
    ///
    /// # Errors
    /// [`OptimError::InvalidParams`](crate::OptimError::InvalidParams) for a parameter that is
    /// already optimized or is not a leaf;
    /// [`OptimError::InvalidHyperparameter`](crate::OptimError::InvalidHyperparameter) for a
    /// negative learning rate or weight decay.
    fn add_param_group(&mut self, group: ParamGroup<T>) -> Result<()>;

    /// Everything needed to resume training exactly: per-group learning rate, weight decay and
    /// parameter shapes, and every parameter's step count and buffers. Serialisable with serde.
    /// The other hyperparameters (momentum, betas, …) come from the constructor.
    fn state_dict(&self) -> OptimizerState<T>;

    /// Restores a state made by [`state_dict`](Self::state_dict) of the same kind of optimizer
    /// over parameters of the same shapes, in the same groups. On error nothing is changed.
    ///
    /// # Errors
    /// [`OptimError::StateShape`](crate::OptimError::StateShape) naming the first parameter whose
    /// shape differs; [`OptimError::StateMismatch`](crate::OptimError::StateMismatch) for another
    /// kind of optimizer, other group or parameter counts, or missing or extra buffers.
    fn load_state_dict(&mut self, state: &OptimizerState<T>) -> Result<()>;

    /// Forgets the gradient of every parameter (sets it to `None`, like PyTorch's
    /// `zero_grad(set_to_none=True)`), so that the next backward pass starts from nothing.
    fn zero_grad(&mut self) {
        for g in 0..self.num_groups() {
            for p in self.group_params(g) {
                p.zero_grad();
            }
        }
    }

    /// The learning rate of the first group.
    fn lr(&self) -> f64 {
        self.group_lr(0)
    }

    /// Sets the learning rate of every group.
    fn set_lr(&mut self, lr: f64) {
        for g in 0..self.num_groups() {
            self.set_group_lr(g, lr);
        }
    }

    /// Every parameter of every group, in order (e.g. for
    /// [`clip_grad_norm`](crate::clip_grad_norm)).
    fn params(&self) -> Vec<Var<T>> {
        (0..self.num_groups())
            .flat_map(|g| self.group_params(g).iter().cloned())
            .collect()
    }
}

/// Parameters that share a learning rate and weight decay; what an optimizer is built from.
///
/// Settings left unset take the optimizer's defaults when the group is added:
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_optim::{Adam, AdamConfig, Optimizer, ParamGroup};
/// use scalpel_tensor::Tensor;
///
/// let weight = Var::parameter(Tensor::<f32>::zeros([4, 3]));
/// let bias = Var::parameter(Tensor::<f32>::zeros([4]));
/// let opt = Adam::with_groups(
///     vec![
///         ParamGroup::new([weight]).weight_decay(1e-4),
///         ParamGroup::new([bias]).lr(1e-2),
///     ],
///     AdamConfig::default(),
/// )?;
/// assert_eq!(opt.group_lr(0), 1e-3);
/// assert_eq!(opt.group_lr(1), 1e-2);
/// # Ok::<(), scalpel_optim::OptimError>(())
/// ```
#[derive(Clone, Debug)]
pub struct ParamGroup<T: Float = f32> {
    pub(crate) params: Vec<Var<T>>,
    pub(crate) lr: Option<f64>,
    pub(crate) weight_decay: Option<f64>,
}

impl<T: Float> ParamGroup<T> {
    /// A group of `params` with the optimizer's default learning rate and weight decay.
    pub fn new(params: impl IntoIterator<Item = Var<T>>) -> Self {
        ParamGroup {
            params: params.into_iter().collect(),
            lr: None,
            weight_decay: None,
        }
    }
    /// This group's learning rate instead of the optimizer's.
    pub fn lr(mut self, lr: f64) -> Self {
        self.lr = Some(lr);
        self
    }
    /// This group's weight decay instead of the optimizer's.
    pub fn weight_decay(mut self, weight_decay: f64) -> Self {
        self.weight_decay = Some(weight_decay);
        self
    }
    /// The parameters of the group.
    pub fn params(&self) -> &[Var<T>] {
        &self.params
    }
}
