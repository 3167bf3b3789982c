//! The [`Module`] trait: a layer or a network of layers, with named parameters, named buffers and
//! a train/eval mode — the book's layer protocol (§4.3.2) with the backward pass left to autograd.

use std::any::Any;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use scalpel_autograd::{Result, Var};
use scalpel_tensor::Float;

use crate::buffer::Buffer;
use crate::state::{self, LoadReport, StateDict, StateError};

/// A module's own train/eval switch (PyTorch's `Module.training`), settable through `&self`.
///
/// Modules start in training mode. Only modules whose forward differs between the modes
/// (dropout, batch norm) and containers need one.
#[derive(Debug)]
pub struct TrainingFlag(AtomicBool);

impl TrainingFlag {
    /// A flag in training mode.
    pub fn new() -> Self {
        TrainingFlag(AtomicBool::new(true))
    }
    /// True in training mode.
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
    /// Switches to training (`true`) or evaluation (`false`) mode.
    pub fn set(&self, training: bool) {
        self.0.store(training, Ordering::Relaxed);
    }
}

impl Default for TrainingFlag {
    fn default() -> Self {
        Self::new()
    }
}

/// Inherent `train`, `eval` and `is_training` for a layer that serves every element type
/// (`impl<T: Float> Module<T>`), whose flag is the field `training`: through the trait, a bare
/// `dropout.eval()` could not tell which `Module<T>` is meant and would not compile.
macro_rules! mode_switches {
    ($layer:ty) => {
        impl $layer {
            /// Switches to training (`true`) or evaluation (`false`) mode, as
            /// [`Module::train`](crate::Module::train) does.
            pub fn train(&self, training: bool) {
                self.training.set(training);
            }
            /// Switches to evaluation mode, as [`Module::eval`](crate::Module::eval) does.
            pub fn eval(&self) {
                self.training.set(false);
            }
            /// True in training mode.
            pub fn is_training(&self) -> bool {
                self.training.get()
            }
        }
    };
}
pub(crate) use mode_switches;

/// A building block of a network: a function of one variable with parameters and buffers.
///
/// An implementation provides [`forward`](Module::forward) and describes itself through four
/// hooks — its own parameters, its own buffers, its children and its train/eval flag — each of
/// which defaults to "none". Everything else (dotted names like `layers.0.weight`, mode
/// propagation, freezing, state dicts) is provided on top of the hooks.
///
/// `forward` takes `&self`: state that changes during a forward pass (batch-norm running
/// statistics, dropout's generator) lives behind interior mutability, so modules are
/// `Send + Sync` and can be shared between threads. A module owns its state (`Any`, hence
/// `'static`, is a supertrait), so that a `&dyn Module` can be turned back into its concrete type
/// with [`downcast_ref`](trait.Module.html#method.downcast_ref).
///
/// ```
/// use scalpel_autograd::Var;
/// use scalpel_nn::{Linear, Module, ReLU, Sequential};
/// use scalpel_tensor::{random::Rng, Tensor};
///
/// let mut rng = Rng::seed(0);
/// let model = Sequential::new()
///     .add(Linear::new(4, 8, &mut rng))
///     .add(ReLU)
///     .add(Linear::new(8, 2, &mut rng));
/// let names: Vec<String> = model.named_parameters().into_iter().map(|(n, _)| n).collect();
/// assert_eq!(names, ["0.weight", "0.bias", "2.weight", "2.bias"]);
/// let y = model.forward(&Var::constant(Tensor::zeros([3, 4]))).unwrap();
/// assert_eq!(y.dims(), [3, 2]);
/// ```
pub trait Module<T: Float = f32>: Any + Send + Sync {
    /// Applies the module to `x`.
    ///
    /// # Errors
    /// Inputs of the wrong shape (the error names the layer and the shapes), and any error of
    /// the operations used.
    fn forward(&self, x: &Var<T>) -> Result<Var<T>>;

    /// The module's own parameters, not its children's, with their local names (`weight`).
    fn local_parameters(&self) -> Vec<(String, Var<T>)> {
        Vec::new()
    }

    /// The module's own buffers (state that is saved but not trained, like `running_mean`).
    fn local_buffers(&self) -> Vec<(String, &Buffer<T>)> {
        Vec::new()
    }

    /// The direct sub-modules with their names (`0`, `1`, … in a [`Sequential`](crate::Sequential)).
    fn children(&self) -> Vec<(String, &dyn Module<T>)> {
        Vec::new()
    }

    /// The module's own train/eval flag, for modules that have one.
    fn training_flag(&self) -> Option<&TrainingFlag> {
        None
    }

    /// Every parameter of the module and its descendants, with dotted names, in a stable order:
    /// own parameters first, then each child's in the order of [`children`](Module::children).
    ///
    /// A parameter reached twice (a module shared by two parents, tied weights) is listed once,
    /// under its first name, as in PyTorch: so an optimizer can take
    /// [`parameters`](Module::parameters) and update it once. [`state_dict`](Module::state_dict)
    /// keeps every name.
    fn named_parameters(&self) -> Vec<(String, Var<T>)> {
        first_of_each(every_parameter(self), Var::id)
    }

