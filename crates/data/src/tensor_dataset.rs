//! [`TensorDataset`]: inputs and targets held as two tensors, one sample per row.

use scalpel_tensor::{Element, Tensor};

use crate::dataset::{check_index, Dataset, Sample};
use crate::error::{DataError, Result};
use crate::transforms::split_indices;

/// A data set over two tensors whose first axes have the same length: sample `i` is
/// (`inputs[i]`, `targets[i]`), like PyTorch's `TensorDataset`.
///
/// Both tensors are made contiguous once, at construction, so that a batch is a row copy
/// (`index_select` along axis 0) and a single sample is a view that copies nothing.
///
/// ```
/// use scalpel_data::{Dataset, TensorDataset};
/// use scalpel_tensor::Tensor;
/// let x = Tensor::from_vec((0..6).map(|v| v as f32).collect(), [3, 2]).unwrap();
/// let y = Tensor::from_vec1(vec![0i64, 1, 0]);
/// let ds = TensorDataset::new(x, y).unwrap();
/// let (bx, by) = ds.get_batch(&[2, 0]).unwrap();
/// assert_eq!(bx.to_vec(), vec![4.0, 5.0, 0.0, 1.0]);
/// assert_eq!(by.to_vec(), vec![0, 0]);
/// ```
#[derive(Clone, Debug)]
pub struct TensorDataset<X: Element = f32, Y: Element = i64> {
    inputs: Tensor<X>,
    targets: Tensor<Y>,
}

impl<X: Element, Y: Element> TensorDataset<X, Y> {
    /// A data set of the rows of `inputs` (`[N, …]`) and `targets` (`[N, …]`).
    ///
    /// # Errors
    /// [`DataError::InvalidArgument`] when either tensor is 0-dimensional or their first axes
    /// differ.
    pub fn new(inputs: Tensor<X>, targets: Tensor<Y>) -> Result<Self> {
        let (nx, ny) = (inputs.dims().first(), targets.dims().first());
        match (nx, ny) {
            (Some(a), Some(b)) if a == b => Ok(TensorDataset {
                inputs: inputs.contiguous(),
                targets: targets.contiguous(),
            }),
            _ => Err(DataError::arg(
                "TensorDataset::new",
                format!(
                    "inputs {} and targets {} must have the same number of rows (first axis)",
                    inputs.shape(),
                    targets.shape()
                ),
            )),
        }
    }

    /// The input tensor `[N, …]`.
    pub fn inputs(&self) -> &Tensor<X> {
        &self.inputs
    }

    /// The target tensor `[N, …]`.
    pub fn targets(&self) -> &Tensor<Y> {
        &self.targets
    }

    /// The input and target tensors.
    pub fn into_parts(self) -> (Tensor<X>, Tensor<Y>) {
        (self.inputs, self.targets)
    }

    /// The samples at `indices`, in that order, as a new data set.
    ///
    /// # Errors
    /// [`DataError::IndexOutOfRange`] for an index past the end.
    pub fn subset(&self, indices: &[usize]) -> Result<Self> {
        let ids = self.row_ids("subset", indices)?;
        Ok(TensorDataset {
            inputs: self.inputs.index_select(0, &ids)?,
            targets: self.targets.index_select(0, &ids)?,
        })
    }

    /// A seeded random split into (train, validation), the validation part holding
    /// `round(val_fraction · N)` samples; see [`split_indices`].
    ///
    /// # Errors
    /// [`DataError::InvalidArgument`] when `val_fraction` is outside `[0, 1]`.
    pub fn train_val_split(&self, val_fraction: f64, seed: u64) -> Result<(Self, Self)> {
        let (train, val) = split_indices(self.len(), val_fraction, seed)?;
        Ok((self.subset(&train)?, self.subset(&val)?))
    }

    /// `indices` as an index tensor, each checked against the length.
    fn row_ids(&self, op: &'static str, indices: &[usize]) -> Result<Tensor<i64>> {
        let n = self.len();
        let ids = indices
            .iter()
            .map(|&i| check_index(op, i, n).map(|()| i as i64))
            .collect::<Result<Vec<_>>>()?;
        Ok(Tensor::from_vec1(ids))
    }
}

impl<X: Element, Y: Element> Dataset for TensorDataset<X, Y> {
    type Input = X;
    type Target = Y;

    fn len(&self) -> usize {
        self.inputs.dims()[0]
    }

    /// Row `index` of each tensor, as views (no copy).
    fn get(&self, index: usize) -> Result<Sample<X, Y>> {
        check_index("TensorDataset::get", index, self.len())?;
        Ok((
            self.inputs.select(0, index)?,
            self.targets.select(0, index)?,
        ))
    }

    /// Rows `indices` of each tensor, copied row by row with `index_select`.
    fn get_batch(&self, indices: &[usize]) -> Result<Sample<X, Y>> {
        if indices.is_empty() {
            return Err(DataError::arg(
                "get_batch",
                "no indices: a batch needs samples",
            ));
        }
        let ids = self.row_ids("TensorDataset::get_batch", indices)?;
        Ok((
            self.inputs.index_select(0, &ids)?,
            self.targets.index_select(0, &ids)?,
        ))
    }
}
