//! What [`Optimizer::state_dict`](crate::Optimizer::state_dict) returns: a plain, serialisable
//! record of an optimizer's groups and per-parameter state, laid out like PyTorch's state dict.
//!
//! ```
//! use scalpel_autograd::Var;
//! use scalpel_optim::{Adam, AdamConfig, Optimizer, OptimizerState};
//! use scalpel_tensor::Tensor;
//!
//! let w = Var::parameter(Tensor::from_vec1(vec![1.0f32, 2.0]));
//! let mut opt = Adam::new([w.clone()], AdamConfig::default())?;
//! w.set_grad(Some(Tensor::from_vec1(vec![0.5, -0.5])))?;
//! opt.step()?;
//! let saved: OptimizerState = opt.state_dict();
//! assert_eq!(saved.optimizer, "Adam");
//! assert_eq!(saved.state[0].as_ref().unwrap().step, 1);
//! // … serialise `saved` with any serde format, read it back, then:
//! let mut resumed = Adam::new([w], AdamConfig::default())?;
//! resumed.load_state_dict(&saved)?;
//! # Ok::<(), scalpel_optim::OptimError>(())
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use scalpel_tensor::{Float, Shape, Tensor};

/// The state of a whole optimizer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptimizerState<T: Float = f32> {
    /// The kind of optimizer that made it ("SGD", "Adam", …); loading into another kind is an
    /// error.
    pub optimizer: String,
    /// One entry per parameter group, in order.
    pub groups: Vec<GroupState>,
    /// One entry per parameter, numbered across groups in order (group 0's parameters first);
    /// `None` for a parameter that has not been updated yet.
    pub state: Vec<Option<ParamState<T>>>,
}

/// The settings of one parameter group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupState {
    /// The group's learning rate (schedules change it, so it is saved).
    pub lr: f64,
    /// The group's weight decay.
    pub weight_decay: f64,
    /// The shape of each of the group's parameters, checked on load.
    pub shapes: Vec<Shape>,
}

/// The state of one parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamState<T: Float = f32> {
    /// Number of updates this parameter has received.
    pub step: u64,
    /// The optimizer's buffers for this parameter, by PyTorch's names (`momentum_buffer`, `sum`,
    /// `square_avg`, `acc_delta`, `grad_avg`, `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq`), each of
    /// the parameter's shape.
    pub buffers: BTreeMap<String, Tensor<T>>,
}
