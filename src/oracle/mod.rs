//! The oracle: what a correct target returns for any data set and request. Its main entry is
//! [`judge`], which takes the seeded executions, the request as a [`Query`] and the pages a
//! target answered, and says what the target chose where AWS leaves a choice open, or why the
//! answer is wrong.
//!
//! It shares no code with the emulator: it reads instants with its own code ([`instant`]),
//! checks shapes against the model's facts (`crate::model`) itself, and keeps its own execution
//! type. A bug in one is then a disagreement the suite reports.

mod data;
mod execution;
pub mod family;
pub mod instant;
mod judge;
mod query;

pub use data::{Execution, Invocation, Seeded, Task, check_data_set, is_execution_id};
pub use execution::{Returned, check_fields, check_shape, item_ids, returned_id};
pub use instant::{Reading, Second60};
pub use judge::{Bounds, Order, check_replay, expected, foreign_option, judge, selects};
pub use query::{Combine, Query, Semantics};
