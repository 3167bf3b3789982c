//! [`StateDict`]: an ordered map from dotted names to tensors, and [`NameMap`] for renaming the
//! keys of foreign files.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use scalpel_tensor::Float;

use super::error::StateError;
use super::tensor::StateTensor;

/// An ordered map from names (`0.weight`, `2.running_mean`) to tensors: the parameters and
/// buffers of a module (PyTorch's `state_dict()`).
///
/// Insertion order is kept: a module's dict lists its entries in module order, a dict read from
/// a file lists them in the file's data order. Serde writes it as a list of `{name, tensor}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(into = "Vec<StateEntry>", try_from = "Vec<StateEntry>")]
pub struct StateDict {
    entries: Vec<(String, StateTensor)>,
    index: HashMap<String, usize>,
}

/// The serialised form of one entry.
#[derive(Clone, Serialize, Deserialize)]
struct StateEntry {
    name: String,
    tensor: StateTensor,
}

impl From<StateDict> for Vec<StateEntry> {
    fn from(d: StateDict) -> Self {
        d.entries
            .into_iter()
            .map(|(name, tensor)| StateEntry { name, tensor })
            .collect()
    }
}

impl TryFrom<Vec<StateEntry>> for StateDict {
    type Error = StateError;
    fn try_from(entries: Vec<StateEntry>) -> Result<Self, StateError> {
        let mut d = StateDict::new();
        for e in entries {
            d.insert_new(e.name, e.tensor)?;
        }
        Ok(d)
    }
}

impl StateDict {
    /// An empty dict.
    pub fn new() -> Self {
        Self::default()
    }

    /// Inserts `tensor` under `name`. A new name goes last; an existing one keeps its place and
    /// its old tensor is returned.
    pub fn insert(
        &mut self,
        name: impl Into<String>,
        tensor: impl Into<StateTensor>,
    ) -> Option<StateTensor> {
        let name = name.into();
        let tensor = tensor.into();
        match self.index.get(&name) {
            Some(&i) => Some(std::mem::replace(&mut self.entries[i].1, tensor)),
            None => {
                self.index.insert(name.clone(), self.entries.len());
                self.entries.push((name, tensor));
                None
            }
        }
    }

    /// Inserts a name that must not be present yet.
    ///
    /// # Errors
    /// [`StateError::DuplicateKey`] when it is.
    pub fn insert_new(
        &mut self,
        name: impl Into<String>,
        tensor: impl Into<StateTensor>,
    ) -> Result<(), StateError> {
        let name = name.into();
        if self.index.contains_key(&name) {
            return Err(StateError::DuplicateKey(name));
        }
        self.insert(name, tensor);
        Ok(())
    }

    /// The tensor stored under `name`.
    pub fn get(&self, name: &str) -> Option<&StateTensor> {
        self.index.get(name).map(|&i| &self.entries[i].1)
    }

    /// True when `name` is present.
    pub fn contains_key(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    /// Removes and returns the tensor under `name`; the other entries keep their order.
    pub fn remove(&mut self, name: &str) -> Option<StateTensor> {
        let i = self.index.remove(name)?;
        let (_, tensor) = self.entries.remove(i);
        for (n, _) in &self.entries[i..] {
            if let Some(slot) = self.index.get_mut(n) {
                *slot -= 1;
            }
        }
        Some(tensor)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(n, _)| n.as_str())
    }

    /// The entries, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &StateTensor)> {
        self.entries.iter().map(|(n, t)| (n.as_str(), t))
    }

    /// The same tensors under the names `map` gives them (for loading a file written by another
    /// framework); the order is kept.
    ///
    /// # Errors
    /// [`StateError::DuplicateKey`] when two names map to the same one.
    pub fn renamed(&self, map: &NameMap) -> Result<StateDict, StateError> {
        let mut out = StateDict::new();
        for (name, tensor) in &self.entries {
            out.insert_new(map.apply(name), tensor.clone())?;
        }
        Ok(out)
    }

    /// The same dict with every float tensor converted to `U` (e.g. `f32` weights for an `f64`
    /// model); integer tensors are unchanged.
    pub fn cast_floats<U: Float>(&self) -> StateDict {
        self.entries
            .iter()
            .map(|(n, t)| (n.clone(), t.cast_float::<U>()))
            .collect()
    }
}

impl FromIterator<(String, StateTensor)> for StateDict {
    /// Collects entries in order; a repeated name keeps its first place and its last tensor.
    fn from_iter<I: IntoIterator<Item = (String, StateTensor)>>(iter: I) -> Self {
        let mut d = StateDict::new();
        for (n, t) in iter {
            d.insert(n, t);
        }
        d
    }
}

impl IntoIterator for StateDict {
    type Item = (String, StateTensor);
    type IntoIter = std::vec::IntoIter<(String, StateTensor)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

/// Rules that rename the keys of a state dict, e.g. PyTorch's `fc1.weight` to our `1.weight`.
///
/// A prefix rule `("fc1", "1")` renames `fc1` and every name starting with `fc1.`, matching
/// whole dotted segments (`fc10.weight` is untouched); an empty replacement strips the prefix
/// (`("model", "")` turns `model.fc.weight` into `fc.weight`). An exact rule renames one name. The first
/// rule that matches wins; names no rule matches are kept.
///
/// ```
/// use scalpel_nn::NameMap;
/// let map = NameMap::new().prefix("fc1", "1").exact("scale", "2.weight");
/// assert_eq!(map.apply("fc1.weight"), "1.weight");
/// assert_eq!(map.apply("fc10.weight"), "fc10.weight");
/// assert_eq!(map.apply("scale"), "2.weight");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameMap {
    rules: Vec<Rule>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Rule {
    Exact(String, String),
    Prefix(String, String),
}

impl NameMap {
    /// A map with no rules (every name is kept).
    pub fn new() -> Self {
        Self::default()
    }

    /// A map of prefix rules, one per pair `(from, to)`.
    pub fn prefixes(pairs: &[(&str, &str)]) -> Self {
        pairs
            .iter()
            .fold(NameMap::new(), |m, (from, to)| m.prefix(from, to))
    }

    /// Adds a rule renaming the dotted prefix `from` to `to`.
    pub fn prefix(mut self, from: &str, to: &str) -> Self {
        self.rules.push(Rule::Prefix(from.into(), to.into()));
        self
    }

    /// Adds a rule renaming exactly `from` to `to`.
    pub fn exact(mut self, from: &str, to: &str) -> Self {
        self.rules.push(Rule::Exact(from.into(), to.into()));
        self
    }

    /// The new name of `name`.
    pub fn apply(&self, name: &str) -> String {
        for rule in &self.rules {
            match rule {
                Rule::Exact(from, to) if name == from => return to.clone(),
                Rule::Prefix(from, to) => {
                    if name == from {
                        return to.clone();
                    }
                    if let Some(rest) = name
                        .strip_prefix(from.as_str())
                        .and_then(|r| r.strip_prefix('.'))
                    {
                        return if to.is_empty() {
                            rest.to_string()
                        } else {
                            format!("{to}.{rest}")
                        };
                    }
                }
                Rule::Exact(..) => {}
            }
        }
        name.to_string()
    }
}
