//! index operations (being written).
