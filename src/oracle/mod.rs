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
pub(crate) mod instant;
mod judge;
mod query;
pub(crate) mod schedule;

pub(crate) use data::check_data_set;
pub use data::{Execution, Seeded};
pub use data::{Invocation, Task};
pub use execution::Returned;
pub use execution::returned_id;
pub(crate) use execution::{check_shape, item_ids};
pub use instant::{Reading, Second60};
pub use judge::{Bounds, Order, expected, judge};
pub(crate) use judge::{check_replay, foreign_option};
pub use query::Query;
pub use query::{Combine, Semantics};
