//! Building the transforms for the best instruction set the CPU has, and prefetching.
//!
//! The transforms are plain loops over contiguous memory, written once, generic over the
//! element type. [`multiversion!`] compiles each of them three times — for AVX-512, for AVX2
//! and for the baseline the crate is built for — and picks one at run time, so that the
//! vectoriser can use the wide registers without the crate being built for one CPU.

/// Runs the function compiled with AVX-512F or AVX2 when the CPU has them, else as compiled.
macro_rules! with_best_simd {
    ($avx512:ident, $avx2:ident, $portable:ident, ($($arg:ident),*)) => {{
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU supports AVX-512F, checked just above.
                return unsafe { $avx512($($arg),*) };
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2, checked just above.
                return unsafe { $avx2($($arg),*) };
            }
        }
        $portable($($arg),*)
    }};
}

/// Defines `pub(super) fn $name`, which runs `$portable` compiled for the best instruction set
/// the CPU has.
macro_rules! multiversion {
    ($(#[$doc:meta])* fn $name:ident => $portable:ident ($($arg:ident : $ty:ty),*)) => {
        $(#[$doc])*
        pub(super) fn $name<T: Float>($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx512f")]
            unsafe fn avx512<T: Float>($($arg: $ty),*) {
                $portable($($arg),*)
            }
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2")]
            unsafe fn avx2<T: Float>($($arg: $ty),*) {
                $portable($($arg),*)
            }
            with_best_simd!(avx512, avx2, $portable, ($($arg),*))
        }
    };
}

/// Asks the CPU to start loading the cache lines of `data`: a hint that hides the latency of
/// the next channel's rows (each channel plane starts a new page, which the hardware
/// prefetchers pick up too late). No effect on results; nothing off x86-64.
#[inline(always)]
pub(super) fn prefetch<T>(data: &[T]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let line = (64 / std::mem::size_of::<T>().max(1)).max(1);
        for p in data.iter().step_by(line) {
            // SAFETY: a prefetch is a hint that never faults, and `p` points into `data`.
            #[allow(unused_unsafe)]
            unsafe {
                _mm_prefetch::<_MM_HINT_T0>((p as *const T).cast::<i8>())
            };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = data;
}
