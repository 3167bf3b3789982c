//! [`Op`]: what each recorded operation saves for its backward pass. The backward rules live
//! together in `backward.rs`, one match arm per variant, grouped like the forward ops.

use std::sync::Arc;

use scalpel_tensor::ops::conv::Conv2dParams;
use scalpel_tensor::{Float, Tensor};

use crate::custom::CustomOp;

/// The window of an average pooling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PoolWindow {
    pub(crate) kernel: (usize, usize),
    pub(crate) stride: (usize, usize),
    pub(crate) padding: (usize, usize),
    pub(crate) count_include_pad: bool,
}

/// A recorded operation and the state its backward rule needs beyond the input variables.
/// Cloning shares its tensors.
#[derive(Clone)]
pub(crate) enum Op<T: Float> {
    // element-wise, two inputs (a, b), broadcasting
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Maximum,
    Minimum,
    /// `where(mask, a, b)`
    Where(Tensor<bool>),
    // element-wise with a scalar, one input
    AddScalar,
    MulScalar(T),
    PowScalar(T),
    RdivScalar(T),
    // unary, one input
    Neg,
    Exp,
    Expm1,
    Ln,
    Ln1p,
    Sqrt,
    Square,
    Recip,
    Abs,
    Sin,
    Cos,
    Tanh,
    Sigmoid,
    Relu,
    LeakyRelu(T),
    Elu(T),
    Gelu,
    GeluTanh,
    Softplus,
    Silu,
    Erf,
    Clamp(T, T),
    // reductions
    Sum {
        axes: Vec<isize>,
        keepdim: bool,
    },
    Mean {
        axes: Vec<isize>,
        keepdim: bool,
    },
    Variance {
        axes: Vec<isize>,
        correction: usize,
        keepdim: bool,
    },
    Max {
        axes: Vec<isize>,
        keepdim: bool,
    },
    Min {
        axes: Vec<isize>,
        keepdim: bool,
    },
    LogSumExp {
        axes: Vec<isize>,
        keepdim: bool,
    },
    /// A p-norm with p > 0 other than 1 (which is the sum of |x|).
    Norm {
        p: T,
        axes: Vec<isize>,
        keepdim: bool,
    },
    Softmax(isize),
    LogSoftmax(isize),
    Cumsum(isize),
    // linear algebra
    Matmul,
    // views
    Reshape,
    Permute(Vec<usize>),
    Slice {
        axis: usize,
        start: usize,
        step: usize,
    },
    SliceGrad {
        axis: usize,
        start: usize,
        step: usize,
    },
    Select {
        axis: usize,
        index: usize,
    },
    /// A diagonal over two resolved axes.
    Diagonal {
        offset: isize,
        axis1: usize,
        axis2: usize,
    },
    DiagonalGrad {
        offset: isize,
        axis1: usize,
        axis2: usize,
    },
    Squeeze(usize),
    Unsqueeze(usize),
    Expand,
    Flip(Vec<isize>),
    // indexing and joining
    Concat {
        axis: usize,
        sizes: Vec<usize>,
    },
    Gather {
        axis: usize,
        index: Tensor<i64>,
    },
    ScatterAdd {
        axis: usize,
        index: Tensor<i64>,
    },
    IndexSelect {
        axis: usize,
        index: Tensor<i64>,
    },
    IndexAdd {
        axis: usize,
        index: Tensor<i64>,
    },
    Pad {
        widths: Vec<(usize, usize)>,
    },
    // convolution and pooling
    /// conv2d of inputs `[x, w]` or, with its bias added in the kernel, `[x, w, b]`.
    Conv2d(Conv2dParams),
    Conv2dGradInput(Conv2dParams),
    Conv2dGradWeight(Conv2dParams),
    MaxPool2d {
        indices: Tensor<i64>,
    },
    MaxPool2dGrad {
        indices: Tensor<i64>,
    },
    AvgPool2d(PoolWindow),
    AvgPool2dGrad(PoolWindow),
    AdaptiveAvgPool2d,
    AdaptiveAvgPool2dGrad,
    /// An operation defined outside this crate (fused layers of scalpel-nn).
    Custom(Arc<dyn CustomOp<T>>),
}

impl<T: Float> Op<T> {
    /// The operation's name as users see it (in errors, anomaly reports, `to_dot` and the
    /// gradcheck registry).
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Op::Add => "add",
            Op::Sub => "sub",
            Op::Mul => "mul",
            Op::Div => "div",
            Op::Pow => "pow",
            Op::Maximum => "maximum",
            Op::Minimum => "minimum",
            Op::Where(_) => "where",
            Op::AddScalar => "add_scalar",
            Op::MulScalar(_) => "mul_scalar",
            Op::PowScalar(_) => "powf",
            Op::RdivScalar(_) => "rdiv_scalar",
            Op::Neg => "neg",
            Op::Exp => "exp",
            Op::Expm1 => "expm1",
            Op::Ln => "ln",
            Op::Ln1p => "ln1p",
            Op::Sqrt => "sqrt",
            Op::Square => "square",
            Op::Recip => "recip",
            Op::Abs => "abs",
            Op::Sin => "sin",
            Op::Cos => "cos",
            Op::Tanh => "tanh",
            Op::Sigmoid => "sigmoid",
            Op::Relu => "relu",
            Op::LeakyRelu(_) => "leaky_relu",
            Op::Elu(_) => "elu",
            Op::Gelu => "gelu",
            Op::GeluTanh => "gelu_tanh",
            Op::Softplus => "softplus",
            Op::Silu => "silu",
            Op::Erf => "erf",
            Op::Clamp(..) => "clamp",
            Op::Sum { .. } => "sum",
            Op::Mean { .. } => "mean",
            Op::Variance { .. } => "var",
            Op::Max { .. } => "max",
            Op::Min { .. } => "min",
            Op::LogSumExp { .. } => "logsumexp",
            Op::Norm { .. } => "norm",
            Op::Softmax(_) => "softmax",
            Op::LogSoftmax(_) => "log_softmax",
            Op::Cumsum(_) => "cumsum",
            Op::Matmul => "matmul",
            Op::Reshape => "reshape",
            Op::Permute(_) => "permute",
            Op::Slice { .. } => "slice",
            Op::SliceGrad { .. } => "slice_grad",
            Op::Select { .. } => "select",
            Op::Diagonal { .. } => "diagonal",
            Op::DiagonalGrad { .. } => "diagonal_grad",
            Op::Squeeze(_) => "squeeze",
            Op::Unsqueeze(_) => "unsqueeze",
            Op::Expand => "expand",
            Op::Flip(_) => "flip",
            Op::Concat { .. } => "concat",
            Op::Gather { .. } => "gather",
            Op::ScatterAdd { .. } => "scatter_add",
            Op::IndexSelect { .. } => "index_select",
            Op::IndexAdd { .. } => "index_add",
            Op::Pad { .. } => "pad",
            Op::Conv2d(_) => "conv2d",
            Op::Conv2dGradInput(_) => "conv2d_grad_input",
            Op::Conv2dGradWeight(_) => "conv2d_grad_weight",
            Op::MaxPool2d { .. } => "max_pool2d",
            Op::MaxPool2dGrad { .. } => "max_pool2d_grad",
            Op::AvgPool2d(_) => "avg_pool2d",
            Op::AvgPool2dGrad(_) => "avg_pool2d_grad",
            Op::AdaptiveAvgPool2d => "adaptive_avg_pool2d",
            Op::AdaptiveAvgPool2dGrad => "adaptive_avg_pool2d_grad",
            Op::Custom(c) => c.name(),
        }
    }
}
