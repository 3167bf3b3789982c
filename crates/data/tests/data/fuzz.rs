//! Fuzz-style robustness: thousands of random and mutated byte strings (truncations, bit
//! flips, inserted and deleted bytes, rewritten header fields) fed to the IDX, MNIST, gzip and
//! CSV readers. None may panic; every result is either a typed error or a well-formed value.

use crate::common;

use common::{gzip, idx_bytes, images_file, labels_file};
use scalpel_data::formats::csv::{parse_csv, parse_labeled_csv, CsvOptions, Header};
use scalpel_data::formats::{gzip as gz, idx, mnist};
use scalpel_tensor::Rng;

/// A uniform integer in `0..n` (`n > 0`).
fn below(rng: &mut Rng, n: usize) -> usize {
    (rng.next_f64() * n as f64) as usize % n
}

/// One random mutation of `seed`.
fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut b = seed.to_vec();
    let rounds = 1 + below(rng, 3);
    for _ in 0..rounds {
        match below(rng, 7) {
            // Truncate.
            0 => b.truncate(below(rng, b.len() + 1)),
            // Flip one bit.
            1 if !b.is_empty() => {
                let i = below(rng, b.len());
                b[i] ^= 1 << below(rng, 8);
            }
            // Insert random bytes.
            2 => {
                let at = below(rng, b.len() + 1);
                let n = 1 + below(rng, 8);
                let extra: Vec<u8> = (0..n).map(|_| below(rng, 256) as u8).collect();
                b.splice(at..at, extra);
            }
            // Delete a range.
            3 if !b.is_empty() => {
                let at = below(rng, b.len());
                let end = (at + 1 + below(rng, 16)).min(b.len());
                b.drain(at..end);
            }
            // Overwrite a header byte (magic, rank or a dimension) with anything.
            4 if !b.is_empty() => {
                let i = below(rng, b.len().min(16));
                b[i] = below(rng, 256) as u8;
            }
            // Append garbage.
            5 => b.extend((0..below(rng, 32)).map(|_| below(rng, 256) as u8)),
            // Overwrite a byte anywhere with a delimiter-ish or digit character.
            _ if !b.is_empty() => {
                let i = below(rng, b.len());
                let chars = b",\n\r.-e0179 \xff";
                b[i] = chars[below(rng, chars.len())];
            }
            _ => {}
        }
    }
    b
}

/// Feeds `bytes` to every binary reader; results must be consistent when Ok.
fn feed_binary(bytes: &[u8]) -> usize {
    let mut ok = 0;
    if let Ok(t) = idx::parse(bytes, "fuzz") {
        let h = idx::IdxHeader::parse(bytes, "fuzz").unwrap();
        assert_eq!(t.dims(), h.dims.as_slice());
        ok += 1;
    }
    if let Ok(t) = mnist::parse_images(bytes, "fuzz") {
        assert_eq!(&t.dims()[1..], &[28, 28]);
        ok += 1;
    }
    if let Ok(t) = mnist::parse_labels(bytes, "fuzz", 10) {
        assert!(t.to_vec().iter().all(|&l| (0..10).contains(&l)));
        ok += 1;
    }
    if let Ok(raw) = gz::maybe_gunzip(bytes, "fuzz") {
        let _ = idx::parse(&raw, "fuzz");
    }
    ok
}

#[test]
fn idx_readers_never_panic_on_mutated_or_random_bytes() {
    let mut rng = Rng::seed(2024);
    let seeds = [
        images_file(2),
        labels_file(&[0, 9, 3, 3, 7]),
        idx_bytes(0x08, &[2, 3], &[1, 2, 3, 4, 5, 6]),
        gzip(&labels_file(&[1, 2, 3])),
        gzip(&images_file(1)),
    ];
    let mut ok = 0;
    for i in 0..4000 {
        let bytes = if i % 8 == 0 {
            let n = below(&mut rng, 40);
            (0..n).map(|_| below(&mut rng, 256) as u8).collect()
        } else {
            mutate(&mut rng, &seeds[i % seeds.len()])
        };
        ok += feed_binary(&bytes);
        let _ = mnist::from_bytes(&bytes, &seeds[1], 10);
        let _ = mnist::from_bytes(&seeds[4], &bytes, 10);
    }
    // Some mutations (e.g. a flipped pixel bit) leave valid files: both outcomes were exercised.
    assert!(ok > 100, "only {ok} mutated inputs parsed");
}

#[test]
fn csv_readers_never_panic_on_mutated_or_random_bytes() {
    let mut rng = Rng::seed(7);
    let seeds: [&[u8]; 4] = [
        b"x,y\n1.5,2\n-3,4e-2\n5,6\n",
        b"6.1101,17.592\n5.5277,9.1302\n8.5186,13.662\n",
        b"5.1,3.5,1.4,0.2,Iris-setosa\n7.0,3.2,4.7,1.4,Iris-versicolor\n",
        b"a;b;c\r\n1;2;3\r\n\r\n4;5;6\r\n",
    ];
    let classes = ["Iris-setosa", "Iris-versicolor", "Iris-virginica"];
    let mut ok = 0;
    for i in 0..4000 {
        let bytes = if i % 8 == 0 {
            let n = below(&mut rng, 40);
            let chars = b"0123456789.,-e\n \xc3x";
            (0..n)
                .map(|_| chars[below(&mut rng, chars.len())])
                .collect()
        } else {
            mutate(&mut rng, seeds[i % seeds.len()])
        };
        for header in [Header::Auto, Header::Present, Header::Absent] {
            for delimiter in [',', ';'] {
                let opts = CsvOptions { header, delimiter };
                if let Ok(t) = parse_csv::<f32>(&bytes, "fuzz", opts) {
                    assert_eq!(t.values.rank(), 2);
                    assert!(t.values.dims()[0] > 0);
                    ok += 1;
                }
                if let Ok(t) = parse_labeled_csv::<f64>(&bytes, "fuzz", opts, None) {
                    assert_eq!(t.labels.numel(), t.features.dims()[0]);
                    ok += 1;
                }
                let _ = parse_labeled_csv::<f32>(&bytes, "fuzz", opts, Some(&classes));
            }
        }
    }
    assert!(ok > 100, "only {ok} mutated inputs parsed");
}
