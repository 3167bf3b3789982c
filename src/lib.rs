//! scalpel
