//! Keeping the rayon pool awake between the parallel kernels of a training step.
//!
//! A rayon worker with nothing to do yields a few dozen times and then sleeps on a futex; waking
//! it costs 20–50 µs on a virtual machine. A training step of a small model runs many kernels of
//! 50–500 µs with serial work between them, so with plain rayon most parallel kernels would start
//! by waiting for a worker to wake — measured on 2 cores, the MLP of benchmark W2 ran slower on
//! two threads than on one.
//!
//! [`region`] wraps every parallel kernel of the crate. It records when the pool was last used
//! and, when no worker is spinning yet, hands each other worker a spinner job: a loop that takes
//! any pending rayon work as soon as it is queued and otherwise spins, until the pool has been
//! idle for [`SPIN_WINDOW`]. OpenMP runtimes, which PyTorch's CPU kernels use, do the same (a spin
//! phase before sleeping). The price is a busy core for at most that window after the last
//! kernel.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long workers keep spinning after the last parallel kernel ended, before they may sleep.
pub const SPIN_WINDOW: Duration = Duration::from_micros(500);

/// Pause instructions between two looks for work (about a microsecond in all).
const PAUSES_PER_LOOK: u32 = 16;

/// Looks for work between two readings of the clock.
const LOOKS_PER_CLOCK: u32 = 8;

/// A spinner that has run no job for this long stops even while kernels keep marking the pool
/// as used: those kernels run in another pool.
const STALE_NS: u64 = 20_000_000;

/// Workers now running a spinner job.
static SPINNERS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Whether a spinner runs on this thread (perhaps with a job it picked up on top of it).
    static IN_SPINNER: Cell<bool> = const { Cell::new(false) };
}

/// Nanoseconds since [`epoch`] at which a parallel kernel last started or ended.
static LAST_USE: AtomicU64 = AtomicU64::new(0);

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn now_ns() -> u64 {
    epoch().elapsed().as_nanos() as u64
}

/// Runs the parallel kernel `work` (code that hands work to rayon), keeping the other workers of
/// the current pool spinning while it runs and for [`SPIN_WINDOW`] after.
///
/// Every parallel kernel of scalpel runs through it, those of scalpel-nn and scalpel-optim
/// included; a kernel of your own that uses rayon between scalpel's kernels should too. Serial
/// code gains nothing from it.
///
/// ```
/// use rayon::prelude::*;
/// let squares: Vec<u64> =
///     scalpel_tensor::parallel::region(|| (0..1000u64).into_par_iter().map(|i| i * i).collect());
/// assert_eq!(squares[999], 998_001);
/// ```
pub fn region<R>(work: impl FnOnce() -> R) -> R {
    LAST_USE.store(now_ns(), Ordering::Relaxed);
    // One spinner per worker other than the caller, delivered to each worker by broadcast (a job
    // merely spawned could be popped by the caller itself, which would then spin instead of
    // working).
    //
    // A spinner that picked up the very job now calling (a whole `install`ed closure, say) is
    // counted but busy: it must not stop the others from being woken.
    let caller = rayon::current_thread_index();
    let others = rayon::current_num_threads() - usize::from(caller.is_some());
    let busy_here = usize::from(IN_SPINNER.with(Cell::get));
    let mut running = SPINNERS.load(Ordering::Relaxed);
    while others > 0 && running <= busy_here {
        match SPINNERS.compare_exchange_weak(
            running,
            running + others,
            Ordering::Relaxed,
            Ordering::Relaxed,
        ) {
            Ok(_) => {
                rayon::spawn_broadcast(move |context| {
                    if Some(context.index()) == caller {
                        return;
                    }
                    if IN_SPINNER.with(Cell::get) {
                        // Already spinning further down this worker's stack.
                        SPINNERS.fetch_sub(1, Ordering::Relaxed);
                        return;
                    }
                    spin();
                });
                break;
            }
            Err(now) => running = now,
        }
    }
    let result = work();
    LAST_USE.store(now_ns(), Ordering::Relaxed);
    result
}

/// Workers now running a spinner (in any pool).
pub fn spinning_workers() -> usize {
    SPINNERS.load(Ordering::Relaxed)
}

/// A spinner job: runs pending pool work as it appears, until neither this worker nor any
/// parallel kernel has been busy for the window. (Its own work counts as well as the kernels'
/// marks so that a spinner left in a pool nobody uses any more stops, even while kernels run
/// in another pool.)
fn spin() {
    IN_SPINNER.with(|s| s.set(true));
    let window = SPIN_WINDOW.as_nanos() as u64;
    let mut last_job = now_ns();
    for round in 0u32.. {
        if let Some(rayon::Yield::Executed) = rayon::yield_now() {
            last_job = now_ns();
            continue;
        }
        // A pause between looks for work leaves the core's shared resources (and the deques'
        // cache lines) to the thread doing the serial work.
        for _ in 0..PAUSES_PER_LOOK {
            std::hint::spin_loop();
        }
        if round % LOOKS_PER_CLOCK == 0 {
            let now = now_ns();
            let last = last_job.max(LAST_USE.load(Ordering::Relaxed));
            if now.saturating_sub(last) > window || now.saturating_sub(last_job) > STALE_NS {
                break;
            }
        }
    }
    IN_SPINNER.with(|s| s.set(false));
    SPINNERS.fetch_sub(1, Ordering::Relaxed);
}
