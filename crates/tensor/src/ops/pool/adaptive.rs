//! Adaptive average pooling (and global average pooling, its `1 × 1` case) and its backward
//! kernel.

use super::for_each_plane;
use crate::accumulate::zeros_to_accumulate;
use crate::element::Float;
use crate::error::{Result, TensorError};
use crate::shape::Shape;
use crate::tensor::Tensor;

/// The input range `lo..hi` of adaptive bin `i` of `out` over `len` inputs, PyTorch's
/// `floor(i·len / out) .. ceil((i + 1)·len / out)`.
fn bin(i: usize, out: usize, len: usize) -> (usize, usize) {
    (i * len / out, ((i + 1) * len).div_ceil(out))
}

impl<T: Float> Tensor<T> {
    /// Adaptive average pooling of an `(N, C, H, W)` input to `(N, C, OH, OW)` for
    /// `output_size = (OH, OW)`: output `(y, x)` averages input rows
    /// `⌊y·H/OH⌋ .. ⌈(y+1)·H/OH⌉` and the matching columns, as in PyTorch. `(1, 1)` is global
    /// average pooling.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let x = Tensor::from_vec((0..8).map(|v| v as f32).collect(), [1, 2, 2, 2]).unwrap();
    /// let y = x.adaptive_avg_pool2d((1, 1)).unwrap();
    /// assert_eq!(y.to_vec(), vec![1.5, 5.5]);
    /// ```
    ///
    /// # Errors
    /// An input that is not 4-D, an output size with a zero, or an empty input plane.
    pub fn adaptive_avg_pool2d(&self, output_size: (usize, usize)) -> Result<Tensor<T>> {
        let op = "adaptive_avg_pool2d";
        check(op, self.shape(), output_size)?;
        let (n, c, h, w) = dims4(self.shape());
        let (oh, ow) = output_size;
        let x = self.contiguous();
        let x = x.as_slice().expect("contiguous");
        let mut out = crate::buffer_cache::filled(n * c * oh * ow, T::zero());
        for_each_plane(&mut out, oh * ow, x.len(), |p, o| {
            let x = &x[p * h * w..(p + 1) * h * w];
            for y in 0..oh {
                let (h0, h1) = bin(y, oh, h);
                for xo in 0..ow {
                    let (w0, w1) = bin(xo, ow, w);
                    let mut sum = T::zero();
                    for ih in h0..h1 {
                        sum += x[ih * w + w0..ih * w + w1].iter().copied().sum::<T>();
                    }
                    let count = T::from_f64_lossy(((h1 - h0) * (w1 - w0)) as f64);
                    o[y * ow + xo] = sum / count;
                }
            }
        });
        Ok(Tensor::from_vec_unchecked(out, Shape::new(&[n, c, oh, ow])))
    }

    /// The gradient of [`adaptive_avg_pool2d`](Self::adaptive_avg_pool2d) with respect to its
    /// input: `self` is the `(N, C, OH, OW)` output gradient, `input_shape` the `(N, C, H, W)`
    /// input shape. Each output gradient is spread evenly over its bin.
    ///
    /// # Errors
    /// Those of [`adaptive_avg_pool2d`](Self::adaptive_avg_pool2d) for `input_shape`, or `self`
    /// not of shape `(N, C, OH, OW)`.
    pub fn adaptive_avg_pool2d_backward(&self, input_shape: impl Into<Shape>) -> Result<Tensor<T>> {
        let op = "adaptive_avg_pool2d_backward";
        let input_shape = input_shape.into();
        if self.rank() != 4 {
            return Err(TensorError::shape(
                op,
                self.shape(),
                "expected a 4-D output gradient (batch, channels, height, width)",
            ));
        }
        let (oh, ow) = (self.dims()[2], self.dims()[3]);
        check(op, &input_shape, (oh, ow))?;
        if self.dims()[..2] != input_shape[..2] {
            return Err(TensorError::mismatch(
                op,
                self.shape(),
                &input_shape,
                "the gradient must have the input's batch and channel sizes",
            ));
        }
        let (_, _, h, w) = dims4(&input_shape);
        let dy = self.contiguous();
        let dy = dy.as_slice().expect("contiguous");
        let mut dx = zeros_to_accumulate(input_shape.numel(), T::zero());
        for_each_plane(&mut dx, h * w, dy.len(), |p, d| {
            let dy = &dy[p * oh * ow..(p + 1) * oh * ow];
            for y in 0..oh {
                let (h0, h1) = bin(y, oh, h);
                for xo in 0..ow {
                    let (w0, w1) = bin(xo, ow, w);
                    let count = T::from_f64_lossy(((h1 - h0) * (w1 - w0)) as f64);
                    let v = dy[y * ow + xo] / count;
                    for ih in h0..h1 {
                        for e in &mut d[ih * w + w0..ih * w + w1] {
                            *e += v;
                        }
                    }
                }
            }
        });
        Ok(Tensor::from_vec_unchecked(dx, input_shape))
    }
}

/// Checks a 4-D input shape with non-empty planes and a non-empty output size.
fn check(op: &'static str, input: &Shape, output_size: (usize, usize)) -> Result<()> {
    if input.rank() != 4 {
        return Err(TensorError::shape(
            op,
            input,
            "expected a 4-D input (batch, channels, height, width)",
        ));
    }
    if output_size.0 == 0 || output_size.1 == 0 {
        return Err(TensorError::arg(
            op,
            format!("output size {output_size:?} must be positive"),
        ));
    }
    if input[2] == 0 || input[3] == 0 {
        return Err(TensorError::shape(op, input, "input planes are empty"));
    }
    Ok(())
}

/// The four dimensions of a checked 4-D shape.
fn dims4(s: &Shape) -> (usize, usize, usize, usize) {
    (s[0], s[1], s[2], s[3])
}
