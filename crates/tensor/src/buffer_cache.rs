//! A cache of large tensor buffers, so that a training loop reuses its memory instead of handing
//! it back to the operating system and faulting it in again on every step.
//!
//! A training step frees and allocates the same buffers, of the same sizes, every step. glibc's
//! allocator serves large blocks with `mmap` and returns them on `free`, and it trims the top of
//! its heaps when much is free; either way the next step touches fresh pages, and each first
//! touch is a page fault (with a TLB flush on every core for the pages the kernel zero-filled
//! lazily). Measured on 2 cores, a LeNet-5 step ran at 27,000 samples/s or at 15,000 depending on
//! which state the allocator happened to be in, with ten times as many page faults in the slow
//! state.
//!
//! A tensor's storage gives its buffer to the cache when the last tensor using it is dropped,
//! and the kernels that make large outputs take them from here. Buffers are matched by their
//! exact size in bytes and their alignment, so an f32 buffer of a shape comes back for the next
//! tensor of that shape (or for any element type of the same size and alignment). Only buffers of at least
//! [`MIN_BYTES`] are kept — smaller ones glibc serves from its bins without faults — and at most
//! [`limit`] bytes in all; [`clear`] gives everything back.

use std::collections::HashMap;
use std::mem::{align_of, size_of, ManuallyDrop};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

/// Buffers smaller than this are not cached.
pub const MIN_BYTES: usize = 32 << 10;

/// The default for [`limit`]: 512 MiB.
pub const DEFAULT_LIMIT: usize = 512 << 20;

/// Buffers kept per (size, alignment).
const MAX_PER_SIZE: usize = 32;

static LIMIT: AtomicUsize = AtomicUsize::new(DEFAULT_LIMIT);

/// An allocation made by the global allocator with the layout `(bytes, align)` of its key.
struct Block(NonNull<u8>);

// SAFETY: a `Block` is plain memory owned by the cache alone; no thread keeps a reference to it.
unsafe impl Send for Block {}

#[derive(Default)]
struct Cache {
    blocks: HashMap<(usize, usize), Vec<Block>>,
    bytes: usize,
}

static CACHE: Mutex<Option<Cache>> = Mutex::new(None);

fn cache() -> MutexGuard<'static, Option<Cache>> {
    CACHE.lock().unwrap_or_else(|e| e.into_inner())
}

/// The most bytes the cache keeps.
pub fn limit() -> usize {
    LIMIT.load(Ordering::Relaxed)
}

/// Sets the most bytes the cache keeps (0 turns it off) and gives back what exceeds it.
pub fn set_limit(bytes: usize) {
    LIMIT.store(bytes, Ordering::Relaxed);
    if cached_bytes() > bytes {
        clear();
    }
}

/// Bytes held by the cache now.
pub fn cached_bytes() -> usize {
    cache().as_ref().map_or(0, |c| c.bytes)
}

/// Gives every cached buffer back to the allocator.
pub fn clear() {
    let taken = cache().take();
    if let Some(c) = taken {
        for ((bytes, align), blocks) in c.blocks {
            for block in blocks {
                // SAFETY: the block was allocated by the global allocator with this layout (see
                // `Block`) and is owned by the cache alone.
                unsafe {
                    std::alloc::dealloc(
                        block.0.as_ptr(),
                        std::alloc::Layout::from_size_align_unchecked(bytes, align),
                    );
                }
            }
        }
    }
}

/// An empty vector with room for exactly `capacity` elements: a cached buffer when one of that
/// size is free, else a new allocation.
///
/// # Panics
/// As `Vec::with_capacity`, when `capacity` elements exceed `isize::MAX` bytes.
pub(crate) fn take<T: Copy>(capacity: usize) -> Vec<T> {
    cached(capacity).unwrap_or_else(|| Vec::with_capacity(capacity))
}

/// [`take`] for the operations that return a `Result`: when the allocator cannot give
/// `capacity` elements (more than `isize::MAX` bytes, or more memory than it has), an error
/// naming `op` instead of a panic or an abort of the process.
pub(crate) fn try_take<T: Copy>(
    op: &'static str,
    capacity: usize,
) -> Result<Vec<T>, crate::TensorError> {
    if let Some(v) = cached(capacity) {
        return Ok(v);
    }
    let mut v = Vec::new();
    v.try_reserve_exact(capacity).map_err(|e| {
        crate::TensorError::arg(
            op,
            format!(
                "cannot allocate {capacity} elements of {} bytes: {e}",
                size_of::<T>()
            ),
        )
    })?;
    Ok(v)
}

