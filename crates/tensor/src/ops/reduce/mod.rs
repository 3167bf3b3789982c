//! reduce operations (being written).