    /// The parameters of [`named_parameters`](Module::named_parameters), without names (what an
    /// optimizer takes).
    fn parameters(&self) -> Vec<Var<T>> {
        self.named_parameters()
            .into_iter()
            .map(|(_, p)| p)
            .collect()
    }

    /// Every buffer of the module and its descendants, with dotted names; a shared buffer once,
    /// under its first name.
    fn named_buffers(&self) -> Vec<(String, &Buffer<T>)> {
        first_of_each(every_buffer(self), |b| {
            std::ptr::from_ref(*b) as usize as u64
        })
    }

    /// Every sub-module (children, their children, …) with its dotted name (`0`, `block.1`), in
    /// the same order as [`named_parameters`](Module::named_parameters): each child, then its
    /// own sub-modules. A module reached twice (one `Arc` at two places) is listed once, under
    /// its first name, with its sub-modules: PyTorch's `named_modules()` without its first
    /// entry, the module itself. With [`downcast_ref`](trait.Module.html#method.downcast_ref)
    /// it finds layers by type, say every batch norm to leave out of weight decay.
    fn named_submodules(&self) -> Vec<(String, &dyn Module<T>)> {
        let mut out = Vec::new();
        let mut seen: HashSet<usize> = self.module_address().into_iter().collect();
        collect_submodules(self, "", &mut seen, &mut out);
        out
    }

    /// The address of the module's own data, seen through `Box` and `Arc`, by which
    /// [`named_submodules`](Module::named_submodules) knows a module it met before; `None` for a
    /// module without data (a unit struct such as `ReLU`: every one has the same address). The
    /// default is right for every module but a wrapper; do not override it otherwise.
    fn module_address(&self) -> Option<usize> {
        (std::mem::size_of_val(self) > 0).then(|| std::ptr::from_ref(self).cast::<()>() as usize)
    }

    /// Total number of parameter elements.
    fn num_parameters(&self) -> usize {
        self.parameters().iter().map(|p| p.shape().numel()).sum()
    }

    /// Switches this module and all its descendants to training (`true`) or evaluation
    /// (`false`) mode.
    fn train(&self, training: bool) {
        if let Some(flag) = self.training_flag() {
            flag.set(training);
        }
        for (_, child) in self.children() {
            child.train(training);
        }
    }

    /// Switches to evaluation mode: dropout becomes the identity and batch norm uses its
    /// running statistics. Same as `train(false)`.
    fn eval(&self) {
        self.train(false);
    }

    /// True in training mode. A module without a flag of its own reports its children's mode
    /// (true when it has none: a stateless layer behaves the same in both modes).
    fn is_training(&self) -> bool {
        match self.training_flag() {
            Some(flag) => flag.get(),
            None => self.children().iter().all(|(_, c)| c.is_training()),
        }
    }

    /// Forgets the accumulated gradient of every parameter.
    fn zero_grad(&self) {
        for p in self.parameters() {
            p.zero_grad();
        }
    }

    /// Freezes (`false`) or unfreezes (`true`) every parameter. To freeze one parameter, call
    /// [`Var::set_requires_grad`] on it (found through
    /// [`named_parameters`](Module::named_parameters)).
    ///
    /// # Errors
    /// When a module reports a non-leaf variable as a parameter.
    fn set_requires_grad(&self, requires_grad: bool) -> Result<()> {
        for p in self.parameters() {
            p.set_requires_grad(requires_grad)?;
        }
        Ok(())
    }

    /// The module's state: every parameter and buffer by dotted name (PyTorch's
    /// `state_dict()`), in PyTorch's order: a module's own parameters, then its own buffers, then
    /// each child's state. The tensors share storage with the module's values; they are
    /// immutable, so later training does not change them.
    fn state_dict(&self) -> StateDict {
        let mut dict = state::collect(self.local_parameters(), self.local_buffers());
        for (name, child) in self.children() {
            for (n, t) in child.state_dict() {
                dict.insert(format!("{name}.{n}"), t);
            }
        }
        dict
    }

    /// Loads parameters and buffers from `state` by name (PyTorch's `load_state_dict`).
    ///
    /// With `strict`, a name the module lacks or a name missing from `state` is an error;
    /// without, they are returned in the [`LoadReport`]. A shape or dtype mismatch is always an
    /// error. Nothing is changed unless the whole load succeeds.
    ///
    /// # Errors
    /// [`StateError::MissingKeys`], [`StateError::UnexpectedKeys`],
    /// [`StateError::ShapeMismatch`], [`StateError::DtypeMismatch`].
    fn load_state_dict(
        &self,
        state: &StateDict,
        strict: bool,
    ) -> std::result::Result<LoadReport, StateError> {
        // Under every name, as `state_dict` writes them: a shared parameter is loaded once per
        // name (the same value, from a file this crate wrote).
        state::load(state, every_parameter(self), every_buffer(self), strict)
    }
}

