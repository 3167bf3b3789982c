//! The backward pass: an iterative topological walk of the graph from the outputs to the leaves.

use std::collections::{HashMap, HashSet};

use scalpel_tensor::{Float, Tensor, TensorError};

use crate::backward::backward as backward_rule;
use crate::error::{AutogradError, Result};
use crate::grad_mode::{is_anomaly_enabled, set_anomaly_enabled, set_grad_enabled};
use crate::op::Op;
use crate::var::{check_finite, version_sum, Var};

/// Options of a backward pass.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BackwardOptions {
    /// Keep the graph's saved state so that backward can run through it again.
    pub retain_graph: bool,
    /// Record the backward computation itself, so that gradients can be differentiated again
    /// (higher-order derivatives). Implies `retain_graph`.
    pub create_graph: bool,
}

impl<T: Float> Var<T> {
    /// Backpropagates from this one-element variable (the loss): accumulates d(self)/d(leaf)
    /// into the `grad` of every leaf that requires a gradient, then frees the graph.
    ///
    /// # Errors
    /// [`AutogradError::NonScalarOutput`] for more than one element;
    /// [`AutogradError::NoGradient`] when no leaf that requires a gradient leads to `self` (it was
    /// computed from constants only, or under [`no_grad`](crate::no_grad)), as PyTorch refuses
    /// it, since otherwise no gradient would arrive anywhere and nothing would say so; a freed
    /// graph; anomaly mode.
    pub fn backward(&self) -> Result<()> {
        self.backward_with(None, BackwardOptions::default())
    }

    /// Backpropagates with an explicit output gradient (`None`: ones, for a one-element output)
    /// and options.
    ///
    /// # Errors
    /// A gradient of the wrong shape; an output that does not require a gradient (see
    /// [`backward`](Self::backward)); a freed graph; anomaly mode.
    pub fn backward_with(&self, grad: Option<Tensor<T>>, options: BackwardOptions) -> Result<()> {
        if !self.requires_grad() {
            return Err(AutogradError::NoGradient(format!(
                "backward: the output ({}) does not require a gradient: no parameter leads to it, \
                 or it was computed under no_grad",
                self.shape()
            )));
        }
        let seed = seed_gradient(self, grad)?;
        run(&[(self.clone(), seed)], options, None).map(|_| ())
    }
}

/// The gradients of `outputs` with respect to `inputs`, like `torch.autograd.grad`: nothing is
/// accumulated into any `grad` field. `grad_outputs` defaults to ones for one-element outputs.
/// An input the outputs do not depend on gets `None`. With `create_graph` the gradients carry a
/// graph and can be differentiated again. Only the part of the graph that leads to `inputs`
/// runs: other branches (say, a network's weights when `inputs` is its input) are neither
/// computed nor checked, and their hooks do not fire; but a branch whose graph an earlier
/// backward freed is still reported as freed, since what it led to is no longer known.
///
/// ```
/// use scalpel_autograd::{grad, Var};
/// use scalpel_tensor::Tensor;
/// let x = Var::parameter(Tensor::from_vec1(vec![3.0f64]));
/// let y = x.powf(3.0).unwrap().sum_all().unwrap();            // y = x³
/// let dy = grad(&[y], None, &[x.clone()], true).unwrap()[0].clone().unwrap(); // 3x² = 27
/// assert_eq!(dy.value().to_vec(), vec![27.0]);
/// let d2y = grad(&[dy.sum_all().unwrap()], None, &[x], false).unwrap()[0].clone().unwrap();
/// assert_eq!(d2y.value().to_vec(), vec![18.0]);                   // 6x
/// ```
///
/// # Errors
/// Mismatched lengths or shapes of `grad_outputs`; a freed graph; anomaly mode.
pub fn grad<T: Float>(
    outputs: &[Var<T>],
    grad_outputs: Option<&[Tensor<T>]>,
    inputs: &[Var<T>],
    create_graph: bool,
) -> Result<Vec<Option<Var<T>>>> {
    let options = BackwardOptions {
        retain_graph: create_graph,
        create_graph,
    };
    grad_with(outputs, grad_outputs, inputs, options)
}

