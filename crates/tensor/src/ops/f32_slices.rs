//! Generic slices seen as f32, for the x86-64 SIMD kernels that exist for f32 only (the direct
//! convolution and 2 × 2 max pooling): they check [`is_f32`] and then work on the same memory.

use std::any::TypeId;

/// Whether the element type `T` is f32.
pub(crate) fn is_f32<T: 'static>() -> bool {
    TypeId::of::<T>() == TypeId::of::<f32>()
}

/// `s` as f32.
///
/// # Panics
/// When `T` is not f32.
pub(crate) fn as_f32<T: 'static>(s: &[T]) -> &[f32] {
    assert!(is_f32::<T>(), "as_f32 of a slice that is not f32");
    // SAFETY: `T` is f32 (same type id), so `s` is a slice of f32 as it stands.
    unsafe { std::slice::from_raw_parts(s.as_ptr().cast(), s.len()) }
}

/// `s` as mutable f32.
///
/// # Panics
/// When `T` is not f32.
pub(crate) fn as_f32_mut<T: 'static>(s: &mut [T]) -> &mut [f32] {
    assert!(is_f32::<T>(), "as_f32_mut of a slice that is not f32");
    // SAFETY: as in `as_f32`; the mutable borrow moves into the result.
    unsafe { std::slice::from_raw_parts_mut(s.as_mut_ptr().cast(), s.len()) }
}
