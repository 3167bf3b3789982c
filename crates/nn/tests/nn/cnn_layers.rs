//! The convolutional layers of chapter 6: Conv1d, ConvTranspose2d, NaiveConv2d (the direct-loop
//! oracle of the fast Conv2d), adaptive and global average pooling, and Dropout2d.

use scalpel_autograd::Var;
use scalpel_nn::{
    AdaptiveAvgPool2d, Conv1d, Conv2d, ConvTranspose2d, Dropout2d, GlobalAvgPool2d, Module,
    NaiveConv2d,
};
use scalpel_tensor::ops::conv::{Conv1dParams, Conv2dParams, ConvTranspose2dParams};
use scalpel_tensor::random::Rng;
use scalpel_tensor::Tensor;

use crate::common::{assert_close, assert_gradcheck, assert_gradgradcheck, grads, project, rand};

fn params(stride: (usize, usize), padding: (usize, usize)) -> Conv2dParams {
    Conv2dParams {
        stride,
        padding,
        ..Default::default()
    }
}

#[test]
fn conv2d_matches_the_direct_loops_with_stride_and_padding() {
    let cases = [
        ((1, 1), (0, 0), (3, 3), (7, 6)),
        ((2, 1), (1, 2), (3, 2), (8, 5)),
        ((2, 3), (2, 0), (5, 4), (9, 11)),
        ((1, 2), (1, 1), (1, 1), (4, 4)),
    ];
    for (i, (stride, padding, k, hw)) in cases.into_iter().enumerate() {
        let seed = 10 + i as u64;
        let fast: Conv2d<f64> =
            Conv2d::with_params(3, 4, k, params(stride, padding), true, &mut Rng::seed(seed));
        let naive = NaiveConv2d::from_tensors(
            fast.weight().value(),
            fast.bias().map(Var::value),
            stride,
            padding,
        )
        .unwrap();
        let x = Var::parameter(rand(seed, &[2, 3, hw.0, hw.1]));
        let (yf, yn) = (fast.forward(&x).unwrap(), naive.forward(&x).unwrap());
        assert_close(&yf.value(), &yn.value(), 1e-12);

        let gf = grads(
            &project(&yf, 99),
            &[&x, fast.weight(), fast.bias().unwrap()],
        );
        let gn = grads(
            &project(&yn, 99),
            &[&x, naive.weight(), naive.bias().unwrap()],
        );
        for (a, b) in gf.iter().zip(&gn) {
            assert_close(a, b, 1e-11);
        }
    }
}

#[test]
fn naive_conv2d_direct_loops_give_a_hand_computed_result() {
    // A 3×3 input 1..9, a 2×2 kernel [[1, 0], [0, -1]] (x[i][j] − x[i+1][j+1] = −4 everywhere),
    // bias 0.5.
    let x = Tensor::from_vec((1..=9).map(f64::from).collect(), [1, 1, 3, 3]).unwrap();
    let w = Tensor::from_vec(vec![1.0, 0.0, 0.0, -1.0], [1, 1, 2, 2]).unwrap();
    let conv =
        NaiveConv2d::from_tensors(w, Some(Tensor::from_vec1(vec![0.5])), (1, 1), (0, 0)).unwrap();
    let y = conv.forward(&Var::constant(x)).unwrap();
    assert_eq!(y.dims(), [1, 1, 2, 2]);
    assert_eq!(y.value().to_vec(), vec![-3.5; 4]);
}

#[test]
fn naive_conv2d_passes_gradcheck_and_gradgradcheck() {
    let conv: NaiveConv2d<f64> =
        NaiveConv2d::with_params(2, 3, (3, 2), (2, 1), (1, 1), true, &mut Rng::seed(4));
    let x = rand(5, &[2, 2, 5, 4]);
    assert_gradcheck(|v| conv.forward(&v[0]), std::slice::from_ref(&x));
    let (w, b) = (conv.weight().value(), conv.bias().unwrap().value());
    let f = |v: &[Var<f64>]| {
        scalpel_nn::functional::naive_conv2d(&v[0], &v[1], Some(&v[2]), (2, 1), (1, 1))?.square()
    };
    assert_gradcheck(f, &[x.clone(), w.clone(), b.clone()]);
    assert_gradgradcheck(f, &[x, w, b]);
}

