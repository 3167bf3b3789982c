//! `parallel::region`: results, nesting, and spinners that start with a kernel and stop after
//! the pool goes idle. One test in its own process, since the spinner count is global.

use std::time::Duration;

use rayon::prelude::*;
use scalpel_tensor::parallel::{region, spinning_workers, SPIN_WINDOW};
use scalpel_tensor::Tensor;

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a pool")
}

/// Sleeps until no spinner runs, failing after a generous bound.
fn wait_for_no_spinner() {
    for _ in 0..200 {
        if spinning_workers() == 0 {
            return;
        }
        std::thread::sleep(SPIN_WINDOW);
    }
    panic!("{} spinner(s) still running", spinning_workers());
}

#[test]
fn spinners_start_with_a_kernel_and_stop_when_the_pool_is_idle() {
    // One thread: nobody to keep awake.
    let sum = pool(1).install(|| region(|| (0..100u64).into_par_iter().sum::<u64>()));
    assert_eq!(sum, 4950);
    assert_eq!(spinning_workers(), 0);

    let four = pool(4);
    let nested = four.install(|| {
        let sums = region(|| {
            (0..8u64)
                .into_par_iter()
                .map(|i| region(|| (0..=i).into_par_iter().sum::<u64>()))
                .collect::<Vec<_>>()
        });
        // Right after the kernel, the three other workers spin (or have just been asked to).
        assert_eq!(spinning_workers(), 3);
        sums
    });
    assert_eq!(nested, [0, 1, 3, 6, 10, 15, 21, 28]);
    wait_for_no_spinner();

    // A tensor kernel large enough to split runs through a region as well, and the result
    // matches the serial one of a one-thread pool.
    let x = Tensor::from_fn([1 << 18], |i| (i % 97) as f32);
    let two = pool(2).install(|| x.map(|v| v * 2.0).add(&x).expect("same shapes"));
    std::thread::sleep(Duration::from_millis(1));
    let one = pool(1).install(|| x.map(|v| v * 2.0).add(&x).expect("same shapes"));
    assert_eq!(two.to_vec(), one.to_vec());
    wait_for_no_spinner();
}
