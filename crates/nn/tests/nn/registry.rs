//! `DIFFERENTIABLE_LAYERS` against what the crate exports, read from `src/lib.rs`: a new public
//! layer, activation or loss cannot be left out of the gradient-check registry (`cargo xtask
//! gradcheck`) unnoticed, and the registry names nothing the crate no longer exports.

use scalpel_nn::DIFFERENTIABLE_LAYERS;

/// Exported types of the layer and activation modules that are not layers.
const NOT_LAYERS: &[&str] = &[
    "GeluApproximation",
    "BatchNorm",
    "BatchNormConfig",
    "BatchStats",
];

/// The names in `pub use <module>::{…};` of the crate root.
fn exported_from(module: &str) -> Vec<String> {
    let lib = include_str!("../../src/lib.rs");
    let start = format!("pub use {module}::{{");
    let at = lib
        .find(&start)
        .unwrap_or_else(|| panic!("lib.rs has no `{start}`"));
    let rest = &lib[at + start.len()..];
    let end = rest.find("};").expect("the `pub use` list ends");
    rest[..end]
        .split(',')
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .collect()
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