#[test]
fn naive_conv2d_names_the_shapes_that_do_not_fit() {
    let conv: NaiveConv2d<f64> = NaiveConv2d::new(3, 2, (5, 5), &mut Rng::seed(0));
    let wrong_channels = conv.forward(&Var::constant(Tensor::zeros([1, 2, 8, 8])));
    let message = wrong_channels.err().unwrap().to_string();
    assert!(
        message.contains("naive_conv2d") && message.contains("channels"),
        "{message}"
    );
    let too_small = conv.forward(&Var::constant(Tensor::zeros([1, 3, 4, 4])));
    assert!(too_small
        .err()
        .unwrap()
        .to_string()
        .contains("does not fit"));
}

#[test]
fn conv1d_equals_conv2d_over_a_height_of_one() {
    let p = Conv1dParams {
        stride: 2,
        padding: 1,
        dilation: 2,
        groups: 2,
    };
    let conv: Conv1d<f64> = Conv1d::with_params(4, 6, 3, p, true, &mut Rng::seed(6));
    assert_eq!(conv.weight().dims(), [6, 2, 3]);
    let x = rand(7, &[2, 4, 11]);
    let y = conv.forward(&Var::constant(x.clone())).unwrap();
    // L_out = (11 + 2 − 2·2 − 1)/2 + 1 = 5
    assert_eq!(y.dims(), [2, 6, 5]);
    let as_2d = Conv2d::from_tensors(
        conv.weight().value().unsqueeze(2).unwrap(),
        conv.bias().map(Var::value),
        p.into(),
    )
    .unwrap();
    let y2 = as_2d
        .forward(&Var::constant(x.unsqueeze(2).unwrap()))
        .unwrap();
    assert_close(&y.value(), &y2.value().squeeze(2).unwrap(), 1e-12);
}

#[test]
fn conv1d_passes_gradcheck() {
    let p = Conv1dParams {
        stride: 2,
        padding: 2,
        ..Default::default()
    };
    let conv: Conv1d<f64> = Conv1d::with_params(2, 3, 3, p, true, &mut Rng::seed(8));
    let x = rand(9, &[2, 2, 7]);
    assert_gradcheck(|v| conv.forward(&v[0]), &[x]);
    let bad = conv.forward(&Var::constant(Tensor::zeros([2, 7])));
    assert!(bad.err().unwrap().to_string().contains("(N, C_in, L)"));
}

#[test]
fn conv_transpose2d_is_the_adjoint_of_conv2d() {
    // <conv2d(x, w), y> = <x, conv_transpose2d(y, w)> for the same stride, padding and weight.
    let p = ConvTranspose2dParams {
        stride: (2, 2),
        padding: (1, 0),
        ..Default::default()
    };
    let up: ConvTranspose2d<f64> =
        ConvTranspose2d::with_params(4, 3, (3, 3), p, false, &mut Rng::seed(11));
    // The forward conv maps 3 channels to 4, so its weight (4, 3, 3, 3) is the transposed
    // convolution's (C_in = 4, C_out = 3, 3, 3).
    let x = rand(12, &[2, 3, 7, 7]);
    let y = rand(13, &[2, 4, 4, 3]);
    let w = up.weight().value();
    let conv_x = x.conv2d(&w, None, p.forward()).unwrap();
    assert_eq!(conv_x.dims(), y.dims());
    let up_y = up.forward(&Var::constant(y.clone())).unwrap().value();
    assert_eq!(up_y.dims(), x.dims());
    let lhs = conv_x.mul(&y).unwrap().sum_all();
    let rhs = x.mul(&up_y).unwrap().sum_all();
    assert!((lhs - rhs).abs() < 1e-10, "{lhs} vs {rhs}");
}

