//! State dicts: a module's parameters and buffers by name, saved to and loaded from
//! safetensors files (which PyTorch and other frameworks read and write) or through serde.
//!
//! ```
//! use scalpel_nn::{Linear, Module, StateDict};
//! use scalpel_tensor::random::Rng;
//!
//! let a: Linear = Linear::new(3, 2, &mut Rng::seed(1));
//! let bytes = a.state_dict().to_safetensors().unwrap();
//! let b: Linear = Linear::new(3, 2, &mut Rng::seed(2));
//! b.load_state_dict(&StateDict::from_safetensors(&bytes).unwrap(), true).unwrap();
//! assert_eq!(a.weight().value(), b.weight().value());
//! ```
//!
//! Porting PyTorch weights: read the file, rename its keys with a [`NameMap`] to the names of
//! the equivalent scalpel model, and load strictly, so that every name, shape and dtype is
//! checked. PyTorch's `Linear` stores its weight as (out, in), as scalpel's does, so weights
//! load unchanged.

mod dict;
mod error;
mod load;
mod safetensors_io;
mod tensor;

pub use dict::{NameMap, StateDict};
pub use error::StateError;
pub use load::LoadReport;
pub(crate) use load::{collect, load};
pub use tensor::StateTensor;
