//! [`RuleOptimizer`]: parameter groups, per-parameter state and state dicts around an
//! [`UpdateRule`].

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use scalpel_autograd::{no_grad, Var};
use scalpel_tensor::{Float, Shape, Tensor};

use super::chunks::apply;
use super::{StepInfo, UpdateRule};
use crate::error::{check, OptimError, Result};
use crate::optimizer::{Optimizer, ParamGroup};
use crate::state::{GroupState, OptimizerState, ParamState};

/// An optimizer made of an update rule `R` (its hyperparameters) and groups of `Var<T>`
/// parameters. [`Sgd`](crate::Sgd), [`Adam`](crate::Adam) and the others are aliases of it.
///
/// The optimizer holds clones of the variables (they share value and gradient with the
/// caller's). A parameter's state (step count and buffers) is created, at the rule's initial
/// values, the first time it receives a gradient.
pub struct RuleOptimizer<R, T: Float = f32> {
    rule: R,
    groups: Vec<Group<T>>,
}

/// One parameter group with its resolved settings and its parameters' state.
struct Group<T: Float> {
    params: Vec<Var<T>>,
    lr: f64,
    weight_decay: f64,
    state: Vec<Option<Slot<T>>>,
}

/// The state of one parameter: its step count and the rule's buffers, contiguous.
#[derive(Clone)]
struct Slot<T> {
    step: u64,
    buffers: Vec<Vec<T>>,
}

impl<R: UpdateRule, T: Float> RuleOptimizer<R, T> {
    /// An optimizer over `params`, one group with the learning rate and weight decay of `config`.
    ///
    /// # Errors
    /// [`OptimError::InvalidHyperparameter`] for a hyperparameter out of range;
    /// [`OptimError::InvalidParams`] for an empty list (PyTorch: "optimizer got an empty
    /// parameter list"), a duplicated parameter or a non-leaf.
    pub fn new(params: impl IntoIterator<Item = Var<T>>, config: R) -> Result<Self> {
        let group = ParamGroup::new(params);
        if group.params.is_empty() {
            config.validate()?;
            return Err(OptimError::InvalidParams {
                owner: R::NAME,
                reason: "got an empty parameter list".into(),
            });
        }
        Self::with_groups(vec![group], config)
    }

    /// An optimizer over several groups; settings a group leaves unset come from `config`.
    ///
    /// A group may be empty, as in PyTorch: splitting a model's parameters into "decayed" and
    /// "not decayed" (biases) gives an empty group for a model without biases, and that is not
    /// an error.
    ///
    /// # Errors
    /// As [`new`](Self::new) for a hyperparameter, a duplicated parameter or a non-leaf, and for
    /// no groups at all.
    pub fn with_groups(groups: Vec<ParamGroup<T>>, config: R) -> Result<Self> {
        config.validate()?;
        if groups.is_empty() {
            return Err(OptimError::InvalidParams {
                owner: R::NAME,
                reason: "no parameter groups were given".into(),
            });
        }
        let mut opt = RuleOptimizer {
            rule: config,
            groups: Vec::with_capacity(groups.len()),
        };
        for group in groups {
            opt.add_param_group(group)?;
        }
        Ok(opt)
    }

    /// The hyperparameters.
    pub fn config(&self) -> &R {
        &self.rule
    }

    /// The step count of parameter `index` of group `group` (0 before its first update).
    ///
    /// # Panics
    /// When either index is out of range.
    pub fn param_step(&self, group: usize, index: usize) -> u64 {
        self.groups[group].state[index]
            .as_ref()
            .map_or(0, |s| s.step)
    }

    /// A new, empty state for a parameter of `numel` elements.
    fn new_slot(&self, numel: usize) -> Slot<T> {
        let buffers = self
            .rule
            .buffers()
            .iter()
            .map(|name| vec![T::from_f64_lossy(self.rule.initial_value(name)); numel])
            .collect();
        Slot { step: 0, buffers }
    }
}

impl<R: UpdateRule + std::fmt::Debug, T: Float> std::fmt::Debug for RuleOptimizer<R, T> {
    /// The name, the hyperparameters and each group's settings and shapes (not the state).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let groups: Vec<String> = self
            .groups
            .iter()
            .map(|g| {
                let shapes: Vec<String> = g.params.iter().map(|p| p.shape().to_string()).collect();
                format!(
                    "{{lr: {}, weight_decay: {}, params: [{}]}}",
                    g.lr,
                    g.weight_decay,
                    shapes.join(", ")
                )
            })
            .collect();
        f.debug_struct(R::NAME)
            .field("config", &self.rule)
            .field("groups", &groups)
            .finish()
    }
}