/// A cached buffer with room for exactly `capacity` elements, when one is free. The size in
/// bytes is computed with a check: a wrapped product would match a cached block of that size
/// and hand out a vector claiming more room than its buffer has.
fn cached<T: Copy>(capacity: usize) -> Option<Vec<T>> {
    let bytes = capacity.checked_mul(size_of::<T>())?;
    if bytes < MIN_BYTES {
        return None;
    }
    let block = cache().as_mut().and_then(|c| {
        let block = c.blocks.get_mut(&(bytes, align_of::<T>()))?.pop()?;
        c.bytes -= bytes;
        Some(block)
    })?;
    // SAFETY: the block was allocated by the global allocator with size `bytes` =
    // capacity·size_of::<T>() and alignment align_of::<T>(), which is exactly the layout of a
    // `Vec<T>` of this capacity; it is uninitialised memory, hence length 0, and `T: Copy` has
    // no drop glue.
    Some(unsafe { Vec::from_raw_parts(block.0.as_ptr().cast::<T>(), 0, capacity) })
}

/// `n` copies of `value` in a buffer from [`take`].
pub(crate) fn filled<T: Copy>(n: usize, value: T) -> Vec<T> {
    let mut v = take(n);
    v.resize(n, value);
    v
}

/// Keeps `v`'s allocation for a later [`take`] when it is large enough and the cache has room;
/// frees it otherwise.
pub(crate) fn give<T: Copy>(v: Vec<T>) {
    let bytes = v.capacity() * size_of::<T>();
    if bytes < MIN_BYTES {
        return;
    }
    let mut guard = cache();
    let c = guard.get_or_insert_with(Cache::default);
    let blocks = c.blocks.entry((bytes, align_of::<T>())).or_default();
    if c.bytes + bytes > limit() || blocks.len() >= MAX_PER_SIZE {
        drop(guard);
        return; // `v` is freed here
    }
    let mut v = ManuallyDrop::new(v);
    // SAFETY (of the block's contract): a `Vec`'s buffer was allocated by the global allocator
    // with layout (capacity·size_of::<T>(), align_of::<T>()), here non-zero in size, so the
    // pointer is not dangling; `ManuallyDrop` keeps the vector from freeing it.
    let ptr = NonNull::new(v.as_mut_ptr().cast::<u8>()).expect("a non-empty Vec's buffer");
    blocks.push(Block(ptr));
    c.bytes += bytes;
}

/// A tensor's storage: a vector whose buffer goes back to the cache when the last tensor using
/// it is dropped.
#[derive(Debug)]
pub(crate) struct Storage<T: Copy>(Vec<T>);

impl<T: Copy> Storage<T> {
    /// Storage owning `data`.
    pub(crate) fn new(data: Vec<T>) -> Self {
        Storage(data)
    }
    /// The vector, which then no longer returns to the cache by itself.
    pub(crate) fn into_vec(mut self) -> Vec<T> {
        std::mem::take(&mut self.0)
    }
    /// The elements, to write (through a storage no other tensor shares).
    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.0
    }
}

impl<T: Copy> std::ops::Deref for Storage<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T: Copy> Drop for Storage<T> {
    fn drop(&mut self) {
        give(std::mem::take(&mut self.0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cache is global, so the tests use sizes no other test of the crate allocates.
    #[test]
    fn a_dropped_buffer_comes_back_for_the_same_size_and_alignment_only() {
        let n = (MIN_BYTES / 4) + 12_346;
        let v: Vec<f32> = filled(n, 1.5);
        let ptr = v.as_ptr() as usize;
        give(v);
        // Another size, or another alignment, gets a new buffer.
        let other: Vec<f32> = take(n + 1);
        assert_ne!(other.as_ptr() as usize, ptr);
        let same_bytes: Vec<f64> = take(n / 2);
        assert_ne!(same_bytes.as_ptr() as usize, ptr);
        // The same size and alignment (here u32 for f32) gets it back, empty, with its capacity.
        let back: Vec<u32> = take(n);
        assert_eq!(back.as_ptr() as usize, ptr);
        assert_eq!((back.len(), back.capacity()), (0, n));
    }

    #[test]
    fn a_size_whose_bytes_wrap_never_gets_a_cached_block() {
        // (2⁶² + n)·4 wraps to 4n, the size of the cached block: it must not come back as a
        // vector with room for 2⁶² + n elements.
        let n = (MIN_BYTES / 4) + 23_457;
        let v: Vec<f32> = filled(n, 0.0);
        let ptr = v.as_ptr() as usize;
        give(v);
        let wrapped = std::panic::catch_unwind(|| take::<f32>((1 << 62) + n).capacity());
        assert!(wrapped.is_err(), "{wrapped:?}");
        let back: Vec<f32> = take(n);
        assert_eq!(back.as_ptr() as usize, ptr);
    }
}
