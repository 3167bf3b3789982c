//! [`Geometry`]: the sizes of one convolution, checked once against the operands' shapes, from
//! which every kernel of this module works.

use super::params::{conv_output_len, no_window_reason, window_overflows, Conv2dParams};
use crate::error::{Result, TensorError};
use crate::shape::Shape;

/// Output positions per im2col tile that the kernels aim for: enough rows for the GEMM to run at
/// full speed, few enough that the tile's column matrix stays in the L2 cache.
const TILE_COLS: usize = 256;

/// Upper bound on the elements of one tile's column matrix (1 MiB of f32).
const TILE_ELEMS: usize = 1 << 18;

/// Sizes of a 2-D convolution of an `(n, c, h, w)` input with an `(o, c/groups, kh, kw)` kernel
/// giving an `(n, o, oh, ow)` output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Geometry {
    pub n: usize,
    pub c: usize,
    pub h: usize,
    pub w: usize,
    pub o: usize,
    pub kh: usize,
    pub kw: usize,
    pub oh: usize,
    pub ow: usize,
    pub stride: (usize, usize),
    pub padding: (usize, usize),
    pub dilation: (usize, usize),
    pub groups: usize,
}

impl Geometry {
    /// The geometry of sliding a `kernel` window over `input` (rank 4, NCHW) with `params`, with
    /// one output channel per input channel until [`with_weight`](Self::with_weight) says more.
    ///
    /// # Errors
    /// A zero stride or dilation, an input that is not 4-D, an empty kernel, or a (dilated)
    /// kernel larger than the padded input.
    pub fn window(
        op: &'static str,
        input: &Shape,
        kernel: (usize, usize),
        params: &Conv2dParams,
    ) -> Result<Geometry> {
        let (s, d) = (params.stride, params.dilation);
        if s.0 == 0 || s.1 == 0 {
            return Err(TensorError::arg(
                op,
                format!("stride {s:?} must be positive"),
            ));
        }
        if d.0 == 0 || d.1 == 0 {
            return Err(TensorError::arg(
                op,
                format!("dilation {d:?} must be positive"),
            ));
        }
        if params.groups == 0 {
            return Err(TensorError::arg(op, "groups must be positive"));
        }
        if input.rank() != 4 {
            return Err(TensorError::shape(
                op,
                input,
                "expected a 4-D input (batch, channels, height, width)",
            ));
        }
        if kernel.0 == 0 || kernel.1 == 0 {
            return Err(TensorError::arg(
                op,
                format!("kernel size {kernel:?} must be positive"),
            ));
        }
        let (n, c, h, w) = (input[0], input[1], input[2], input[3]);
        let p = params.padding;
        let out = conv_output_len(h, kernel.0, s.0, p.0, d.0)
            .zip(conv_output_len(w, kernel.1, s.1, p.1, d.1));
        let Some((oh, ow)) = out else {
            let overflows =
                window_overflows(h, kernel.0, p.0, d.0) || window_overflows(w, kernel.1, p.1, d.1);
            let window = format!("kernel {kernel:?} with dilation {d:?}");
            let reason = no_window_reason(overflows, &window, &format!("{p:?}"));
            return Err(TensorError::shape(op, input, reason));
        };
        check_sizes(op, input, &[n, c, oh, ow, kernel.0, kernel.1])?;
        Ok(Geometry {
            n,
            c,
            h,
            w,
            o: c,
            kh: kernel.0,
            kw: kernel.1,
            oh,
            ow,
            stride: s,
            padding: p,
            dilation: d,
            groups: params.groups,
        })
    }

    /// The geometry of `conv2d(input, weight, params)`.
    ///
    /// # Errors
    /// Those of [`window`](Self::window), a weight that is not 4-D, channels not divisible by the
    /// groups, or a weight whose second dimension is not `channels / groups`.
    pub fn conv(
        op: &'static str,
        input: &Shape,
        weight: &Shape,
        params: &Conv2dParams,
    ) -> Result<Geometry> {
        if weight.rank() != 4 {
            return Err(TensorError::mismatch(
                op,
                input,
                weight,
                "expected a 4-D weight (out_channels, in_channels / groups, kernel_h, kernel_w)",
            ));
        }
        let g = Geometry::window(op, input, (weight[2], weight[3]), params)?;
        g.with_weight(op, input, weight)
    }

