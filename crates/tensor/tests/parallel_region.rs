//! `parallel::region`: results, nesting, and spinners that start with a kernel and stop after
//! the pool goes idle. One test in its own process, since the spinner count is global.

use std::time::{Duration, Instant};

use rayon::prelude::*;
use scalpel_tensor::parallel::{region, spinning_workers, SPIN_WINDOW};
use scalpel_tensor::Tensor;

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a pool")
}

/// Sleeps until no spinner runs, failing after a generous bound (spinners need CPU time to
/// see that the window has passed, and the test may share two cores with four workers).
fn wait_for_no_spinner() {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if spinning_workers() == 0 {
            return;
        }
        std::thread::sleep(SPIN_WINDOW);
    }
    panic!("{} spinner(s) still running", spinning_workers());
}

/// How many times the nested kernel may run before three spinners are seen at its end.
const ATTEMPTS: usize = 50;

#[test]
fn spinners_start_with_a_kernel_and_stop_when_the_pool_is_idle() {
    // One thread: nobody to keep awake.
    let sum = pool(1).install(|| region(|| (0..100u64).into_par_iter().sum::<u64>()));
    assert_eq!(sum, 4950);
    assert_eq!(spinning_workers(), 0);

    // Right after a kernel on four workers, the three others spin. That is a matter of timing:
    // a spinner stops once it has seen no kernel for the window, and on a loaded machine with
    // fewer cores than workers the thread running the kernel can be descheduled for longer
    // than that. So the kernel runs until at least three are seen at its end (each attempt
    // starts from an idle pool, so that the region arms the spinners afresh). The count never
    // exceeds the pool: a region arms more only when no spinner but perhaps its own caller
    // runs, and then one per other worker (a caller that is itself a spinner may so bring the
    // count to four).
    let four = pool(4);
    let mut seen = Vec::new();
    for _ in 0..ATTEMPTS {
        let (nested, spinning) = four.install(|| {
            let sums = region(|| {
                (0..8u64)
                    .into_par_iter()
                    .map(|i| region(|| (0..=i).into_par_iter().sum::<u64>()))
                    .collect::<Vec<_>>()
            });
            (sums, spinning_workers())
        });
        assert_eq!(nested, [0, 1, 3, 6, 10, 15, 21, 28]);
        seen.push(spinning);
        wait_for_no_spinner();
        if spinning >= 3 {
            break;
        }
    }
    assert!(
        seen.iter().all(|&n| n <= four.current_num_threads()),
        "more spinners than workers: {seen:?}"
    );
    assert!(
        seen.last().is_some_and(|&n| n >= 3),
        "spinner counts after each kernel: {seen:?}"
    );

    // A tensor kernel large enough to split runs through a region as well, and the result
    // matches the serial one of a one-thread pool.
    let x = Tensor::from_fn([1 << 18], |i| (i % 97) as f32);
    let two = pool(2).install(|| x.map(|v| v * 2.0).add(&x).expect("same shapes"));
    std::thread::sleep(Duration::from_millis(1));
    let one = pool(1).install(|| x.map(|v| v * 2.0).add(&x).expect("same shapes"));
    assert_eq!(two.to_vec(), one.to_vec());
    wait_for_no_spinner();
}
