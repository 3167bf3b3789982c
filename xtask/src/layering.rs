//! `cargo xtask layering`: each workspace crate may depend only on the crates beneath it
//! (CONTRIBUTING.md; the table is `allowed` below). Normal, dev and build dependencies are all
//! checked: a test that needs a crate above belongs in `tests/` of the facade or in xtask.

use std::collections::BTreeMap;
use std::process::Command;

/// The allowed workspace dependencies of each workspace crate. `None`: anything (xtask).
fn allowed(krate: &str) -> Option<&'static [&'static str]> {
    const T: &str = "scalpel-tensor";
    const A: &str = "scalpel-autograd";
    const N: &str = "scalpel-nn";
    const O: &str = "scalpel-optim";
    const D: &str = "scalpel-data";
    const M: &str = "scalpel-models";
    Some(match krate {
        "scalpel-tensor" => &[],
        "scalpel-autograd" => &[T],
        "scalpel-nn" => &[A, T],
        "scalpel-optim" => &[A, T],
        "scalpel-data" => &[T],
        "scalpel-models" => &[N, O, D, A, T],
        "scalpel-dl" => &[M, N, O, D, A, T],
        "xtask" => return None,
        _ => &[],
    })
}

/// A dependency the table forbids.
#[derive(Debug, PartialEq, Eq)]
pub struct Violation {
    /// The depending crate.
    pub from: String,
    /// The workspace crate it must not depend on.
    pub to: String,
    /// "normal", "dev" or "build".
    pub kind: String,
}

/// Checks a dependency graph: for each workspace crate, its (dependency, kind) pairs on other
/// workspace crates. Unknown workspace crates may depend on nothing in the workspace.
pub fn check(graph: &BTreeMap<String, Vec<(String, String)>>) -> Vec<Violation> {
    let mut out = Vec::new();
    for (from, deps) in graph {
        let Some(ok) = allowed(from) else { continue };
        for (to, kind) in deps {
            if to != from && !ok.contains(&to.as_str()) {
                out.push(Violation {
                    from: from.clone(),
                    to: to.clone(),
                    kind: kind.clone(),
                });
            }
        }
    }
    out
}

/// Reads the workspace graph from `cargo metadata`.
fn workspace_graph() -> Result<BTreeMap<String, Vec<(String, String)>>, String> {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .map_err(|e| format!("could not run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata output: {e}"))?;
    let packages = meta["packages"]
        .as_array()
        .ok_or("cargo metadata: no packages")?;
    let names: Vec<String> = packages
        .iter()
        .filter_map(|p| p["name"].as_str().map(String::from))
        .collect();
    let mut graph = BTreeMap::new();
    for p in packages {
        let name = p["name"].as_str().unwrap_or_default().to_string();
        let deps = p["dependencies"].as_array().cloned().unwrap_or_default();
        let edges = deps
            .iter()
            .filter_map(|d| {
                let dep = d["name"].as_str()?.to_string();
                let kind = d["kind"].as_str().unwrap_or("normal").to_string();
                names.contains(&dep).then_some((dep, kind))
            })
            .collect();
        graph.insert(name, edges);
    }
    Ok(graph)
}

/// Checks the real workspace and prints the result.
pub fn run() -> Result<(), String> {
    let graph = workspace_graph()?;
    let violations = check(&graph);
    for v in &violations {
        eprintln!(
            "layering: {} has a {} dependency on {}, which the layering rule does not allow",
            v.from, v.kind, v.to
        );
    }
    if violations.is_empty() {
        println!(
            "layering: {} workspace crates, every dependency points downwards",
            graph.len()
        );
        Ok(())
    } else {
        Err(format!("{} forbidden dependencies", violations.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&str, &[(&str, &str)])]) -> BTreeMap<String, Vec<(String, String)>> {
        edges
            .iter()
            .map(|(from, deps)| {
                (
                    from.to_string(),
                    deps.iter()
                        .map(|(t, k)| (t.to_string(), k.to_string()))
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn sideways_upward_and_dev_dependencies_are_reported() {
        let g = graph(&[
            ("scalpel-tensor", &[("scalpel-autograd", "normal")]),
            (
                "scalpel-data",
                &[("scalpel-tensor", "normal"), ("scalpel-nn", "dev")],
            ),
            (
                "scalpel-optim",
                &[("scalpel-nn", "normal"), ("scalpel-autograd", "normal")],
            ),
            ("xtask", &[("scalpel-models", "normal")]),
        ]);
        let v = check(&g);
        let pairs: Vec<(&str, &str, &str)> = v
            .iter()
            .map(|v| (v.from.as_str(), v.to.as_str(), v.kind.as_str()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("scalpel-data", "scalpel-nn", "dev"),
                ("scalpel-optim", "scalpel-nn", "normal"),
                ("scalpel-tensor", "scalpel-autograd", "normal"),
            ]
        );
    }

    #[test]
    fn the_designed_graph_passes() {
        let g = graph(&[
            ("scalpel-tensor", &[]),
            ("scalpel-autograd", &[("scalpel-tensor", "normal")]),
            (
                "scalpel-nn",
                &[("scalpel-autograd", "normal"), ("scalpel-tensor", "dev")],
            ),
            (
                "scalpel-models",
                &[("scalpel-nn", "normal"), ("scalpel-data", "normal")],
            ),
            ("scalpel-dl", &[("scalpel-models", "normal")]),
        ]);
        assert!(check(&g).is_empty());
    }

    #[test]
    fn an_unknown_crate_may_not_depend_on_the_workspace() {
        let g = graph(&[("scalpel-extra", &[("scalpel-tensor", "normal")])]);
        assert_eq!(check(&g).len(), 1);
    }
}