#[test]
fn conv_transpose2d_output_size_follows_the_book_formula() {
    // S(H − 1) + k − 2P + output_padding
    let p = ConvTranspose2dParams {
        stride: (3, 2),
        padding: (1, 2),
        output_padding: (2, 1),
        ..Default::default()
    };
    let up: ConvTranspose2d =
        ConvTranspose2d::with_params(2, 5, (4, 5), p, true, &mut Rng::seed(0));
    let y = up
        .forward(&Var::constant(Tensor::zeros([1, 2, 6, 7])))
        .unwrap();
    assert_eq!(y.dims(), [1, 5, 3 * 5 + 4 - 2 + 2, 2 * 6 + 5 - 4 + 1]);
}

#[test]
fn conv_transpose2d_init_uses_pytorchs_fan_in_from_the_output_channels() {
    // Weight (C_in, C_out/groups, kH, kW) = (8, 2, 3, 3): fan_in = 2·9 = 18.
    let p = ConvTranspose2dParams {
        groups: 2,
        ..Default::default()
    };
    let up: ConvTranspose2d<f64> =
        ConvTranspose2d::with_params(8, 4, (3, 3), p, true, &mut Rng::seed(3));
    assert_eq!(up.weight().dims(), [8, 2, 3, 3]);
    assert_eq!(up.bias().unwrap().dims(), [4]);
    let bound = 1.0 / 18f64.sqrt();
    let w = up.weight().value().to_vec();
    assert!(w.iter().all(|v| v.abs() < bound));
    // Drawn over the whole range, not a narrower one.
    assert!(w.iter().any(|v| v.abs() > 0.8 * bound));
}

#[test]
fn conv_transpose2d_passes_gradcheck() {
    let p = ConvTranspose2dParams {
        stride: (2, 1),
        padding: (1, 1),
        output_padding: (1, 0),
        ..Default::default()
    };
    let up: ConvTranspose2d<f64> =
        ConvTranspose2d::with_params(3, 2, (3, 3), p, true, &mut Rng::seed(14));
    assert_gradcheck(|v| up.forward(&v[0]), &[rand(15, &[2, 3, 3, 4])]);
}

#[test]
fn adaptive_avg_pool2d_averages_pytorchs_overlapping_bins() {
    // A 1×1×3×3 input pooled to 2×2: bins rows/cols 0..2 and 1..3.
    let x = Tensor::from_vec((1..=9).map(f64::from).collect(), [1, 1, 3, 3]).unwrap();
    let y = Module::<f64>::forward(&AdaptiveAvgPool2d::new((2, 2)), &Var::constant(x)).unwrap();
    assert_eq!(y.value().to_vec(), vec![3.0, 4.0, 6.0, 7.0]);
}

#[test]
fn adaptive_avg_pool2d_passes_gradcheck() {
    let x = rand(16, &[2, 3, 5, 7]);
    assert_gradcheck(
        |v| Module::<f64>::forward(&AdaptiveAvgPool2d::new((2, 3)), &v[0])?.square(),
        &[x],
    );
}

#[test]
fn global_avg_pool2d_is_the_mean_of_each_feature_map() {
    let x = rand(17, &[3, 4, 5, 6]);
    let y = Module::<f64>::forward(&GlobalAvgPool2d, &Var::constant(x.clone())).unwrap();
    assert_eq!(y.dims(), [3, 4]);
    assert_close(&y.value(), &x.mean(&[2, 3], false).unwrap(), 1e-14);
    assert_gradcheck(
        |v| Module::<f64>::forward(&GlobalAvgPool2d, &v[0])?.square(),
        &[x],
    );
}

#[test]
fn dropout2d_drops_whole_channels_and_scales_the_rest() {
    let drop = Dropout2d::with_seed(0.25, 5);
    let y = Module::<f64>::forward(&drop, &Var::constant(Tensor::ones([64, 32, 3, 2])))
        .unwrap()
        .value()
        .to_vec();
    let mut dropped = 0;
    for map in y.chunks(6) {
        assert!(map.iter().all(|&v| v == map[0]), "a channel is split");
        if map[0] == 0.0 {
            dropped += 1;
        } else {
            assert!((map[0] - 1.0 / 0.75).abs() < 1e-15);
        }
    }
    // 2048 channels, 512 expected dropped, standard deviation ≈ 19.6.
    assert!(
        (dropped as i64 - 512).abs() < 80,
        "{dropped} channels dropped"
    );
}

