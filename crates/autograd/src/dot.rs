//! Graphviz rendering of a computational graph, so a learner can see the graph the book draws.

use std::collections::HashSet;
use std::fmt::Write;

use scalpel_tensor::Float;

use crate::var::Var;

impl<T: Float> Var<T> {
    /// The graph that produced this variable in Graphviz DOT: one box per operation or leaf with
    /// its name (or label) and shape, and — for variables that hold a gradient (leaves after a
    /// backward pass, or non-leaves marked with [`retain_grad`](Var::retain_grad)) — the
    /// gradient's 2-norm. Edges point from inputs to the operation that consumed them. Call it
    /// before backward, or after a backward that retained the graph (`retain_graph`), since a
    /// freed graph has no edges left.
    pub fn to_dot(&self) -> String {
        let mut out = String::from(
            "digraph scalpel {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\"];\n",
        );
        let mut seen: HashSet<u64> = HashSet::new();
        let mut stack = vec![self.clone()];
        while let Some(v) = stack.pop() {
            if !seen.insert(v.id()) {
                continue;
            }
            let name = match (v.op_name(), v.label()) {
                (_, Some(l)) => l,
                (Some(op), None) => op.to_string(),
                (None, None) if v.requires_grad() => "parameter".to_string(),
                (None, None) => "constant".to_string(),
            };
            let mut text = format!("{name}\\n{}", v.shape());
            if let Some(g) = v.grad() {
                let norm = g
                    .to_vec()
                    .iter()
                    .map(|x| x.to_f64_lossy().powi(2))
                    .sum::<f64>()
                    .sqrt();
                let _ = write!(text, "\\n|grad| = {norm:.4e}");
            }
            let style = if v.is_leaf() { ", style=rounded" } else { "" };
            let _ = writeln!(
                out,
                "  n{} [label=\"{}\"{style}];",
                v.id(),
                text.replace('"', "'")
            );
            for input in v.inputs() {
                let _ = writeln!(out, "  n{} -> n{};", input.id(), v.id());
                stack.push(input);
            }
        }
        out.push_str("}\n");
        out
    }
}
