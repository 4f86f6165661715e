//! The chores' library: what `cargo xtask` and its tests share.

pub mod spec_generator;
