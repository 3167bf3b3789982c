//! Seeded random tensors (being written).
