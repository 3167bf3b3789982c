//! Shapes and parameters whose sizes overflow: typed errors that name the op, never a panic or
//! a wrapped size. Also the empty pooling plane, and ranges that cannot be laid out.

use scalpel_tensor::ops::conv::{Conv1dParams, Conv2dParams, ConvTranspose2dParams};
use scalpel_tensor::{Tensor, TensorError};

/// The error's text names `op`.
fn names(e: TensorError, op: &str) {
    assert!(e.to_string().contains(op), "{op}: {e}");
}

#[test]
fn an_empty_shape_too_large_to_lay_out_is_an_error_not_a_panic() {
    // No elements, but the stride of the first axis would be 2⁶⁵.
    let e = Tensor::<f32>::from_vec(vec![], [0, 1 << 62, 8]).unwrap_err();
    assert!(matches!(e, TensorError::InvalidShape { .. }), "{e}");
    names(e, "from_vec");
    // A shape that can be laid out, with its zero anywhere, is fine.
    assert_eq!(
        Tensor::<f32>::from_vec(vec![], [0, 1 << 20, 8])
            .unwrap()
            .dims(),
        &[0, 1 << 20, 8]
    );
    let empty = Tensor::<f32>::zeros([0]);
    names(empty.reshape([0, 1 << 62, 8]).unwrap_err(), "reshape");
    names(empty.view([0, 1 << 62, 8]).unwrap_err(), "view");
    names(
        empty.reshape_infer(&[1 << 40, 1 << 40, -1]).unwrap_err(),
        "reshape",
    );
    let e = Tensor::<f32>::zeros([0, 1, 1])
        .pad(&[(0, 0), (1 << 40, 0), (1 << 40, 0)], 0.0)
        .unwrap_err();
    names(e, "pad");
    let e = Tensor::<f32>::zeros([0, 1, 8])
        .broadcast_to([0, 1 << 62, 8])
        .unwrap_err();
    names(e, "broadcast_to");
    let e = Tensor::<f32>::zeros([2, 3]).expand([4, 3]).unwrap_err();
    assert!(
        e.to_string().starts_with("expand: [2, 3] and [4, 3]"),
        "{e}"
    );
    let json = r#"{"dtype":"F32","shape":[0,4611686018427387904,8],"data":[]}"#;
    let e = serde_json::from_str::<Tensor<f32>>(json).unwrap_err();
    assert!(e.to_string().contains("deserialize"), "{e}");
}

#[test]
fn products_and_concatenations_past_the_address_space_are_errors() {
    let (a, b) = (
        Tensor::<f32>::zeros([1 << 32, 0]),
        Tensor::zeros([0, 1 << 32]),
    );
    names(a.matmul(&b).unwrap_err(), "matmul");
    let wide = Tensor::<f32>::zeros([0, 1 << 62]);
    let five = [&wide, &wide, &wide, &wide, &wide];
    names(Tensor::concat(&five, 1).unwrap_err(), "concat");
}

#[test]
fn convolution_sizes_that_overflow_are_errors() {
    let (x, w) = (
        Tensor::<f32>::ones([1, 1, 3, 3]),
        Tensor::ones([1, 1, 3, 3]),
    );
    let params = Conv2dParams {
        padding: (1 << 40, 1 << 40),
        ..Default::default()
    };
    names(x.conv2d(&w, None, params).unwrap_err(), "conv2d");
    let params = ConvTranspose2dParams {
        stride: (usize::MAX / 2, 1),
        ..Default::default()
    };
    names(
        x.conv_transpose2d(&w, None, params).unwrap_err(),
        "conv_transpose2d",
    );
}

