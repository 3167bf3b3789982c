//! conv operations (being written).
