//! pool operations (being written).
