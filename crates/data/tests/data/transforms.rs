//! Transforms against hand-computed values.

use scalpel_data::transforms::{
    one_hot, split_indices, standardize, to_unit_interval, MinMaxScaler, Standardizer,
};
use scalpel_data::{DataError, Dataset, TensorDataset};
use scalpel_tensor::Tensor;

#[test]
fn split_is_a_seeded_partition_with_the_rounded_validation_size() {
    let (train, val) = split_indices(10, 0.25, 3).unwrap();
    // round(2.5) = 3 validation samples.
    assert_eq!((train.len(), val.len()), (7, 3));
    let mut all: Vec<usize> = train.iter().chain(&val).copied().collect();
    all.sort_unstable();
    assert_eq!(all, (0..10).collect::<Vec<_>>());
    assert_eq!(
        split_indices(10, 0.25, 3).unwrap(),
        (train.clone(), val.clone())
    );
    assert_ne!(split_indices(10, 0.25, 4).unwrap().1, val);
    assert_eq!(split_indices(4, 0.0, 1).unwrap().1, Vec::<usize>::new());
    assert_eq!(split_indices(4, 1.0, 1).unwrap().0, Vec::<usize>::new());
    for bad in [-0.1, 1.5, f64::NAN] {
        assert!(matches!(
            split_indices(4, bad, 1),
            Err(DataError::InvalidArgument { .. })
        ));
    }
}

#[test]
fn dataset_split_keeps_rows_and_targets_together() {
    let x = Tensor::from_fn([20, 3], |k| (k / 3) as f32);
    let y = Tensor::from_fn([20], |i| i as i64);
    let (train, val) = TensorDataset::new(x, y)
        .unwrap()
        .train_val_split(0.3, 9)
        .unwrap();
    assert_eq!((train.len(), val.len()), (14, 6));
    for ds in [&train, &val] {
        for i in 0..ds.len() {
            let (xi, yi) = ds.get(i).unwrap();
            assert_eq!(xi.to_vec(), vec![yi.item().unwrap() as f32; 3]);
        }
    }
}

#[test]
fn standardizer_fits_population_statistics_and_applies_them_to_new_data() {
    // Column 0: 1, 2, 3, 4 → mean 2.5, population std √1.25. Column 1: constant 7.
    let train = Tensor::from_vec(vec![1.0f64, 7.0, 2.0, 7.0, 3.0, 7.0, 4.0, 7.0], [4, 2]).unwrap();
    let (z, s) = standardize(&train).unwrap();
    assert_eq!(s.mean().to_vec(), vec![2.5, 7.0]);
    let sd = 1.25f64.sqrt();
    assert!((s.std().to_vec()[0] - sd).abs() < 1e-15);
    // A constant feature keeps std 1 and maps to 0.
    assert_eq!(s.std().to_vec()[1], 1.0);
    let col0: Vec<f64> = z.to_vec().iter().step_by(2).copied().collect();
    let expect = [-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd];
    for (a, b) in col0.iter().zip(expect) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }
    assert!(z.to_vec().iter().skip(1).step_by(2).all(|&v| v == 0.0));
    // Test data uses the training statistics, not its own.
    let test = Tensor::from_vec(vec![5.0f64, 8.0], [1, 2]).unwrap();
    let zt = s.transform(&test).unwrap().to_vec();
    assert!((zt[0] - 2.5 / sd).abs() < 1e-12);
    assert_eq!(zt[1], 1.0);
    let back = s.inverse_transform(&z).unwrap().to_vec();
    for (a, b) in back.iter().zip(train.to_vec()) {
        assert!((a - b).abs() < 1e-12);
    }
}

#[test]
fn a_constant_feature_maps_to_zero_even_where_its_computed_mean_is_rounded() {
    // The f64 mean of seven 3.3s is 3.3000000000000003 and their computed std 4.4e-16: without
    // the constant-feature rule they standardise to -1, and 3.4 to about 2.3e14.
    let train = Tensor::from_vec(vec![3.3f64; 7], [7, 1]).unwrap();
    let s = Standardizer::fit(&train).unwrap();
    assert_eq!(s.mean().to_vec(), vec![3.3]);
    assert_eq!(s.std().to_vec(), vec![1.0]);
    assert!(s
        .transform(&train)
        .unwrap()
        .to_vec()
        .iter()
        .all(|&v| v == 0.0));
    let test = Tensor::from_vec(vec![3.4f64], [1, 1]).unwrap();
    assert!((s.transform(&test).unwrap().to_vec()[0] - 0.1).abs() < 1e-12);
    // f32 columns whose computed spread is 3e-8 instead of 0.
    for v in [0.407f32, 0.481] {
        let train = Tensor::from_vec(vec![v; 3], [3, 1]).unwrap();
        let z = standardize(&train).unwrap().0;
        assert!(
            z.to_vec().iter().all(|&x| x == 0.0),
            "{v}: {:?}",
            z.to_vec()
        );
    }
}

#[test]
fn standardizer_rejects_empty_input_and_mismatched_features() {
    assert!(Standardizer::fit(&Tensor::<f32>::zeros([0, 3])).is_err());
    assert!(Standardizer::fit(&Tensor::<f32>::scalar(1.0)).is_err());
    let s = Standardizer::fit(&Tensor::<f32>::ones([2, 3])).unwrap();
    assert!(matches!(
        s.transform(&Tensor::<f32>::ones([2, 4])),
        Err(DataError::Tensor(_))
    ));
}

#[test]
fn min_max_maps_the_training_range_onto_the_unit_interval() {
    let x = Tensor::from_vec(vec![-2.0f32, 10.0, 0.0, 10.0, 6.0, 10.0], [3, 2]).unwrap();
    let m = MinMaxScaler::fit(&x).unwrap();
    assert_eq!(m.min().to_vec(), vec![-2.0, 10.0]);
    assert_eq!(m.max().to_vec(), vec![6.0, 10.0]);
    let y = m.transform(&x).unwrap();
    assert_eq!(y.to_vec(), vec![0.0, 0.0, 0.25, 0.0, 1.0, 0.0]);
    let outside = Tensor::from_vec(vec![10.0f32, 11.0], [1, 2]).unwrap();
    assert_eq!(m.transform(&outside).unwrap().to_vec(), vec![1.5, 1.0]);
    assert_eq!(m.inverse_transform(&y).unwrap(), x);
}

#[test]
fn one_hot_sets_one_entry_per_label_and_rejects_out_of_range() {
    let h = one_hot::<f32>(&Tensor::from_vec1(vec![2, 0, 1]), 3).unwrap();
    assert_eq!(h.dims(), &[3, 3]);
    assert_eq!(
        h.to_vec(),
        vec![0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    );
    assert!(matches!(
        one_hot::<f32>(&Tensor::from_vec1(vec![3]), 3),
        Err(DataError::Tensor(_))
    ));
    assert!(one_hot::<f32>(&Tensor::from_vec1(vec![-1]), 3).is_err());
}

#[test]
fn pixels_scale_to_the_unit_interval() {
    let p = Tensor::from_vec1(vec![0u8, 51, 255]);
    assert_eq!(to_unit_interval(&p).to_vec(), vec![0.0, 0.2, 1.0]);
}
