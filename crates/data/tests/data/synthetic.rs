//! Synthetic generators: exact geometry without noise, and noise statistics with it.

use std::f64::consts::PI;

use scalpel_data::synthetic::{
    blobs, linear, moons, sine_regression, sine_wave, spiral, spiral_with_noise,
};
use scalpel_data::DataError;
use scalpel_tensor::Rng;

/// Mean and population standard deviation.
fn mean_std(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    (
        m,
        (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n).sqrt(),
    )
}

/// Asserts a sample of `n` values has mean ≈ `mean` (within 5 standard errors) and std within
/// 10% of `std`.
fn assert_normal(v: &[f64], mean: f64, std: f64) {
    let (m, s) = mean_std(v);
    let se = std / (v.len() as f64).sqrt();
    assert!(
        (m - mean).abs() < 5.0 * se,
        "mean {m}, expected {mean} ± {}",
        5.0 * se
    );
    assert!((s / std - 1.0).abs() < 0.1, "std {s}, expected {std}");
}

fn f64s(v: Vec<f32>) -> Vec<f64> {
    v.into_iter().map(f64::from).collect()
}

#[test]
fn linear_targets_are_the_plane_plus_noise_of_the_requested_spread() {
    let (w, b) = ([2.0f32, -3.4], 4.2f32);
    let (x, y) = linear(4000, &w, b, 0.5, &mut Rng::seed(1)).unwrap();
    assert_eq!((x.dims(), y.dims()), (&[4000, 2][..], &[4000, 1][..]));
    let (xs, ys) = (f64s(x.to_vec()), f64s(y.to_vec()));
    let residuals: Vec<f64> = (0..4000)
        .map(|i| ys[i] - (xs[2 * i] * 2.0 - xs[2 * i + 1] * 3.4 + 4.2))
        .collect();
    assert_normal(&residuals, 0.0, 0.5);
    // Features are standard normal.
    assert_normal(&xs, 0.0, 1.0);
    // Without noise the targets lie on the plane (to f32 rounding).
    let (x, y) = linear(100, &w, b, 0.0, &mut Rng::seed(2)).unwrap();
    let (xs, ys) = (x.to_vec(), y.to_vec());
    for i in 0..100 {
        let plane = f64::from(xs[2 * i]) * 2.0 - f64::from(xs[2 * i + 1]) * 3.4 + 4.2;
        assert!((f64::from(ys[i]) - plane).abs() < 1e-5);
    }
}

#[test]
fn blobs_center_each_class_on_its_point_with_the_requested_spread() {
    let centers = [[10.0f32, 12.0], [5.0, 6.0]];
    let (x, y) = blobs(2000, &centers, 2.0, &mut Rng::seed(3)).unwrap();
    assert_eq!(x.dims(), &[4000, 2]);
    let (xs, ys) = (f64s(x.to_vec()), y.to_vec());
    for (j, c) in centers.iter().enumerate() {
        for d in 0..2 {
            let coords: Vec<f64> = (0..4000)
                .filter(|&i| ys[i] == j as i64)
                .map(|i| xs[2 * i + d])
                .collect();
            assert_eq!(coords.len(), 2000);
            assert_normal(&coords, f64::from(c[d]), 2.0);
        }
    }
    assert!(matches!(
        blobs(3, &[vec![0.0f32], vec![0.0, 1.0]], 1.0, &mut Rng::seed(0)),
        Err(DataError::InvalidArgument { .. })
    ));
    assert!(blobs::<[f32; 2]>(3, &[], 1.0, &mut Rng::seed(0)).is_err());
}

#[test]
fn noiseless_moons_lie_on_their_unit_half_circles() {
    let (x, y) = moons(50, 0.0, &mut Rng::seed(4)).unwrap();
    assert_eq!((x.dims(), y.dims()), (&[100, 2][..], &[100][..]));
    let (xs, ys) = (f64s(x.to_vec()), y.to_vec());
    for i in 0..100 {
        let (px, py) = (xs[2 * i], xs[2 * i + 1]);
        let (cx, cy, upper) = if ys[i] == 0 {
            (0.0, 0.0, true)
        } else {
            (1.0, 0.5, false)
        };
        assert!(((px - cx).hypot(py - cy) - 1.0).abs() < 1e-6);
        assert!(if upper { py >= -1e-6 } else { py <= 0.5 + 1e-6 });
    }
    assert_eq!(ys[..50], [0; 50]);
    assert_eq!(ys[50..], [1; 50]);
    // With noise the offsets from the noiseless points have the requested spread.
    let (noisy, _) = moons(2000, 0.1, &mut Rng::seed(5)).unwrap();
    let (clean, _) = moons(2000, 0.0, &mut Rng::seed(5)).unwrap();
    let d: Vec<f64> = noisy
        .to_vec()
        .iter()
        .zip(clean.to_vec())
        .map(|(a, b)| f64::from(a - b))
        .collect();
    assert_normal(&d, 0.0, 0.1);
}