/// The elements of `t` as a slice, copying only when it is not contiguous.
fn elements<T: Float>(t: &Tensor<T>) -> Cow<'_, [T]> {
    match t.as_slice() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(t.to_vec()),
    }
}

impl<R: UpdateRule, T: Float> Optimizer<T> for RuleOptimizer<R, T> {
    fn step(&mut self) -> Result<()> {
        let _no_grad = no_grad();
        // Every gradient is checked before any parameter moves, so an error leaves all as it was.
        let mut work = Vec::new();
        for (g, group) in self.groups.iter().enumerate() {
            for (i, var) in group.params.iter().enumerate() {
                let Some(grad) = var.grad() else { continue };
                let shape = var.shape();
                if grad.shape() != &shape {
                    return Err(OptimError::GradShape {
                        owner: R::NAME,
                        group: g,
                        index: i,
                        param: Box::new(shape),
                        grad: Box::new(grad.shape().clone()),
                    });
                }
                work.push((g, i, shape.numel(), grad));
            }
        }
        for (g, i, numel, grad) in work {
            if self.groups[g].state[i].is_none() {
                self.groups[g].state[i] = Some(self.new_slot(numel));
            }
            let group = &mut self.groups[g];
            let Some(slot) = group.state[i].as_mut() else {
                unreachable!("the state was created above")
            };
            slot.step += 1;
            let info = StepInfo {
                lr: group.lr,
                weight_decay: group.weight_decay,
                step: slot.step,
            };
            let grad = elements(&grad);
            // In place when the parameter's buffer is not shared (the usual case once backward
            // has freed the graph); a graph still holding the old value keeps it.
            group.params[i].update_value(|data| {
                apply(&self.rule, &info, data, &grad, &mut slot.buffers);
            })?;
        }
        Ok(())
    }

