//! Integration tests of scalpel-autograd, one module per area, built as a single test binary
//! (`memory` stays a binary of its own: the live-node counter it checks is process-wide).

mod book_fixtures;
mod edge_gradients;
mod engine;
mod gradcheck_api;
