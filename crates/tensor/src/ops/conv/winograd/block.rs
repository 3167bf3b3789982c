//! Fixed-size blocks of [`LANES`] elements, the unit the transforms compute in: with the length
//! a constant, each element-wise operation on a block compiles to a few full-width vector
//! instructions, which the compiler does not reliably manage for the short loops of run-time
//! length the transforms would otherwise have.

/// Elements per block: one AVX-512 register of f32, two of f64.
pub(super) const LANES: usize = 16;

/// A block of consecutive elements.
pub(super) type Block<T> = [T; LANES];

/// The block `src[at..at + LANES]`, zero past the end of `src`.
#[inline(always)]
pub(super) fn load<T: Copy>(src: &[T], at: usize, zero: T) -> Block<T> {
    match src.get(at..at + LANES) {
        Some(s) => *<&Block<T>>::try_from(s).expect("LANES elements"),
        None => {
            let mut b = [zero; LANES];
            for (d, &s) in b.iter_mut().zip(src.get(at..).unwrap_or(&[])) {
                *d = s;
            }
            b
        }
    }
}

/// Writes `b` to `dst[at..]`, as much of it as fits.
#[inline(always)]
pub(super) fn store<T: Copy>(dst: &mut [T], at: usize, b: &Block<T>) {
    match dst.get_mut(at..at + LANES) {
        Some(d) => {
            let d: &mut Block<T> = d.try_into().expect("LANES elements");
            *d = *b;
        }
        None => {
            for (d, &s) in dst.get_mut(at..).unwrap_or(&mut []).iter_mut().zip(b) {
                *d = s;
            }
        }
    }
}

/// Writes the pair block `b` to `dst[at..]`, as much of it as fits.
#[inline(always)]
pub(super) fn store2<T: Copy>(dst: &mut [T], at: usize, b: &[T; 2 * LANES]) {
    match dst.get_mut(at..at + 2 * LANES) {
        Some(d) => {
            let d: &mut [T; 2 * LANES] = d.try_into().expect("2·LANES elements");
            *d = *b;
        }
        None => {
            for (d, &s) in dst.get_mut(at..).unwrap_or(&mut []).iter_mut().zip(b) {
                *d = s;
            }
        }
    }
}

/// Asks the CPU to start loading the cache lines of `data` into its caches: a hint that hides
/// the latency of the next channel's rows (each channel plane is its own page, which the
/// hardware prefetchers learn too late). No effect on results; nothing off x86-64.
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

/// `f` applied lane by lane.
#[inline(always)]
pub(super) fn map2<T: Copy>(a: &Block<T>, b: &Block<T>, f: impl Fn(T, T) -> T) -> Block<T> {
    let mut r = *a;
    for l in 0..LANES {
        r[l] = f(a[l], b[l]);
    }
    r
}

/// `f` applied lane by lane.
#[inline(always)]
pub(super) fn map3<T: Copy>(
    a: &Block<T>,
    b: &Block<T>,
    c: &Block<T>,
    f: impl Fn(T, T, T) -> T,
) -> Block<T> {
    let mut r = *a;
    for l in 0..LANES {
        r[l] = f(a[l], b[l], c[l]);
    }
    r
}

/// `[a[0], b[0], a[1], b[1], …]`.
#[inline(always)]
pub(super) fn interleave<T: Copy>(a: &Block<T>, b: &Block<T>) -> [T; 2 * LANES] {
    let mut r = [a[0]; 2 * LANES];
    for l in 0..LANES {
        r[2 * l] = a[l];
        r[2 * l + 1] = b[l];
    }
    r
}

/// The even and odd elements of `src[at..at + 2·LANES]` (zero past the end of `src`).
#[inline(always)]
pub(super) fn deinterleave<T: Copy>(src: &[T], at: usize, zero: T) -> (Block<T>, Block<T>) {
    let lo = load(src, at, zero);
    let hi = load(src, at + LANES, zero);
    let (mut even, mut odd) = ([zero; LANES], [zero; LANES]);
    for l in 0..LANES / 2 {
        even[l] = lo[2 * l];
        odd[l] = lo[2 * l + 1];
        even[LANES / 2 + l] = hi[2 * l];
        odd[LANES / 2 + l] = hi[2 * l + 1];
    }
    (even, odd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_read_and_write_within_their_slices() {
        let src: Vec<f64> = (0..40).map(f64::from).collect();
        let b = load(&src, 30, 0.0);
        assert_eq!(&b[..10], &src[30..40]);
        assert!(b[10..].iter().all(|&v| v == 0.0));
        let (e, o) = deinterleave(&src, 4, -1.0);
        assert_eq!(
            e.to_vec(),
            (0..16).map(|i| (4 + 2 * i) as f64).collect::<Vec<_>>()
        );
        assert_eq!(
            o.to_vec(),
            (0..16).map(|i| (5 + 2 * i) as f64).collect::<Vec<_>>()
        );
        let (e, _) = deinterleave(&src, 20, -1.0);
        assert_eq!(e[9], 38.0);
        assert_eq!(e[10], -1.0);
        let mut dst = vec![0.0; 20];
        store(&mut dst, 10, &b);
        assert_eq!(&dst[10..], &src[30..40]);
        store2(&mut dst, 3, &interleave(&b, &b));
        assert_eq!((dst[3], dst[4], dst[5], dst[19]), (30.0, 30.0, 31.0, 38.0));
        let i = interleave(&e, &map2(&e, &e, |x, y| x + y));
        assert_eq!((i[0], i[1], i[2]), (20.0, 40.0, 22.0));
        assert_eq!(map3(&e, &e, &e, |x, y, z| x - y - z)[0], -20.0);
    }
}
