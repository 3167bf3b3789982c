//! Integration tests of scalpel-optim, one module per area, built as a single test binary.

mod clipping;
mod convergence;
mod first_steps;
mod groups;
mod in_place;
mod schedules;
mod state_dict;