macro_rules! forward_module {
    ($($wrapper:ident),*) => {$(
        /// A shared or boxed module is a module.
        impl<T: Float, M: Module<T> + ?Sized> Module<T> for $wrapper<M> {
            fn forward(&self, x: &Var<T>) -> Result<Var<T>> {
                (**self).forward(x)
            }
            fn local_parameters(&self) -> Vec<(String, Var<T>)> {
                (**self).local_parameters()
            }
            fn local_buffers(&self) -> Vec<(String, &Buffer<T>)> {
                (**self).local_buffers()
            }
            fn children(&self) -> Vec<(String, &dyn Module<T>)> {
                (**self).children()
            }
            fn training_flag(&self) -> Option<&TrainingFlag> {
                (**self).training_flag()
            }
            fn module_address(&self) -> Option<usize> {
                (**self).module_address()
            }
        }
    )*};
}

forward_module!(Box, Arc);

impl<T: Float> dyn Module<T> {
    /// This module as its concrete type `M`, when it is one: a layer of a
    /// [`Sequential`](crate::Sequential) or of [`named_submodules`](Module::named_submodules)
    /// back as the `Linear` it is (PyTorch's `model[0].weight`), or `None`. A layer added as
    /// `Arc<L>` or `Box<L>` (or in an `Arc` or `Box` of `dyn Module`) is found as `L` too.
    ///
    /// ```
    /// use scalpel_nn::{Linear, Module, ReLU, Sequential};
    /// use scalpel_tensor::random::Rng;
    ///
    /// let mut rng = Rng::seed(0);
    /// let model: Sequential = Sequential::new()
    ///     .add(Linear::new(4, 8, &mut rng))
    ///     .add(ReLU);
    /// let first = model.get(0).unwrap().downcast_ref::<Linear>().unwrap();
    /// assert_eq!(first.weight().dims(), [8, 4]);
    /// assert!(model.get(1).unwrap().downcast_ref::<Linear>().is_none());
    /// ```
    pub fn downcast_ref<M: Module<T>>(&self) -> Option<&M> {
        let any: &dyn Any = self;
        if let Some(module) = any.downcast_ref::<M>() {
            return Some(module);
        }
        // Through the wrappers a layer may be added in.
        if let Some(module) = any.downcast_ref::<Arc<M>>() {
            return Some(module);
        }
        if let Some(module) = any.downcast_ref::<Box<M>>() {
            return Some(module);
        }
        if let Some(module) = any.downcast_ref::<Arc<dyn Module<T>>>() {
            return (**module).downcast_ref();
        }
        if let Some(module) = any.downcast_ref::<Box<dyn Module<T>>>() {
            return (**module).downcast_ref();
        }
        None
    }

    /// True when this module is an `M` (see [`downcast_ref`](trait.Module.html#method.downcast_ref)).
    pub fn is<M: Module<T>>(&self) -> bool {
        self.downcast_ref::<M>().is_some()
    }
}

/// Appends the sub-modules of `module` not in `seen` to `out`, depth first, named below
/// `prefix`.
fn collect_submodules<'a, T: Float, M: Module<T> + ?Sized>(
    module: &'a M,
    prefix: &str,
    seen: &mut HashSet<usize>,
    out: &mut Vec<(String, &'a dyn Module<T>)>,
) {
    for (name, child) in module.children() {
        if let Some(address) = child.module_address() {
            if !seen.insert(address) {
                continue;
            }
        }
        let name = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}.{name}")
        };
        out.push((name.clone(), child));
        collect_submodules(child, &name, seen, out);
    }
}

/// Every parameter of `module` and its descendants by dotted name, a shared one under each of
/// its names.
fn every_parameter<T: Float, M: Module<T> + ?Sized>(module: &M) -> Vec<(String, Var<T>)> {
    let mut out = module.local_parameters();
    for (name, child) in module.children() {
        for (n, p) in every_parameter(child) {
            out.push((format!("{name}.{n}"), p));
        }
    }
    out
}

/// Every buffer of `module` and its descendants by dotted name, a shared one under each of its
/// names.
fn every_buffer<T: Float, M: Module<T> + ?Sized>(module: &M) -> Vec<(String, &Buffer<T>)> {
    let mut out = module.local_buffers();
    for (name, child) in module.children() {
        for (n, b) in every_buffer(child) {
            out.push((format!("{name}.{n}"), b));
        }
    }
    out
}

/// The entries of `named` whose key (by `key`) no earlier entry has, in order.
fn first_of_each<V>(named: Vec<(String, V)>, key: impl Fn(&V) -> u64) -> Vec<(String, V)> {
    let mut seen = std::collections::HashSet::with_capacity(named.len());
    named
        .into_iter()
        .filter(|(_, v)| seen.insert(key(v)))
        .collect()
}
