//! Integration tests of scalpel-tensor, one module per area, built as a single test binary
//! (`parallel_region` stays a binary of its own: the spinner count it checks is process-wide).

mod book_conv_fixtures;
mod common;
mod conv_props;
mod elementwise_props;
mod huge_sizes;
mod index_props;
mod matmul_props;
mod pool_props;
mod random_serde;
mod reduce_props;
mod view_props;
