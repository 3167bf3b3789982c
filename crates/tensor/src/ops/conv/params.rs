//! Hyper-parameters of the convolutions and the output-size rule they share.

/// Stride, zero padding, dilation and groups of a 2-D convolution, `(height, width)` each.
///
/// The default is PyTorch's: stride 1, no padding, dilation 1, one group. Override the fields
/// you need:
///
/// ```
/// use scalpel_tensor::ops::conv::Conv2dParams;
/// let p = Conv2dParams { padding: (1, 1), ..Default::default() };
/// assert_eq!(p.stride, (1, 1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Conv2dParams {
    /// Step between neighbouring windows, (vertical, horizontal).
    pub stride: (usize, usize),
    /// Zeros added on each side of the input, (top and bottom, left and right).
    pub padding: (usize, usize),
    /// Spacing between kernel taps (1 is a dense kernel), (vertical, horizontal).
    pub dilation: (usize, usize),
    /// Number of groups: input and output channels are split into `groups` blocks and block `g`
    /// of the output sees only block `g` of the input.
    pub groups: usize,
}

impl Default for Conv2dParams {
    fn default() -> Self {
        Conv2dParams {
            stride: (1, 1),
            padding: (0, 0),
            dilation: (1, 1),
            groups: 1,
        }
    }
}

/// Stride, zero padding, dilation and groups of a 1-D convolution.
///
/// The default is PyTorch's: stride 1, no padding, dilation 1, one group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Conv1dParams {
    /// Step between neighbouring windows.
    pub stride: usize,
    /// Zeros added on each side of the input.
    pub padding: usize,
    /// Spacing between kernel taps.
    pub dilation: usize,
    /// Number of groups (see [`Conv2dParams::groups`]).
    pub groups: usize,
}

impl Default for Conv1dParams {
    fn default() -> Self {
        Conv1dParams {
            stride: 1,
            padding: 0,
            dilation: 1,
            groups: 1,
        }
    }
}

impl From<Conv1dParams> for Conv2dParams {
    /// The 2-D parameters of a 1-D convolution seen as a convolution over a height of 1.
    fn from(p: Conv1dParams) -> Self {
        Conv2dParams {
            stride: (1, p.stride),
            padding: (0, p.padding),
            dilation: (1, p.dilation),
            groups: p.groups,
        }
    }
}

/// Stride, padding, output padding, dilation and groups of a 2-D transposed convolution.
///
/// A transposed convolution with these parameters is the adjoint (the input gradient) of a
/// [`conv2d`](crate::Tensor::conv2d) with the same stride, padding, dilation and groups;
/// `output_padding` adds rows and columns at the bottom and right of the output to pick one of
/// the input sizes that such a convolution maps to the same output size. The default is stride
/// 1, no padding, no output padding, dilation 1, one group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConvTranspose2dParams {
    /// Stride of the convolution this one transposes.
    pub stride: (usize, usize),
    /// Padding of the convolution this one transposes (removed from the output's borders).
    pub padding: (usize, usize),
    /// Extra rows and columns at the bottom and right of the output; each must be smaller than
    /// the stride or the dilation along its axis.
    pub output_padding: (usize, usize),
    /// Spacing between kernel taps.
    pub dilation: (usize, usize),
    /// Number of groups.
    pub groups: usize,
}

impl Default for ConvTranspose2dParams {
    fn default() -> Self {
        ConvTranspose2dParams {
            stride: (1, 1),
            padding: (0, 0),
            output_padding: (0, 0),
            dilation: (1, 1),
            groups: 1,
        }
    }
}

impl ConvTranspose2dParams {
    /// The parameters of the forward convolution this one is the adjoint of.
    pub fn forward(&self) -> Conv2dParams {
        Conv2dParams {
            stride: self.stride,
            padding: self.padding,
            dilation: self.dilation,
            groups: self.groups,
        }
    }
}

/// Output length of a convolution or pooling window along one axis, PyTorch's rule
/// `(input + 2·padding − dilation·(kernel − 1) − 1) / stride + 1` rounded down; `None` when the
/// (dilated) kernel is larger than the padded input, or the stride or kernel is zero.
///
/// ```
/// use scalpel_tensor::ops::conv::conv_output_len;
/// assert_eq!(conv_output_len(32, 3, 1, 1, 1), Some(32));
/// assert_eq!(conv_output_len(6, 3, 2, 1, 1), Some(3));
/// assert_eq!(conv_output_len(2, 5, 1, 0, 1), None);
/// ```
pub fn conv_output_len(
    input: usize,
    kernel: usize,
    stride: usize,
    padding: usize,
    dilation: usize,
) -> Option<usize> {
    if stride == 0 || kernel == 0 || dilation == 0 {
        return None;
    }
    let span = dilation.checked_mul(kernel - 1)?.checked_add(1)?;
    let padded = input.checked_add(padding.checked_mul(2)?)?;
    padded.checked_sub(span).map(|room| room / stride + 1)
}

/// Whether the padded input (`input + 2·padding`) or the dilated kernel span
/// (`dilation·(kernel − 1) + 1`) along one axis passes `usize::MAX`: then [`conv_output_len`]
/// finds no window because the sizes overflow, not because the kernel is too large.
pub(crate) fn window_overflows(
    input: usize,
    kernel: usize,
    padding: usize,
    dilation: usize,
) -> bool {
    let span = dilation
        .checked_mul(kernel.saturating_sub(1))
        .and_then(|s| s.checked_add(1));
    let padded = padding.checked_mul(2).and_then(|p| p.checked_add(input));
    span.is_none() || padded.is_none()
}

/// Why no window fits along an axis, for an error message: the sizes overflow `usize` (see
/// [`window_overflows`]), or the window (`kernel`, described with its dilation) is larger than
/// the input padded by `padding`.
pub(crate) fn no_window_reason(overflows: bool, kernel: &str, padding: &str) -> String {
    if overflows {
        format!("{kernel} or the input padded by {padding} is too large for the index range")
    } else {
        format!("{kernel} is larger than the input padded by {padding}")
    }
}