    fn name(&self) -> &'static str {
        R::NAME
    }

    fn num_groups(&self) -> usize {
        self.groups.len()
    }

    fn group_params(&self, group: usize) -> &[Var<T>] {
        &self.groups[group].params
    }

    fn group_lr(&self, group: usize) -> f64 {
        self.groups[group].lr
    }

    fn set_group_lr(&mut self, group: usize, lr: f64) {
        self.groups[group].lr = lr;
    }

    fn group_weight_decay(&self, group: usize) -> f64 {
        self.groups[group].weight_decay
    }

    fn set_group_weight_decay(&mut self, group: usize, weight_decay: f64) {
        self.groups[group].weight_decay = weight_decay;
    }

    fn add_param_group(&mut self, group: ParamGroup<T>) -> Result<()> {
        let lr = group.lr.unwrap_or(self.rule.default_lr());
        let weight_decay = group
            .weight_decay
            .unwrap_or(self.rule.default_weight_decay());
        check(lr >= 0.0, R::NAME, "lr", lr, "must be >= 0")?;
        check(
            weight_decay >= 0.0,
            R::NAME,
            "weight_decay",
            weight_decay,
            "must be >= 0",
        )?;
        let invalid = |reason: String| OptimError::InvalidParams {
            owner: R::NAME,
            reason,
        };
        let mut seen: HashSet<u64> = self
            .groups
            .iter()
            .flat_map(|g| g.params.iter().map(Var::id))
            .collect();
        for (i, p) in group.params.iter().enumerate() {
            if !p.is_leaf() {
                return Err(invalid(format!(
                    "parameter {i} of the new group is not a leaf (it was computed by `{}`)",
                    p.op_name().unwrap_or("an operation")
                )));
            }
            if !seen.insert(p.id()) {
                return Err(invalid(format!(
                    "parameter {i} of the new group (shape {}) appears more than once",
                    p.shape()
                )));
            }
        }
        let n = group.params.len();
        self.groups.push(Group {
            params: group.params,
            lr,
            weight_decay,
            state: vec![None; n],
        });
        Ok(())
    }

    fn state_dict(&self) -> OptimizerState<T> {
        let names = self.rule.buffers();
        let mut state = Vec::new();
        let mut groups = Vec::with_capacity(self.groups.len());
        for group in &self.groups {
            let shapes: Vec<Shape> = group.params.iter().map(Var::shape).collect();
            for (slot, shape) in group.state.iter().zip(&shapes) {
                state.push(slot.as_ref().map(|s| {
                    ParamState {
                        step: s.step,
                        buffers: names
                            .iter()
                            .zip(&s.buffers)
                            .map(|(name, b)| {
                                let t = Tensor::from_vec(b.clone(), shape.clone()).unwrap_or_else(
                                    |_| unreachable!("buffers have the shape's size"),
                                );
                                (name.to_string(), t)
                            })
                            .collect::<BTreeMap<_, _>>(),
                    }
                }));
            }
            groups.push(GroupState {
                lr: group.lr,
                weight_decay: group.weight_decay,
                shapes,
            });
        }
        OptimizerState {
            optimizer: R::NAME.to_string(),
            groups,
            state,
        }
    }

    fn load_state_dict(&mut self, saved: &OptimizerState<T>) -> Result<()> {
        let mismatch = |m: String| Err(OptimError::StateMismatch(m));
        if saved.optimizer != R::NAME {
            return mismatch(format!(
                "the state was saved by {}, this optimizer is {}",
                saved.optimizer,
                R::NAME
            ));
        }
        if saved.groups.len() != self.groups.len() {
            return mismatch(format!(
                "the state has {} parameter groups, this optimizer has {}",
                saved.groups.len(),
                self.groups.len()
            ));
        }
        for (g, (sg, group)) in saved.groups.iter().zip(&self.groups).enumerate() {
            if sg.shapes.len() != group.params.len() {
                return mismatch(format!(
                    "group {g}: the state has {} parameters, this optimizer has {}",
                    sg.shapes.len(),
                    group.params.len()
                ));
            }
            for (i, (saved_shape, p)) in sg.shapes.iter().zip(&group.params).enumerate() {
                let shape = p.shape();
                if *saved_shape != shape {
                    return Err(OptimError::StateShape {
                        group: g,
                        index: i,
                        saved: Box::new(saved_shape.clone()),
                        param: Box::new(shape),
                    });
                }
            }
        }
        let total: usize = self.groups.iter().map(|g| g.params.len()).sum();
        if saved.state.len() != total {
            return mismatch(format!(
                "the state has entries for {} parameters, the groups list {total}",
                saved.state.len()
            ));
        }
        // Build every slot first, so that an error leaves the optimizer as it was.
        let names = self.rule.buffers();
        let mut entries = saved.state.iter();
        let mut new_states = Vec::with_capacity(self.groups.len());
        for (g, group) in self.groups.iter().enumerate() {
            let mut slots = Vec::with_capacity(group.params.len());
            for (i, p) in group.params.iter().enumerate() {
                let entry = entries.next().and_then(Option::as_ref);
                slots.push(match entry {
                    None => None,
                    Some(ps) => Some(slot_from(ps, &names, &p.shape(), g, i)?),
                });
            }
            new_states.push(slots);
        }
        for ((group, sg), slots) in self.groups.iter_mut().zip(&saved.groups).zip(new_states) {
            group.lr = sg.lr;
            group.weight_decay = sg.weight_decay;
            group.state = slots;
        }
        Ok(())
    }
}

/// The slot of parameter `index` of group `group` from its saved state, checking the buffer
/// names and shapes against the rule's.
fn slot_from<T: Float>(
    saved: &ParamState<T>,
    names: &[&'static str],
    shape: &Shape,
    group: usize,
    index: usize,
) -> Result<Slot<T>> {
    let saved_names: Vec<&str> = saved.buffers.keys().map(String::as_str).collect();
    let mut expected: Vec<&str> = names.to_vec();
    expected.sort_unstable();
    if saved_names != expected {
        return Err(OptimError::StateMismatch(format!(
            "group {group}, parameter {index}: the state has buffers {saved_names:?}, this optimizer keeps {expected:?}"
        )));
    }
    let mut buffers = Vec::with_capacity(names.len());
    for name in names {
        let t = &saved.buffers[*name];
        if t.shape() != shape {
            return Err(OptimError::StateShape {
                group,
                index,
                saved: Box::new(t.shape().clone()),
                param: Box::new(shape.clone()),
            });
        }
        buffers.push(t.to_vec());
    }
    Ok(Slot {
        step: saved.step,
        buffers,
    })
}
