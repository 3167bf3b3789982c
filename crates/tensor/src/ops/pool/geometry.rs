//! [`PoolGeometry`]: the sizes of one pooling, checked once against the input's shape.

use crate::error::{Result, TensorError};
use crate::ops::conv::conv_output_len;
use crate::ops::conv::params::{no_window_reason, window_overflows};
use crate::shape::Shape;

/// A `kernel` window sliding over `(n, c, h, w)` planes with `stride` and `padding`, giving
/// `(n, c, oh, ow)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PoolGeometry {
    pub n: usize,
    pub c: usize,
    pub h: usize,
    pub w: usize,
    pub kernel: (usize, usize),
    pub stride: (usize, usize),
    pub padding: (usize, usize),
    pub oh: usize,
    pub ow: usize,
}

impl PoolGeometry {
    /// Checks the window against `input`.
    ///
    /// # Errors
    /// An input that is not 4-D, a zero kernel or stride, padding larger than half the kernel,
    /// or a kernel larger than the padded input.
    pub fn new(
        op: &'static str,
        input: &Shape,
        kernel: (usize, usize),
        stride: (usize, usize),
        padding: (usize, usize),
    ) -> Result<PoolGeometry> {
        if input.rank() != 4 {
            return Err(TensorError::shape(
                op,
                input,
                "expected a 4-D input (batch, channels, height, width)",
            ));
        }
        if kernel.0 == 0 || kernel.1 == 0 || stride.0 == 0 || stride.1 == 0 {
            return Err(TensorError::arg(
                op,
                format!("kernel {kernel:?} and stride {stride:?} must be positive"),
            ));
        }
        if padding.0 > kernel.0 / 2 || padding.1 > kernel.1 / 2 {
            return Err(TensorError::arg(
                op,
                format!("padding {padding:?} must be at most half the kernel {kernel:?}"),
            ));
        }
        let (h, w) = (input[2], input[3]);
        if h == 0 || w == 0 {
            // Windows would then hold padding only (PyTorch refuses such input too).
            return Err(TensorError::shape(op, input, "input planes are empty"));
        }
        let out = conv_output_len(h, kernel.0, stride.0, padding.0, 1)
            .zip(conv_output_len(w, kernel.1, stride.1, padding.1, 1));
        let Some((oh, ow)) = out else {
            let overflows = window_overflows(h, kernel.0, padding.0, 1)
                || window_overflows(w, kernel.1, padding.1, 1);
            let window = format!("kernel {kernel:?}");
            let reason = no_window_reason(overflows, &window, &format!("{padding:?}"));
            return Err(TensorError::shape(op, input, reason));
        };
        Ok(PoolGeometry {
            n: input[0],
            c: input[1],
            h,
            w,
            kernel,
            stride,
            padding,
            oh,
            ow,
        })
    }

    /// Number of planes, `n · c`.
    pub fn planes(&self) -> usize {
        self.n * self.c
    }
    /// The output shape `[n, c, oh, ow]`.
    pub fn output_shape(&self) -> Shape {
        Shape::new(&[self.n, self.c, self.oh, self.ow])
    }
    /// The input shape `[n, c, h, w]`.
    pub fn input_shape(&self) -> Shape {
        Shape::new(&[self.n, self.c, self.h, self.w])
    }
    /// The input rows `lo..hi` of the window of output row `y` (padding excluded).
    pub fn rows(&self, y: usize) -> (usize, usize) {
        window(y, self.stride.0, self.padding.0, self.kernel.0, self.h)
    }
    /// The input columns `lo..hi` of the window of output column `x` (padding excluded).
    pub fn cols(&self, x: usize) -> (usize, usize) {
        window(x, self.stride.1, self.padding.1, self.kernel.1, self.w)
    }
}

/// The part inside `0..len` of the window `[q·stride − pad, q·stride − pad + kernel)`.
fn window(q: usize, stride: usize, pad: usize, kernel: usize, len: usize) -> (usize, usize) {
    let start = q * stride;
    let lo = start.saturating_sub(pad);
    let hi = (start + kernel).saturating_sub(pad).min(len);
    (lo.min(hi), hi)
}