#[test]
fn spiral_radii_are_linspace_and_angles_follow_the_arms_with_book_noise() {
    let (n, k) = (1000, 3);
    let (x, y) = spiral(n, k, &mut Rng::seed(6)).unwrap();
    assert_eq!((x.dims(), y.dims()), (&[3000, 2][..], &[3000][..]));
    let (xs, ys) = (f64s(x.to_vec()), y.to_vec());
    let mut angle_noise = Vec::new();
    for j in 0..k {
        for i in 0..n {
            let row = j * n + i;
            assert_eq!(ys[row], j as i64);
            let (px, py) = (xs[2 * row], xs[2 * row + 1]);
            let r = i as f64 / (n - 1) as f64;
            // Noise moves points along the circle of radius r, never off it.
            assert!((px.hypot(py) - r).abs() < 1e-6, "row {row}");
            if i > 0 {
                let t = 4.0 * j as f64 + 4.0 * r;
                // x = r·sin t, y = r·cos t, so t = atan2(x, y) up to whole turns.
                let d = px.atan2(py) - t;
                angle_noise.push(d - (2.0 * PI) * (d / (2.0 * PI)).round());
            }
        }
    }
    assert_normal(&angle_noise, 0.0, 0.2);
    // Without noise the angles are exactly linspace(4j, 4(j+1), N).
    let (x0, _) = spiral_with_noise(5, 2, 0.0, &mut Rng::seed(0)).unwrap();
    let p = f64s(x0.to_vec());
    let (r, t) = (0.75, 4.0 + 3.0);
    assert!((p[2 * 8] - r * f64::sin(t)).abs() < 1e-6);
    assert!((p[2 * 8 + 1] - r * f64::cos(t)).abs() < 1e-6);
}

#[test]
fn sine_wave_follows_its_formula_and_noise_has_the_requested_spread() {
    let clean = sine_wave(200, 25.0, 0.5, 0.0, &mut Rng::seed(7))
        .unwrap()
        .to_vec();
    for (t, v) in clean.iter().enumerate() {
        let expect = (2.0 * PI * t as f64 / 25.0 + 0.5).sin();
        assert!((f64::from(*v) - expect).abs() < 1e-6);
    }
    let noisy = sine_wave(5000, 25.0, 0.5, 0.3, &mut Rng::seed(8))
        .unwrap()
        .to_vec();
    let resid: Vec<f64> = noisy
        .iter()
        .enumerate()
        .map(|(t, v)| f64::from(*v) - (2.0 * PI * t as f64 / 25.0 + 0.5).sin())
        .collect();
    assert_normal(&resid, 0.0, 0.3);
    assert!(sine_wave(10, 0.0, 0.0, 0.1, &mut Rng::seed(0)).is_err());
    assert!(sine_wave(10, 5.0, 0.0, -1.0, &mut Rng::seed(0)).is_err());
}

#[test]
fn sine_regression_samples_the_unit_interval_around_sin_2_pi_x() {
    let (x, y) = sine_regression(5000, 0.25, &mut Rng::seed(9)).unwrap();
    let (xs, ys) = (f64s(x.to_vec()), f64s(y.to_vec()));
    assert!(xs.iter().all(|v| (0.0..1.0).contains(v)));
    // Uniform on [0, 1): mean 1/2, std 1/√12.
    assert_normal(&xs, 0.5, (1.0f64 / 12.0).sqrt());
    let resid: Vec<f64> = xs
        .iter()
        .zip(&ys)
        .map(|(x, y)| y - (2.0 * PI * x).sin())
        .collect();
    assert_normal(&resid, 0.0, 0.25);
}

#[test]
fn generators_repeat_with_a_seed_and_differ_across_seeds() {
    let a = spiral(50, 3, &mut Rng::seed(10)).unwrap();
    let b = spiral(50, 3, &mut Rng::seed(10)).unwrap();
    let c = spiral(50, 3, &mut Rng::seed(11)).unwrap();
    assert_eq!(a.0, b.0);
    assert_ne!(a.0, c.0);
    let l1 = linear(10, &[1.0], 0.0, 0.1, &mut Rng::seed(1)).unwrap();
    let l2 = linear(10, &[1.0], 0.0, 0.1, &mut Rng::seed(1)).unwrap();
    assert_eq!(l1.1, l2.1);
    assert!(matches!(
        moons(3, f32::NAN, &mut Rng::seed(0)),
        Err(DataError::InvalidArgument { .. })
    ));
}
