//! Triangles of matrices: `tri`, `tril` and `triu` (causal masks, triangular factors).
//!
//! Diagonal `k` holds the elements `(i, j)` with `j − i = k`: 0 is the main diagonal, positive
//! diagonals lie above it, negative ones below, as in numpy and PyTorch.

use crate::element::Element;
use crate::error::{Result, TensorError};
use crate::shape::Shape;
use crate::tensor::Tensor;

impl Tensor<bool> {
    /// The `rows × cols` mask that is true on and below diagonal `k`: where `j ≤ i + k`
    /// (`numpy.tri`). Its complement, `tri(rows, cols, k − 1).not()`, is the upper triangle
    /// from diagonal `k`.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// // A causal mask: position i sees positions 0..=i.
    /// let causal = Tensor::tri(3, 3, 0);
    /// assert_eq!(causal.to_vec(), vec![true, false, false, true, true, false, true, true, true]);
    /// ```
    pub fn tri(rows: usize, cols: usize, k: isize) -> Tensor<bool> {
        let k = k as i128;
        let data = (0..rows)
            .flat_map(|i| (0..cols).map(move |j| j as i128 <= i as i128 + k))
            .collect();
        Tensor::from_vec_unchecked(data, Shape::new(&[rows, cols]))
    }
}

impl<T: Element> Tensor<T> {
    /// The lower triangle of each matrix (the last two axes): elements on and below diagonal
    /// `k` kept, the others set to zero (`torch.tril`). Works on views and on any batch of
    /// leading axes.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let m = Tensor::from_vec((1..=6).collect::<Vec<i32>>(), [2, 3]).unwrap();
    /// assert_eq!(m.tril(0).unwrap().to_vec(), vec![1, 0, 0, 4, 5, 0]);
    /// assert_eq!(m.tril(-1).unwrap().to_vec(), vec![0, 0, 0, 4, 0, 0]);
    /// ```
    ///
    /// # Errors
    /// A tensor with fewer than two axes.
    pub fn tril(&self, k: isize) -> Result<Tensor<T>> {
        let kept = triangle_mask("tril", self.shape(), k, false)?;
        Tensor::where_(&kept, self, &Tensor::scalar(T::default()))
    }

    /// The upper triangle of each matrix (the last two axes): elements on and above diagonal
    /// `k` kept, the others set to zero (`torch.triu`).
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let m = Tensor::from_vec((1..=6).collect::<Vec<i32>>(), [2, 3]).unwrap();
    /// assert_eq!(m.triu(1).unwrap().to_vec(), vec![0, 2, 3, 0, 0, 6]);
    /// ```
    ///
    /// # Errors
    /// A tensor with fewer than two axes.
    pub fn triu(&self, k: isize) -> Result<Tensor<T>> {
        let kept = triangle_mask("triu", self.shape(), k, true)?;
        Tensor::where_(&kept, self, &Tensor::scalar(T::default()))
    }
}

/// The mask of the elements `tril(k)` (or, when `upper`, `triu(k)`) keeps in each matrix of a
/// tensor of `shape`: `rows × cols`, the size of its last two axes, broadcasting over the rest.
/// Shared by the tensor and autograd forms.
///
/// # Errors
/// [`TensorError::InvalidShape`] naming `op` when `shape` has fewer than two axes.
pub fn triangle_mask(
    op: &'static str,
    shape: &Shape,
    k: isize,
    upper: bool,
) -> Result<Tensor<bool>> {
    let [.., rows, cols] = *shape.dims() else {
        return Err(TensorError::shape(
            op,
            shape,
            "needs at least two axes: the matrices are the last two",
        ));
    };
    Ok(if upper {
        // j ≥ i + k is the complement of j ≤ i + k − 1.
        Tensor::tri(rows, cols, k.saturating_sub(1)).not()
    } else {
        Tensor::tri(rows, cols, k)
    })
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    /// Element `(…, i, j)` of `x` kept where `keep(i, j)`, by index arithmetic.
    fn reference(x: &Tensor<f64>, keep: impl Fn(i64, i64) -> bool) -> Vec<f64> {
        let (rows, cols) = (x.dims()[x.rank() - 2], x.dims()[x.rank() - 1]);
        let dense = x.contiguous().to_vec();
        (0..dense.len())
            .map(|n| {
                let (i, j) = ((n / cols % rows) as i64, (n % cols) as i64);
                if keep(i, j) {
                    dense[n]
                } else {
                    0.0
                }
            })
            .collect()
    }

    #[test]
    fn every_diagonal_of_a_batch_of_transposed_matrices() {
        // A (2, 4, 3) batch, seen transposed: not contiguous.
        let base = Tensor::from_vec((1..=24).map(f64::from).collect(), [2, 3, 4]).unwrap();
        let x = base.transpose(1, 2).unwrap();
        for k in -5..=5 {
            let lower = x.tril(k).unwrap();
            assert_eq!(lower.dims(), &[2, 4, 3]);
            assert_eq!(lower.to_vec(), reference(&x, |i, j| j - i <= k as i64));
            let upper = x.triu(k).unwrap();
            assert_eq!(upper.to_vec(), reference(&x, |i, j| j - i >= k as i64));
        }
        // Extreme diagonals neither overflow nor wrap.
        assert_eq!(
            x.tril(isize::MAX).unwrap().to_vec(),
            x.contiguous().to_vec()
        );
        assert_eq!(
            x.triu(isize::MIN).unwrap().to_vec(),
            x.contiguous().to_vec()
        );
        assert!(x
            .tril(isize::MIN)
            .unwrap()
            .to_vec()
            .iter()
            .all(|&v| v == 0.0));
        assert!(x
            .triu(isize::MAX)
            .unwrap()
            .to_vec()
            .iter()
            .all(|&v| v == 0.0));
    }

    #[test]
    fn masks_empty_matrices_and_vectors() {
        let m = Tensor::tri(2, 4, 1);
        assert_eq!(
            m.to_vec(),
            vec![true, true, false, false, true, true, true, false]
        );
        let upper = Tensor::<bool>::full([3, 3], true).triu(0).unwrap();
        assert_eq!(upper, Tensor::tri(3, 3, 0).t().contiguous());
        assert_eq!(
            Tensor::<f32>::zeros([2, 0, 3]).tril(0).unwrap().dims(),
            &[2, 0, 3]
        );
        let e = Tensor::from_vec1(vec![1.0f32, 2.0]).triu(0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "triu: shape [2]: needs at least two axes: the matrices are the last two"
        );
    }
}
