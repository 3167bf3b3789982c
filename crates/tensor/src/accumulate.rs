//! Buffers that kernels accumulate into.

/// `n` copies of `zero`, written out rather than taken from the allocator as zeroed memory.
///
/// A large zeroed allocation is fresh memory from the operating system whose pages are mapped
/// on first touch. A kernel that accumulates into it (`dx[i] += …`) reads each page before it
/// writes it: the read maps the shared zero page, and the write then copies that page and
/// flushes it from the TLB of every core the process runs on — an interrupt to each other core
/// per page, which on a virtual machine can cost more than the kernel's arithmetic (a third of a
/// ResNet training step was spent so). Writing the zeros first maps each page once, writable.
/// Kernels that only write their output do not need this.
pub(crate) fn zeros_to_accumulate<T: Copy>(n: usize, zero: T) -> Vec<T> {
    crate::buffer_cache::filled(n, zero)
}
