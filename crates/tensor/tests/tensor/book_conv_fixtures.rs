//! The book's worked convolution and pooling examples (chapter 6), value for value.

use scalpel_tensor::ops::conv::Conv2dParams;
use scalpel_tensor::Tensor;

/// The 6×6 image of the book's 2-D convolution and pooling examples, as `(1, 1, 6, 6)`.
fn book_x() -> Tensor<f64> {
    let rows: [[f64; 6]; 6] = [
        [2., 3., 0., 7., 9., 5.],
        [6., 0., 4., 7., 2., 3.],
        [8., 1., 0., 3., 2., 6.],
        [7., 6., 1., 5., 2., 8.],
        [9., 5., 1., 8., 3., 7.],
        [2., 4., 1., 8., 6., 5.],
    ];
    Tensor::from_vec(rows.concat(), [1, 1, 6, 6]).unwrap()
}

/// The book's vertical-edge (Sobel) kernel, as `(1, 1, 3, 3)`.
fn book_k() -> Tensor<f64> {
    Tensor::from_vec(vec![-1., 0., 1., -2., 0., 2., -1., 0., 1.], [1, 1, 3, 3]).unwrap()
}

fn rows(t: &Tensor<f64>) -> Vec<Vec<f64>> {
    let w = *t.dims().last().unwrap();
    t.to_vec().chunks(w).map(|r| r.to_vec()).collect()
}

fn arange(n: usize, dims: &[usize]) -> Tensor<f64> {
    Tensor::from_vec((0..n).map(|v| v as f64).collect(), dims).unwrap()
}

#[test]
fn valid_cross_correlation_of_the_book_image_with_the_edge_kernel() {
    let y = book_x()
        .conv2d(&book_k(), None, Conv2dParams::default())
        .unwrap();
    assert_eq!(
        rows(&y),
        vec![
            vec![-14., 20., 7., -7.],
            vec![-24., 10., 3., 5.],
            vec![-28., 3., 6., 8.],
            vec![-23., 9., 10., -2.],
        ]
    );
}

#[test]
fn padded_cross_correlation_keeps_the_size_and_matches_the_first_and_last_rows() {
    let p = Conv2dParams {
        padding: (1, 1),
        ..Default::default()
    };
    let y = rows(&book_x().conv2d(&book_k(), None, p).unwrap());
    assert_eq!(y.len(), 6);
    assert_eq!(y[0], vec![6., -6., 15., 16., -8., -20.]);
    assert_eq!(y[5], vec![13., -10., 11., 12., -7., -15.]);
}

#[test]
fn padded_strided_cross_correlation_matches_the_book() {
    let p = Conv2dParams {
        padding: (1, 1),
        stride: (2, 2),
        ..Default::default()
    };
    let y = book_x().conv2d(&book_k(), None, p).unwrap();
    assert_eq!(
        rows(&y),
        vec![vec![6., 15., -8.], vec![8., 10., 5.], vec![20., 9., -2.]]
    );
}

#[test]
fn multi_channel_input_sums_the_channels() {
    let x: Vec<f64> = (1..=9).chain(11..=19).map(|v| v as f64).collect();
    let x = Tensor::from_vec(x, [1, 2, 3, 3]).unwrap();
    let k = Tensor::from_vec(vec![1., 3., 2., 4., 4., -3., 2., 1.], [1, 2, 2, 2]).unwrap();
    let y = x.conv2d(&k, None, Conv2dParams::default()).unwrap();
    assert_eq!(rows(&y), vec![vec![86., 100.], vec![128., 142.]]);
}

#[test]
fn max_pooling_of_the_book_image() {
    let (y, idx) = book_x().max_pool2d((3, 3), (3, 3), (0, 0)).unwrap();
    assert_eq!(rows(&y), vec![vec![8., 9.], vec![9., 8.]]);
    // Flat positions in the 6×6 plane: 8 at (2, 0), 9 at (0, 4), 9 at (4, 0), 8 at (3, 5).
    assert_eq!(idx.to_vec(), vec![12, 4, 24, 23]);
}

#[test]
fn average_pooling_of_the_book_image() {
    let y = book_x().avg_pool2d((3, 3), (3, 3), (0, 0), true).unwrap();
    let want = [24. / 9., 44. / 9., 36. / 9., 52. / 9.];
    for (a, b) in y.to_vec().iter().zip(want) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }
}

#[test]
fn conv_backward_with_arange_operands_matches_the_book() {
    let x = arange(48, &[1, 3, 4, 4]);
    let k = arange(48, &[4, 3, 2, 2]);
    let dz = arange(36, &[1, 4, 3, 3]);
    let p = Conv2dParams::default();
    let dx = dz.conv2d_backward_input(&k, x.shape(), p).unwrap();
    assert_eq!(
        rows(&dx.narrow(1, 0, 1).unwrap()),
        vec![
            vec![1512., 3150., 3298., 1718.],
            vec![3348., 6968., 7280., 3788.],
            vec![3804., 7904., 8216., 4268.],
            vec![2100., 4358., 4522., 2346.],
        ]
    );
    let dk = x.conv2d_backward_weight(&dz, k.shape(), p).unwrap();
    let dk00 = dk.narrow(0, 0, 1).unwrap().narrow(1, 0, 1).unwrap();
    assert_eq!(rows(&dk00), vec![vec![258., 294.], vec![402., 438.]]);
    let db = dz.conv2d_backward_bias().unwrap();
    assert_eq!(db.to_vec(), vec![36., 117., 198., 279.]);
}

#[test]
fn f32_gives_the_same_book_values() {
    let x = book_x().cast::<f32>();
    let y = x
        .conv2d(&book_k().cast::<f32>(), None, Conv2dParams::default())
        .unwrap();
    assert_eq!(
        y.to_vec(),
        vec![-14., 20., 7., -7., -24., 10., 3., 5., -28., 3., 6., 8., -23., 9., 10., -2.]
    );
}