    /// Sets the output channels from `weight`, checking it against the input's channels.
    fn with_weight(mut self, op: &'static str, input: &Shape, weight: &Shape) -> Result<Geometry> {
        let groups = self.groups;
        let (o, cg) = (weight[0], weight[1]);
        let fail = |reason: String| Err(TensorError::mismatch(op, input, weight, reason));
        if !self.c.is_multiple_of(groups) {
            return fail(format!(
                "{} input channels are not divisible by {groups} groups",
                self.c
            ));
        }
        if o % groups != 0 {
            return fail(format!(
                "{o} output channels are not divisible by {groups} groups"
            ));
        }
        if cg != self.c / groups {
            return fail(format!(
                "weight has {cg} input channels per group, the input has {} / {groups} = {}",
                self.c,
                self.c / groups
            ));
        }
        check_sizes(
            op,
            input,
            &[self.n, o, self.oh, self.ow, cg, self.kh, self.kw],
        )?;
        self.o = o;
        Ok(self)
    }

    /// Input channels per group.
    pub fn cg(&self) -> usize {
        self.c / self.groups
    }
    /// Output channels per group.
    pub fn og(&self) -> usize {
        self.o / self.groups
    }
    /// Rows of one group's column matrix: `cg · kh · kw`.
    pub fn rows(&self) -> usize {
        self.cg() * self.kh * self.kw
    }
    /// Elements of one input image, `c · h · w`.
    pub fn in_image(&self) -> usize {
        self.c * self.h * self.w
    }
    /// Elements of one output image, `o · oh · ow`.
    pub fn out_image(&self) -> usize {
        self.o * self.oh * self.ow
    }
    /// Multiply-adds of the whole convolution.
    pub fn macs(&self) -> usize {
        self.n * self.out_image() * self.rows()
    }
    /// The input shape `[n, c, h, w]`.
    pub fn input_shape(&self) -> Shape {
        Shape::new(&[self.n, self.c, self.h, self.w])
    }
    /// The output shape `[n, o, oh, ow]`.
    pub fn output_shape(&self) -> Shape {
        Shape::new(&[self.n, self.o, self.oh, self.ow])
    }
    /// The weight shape `[o, c / groups, kh, kw]`.
    pub fn weight_shape(&self) -> Shape {
        Shape::new(&[self.o, self.cg(), self.kh, self.kw])
    }
    /// True for a 1×1 kernel with stride 1 and no padding whose output covers the input: the
    /// column matrix of an image is the image itself, so no im2col is needed. (A transposed
    /// convolution's output padding can make the input larger than the output this geometry
    /// describes; that case goes through im2col/col2im.)
    pub fn is_pointwise(&self) -> bool {
        self.kh == 1
            && self.kw == 1
            && self.stride == (1, 1)
            && self.padding == (0, 0)
            && (self.oh, self.ow) == (self.h, self.w)
    }
    /// Output rows per im2col tile (all of them for a pointwise convolution, which needs no
    /// column matrix).
    pub fn tile_rows(&self) -> usize {
        if self.is_pointwise() {
            return self.oh.max(1);
        }
        let cols = TILE_COLS.min(TILE_ELEMS / self.rows().max(1)).max(1);
        (cols / self.ow.max(1)).clamp(1, self.oh.max(1))
    }
    /// Elements of the column-matrix scratch buffer one worker needs.
    pub fn scratch_len(&self) -> usize {
        if self.is_pointwise() {
            0
        } else {
            self.rows() * self.tile_rows() * self.ow
        }
    }
    /// The output row ranges of the im2col tiles, in order.
    pub fn tiles(&self) -> impl Iterator<Item = (usize, usize)> {
        let (oh, step) = (self.oh, self.tile_rows());
        (0..oh)
            .step_by(step)
            .map(move |r0| (r0, (r0 + step).min(oh)))
    }
}

/// Checks that `sizes` (zeros counted as 1) multiply to at most `isize::MAX`, so that every
/// product of some of them (output and column-matrix lengths, multiply-adds) fits: huge
/// padding or strides could otherwise make them wrap.
fn check_sizes(op: &'static str, input: &Shape, sizes: &[usize]) -> Result<()> {
    let fits = sizes.iter().try_fold(1usize, |acc, &d| {
        acc.checked_mul(d.max(1))
            .filter(|&p| p <= isize::MAX as usize)
    });
    match fits {
        Some(_) => Ok(()),
        None => Err(TensorError::shape(
            op,
            input,
            format!("the output and its products ({sizes:?}) are too large to compute"),
        )),
    }
}
