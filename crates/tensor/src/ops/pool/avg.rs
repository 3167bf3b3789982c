//! Average pooling and its backward kernel.

use super::for_each_plane;
use super::geometry::PoolGeometry;
use crate::accumulate::zeros_to_accumulate;
use crate::element::Float;
use crate::error::{Result, TensorError};
use crate::shape::Shape;
use crate::tensor::Tensor;

impl<T: Float> Tensor<T> {
    /// 2-D average pooling of an `(N, C, H, W)` input with a `kernel` window, `stride` and zero
    /// `padding`, giving `(N, C, OH, OW)`. With `count_include_pad` every window is divided by
    /// `kH·kW` (padding counts as zeros); without it, by the number of input elements it covers.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let x = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], [1, 1, 2, 2]).unwrap();
    /// let y = x.avg_pool2d((2, 2), (1, 1), (1, 1), false).unwrap();
    /// assert_eq!(y.dims(), &[1, 1, 3, 3]);
    /// assert_eq!(y.get(&[0, 0, 0, 0]).unwrap(), 1.0); // the window holds only x[0, 0]
    /// assert_eq!(y.get(&[0, 0, 1, 1]).unwrap(), 2.5);
    /// ```
    ///
    /// # Errors
    /// As for [`max_pool2d`](Self::max_pool2d).
    pub fn avg_pool2d(
        &self,
        kernel: (usize, usize),
        stride: (usize, usize),
        padding: (usize, usize),
        count_include_pad: bool,
    ) -> Result<Tensor<T>> {
        let g = PoolGeometry::new("avg_pool2d", self.shape(), kernel, stride, padding)?;
        let x = self.contiguous();
        let x = x.as_slice().expect("contiguous");
        let (plane, out_plane) = (g.h * g.w, g.oh * g.ow);
        let mut out = crate::buffer_cache::filled(g.planes() * out_plane, T::zero());
        for_each_plane(&mut out, out_plane, x.len(), |p, o| {
            let x = &x[p * plane..(p + 1) * plane];
            for_each_window(&g, count_include_pad, |i, (h0, h1), (w0, w1), scale| {
                let mut sum = T::zero();
                for ih in h0..h1 {
                    sum += x[ih * g.w + w0..ih * g.w + w1].iter().copied().sum::<T>();
                }
                o[i] = sum * scale;
            });
        });
        Ok(Tensor::from_vec_unchecked(out, g.output_shape()))
    }

    /// The gradient of [`avg_pool2d`](Self::avg_pool2d) with respect to its input: `self` is
    /// the gradient of the output and `input_shape` the `(N, C, H, W)` shape of the input; the
    /// other arguments are those of the forward call. Each output gradient is spread evenly over
    /// its window (the adjoint of average pooling).
    ///
    /// # Errors
    /// Those of [`avg_pool2d`](Self::avg_pool2d) for `input_shape`, and a
    /// [`TensorError::ShapeMismatch`] when `self` is not the shape avg_pool2d would output.
    pub fn avg_pool2d_backward(
        &self,
        input_shape: impl Into<Shape>,
        kernel: (usize, usize),
        stride: (usize, usize),
        padding: (usize, usize),
        count_include_pad: bool,
    ) -> Result<Tensor<T>> {
        let op = "avg_pool2d_backward";
        let input_shape = input_shape.into();
        let g = PoolGeometry::new(op, &input_shape, kernel, stride, padding)?;
        if self.shape() != &g.output_shape() {
            return Err(TensorError::mismatch(
                op,
                self.shape(),
                &g.output_shape(),
                "the output gradient must have the pooling's output shape",
            ));
        }
        let dy = self.contiguous();
        let dy = dy.as_slice().expect("contiguous");
        let (plane, out_plane) = (g.h * g.w, g.oh * g.ow);
        let mut dx = zeros_to_accumulate(g.planes() * plane, T::zero());
        for_each_plane(&mut dx, plane, dy.len(), |p, d| {
            let dy = &dy[p * out_plane..(p + 1) * out_plane];
            for_each_window(&g, count_include_pad, |i, (h0, h1), (w0, w1), scale| {
                let v = dy[i] * scale;
                for ih in h0..h1 {
                    for e in &mut d[ih * g.w + w0..ih * g.w + w1] {
                        *e += v;
                    }
                }
            });
        });
        Ok(Tensor::from_vec_unchecked(dx, g.input_shape()))
    }
}

/// Calls `f(output index, rows, columns, 1 / divisor)` for every window of a plane.
fn for_each_window<T: Float>(
    g: &PoolGeometry,
    count_include_pad: bool,
    mut f: impl FnMut(usize, (usize, usize), (usize, usize), T),
) {
    let full = T::one() / T::from_f64_lossy((g.kernel.0 * g.kernel.1) as f64);
    for y in 0..g.oh {
        let rows = g.rows(y);
        for x in 0..g.ow {
            let cols = g.cols(x);
            let scale = if count_include_pad {
                full
            } else {
                let count = (rows.1 - rows.0) * (cols.1 - cols.0);
                T::one() / T::from_f64_lossy(count as f64)
            };
            f(y * g.ow + x, rows, cols, scale);
        }
    }
}