/// [`grad`] with both of PyTorch's options: `retain_graph` keeps the graph for another backward
/// pass without recording this one (`create_graph` implies it), as for the gradients of several
/// outputs taken one at a time.
///
/// ```
/// use scalpel_autograd::{grad_with, BackwardOptions, Var};
/// use scalpel_tensor::Tensor;
/// let x = Var::parameter(Tensor::from_vec1(vec![2.0f64]));
/// let y = x.square().unwrap().sum_all().unwrap();
/// let keep = BackwardOptions { retain_graph: true, create_graph: false };
/// for _ in 0..2 {
///     let dy = grad_with(&[y.clone()], None, &[x.clone()], keep).unwrap();
///     assert_eq!(dy[0].as_ref().unwrap().value().to_vec(), vec![4.0]);
/// }
/// ```
///
/// # Errors
/// As [`grad`].
pub fn grad_with<T: Float>(
    outputs: &[Var<T>],
    grad_outputs: Option<&[Tensor<T>]>,
    inputs: &[Var<T>],
    options: BackwardOptions,
) -> Result<Vec<Option<Var<T>>>> {
    if let Some(g) = grad_outputs {
        if g.len() != outputs.len() {
            return Err(TensorError::arg(
                "grad",
                format!("{} outputs but {} output gradients", outputs.len(), g.len()),
            )
            .into());
        }
    }
    let roots = outputs
        .iter()
        .enumerate()
        .map(|(i, o)| {
            Ok((
                o.clone(),
                seed_gradient(o, grad_outputs.map(|g| g[i].clone()))?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let found = run(&roots, options, Some(inputs))?;
    Ok(inputs.iter().map(|i| found.get(&i.id()).cloned()).collect())
}

fn seed_gradient<T: Float>(out: &Var<T>, grad: Option<Tensor<T>>) -> Result<Var<T>> {
    let shape = out.shape();
    match grad {
        Some(g) if g.shape() != &shape => Err(TensorError::mismatch(
            "backward",
            &shape,
            g.shape(),
            "the gradient must have the output's shape",
        )
        .into()),
        Some(g) => Ok(Var::constant(g)),
        None if shape.numel() == 1 => Ok(Var::constant(Tensor::ones(shape))),
        None => Err(AutogradError::NonScalarOutput { shape }),
    }
}

/// Variables reachable from `roots` through recorded nodes, outputs before inputs.
fn topological_order<T: Float>(roots: &[Var<T>]) -> Vec<Var<T>> {
    let mut visited: HashSet<u64> = HashSet::new();
    let mut post_order: Vec<Var<T>> = Vec::new();
    // (variable, its inputs already pushed)
    let mut stack: Vec<(Var<T>, bool)> = roots.iter().map(|r| (r.clone(), false)).collect();
    while let Some((v, expanded)) = stack.pop() {
        if expanded {
            post_order.push(v);
            continue;
        }
        if !v.requires_grad() || !visited.insert(v.id()) {
            continue;
        }
        let inputs = v.inputs();
        stack.push((v, true));
        for i in inputs {
            if i.requires_grad() && !visited.contains(&i.id()) {
                stack.push((i, false));
            }
        }
    }
    post_order.reverse();
    post_order
}

/// The ids of the variables of `order` (outputs before inputs) from which a target is reached
/// through recorded nodes, the targets included: the only ones whose backward must run when
/// gradients are asked for `targets` alone (PyTorch's `exec_info`). A node whose graph an
/// earlier backward freed counts as reaching one (its inputs are unknown), so that running it
/// reports the freed graph instead of a silently missing gradient.
fn leading_to<T: Float>(order: &[Var<T>], targets: &HashSet<u64>) -> HashSet<u64> {
    let mut reach: HashSet<u64> = HashSet::new();
    for v in order.iter().rev() {
        let freed = v
            .inner
            .node
            .as_ref()
            .is_some_and(|n| n.data.lock().unwrap_or_else(|e| e.into_inner()).is_none());
        if freed || targets.contains(&v.id()) || v.inputs().iter().any(|i| reach.contains(&i.id()))
        {
            reach.insert(v.id());
        }
    }
    reach
}

/// Runs hooks on `g`, returning the gradient that flows on.
///
/// # Errors
/// A hook that returns a gradient of another shape than the variable's (PyTorch: "hook has
/// changed the size of value").
fn apply_hooks<T: Float>(v: &Var<T>, mut g: Var<T>) -> Result<Var<T>> {
    let hooks = v.inner.hooks.lock().unwrap_or_else(|e| e.into_inner());
    for hook in hooks.iter() {
        if let Some(replacement) = hook(&g.value()) {
            if replacement.shape() != &g.shape() {
                return Err(TensorError::mismatch(
                    "hook",
                    replacement.shape(),
                    &g.shape(),
                    "a hook returned a gradient of another shape than its variable's",
                )
                .into());
            }
            g = Var::constant(replacement);
        }
    }
    Ok(g)
}

/// Checks what the backward rule of `op` returned: one gradient (or `None`) per input, and,
/// for a custom operation's rule (user code, `user_rule`), each of its input's shape, since a
/// wrong shape would otherwise broadcast into a leaf's gradient silently. The built-in rules
/// are checked for shapes by `cargo xtask gradcheck` and in debug builds: the check reads two
/// locks per input, measurable on small graphs.
fn check_rule_output<T: Float>(
    op: &'static str,
    inputs: &[Var<T>],
    grads: &[Option<Var<T>>],
    user_rule: bool,
) -> Result<()> {
    if grads.len() != inputs.len() {
        return Err(TensorError::arg(
            op,
            format!(
                "its backward returned {} gradients for {} inputs",
                grads.len(),
                inputs.len()
            ),
        )
        .into());
    }
    if !user_rule && !cfg!(debug_assertions) {
        return Ok(());
    }
    for (input, grad) in inputs.iter().zip(grads) {
        if let Some(grad) = grad {
            let (gs, is) = (grad.shape(), input.shape());
            if gs != is {
                return Err(TensorError::mismatch(
                    op,
                    &gs,
                    &is,
                    "its backward returned a gradient of another shape than its input's",
                )
                .into());
            }
        }
    }
    Ok(())
}

/// The backward pass. With `targets`, returns their gradients and accumulates nothing, running
/// only the nodes on a path to a target (so other branches are neither computed nor checked,
/// and their hooks do not fire); without, accumulates into leaves.
fn run<T: Float>(
    roots: &[(Var<T>, Var<T>)],
    options: BackwardOptions,
    targets: Option<&[Var<T>]>,
) -> Result<HashMap<u64, Var<T>>> {
    let retain = options.retain_graph || options.create_graph;
    let _mode = set_grad_enabled(options.create_graph);
    let order = topological_order(&roots.iter().map(|(v, _)| v.clone()).collect::<Vec<_>>());
    let target_ids: Option<HashSet<u64>> = targets.map(|t| t.iter().map(Var::id).collect());
    let on_path = target_ids.as_ref().map(|ids| leading_to(&order, ids));
    let wanted = |v: &Var<T>| {
        v.requires_grad() && on_path.as_ref().is_none_or(|reach| reach.contains(&v.id()))
    };
    let mut pending: HashMap<u64, Var<T>> = HashMap::new();
    for (v, g) in roots {
        accumulate(&mut pending, v.id(), g.clone())?;
    }
    let mut found: HashMap<u64, Var<T>> = HashMap::new();
    for v in &order {
        let Some(g) = pending.remove(&v.id()) else {
            continue;
        };
        if !wanted(v) {
            continue;
        }
        let g = apply_hooks(v, g)?;
        match &target_ids {
            Some(ids) if ids.contains(&v.id()) => {
                found.insert(v.id(), g.clone());
            }
            None if v.retains_grad() => {
                let mut slot = v.lock_grad();
                let g = if options.create_graph {
                    g.clone()
                } else {
                    g.detach()
                };
                *slot = Some(match slot.take() {
                    Some(prev) => prev.add(&g)?,
                    None => g,
                });
            }
            _ => {}
        }
        let Some(node) = &v.inner.node else { continue };
        // The lock is released before the rule runs: a rule may read its own node (through
        // `output`) and must not find it locked by this thread. A retained graph lends a copy
        // (shared tensors, cloned handles to the inputs).
        let data = {
            let mut slot = node.data.lock().unwrap_or_else(|e| e.into_inner());
            if retain {
                slot.clone()
            } else {
                slot.take()
            }
        }
        .ok_or(AutogradError::GraphFreed { op: node.name })?;
        let data = &data;
        // Which inputs get a gradient; on the stack for the usual one to three inputs.
        let (mut few, many);
        let wanted_inputs: &[bool] = if data.inputs.len() <= 4 {
            few = [false; 4];
            for (w, input) in few.iter_mut().zip(&data.inputs) {
                *w = wanted(input);
            }
            &few[..data.inputs.len()]
        } else {
            many = data.inputs.iter().map(wanted).collect::<Vec<bool>>();
            &many
        };
        if !wanted_inputs.contains(&true) {
            // A target whose own inputs lead to no other target: nothing to run.
            continue;
        }
        if version_sum(&data.inputs) != data.input_versions {
            return Err(changed_after_use(node.name, &data.inputs));
        }
        // Anomalies inside a rule are reported once, below, as the backward of this node.
        let anomaly = is_anomaly_enabled();
        let grads = {
            let _quiet = set_anomaly_enabled(false);
            backward_rule(&data.op, &data.inputs, v, &g, wanted_inputs)?
        };
        let user_rule = matches!(data.op, Op::Custom(_));
        check_rule_output(node.name, &data.inputs, &grads, user_rule)?;
        for ((input, ig), &want) in data.inputs.iter().zip(grads).zip(wanted_inputs) {
            let Some(ig) = ig else { continue };
            if !want {
                continue;
            }
            if anomaly {
                check_finite("backward", node.name, &ig.value(), std::slice::from_ref(v))?;
            }
            accumulate(&mut pending, input.id(), ig)?;
        }
    }
    Ok(found)
}

fn accumulate<T: Float>(pending: &mut HashMap<u64, Var<T>>, id: u64, g: Var<T>) -> Result<()> {
    let merged = match pending.remove(&id) {
        Some(prev) => prev.add(&g)?,
        None => g,
    };
    pending.insert(id, merged);
    Ok(())
}

/// The error for an operation whose input leaves changed after it ran; it names those leaves
/// (by label, or by shape when they carry none), each once however often the operation used it.
fn changed_after_use<T: Float>(op: &'static str, inputs: &[Var<T>]) -> AutogradError {
    let mut seen = Vec::with_capacity(inputs.len());
    let leaves: Vec<String> = inputs
        .iter()
        .filter(|v| v.inner.node.is_none())
        .filter(|v| {
            let new = !seen.contains(&v.id());
            seen.push(v.id());
            new
        })
        .map(|v| match v.label() {
            Some(label) => format!("`{label}`"),
            None => format!("leaf of shape {}", v.shape()),
        })
        .collect();
    AutogradError::ChangedAfterUse {
        op,
        leaves: leaves.join(" or "),
    }
}