#[test]
fn a_padding_or_dilation_that_overflows_is_named_as_such() {
    // Such windows do not fit in usize: the kernel is not "larger than the padded input".
    let half = usize::MAX / 2 + 1;
    let (x, w) = (
        Tensor::<f32>::ones([1, 1, 3, 3]),
        Tensor::ones([1, 1, 3, 3]),
    );
    let padded = Conv2dParams {
        padding: (0, half),
        ..Default::default()
    };
    assert_eq!(
        x.conv2d(&w, None, padded).unwrap_err().to_string(),
        format!("conv2d: shape [1, 1, 3, 3]: kernel (3, 3) with dilation (1, 1) or the input padded by (0, {half}) is too large for the index range")
    );
    let dilated = Conv1dParams {
        dilation: half,
        ..Default::default()
    };
    let (x1, w1) = (Tensor::<f32>::ones([1, 1, 3]), Tensor::ones([1, 1, 3]));
    assert_eq!(
        x1.conv1d(&w1, None, dilated).unwrap_err().to_string(),
        format!("conv1d: [1, 1, 3] and [1, 1, 3]: kernel of 3 with dilation {half} or the input padded by 0 is too large for the index range")
    );
    let (kernel, padding) = (usize::MAX, usize::MAX / 2);
    assert_eq!(
        x.max_pool2d((kernel, 1), (1, 1), (padding, 0))
            .unwrap_err()
            .to_string(),
        format!("max_pool2d: shape [1, 1, 3, 3]: kernel ({kernel}, 1) or the input padded by ({padding}, 0) is too large for the index range")
    );
    // An honest misfit keeps its message.
    let big = Tensor::<f32>::ones([1, 1, 5, 5]);
    assert_eq!(
        x.conv2d(&big, None, Conv2dParams::default())
            .unwrap_err()
            .to_string(),
        "conv2d: shape [1, 1, 3, 3]: kernel (5, 5) with dilation (1, 1) is larger than the input padded by (0, 0)"
    );
}

#[test]
fn pooling_an_empty_plane_is_an_error() {
    // With padding, windows over a plane of height 0 would hold padding only.
    let x = Tensor::<f32>::zeros([1, 1, 0, 2]);
    names(
        x.max_pool2d((2, 2), (2, 2), (1, 1)).unwrap_err(),
        "max_pool2d",
    );
    names(
        x.avg_pool2d((2, 2), (2, 2), (1, 1), false).unwrap_err(),
        "avg_pool2d",
    );
}

#[test]
fn arange_refuses_infinite_and_unrepresentable_ranges() {
    for (s, e) in [(0.0, f64::INFINITY), (f64::NAN, 5.0)] {
        names(Tensor::<f64>::arange(s, e, 1.0).unwrap_err(), "arange");
    }
    names(
        Tensor::<i64>::arange(i64::MIN, i64::MAX, 1).unwrap_err(),
        "arange",
    );
    assert_eq!(
        Tensor::<i64>::arange(-3, 3, 2).unwrap().to_vec(),
        vec![-3, -1, 1]
    );
}

#[test]
fn a_huge_broadcast_view_fails_to_allocate_instead_of_reusing_a_cached_buffer() {
    // The buffer of n f32 (over 32 KiB, a size no other test uses) goes to the buffer cache;
    // (2⁶² + n)·4 bytes wraps to exactly that size, and `exp` of the view once wrote 2⁶² + n
    // elements into it.
    let n = 9_031usize;
    drop(Tensor::<f32>::ones([n]));
    let view = Tensor::<f32>::ones([1]).expand([(1 << 62) + n]).unwrap();
    let result = std::panic::catch_unwind(|| view.exp().numel());
    assert!(result.is_err(), "{result:?}");
    let result = std::panic::catch_unwind(|| Tensor::<f32>::full([(1 << 62) + n], 2.0).numel());
    assert!(result.is_err(), "{result:?}");
}

#[test]
fn creators_that_return_a_result_refuse_what_cannot_be_laid_out_or_allocated() {
    let mut rng = scalpel_tensor::random::Rng::seed(0);
    // Sizes multiplying past isize::MAX: no layout.
    let e = rng.normal::<f32>([1 << 62, 4], 0.0, 1.0).unwrap_err();
    assert!(matches!(e, TensorError::InvalidShape { .. }), "{e}");
    names(e, "normal");
    names(rng.randint([1 << 62, 4], 0, 3).unwrap_err(), "randint");
    names(
        rng.uniform::<f64>([0, 1 << 62, 8], 0.0, 1.0).unwrap_err(),
        "uniform",
    );
    names(
        rng.bernoulli_mask([1 << 62, 4], 0.5).unwrap_err(),
        "bernoulli",
    );
    // 2⁶¹ bytes fit isize but no address space: the allocator refuses, and that is an error,
    // not an abort of the process.
    let e = rng.normal::<f32>([1 << 59], 0.0, 1.0).unwrap_err();
    assert!(e.to_string().contains("cannot allocate"), "{e}");
    names(e, "normal");
    let e = Tensor::arange(0.0f32, (1u64 << 59) as f32, 1.0).unwrap_err();
    assert!(e.to_string().contains("cannot allocate"), "{e}");
    names(e, "arange");
}
