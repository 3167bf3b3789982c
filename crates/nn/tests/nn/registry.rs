//! `DIFFERENTIABLE_LAYERS` against what the crate exports from its `activation`, `layers` and
//! `loss` modules, read from the `pub use` lines of `src/lib.rs`: a new public layer,
//! activation or loss exported there cannot be left out of the gradient-check registry (`cargo
//! xtask gradcheck`) unnoticed, and the registry names nothing the crate no longer exports.

use scalpel_nn::DIFFERENTIABLE_LAYERS;

/// Exported types of the layer and activation modules that are not layers.
const NOT_LAYERS: &[&str] = &[
    "GeluApproximation",
    "BatchNorm",
    "BatchNormConfig",
    "BatchStats",
];

/// The names the crate root exports from `module` and its sub-modules: every
/// `pub use <module>::…;` of `src/lib.rs`, a braced list or one path, renamed or not.
fn exported_from(module: &str) -> Vec<String> {
    let lib = include_str!("../../src/lib.rs");
    let start = format!("pub use {module}::");
    let mut names = Vec::new();
    for (at, _) in lib.match_indices(&start) {
        let rest = &lib[at + start.len()..];
        let item = &rest[..rest.find(';').expect("a `pub use` ends with `;`")];
        let list = match (item.find('{'), item.rfind('}')) {
            (Some(open), Some(close)) => &item[open + 1..close],
            _ => item,
        };
        for path in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            assert!(!path.ends_with('*'), "a glob export hides names: {path}");
            let name = path.rsplit("::").next().unwrap_or(path);
            let name = name.rsplit(" as ").next().unwrap_or(name).trim();
            names.push(name.to_string());
        }
    }
    assert!(!names.is_empty(), "lib.rs has no `{start}`");
    names
}

fn is_type(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
}

#[test]
fn every_exported_layer_and_loss_is_in_the_gradient_check_registry() {
    let layers = exported_from("activation")
        .into_iter()
        .chain(exported_from("layers"))
        .filter(|name| is_type(name) && !NOT_LAYERS.contains(&name.as_str()));
    // A `…_with` function takes the options of a listed loss; its cases check it.
    let losses = exported_from("loss")
        .into_iter()
        .filter(|name| !is_type(name) && !name.ends_with("_with"));
    let exported: Vec<String> = layers.chain(losses).collect();
    let missing: Vec<&String> = exported
        .iter()
        .filter(|name| !DIFFERENTIABLE_LAYERS.contains(&name.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "exported but not in DIFFERENTIABLE_LAYERS (src/registry.rs), so never gradchecked: \
         {missing:?}; add each there and a case in xtask/src/gradcheck/cases/nn.rs, or to \
         NOT_LAYERS here if it has no gradient"
    );
    let stale: Vec<&&str> = DIFFERENTIABLE_LAYERS
        .iter()
        .filter(|name| !exported.iter().any(|e| e == *name))
        .collect();
    assert!(stale.is_empty(), "listed but not exported: {stale:?}");
}
