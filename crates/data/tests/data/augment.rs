//! Image augmentations on (N, C, H, W) batches: random crop with padding, horizontal flip,
//! per-channel normalisation.

use scalpel_data::transforms::{Normalize, RandomCrop, RandomHorizontalFlip};
use scalpel_data::DataError;
use scalpel_tensor::{Rng, Tensor};

/// A batch whose every value is distinct and non-zero: value = 1 + flat index.
fn numbered(dims: [usize; 4]) -> Tensor<f32> {
    Tensor::from_fn(dims, |i| (i + 1) as f32)
}

/// Image `i`, channel `k` of `x` as rows.
fn plane(x: &Tensor<f32>, i: usize, k: usize) -> Vec<Vec<f32>> {
    let [_, c, h, w] = [x.dims()[0], x.dims()[1], x.dims()[2], x.dims()[3]];
    let v = x.to_vec();
    (0..h)
        .map(|r| v[((i * c + k) * h + r) * w..][..w].to_vec())
        .collect()
}

/// The `ch × cw` window at `(top, left)` of `img` padded with `p` zeros.
fn padded_window(
    img: &[Vec<f32>],
    p: usize,
    top: usize,
    left: usize,
    ch: usize,
    cw: usize,
) -> Vec<Vec<f32>> {
    let (h, w) = (img.len(), img[0].len());
    (0..ch)
        .map(|r| {
            (0..cw)
                .map(|c| {
                    let (y, x) = (top + r, left + c);
                    if y < p || x < p || y - p >= h || x - p >= w {
                        0.0
                    } else {
                        img[y - p][x - p]
                    }
                })
                .collect()
        })
        .collect()
}

#[test]
fn random_crop_cuts_a_window_of_the_zero_padded_image_shared_by_its_channels() {
    let (p, ch, cw) = (2, 5, 4);
    let x = numbered([40, 3, 6, 5]);
    let y = RandomCrop::new((ch, cw), p)
        .apply(&x, &mut Rng::seed(1))
        .unwrap();
    assert_eq!(y.dims(), [40, 3, ch, cw]);
    let mut offsets = std::collections::BTreeSet::new();
    for i in 0..40 {
        // Find the offset by brute force on channel 0; every channel must use the same one.
        let found: Vec<(usize, usize)> = (0..=6 + 2 * p - ch)
            .flat_map(|t| (0..=5 + 2 * p - cw).map(move |l| (t, l)))
            .filter(|&(t, l)| padded_window(&plane(&x, i, 0), p, t, l, ch, cw) == plane(&y, i, 0))
            .collect();
        assert_eq!(found.len(), 1, "image {i}: windows {found:?}");
        let (t, l) = found[0];
        for k in 1..3 {
            assert_eq!(
                padded_window(&plane(&x, i, k), p, t, l, ch, cw),
                plane(&y, i, k)
            );
        }
        offsets.insert((t, l));
    }
    // 6 × 6 possible offsets; 40 draws reach many of them, corners included somewhere.
    assert!(offsets.len() > 15, "{offsets:?}");
}

#[test]
fn random_crop_reaches_every_offset_uniformly() {
    // A 1×1 image padded by 1 and cropped to 1×1: the output is the pixel exactly when the
    // window sits on it, one offset in nine.
    let x = Tensor::<f32>::ones([9000, 1, 1, 1]);
    let y = RandomCrop::new((1, 1), 1)
        .apply(&x, &mut Rng::seed(2))
        .unwrap();
    let hits = y.to_vec().iter().filter(|&&v| v == 1.0).count();
    assert!((hits as f64 - 1000.0).abs() < 120.0, "{hits} of 9000");
}

#[test]
fn random_crop_without_padding_to_the_full_size_is_the_identity() {
    let x = numbered([3, 2, 4, 5]);
    let y = RandomCrop::new((4, 5), 0)
        .apply(&x, &mut Rng::seed(3))
        .unwrap();
    assert_eq!(y, x);
}

#[test]
fn random_crop_is_seeded() {
    let x = numbered([8, 1, 8, 8]);
    let crop = RandomCrop::new((8, 8), 3);
    let a = crop.apply(&x, &mut Rng::seed(4)).unwrap();
    assert_eq!(a, crop.apply(&x, &mut Rng::seed(4)).unwrap());
    assert_ne!(a, crop.apply(&x, &mut Rng::seed(5)).unwrap());
}

#[test]
fn random_crop_rejects_a_crop_larger_than_the_padded_image_and_non_batches() {
    let crop = RandomCrop::new((10, 3), 1);
    let err = crop
        .apply(&numbered([1, 1, 7, 7]), &mut Rng::seed(0))
        .unwrap_err();
    assert!(matches!(err, DataError::InvalidArgument { .. }));
    assert!(err.to_string().contains("does not fit"), "{err}");
    let flat = Tensor::<f32>::zeros([4, 784]);
    let err = crop.apply(&flat, &mut Rng::seed(0)).unwrap_err();
    assert!(err.to_string().contains("(N, C, H, W)"), "{err}");
}

