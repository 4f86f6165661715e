//! The bounds the emulator enforces on DescribeMaintenanceWindowExecutions: the model's, read
//! from `crate::model`. A value apart from the code that checks it, so a test can build an
//! emulator with one bound bent (off by one, or left out) and prove the suite notices.

use crate::model;

/// Least and most of each bounded member (lengths count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// `WindowId` length.
    pub window_id_length: (usize, usize),
    /// Most entries of `Filters`.
    pub filters_max: usize,
    /// A filter's `Key` length.
    pub filter_key: (usize, usize),
    /// Each of a filter's `Values`, length.
    pub filter_value: (usize, usize),
    /// `MaxResults`.
    pub max_results: (i64, i64),
}

impl Limits {
    /// The model's bounds.
    pub const MODEL: Limits = Limits {
        window_id_length: (model::WINDOW_ID_LENGTH, model::WINDOW_ID_LENGTH),
        filters_max: model::FILTERS_MAX,
        filter_key: (model::FILTER_KEY_MIN, model::FILTER_KEY_MAX),
        filter_value: (model::FILTER_VALUE_MIN, model::FILTER_VALUE_MAX),
        max_results: (model::MAX_RESULTS_MIN, model::MAX_RESULTS_MAX),
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::MODEL
    }
}
