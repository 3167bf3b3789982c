//! serde support: a tensor is written as `{ "dtype": …, "shape": [...], "data": [...] }`.
//!
//! `data` lists the elements in row-major logical order, whatever the layout, so views
//! (transposed, sliced, flipped, expanded) serialise as the values they show, and reading gives
//! back a contiguous tensor. Reading checks that `dtype` names the element type asked for and
//! that `data` has as many elements as `shape` needs; a mismatch is a serde error, never a
//! panic. With serde_json, non-finite floats cannot round-trip: JSON has no NaN or infinity and
//! serde_json writes them as `null`, which then fails to read back as a number. Binary formats
//! carry them unchanged.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::element::{DType, Element};
use crate::error::TensorError;
use crate::shape::Shape;
use crate::tensor::Tensor;

const FIELDS: &[&str] = &["dtype", "shape", "data"];

impl<T: Element + Serialize> Serialize for Tensor<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut st = serializer.serialize_struct("Tensor", FIELDS.len())?;
        st.serialize_field("dtype", &T::DTYPE)?;
        st.serialize_field("shape", self.shape())?;
        match self.as_slice() {
            Some(data) => st.serialize_field("data", data)?,
            None => st.serialize_field("data", &self.to_vec())?,
        }
        st.end()
    }
}

impl<'de, T: Element + Deserialize<'de>> Deserialize<'de> for Tensor<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct("Tensor", FIELDS, TensorVisitor(PhantomData))
    }
}

/// The keys of a serialised tensor; any other key is an error.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum Field {
    Dtype,
    Shape,
    Data,
}

struct TensorVisitor<T>(PhantomData<T>);

impl<'de, T: Element + Deserialize<'de>> Visitor<'de> for TensorVisitor<T> {
    type Value = Tensor<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} tensor with dtype, shape and data", T::DTYPE)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let dtype: DType = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(0, &self))?;
        check_dtype::<T, A::Error>(dtype)?;
        let shape: Shape = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(1, &self))?;
        let data: Vec<T> = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(2, &self))?;
        build(shape, data)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut dtype, mut shape, mut data) = (None, None, None);
        while let Some(key) = map.next_key()? {
            match key {
                Field::Dtype if dtype.is_some() => return Err(de::Error::duplicate_field("dtype")),
                Field::Shape if shape.is_some() => return Err(de::Error::duplicate_field("shape")),
                Field::Data if data.is_some() => return Err(de::Error::duplicate_field("data")),
                // Checked as soon as it is read, so that a wrong dtype is reported as such
                // rather than as a failure to parse the data that follows.
                Field::Dtype => dtype = Some(check_dtype::<T, A::Error>(map.next_value()?)?),
                Field::Shape => shape = Some(map.next_value::<Shape>()?),
                Field::Data => data = Some(map.next_value::<Vec<T>>()?),
            }
        }
        dtype.ok_or_else(|| de::Error::missing_field("dtype"))?;
        build(
            shape.ok_or_else(|| de::Error::missing_field("shape"))?,
            data.ok_or_else(|| de::Error::missing_field("data"))?,
        )
    }
}

/// Rejects a serialised dtype other than `T`'s.
fn check_dtype<T: Element, E: de::Error>(dtype: DType) -> Result<DType, E> {
    if dtype != T::DTYPE {
        return Err(E::custom(format!(
            "tensor: dtype {dtype} does not match the element type {}",
            T::DTYPE
        )));
    }
    Ok(dtype)
}

/// The tensor of `shape` holding `data`, checking the element count without overflow.
fn build<T: Element, E: de::Error>(shape: Shape, data: Vec<T>) -> Result<Tensor<T>, E> {
    let count = shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
    match count {
        Some(n) if n == data.len() => match shape.check_addressable("deserialize") {
            Ok(()) => Ok(Tensor::from_vec_unchecked(data, shape)),
            Err(e) => Err(E::custom(e)),
        },
        Some(n) => Err(E::custom(TensorError::ElementCount {
            op: "deserialize",
            shape: Box::new(shape),
            expected: n,
            got: data.len(),
        })),
        None => Err(E::custom(format!(
            "deserialize: shape {shape} has too many elements"
        ))),
    }
}