#[test]
fn horizontal_flip_mirrors_every_row_of_a_flipped_image_and_leaves_the_others() {
    let x = numbered([200, 2, 3, 4]);
    let y = RandomHorizontalFlip::default()
        .apply(&x, &mut Rng::seed(6))
        .unwrap();
    let mut flipped = 0;
    for i in 0..200 {
        let mirrored: Vec<Vec<Vec<f32>>> = (0..2)
            .map(|k| {
                plane(&x, i, k)
                    .into_iter()
                    .map(|mut r| {
                        r.reverse();
                        r
                    })
                    .collect()
            })
            .collect();
        let out: Vec<Vec<Vec<f32>>> = (0..2).map(|k| plane(&y, i, k)).collect();
        let same: Vec<Vec<Vec<f32>>> = (0..2).map(|k| plane(&x, i, k)).collect();
        if out == mirrored {
            flipped += 1;
        } else {
            assert_eq!(out, same, "image {i} is neither itself nor its mirror");
        }
    }
    // Binomial(200, 0.5): standard deviation ≈ 7.
    assert!(
        (flipped as i64 - 100).abs() < 30,
        "{flipped} of 200 flipped"
    );
}

#[test]
fn horizontal_flip_with_probability_one_reverses_the_width_axis_and_zero_does_nothing() {
    let x = numbered([2, 3, 2, 5]);
    let always = RandomHorizontalFlip::new(1.0).unwrap();
    let y = always.apply(&x, &mut Rng::seed(0)).unwrap();
    assert_eq!(y, x.flip(&[3]).unwrap().contiguous());
    let never = RandomHorizontalFlip::new(0.0).unwrap();
    assert_eq!(never.apply(&x, &mut Rng::seed(0)).unwrap(), x);
    assert!(RandomHorizontalFlip::new(1.5).is_err());
}

#[test]
fn normalize_maps_each_channel_with_its_own_statistics() {
    // Channel 0: (x − 1)/2, channel 1: (x − 10)/5.
    let x = Tensor::from_vec(
        vec![1.0f32, 3.0, 10.0, 20.0, 5.0, -1.0, 0.0, 15.0],
        [2, 2, 1, 2],
    )
    .unwrap();
    let norm = Normalize::new(vec![1.0, 10.0], vec![2.0, 5.0]).unwrap();
    assert_eq!(
        norm.apply(&x).unwrap().to_vec(),
        vec![0.0, 1.0, 0.0, 2.0, 2.0, -1.0, -2.0, 1.0]
    );
}

#[test]
fn normalize_fitted_on_a_batch_gives_it_zero_mean_and_unit_variance_per_channel() {
    let x = Rng::seed(7).normal([16, 3, 5, 5], 4.0f64, 3.0).unwrap();
    let norm = Normalize::fit(&x).unwrap();
    let y = norm.apply(&x).unwrap();
    let mean = y.mean(&[0, 2, 3], false).unwrap().to_vec();
    let std = y.std(&[0, 2, 3], 0, false).unwrap().to_vec();
    for k in 0..3 {
        assert!(mean[k].abs() < 1e-12, "{mean:?}");
        assert!((std[k] - 1.0).abs() < 1e-12, "{std:?}");
    }
}

#[test]
fn normalize_rejects_mismatched_statistics_and_channels() {
    assert!(Normalize::new(vec![0.0f32, 1.0], vec![1.0]).is_err());
    assert!(Normalize::new(vec![0.0f32], vec![0.0]).is_err());
    let norm = Normalize::new(vec![0.5f32], vec![0.5]).unwrap();
    let err = norm.apply(&Tensor::zeros([1, 3, 2, 2])).unwrap_err();
    assert!(err.to_string().contains("3"), "{err}");
}

#[test]
fn normalize_maps_a_constant_channel_to_zero_and_accepts_empty_images() {
    // Channel 1 holds 3.3 everywhere: its computed f64 mean is 3.3000000000000003 and its
    // spread 4.4e-16, which would map it to -1.
    let x = Tensor::from_fn([7, 2, 1, 1], |i| if i % 2 == 1 { 3.3f64 } else { i as f64 });
    let norm = Normalize::fit(&x).unwrap();
    assert_eq!((norm.mean()[1], norm.std()[1]), (3.3, 1.0));
    let y = norm.apply(&x).unwrap().to_vec();
    assert!(y.iter().skip(1).step_by(2).all(|&v| v == 0.0), "{y:?}");
    // Images of zero height or width: an empty batch, not a panic.
    let empty = norm.apply(&Tensor::zeros([1, 2, 0, 4])).unwrap();
    assert_eq!(empty.dims(), &[1, 2, 0, 4]);
}

#[test]
fn map_inputs_converts_each_batch_and_keeps_the_targets() {
    use scalpel_data::transforms::{to_unit_interval, MapInputs};
    use scalpel_data::{DataLoader, Dataset, TensorDataset};
    let bytes = Tensor::from_fn([10, 1, 2, 2], |i| (i * 6) as u8);
    let labels = Tensor::from_fn([10], |i| i as i64);
    let floats = to_unit_interval(&bytes);
    let mapped = MapInputs::new(TensorDataset::new(bytes, labels.clone()).unwrap(), |x| {
        Ok(to_unit_interval(&x))
    });
    assert_eq!(mapped.len(), 10);
    let (x, y) = mapped.get(3).unwrap();
    assert_eq!(x.dims(), [1, 2, 2]);
    assert_eq!(x.to_vec(), floats.narrow(0, 3, 1).unwrap().to_vec());
    assert_eq!(y.to_vec(), vec![3]);
    let loader = DataLoader::new(mapped, 4).unwrap().shuffle(1);
    let mut seen = Vec::new();
    for batch in loader.epoch(0) {
        let (x, y) = batch.unwrap();
        for (k, &label) in y.to_vec().iter().enumerate() {
            let row = x.narrow(0, k, 1).unwrap().to_vec();
            assert_eq!(row, floats.narrow(0, label as usize, 1).unwrap().to_vec());
            seen.push(label);
        }
    }
    seen.sort_unstable();
    assert_eq!(seen, labels.to_vec());
}