#[test]
fn dropout2d_is_the_identity_in_eval_mode_and_seeded_in_training() {
    let x = Var::constant(rand(18, &[2, 3, 4, 4]));
    let drop = Dropout2d::with_seed(0.5, 9);
    let again = Dropout2d::with_seed(0.5, 9);
    assert_eq!(
        Module::<f64>::forward(&drop, &x).unwrap().value(),
        Module::<f64>::forward(&again, &x).unwrap().value()
    );
    drop.eval();
    assert_eq!(
        Module::<f64>::forward(&drop, &x).unwrap().value(),
        x.value()
    );
    let bad = scalpel_nn::functional::dropout2d(&x, 1.5, true, &mut Rng::seed(0));
    assert!(bad.is_err());
}

#[test]
fn dropout2d_passes_gradcheck_with_a_fixed_mask() {
    // A layer rebuilt from the same seed at every evaluation draws the same mask.
    let x = rand(19, &[2, 4, 3, 3]);
    assert_gradcheck(
        |v| Module::<f64>::forward(&Dropout2d::with_seed(0.5, 21), &v[0]),
        &[x],
    );
}

#[test]
fn conv_layers_name_their_parameters_like_pytorch() {
    let mut rng = Rng::seed(0);
    let c1: Conv1d = Conv1d::new(2, 3, 3, &mut rng);
    let ct: ConvTranspose2d = ConvTranspose2d::new(2, 3, (2, 2), &mut rng);
    let nv: NaiveConv2d = NaiveConv2d::new(2, 3, (2, 2), &mut rng);
    for names in [
        c1.named_parameters(),
        ct.named_parameters(),
        nv.named_parameters(),
    ] {
        let names: Vec<String> = names.into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["weight", "bias"]);
    }
}

#[test]
fn from_tensors_rejects_weights_of_the_wrong_rank_and_biases_of_the_wrong_length() {
    fn msg<L>(r: scalpel_autograd::Result<L>) -> String {
        match r {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        }
    }
    let w4 = Tensor::<f64>::zeros([6, 3, 5, 5]);
    let w3 = Tensor::<f64>::zeros([6, 3, 5]);
    let bias = |n: usize| Some(Tensor::<f64>::zeros([n]));

    let e = msg(Conv2d::from_tensors(
        w3.clone(),
        None,
        Conv2dParams::default(),
    ));
    assert!(
        e.contains("Conv2d") && e.contains("(C_out, C_in/groups, kH, kW)"),
        "{e}"
    );
    let e = msg(Conv2d::from_tensors(
        w4.clone(),
        bias(3),
        Conv2dParams::default(),
    ));
    assert!(
        e.contains("Conv2d") && e.contains("bias must be (C_out,) = (6,)"),
        "{e}"
    );
    assert!(Conv2d::from_tensors(w4.clone(), bias(6), Conv2dParams::default()).is_ok());

    let e = msg(Conv1d::from_tensors(
        w4.clone(),
        None,
        Conv1dParams::default(),
    ));
    assert!(
        e.contains("Conv1d") && e.contains("(C_out, C_in/groups, k)"),
        "{e}"
    );
    let e = msg(Conv1d::from_tensors(
        w3.clone(),
        bias(5),
        Conv1dParams::default(),
    ));
    assert!(e.contains("bias must be (C_out,) = (6,)"), "{e}");

    // A transposed convolution's weight is (C_in, C_out/groups, kH, kW): with 3 groups its
    // output has 3·3 = 9 channels.
    let groups3 = ConvTranspose2dParams {
        groups: 3,
        ..Default::default()
    };
    let e = msg(ConvTranspose2d::from_tensors(w3, None, groups3));
    assert!(
        e.contains("ConvTranspose2d") && e.contains("(C_in, C_out/groups, kH, kW)"),
        "{e}"
    );
    let e = msg(ConvTranspose2d::from_tensors(w4.clone(), bias(6), groups3));
    assert!(e.contains("bias must be (C_out,) = (9,)"), "{e}");
    assert!(ConvTranspose2d::from_tensors(w4, bias(9), groups3).is_ok());
}
