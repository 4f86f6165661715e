//! Facts of the AWS model, and nothing else: the bounds, patterns, enums and member names of the
//! shapes the suite and the emulator use, from the vendored botocore model
//! (`reference/botocore-1.44.18-ssm-maintenance-windows.json`).
//!
//! This module is the bottom of the crate: it holds constants and the table of operations
//! (`Operation`: names, the list and id members of each, whether it only reads), no parsing,
//! arithmetic or validation, so the emulator and the oracle can both read the facts without
//! sharing logic.
//! `tests/model.rs` checks every value here against the vendored model itself.

/// Where the vendored model is, from the project root.
pub const VENDORED_MODEL_FILE: &str = "reference/botocore-1.44.18-ssm-maintenance-windows.json";
/// The vendored model, as shipped in `reference/`: the 23 maintenance-window operations.
pub const VENDORED_MODEL: &str = include_str!("../reference/botocore-1.44.18-ssm-maintenance-windows.json");
/// The botocore release the vendored model was cut from.
pub const BOTOCORE_VERSION: &str = "1.44.18";

/// The service's `X-Amz-Target` prefix (`metadata.targetPrefix`).
pub const TARGET_PREFIX: &str = "AmazonSSM";
/// The operation the suite started from.
pub const DESCRIBE_EXECUTIONS: &str = "DescribeMaintenanceWindowExecutions";

/// `MaintenanceWindowId`: length, min = max.
pub const WINDOW_ID_LENGTH: usize = 20;
/// `MaintenanceWindowId`: pattern.
pub const WINDOW_ID_PATTERN: &str = "^mw-[0-9a-f]{17}$";

/// `MaintenanceWindowFilterList`: most filters.
pub const FILTERS_MAX: usize = 5;
/// `MaintenanceWindowFilterKey`: least characters.
pub const FILTER_KEY_MIN: usize = 1;
/// `MaintenanceWindowFilterKey`: most characters.
pub const FILTER_KEY_MAX: usize = 128;
/// `MaintenanceWindowFilterValue`: least characters.
pub const FILTER_VALUE_MIN: usize = 1;
/// `MaintenanceWindowFilterValue`: most characters.
pub const FILTER_VALUE_MAX: usize = 256;

/// `MaintenanceWindowMaxResults`: least.
pub const MAX_RESULTS_MIN: i64 = 10;
/// `MaintenanceWindowMaxResults`: most.
pub const MAX_RESULTS_MAX: i64 = 100;

/// `MaintenanceWindowExecutionStatus`: the enum, in the model's order.
pub const STATUSES: [&str; 8] = [
    "PENDING",
    "IN_PROGRESS",
    "SUCCESS",
    "FAILED",
    "TIMED_OUT",
    "CANCELLING",
    "CANCELLED",
    "SKIPPED_OVERLAPPING",
];
/// `MaintenanceWindowExecutionStatusDetails`: most characters.
pub const STATUS_DETAILS_MAX: usize = 250;
/// `MaintenanceWindowExecutionId`: length, min = max.
pub const EXECUTION_ID_LENGTH: usize = 36;
/// `MaintenanceWindowExecutionId`: pattern (either case of hex).
pub const EXECUTION_ID_PATTERN: &str =
    r"^[0-9a-fA-F]{8}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{12}$";

/// `MaintenanceWindowExecutionTaskId`: length, min = max.
pub const TASK_EXECUTION_ID_LENGTH: usize = 36;
/// `MaintenanceWindowExecutionTaskId`: pattern (a UUID, either case of hex).
pub const TASK_EXECUTION_ID_PATTERN: &str = EXECUTION_ID_PATTERN;
/// `MaintenanceWindowExecutionTaskInvocationId`: length, min = max.
pub const INVOCATION_ID_LENGTH: usize = 36;
/// `MaintenanceWindowExecutionTaskInvocationId`: pattern (a UUID, either case of hex).
pub const INVOCATION_ID_PATTERN: &str = EXECUTION_ID_PATTERN;
/// `MaintenanceWindowTaskArn`: least and most characters.
pub const TASK_ARN_LENGTH: (usize, usize) = (1, 1600);
/// `MaintenanceWindowTaskType`: the enum, in the model's order.
pub const TASK_TYPES: [&str; 4] = ["RUN_COMMAND", "AUTOMATION", "STEP_FUNCTIONS", "LAMBDA"];
/// `MaintenanceWindowTaskPriority`: least (no most beyond the 32-bit integer).
pub const TASK_PRIORITY_MIN: i64 = 0;
/// `MaxConcurrency`: least and most characters.
pub const MAX_CONCURRENCY_LENGTH: (usize, usize) = (1, 7);
/// `MaxConcurrency`: pattern.
pub const MAX_CONCURRENCY_PATTERN: &str = "^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$";
/// `MaxErrors`: least and most characters.
pub const MAX_ERRORS_LENGTH: (usize, usize) = (1, 7);
/// `MaxErrors`: pattern.
pub const MAX_ERRORS_PATTERN: &str = "^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$";
/// `MaintenanceWindowTaskParameterName`: least and most characters.
pub const TASK_PARAMETER_NAME_LENGTH: (usize, usize) = (1, 255);
/// `MaintenanceWindowTaskParameterValue`: least and most characters (sensitive).
pub const TASK_PARAMETER_VALUE_LENGTH: (usize, usize) = (1, 255);
/// `OwnerInformation`: least and most characters (sensitive).
pub const OWNER_INFORMATION_LENGTH: (usize, usize) = (1, 128);
/// `AlarmName`: least and most characters.
pub const ALARM_NAME_LENGTH: (usize, usize) = (1, 255);
/// `AlarmName`: pattern (not blank).
pub const ALARM_NAME_PATTERN: &str = r"^(?!\s*$).+";
/// `AlarmList` and `AlarmStateInformationList`: least and most alarms.
pub const ALARMS_PER_LIST: (usize, usize) = (1, 1);
/// `ExternalAlarmState`: the enum, in the model's order.
pub const ALARM_STATES: [&str; 2] = ["UNKNOWN", "ALARM"];
/// `MaintenanceWindowTaskTargetId`: most characters (no least).
pub const WINDOW_TARGET_ID_MAX: usize = 36;

/// `MaintenanceWindowName`: least characters.
pub const NAME_MIN: usize = 3;
/// `MaintenanceWindowName`: most characters.
pub const NAME_MAX: usize = 128;
/// `MaintenanceWindowName`: pattern.
pub const NAME_PATTERN: &str = r"^[a-zA-Z0-9_\-.]{3,128}$";
/// `MaintenanceWindowSchedule`: least and most characters.
pub const SCHEDULE_LENGTH: (usize, usize) = (1, 256);
/// `MaintenanceWindowDurationHours`: least and most.
pub const DURATION_HOURS: (i64, i64) = (1, 24);
/// `MaintenanceWindowCutoff`: least and most.
pub const CUTOFF_HOURS: (i64, i64) = (0, 23);
/// `MaintenanceWindowDescription`: least and most characters (sensitive).
pub const DESCRIPTION_LENGTH: (usize, usize) = (1, 128);
/// `ClientToken`: least and most characters.
pub const CLIENT_TOKEN_LENGTH: (usize, usize) = (1, 64);
/// `MaintenanceWindowOffset`: least and most days.
pub const SCHEDULE_OFFSET_DAYS: (i64, i64) = (1, 6);
/// `TagList`: most tags.
pub const TAGS_MAX: usize = 1000;
/// `TagKey`: least and most characters.
pub const TAG_KEY_LENGTH: (usize, usize) = (1, 128);
/// `TagValue`: least and most characters.
pub const TAG_VALUE_LENGTH: (usize, usize) = (0, 256);
/// `TagKey` and `TagValue`: pattern.
pub const TAG_PATTERN: &str = r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$";

/// The members of `DescribeMaintenanceWindowExecutionsRequest`, as the wire names them.
pub mod members {
    /// `WindowId` (required).
    pub const WINDOW_ID: &str = "WindowId";
    /// `WindowExecutionId`: an execution's id, in requests and answers.
    pub const WINDOW_EXECUTION_ID: &str = "WindowExecutionId";
    /// `Filters`.
    pub const FILTERS: &str = "Filters";
    /// `MaxResults`.
    pub const MAX_RESULTS: &str = "MaxResults";
    /// `NextToken`.
    pub const NEXT_TOKEN: &str = "NextToken";
    /// `MaintenanceWindowFilter$Key`.
    pub const KEY: &str = "Key";
    /// `MaintenanceWindowFilter$Values`.
    pub const VALUES: &str = "Values";
}

/// The errors AWS documents as common to every service ("Common Errors": "This section lists the
/// errors common to the API actions of all AWS services.").
pub const COMMON_ERRORS: [&str; 11] = [
    "AccessDeniedException",
    "IncompleteSignature",
    "InternalFailure",
    "InvalidAction",
    "InvalidClientTokenId",
    "NotAuthorized",
    "OptInRequired",
    "RequestExpired",
    "ServiceUnavailable",
    "ThrottlingException",
    "ValidationError",
];

/// The errors of the awsJson 1.1 protocol itself, which every operation of the service may
/// answer: `ValidationException` (the service's shape for a request that breaks the model's
/// constraints, in AWS's "1 validation error detected" form) and `SerializationException` (a body
/// that cannot be read as the input shape).
pub const PROTOCOL_ERRORS: [&str; 2] = ["ValidationException", "SerializationException"];

/// The filter keys the documentation names for this operation (not in the model, whose key is
/// any string of 1 to 128 characters): "Supported keys include `ExecutedBefore` and
/// `ExecutedAfter`."
pub const DOCUMENTED_FILTER_KEYS: [&str; 2] = ["ExecutedAfter", "ExecutedBefore"];

/// The filter key the documentation names for `DescribeMaintenanceWindowExecutionTasks` and
/// `DescribeMaintenanceWindowExecutionTaskInvocations` (not in the model): "The supported filter
/// key is `STATUS` with the corresponding values `PENDING`, `IN_PROGRESS`, `SUCCESS`, `FAILED`,
/// `TIMED_OUT`, `CANCELLING`, and `CANCELLED`."
pub const DOCUMENTED_TASK_FILTER_KEYS: [&str; 1] = ["STATUS"];
/// The filter keys the documentation names for `DescribeMaintenanceWindowTargets` (not in the
/// model): "The supported filter keys are `Type`, `WindowTargetId`, and `OwnerInformation`."
pub const DOCUMENTED_TARGET_FILTER_KEYS: [&str; 3] = ["Type", "WindowTargetId", "OwnerInformation"];
/// The filter keys the documentation names for `DescribeMaintenanceWindowTasks` (not in the
/// model): "The supported filter keys are `WindowTaskId`, `TaskArn`, `Priority`, and
/// `TaskType`."
pub const DOCUMENTED_WINDOW_TASK_FILTER_KEYS: [&str; 4] = ["WindowTaskId", "TaskArn", "Priority", "TaskType"];
/// The filter keys the documentation names for `DescribeMaintenanceWindows` (not in the
/// model): "Supported filter keys are `Name` and `Enabled`."
pub const DOCUMENTED_WINDOWS_FILTER_KEYS: [&str; 2] = ["Name", "Enabled"];

/// The `STATUS` values that documentation sentence names (the statuses of the model but
/// `SKIPPED_OVERLAPPING`).
pub const DOCUMENTED_TASK_FILTER_STATUSES: [&str; 7] = [
    "PENDING",
    "IN_PROGRESS",
    "SUCCESS",
    "FAILED",
    "TIMED_OUT",
    "CANCELLING",
    "CANCELLED",
];

/// The operations the suite sends, with the facts the run needs of each: its name on the wire,
/// whether it only reads, its paged list and the member naming the list's items, and whether a
/// case of it sees every window (so it runs alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    /// The operation the suite started from.
    DescribeMaintenanceWindowExecutions,
    /// One execution.
    GetMaintenanceWindowExecution,
    /// An execution's tasks.
    DescribeMaintenanceWindowExecutionTasks,
    /// One task of an execution.
    GetMaintenanceWindowExecutionTask,
    /// A task's invocations.
    DescribeMaintenanceWindowExecutionTaskInvocations,
    /// One invocation.
    GetMaintenanceWindowExecutionTaskInvocation,
    /// Cancel an execution.
    CancelMaintenanceWindowExecution,
    /// Create a window.
    CreateMaintenanceWindow,
    /// One window.
    GetMaintenanceWindow,
    /// Delete a window.
    DeleteMaintenanceWindow,
    /// Every window of the account.
    DescribeMaintenanceWindows,
    /// Change a window's settings.
    UpdateMaintenanceWindow,
    /// Register a target (instances, tags or a resource group) with a window.
    RegisterTargetWithMaintenanceWindow,
    /// A window's targets.
    DescribeMaintenanceWindowTargets,
    /// Change a window's target.
    UpdateMaintenanceWindowTarget,
    /// Remove a target from a window.
    DeregisterTargetFromMaintenanceWindow,
    /// Register a task with a window.
    RegisterTaskWithMaintenanceWindow,
    /// A window's tasks.
    DescribeMaintenanceWindowTasks,
    /// One task of a window.
    GetMaintenanceWindowTask,
    /// Change a window's task.
    UpdateMaintenanceWindowTask,
    /// Remove a task from a window.
    DeregisterTaskFromMaintenanceWindow,
    /// A window's (or a target's windows') next runs.
    DescribeMaintenanceWindowSchedule,
    /// The windows a target is registered with.
    DescribeMaintenanceWindowsForTarget,
}

impl Operation {
    /// Every operation, the execution family first, then the window's life cycle, its targets
    /// and tasks, and its schedule.
    pub const ALL: [Operation; 23] = [
        Self::DescribeMaintenanceWindowExecutions,
        Self::GetMaintenanceWindowExecution,
        Self::DescribeMaintenanceWindowExecutionTasks,
        Self::GetMaintenanceWindowExecutionTask,
        Self::DescribeMaintenanceWindowExecutionTaskInvocations,
        Self::GetMaintenanceWindowExecutionTaskInvocation,
        Self::CancelMaintenanceWindowExecution,
        Self::CreateMaintenanceWindow,
        Self::GetMaintenanceWindow,
        Self::DeleteMaintenanceWindow,
        Self::DescribeMaintenanceWindows,
        Self::UpdateMaintenanceWindow,
        Self::RegisterTargetWithMaintenanceWindow,
        Self::DescribeMaintenanceWindowTargets,
        Self::UpdateMaintenanceWindowTarget,
        Self::DeregisterTargetFromMaintenanceWindow,
        Self::RegisterTaskWithMaintenanceWindow,
        Self::DescribeMaintenanceWindowTasks,
        Self::GetMaintenanceWindowTask,
        Self::UpdateMaintenanceWindowTask,
        Self::DeregisterTaskFromMaintenanceWindow,
        Self::DescribeMaintenanceWindowSchedule,
        Self::DescribeMaintenanceWindowsForTarget,
    ];

    /// The operation's name (`X-Amz-Target: AmazonSSM.<name>`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::DescribeMaintenanceWindowExecutions => "DescribeMaintenanceWindowExecutions",
            Self::GetMaintenanceWindowExecution => "GetMaintenanceWindowExecution",
            Self::DescribeMaintenanceWindowExecutionTasks => "DescribeMaintenanceWindowExecutionTasks",
            Self::GetMaintenanceWindowExecutionTask => "GetMaintenanceWindowExecutionTask",
            Self::DescribeMaintenanceWindowExecutionTaskInvocations => {
                "DescribeMaintenanceWindowExecutionTaskInvocations"
            }
            Self::GetMaintenanceWindowExecutionTaskInvocation => "GetMaintenanceWindowExecutionTaskInvocation",
            Self::CancelMaintenanceWindowExecution => "CancelMaintenanceWindowExecution",
            Self::CreateMaintenanceWindow => "CreateMaintenanceWindow",
            Self::GetMaintenanceWindow => "GetMaintenanceWindow",
            Self::DeleteMaintenanceWindow => "DeleteMaintenanceWindow",
            Self::DescribeMaintenanceWindows => "DescribeMaintenanceWindows",
            Self::UpdateMaintenanceWindow => "UpdateMaintenanceWindow",
            Self::RegisterTargetWithMaintenanceWindow => "RegisterTargetWithMaintenanceWindow",
            Self::DescribeMaintenanceWindowTargets => "DescribeMaintenanceWindowTargets",
            Self::UpdateMaintenanceWindowTarget => "UpdateMaintenanceWindowTarget",
            Self::DeregisterTargetFromMaintenanceWindow => "DeregisterTargetFromMaintenanceWindow",
            Self::RegisterTaskWithMaintenanceWindow => "RegisterTaskWithMaintenanceWindow",
            Self::DescribeMaintenanceWindowTasks => "DescribeMaintenanceWindowTasks",
            Self::GetMaintenanceWindowTask => "GetMaintenanceWindowTask",
            Self::UpdateMaintenanceWindowTask => "UpdateMaintenanceWindowTask",
            Self::DeregisterTaskFromMaintenanceWindow => "DeregisterTaskFromMaintenanceWindow",
            Self::DescribeMaintenanceWindowSchedule => "DescribeMaintenanceWindowSchedule",
            Self::DescribeMaintenanceWindowsForTarget => "DescribeMaintenanceWindowsForTarget",
        }
    }

    /// The operation named `name`, if the suite knows it.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.name() == name)
    }

    /// Whether it only reads (the only kind sent where mutations are not allowed).
    pub const fn is_read_only(self) -> bool {
        matches!(
            self,
            Self::DescribeMaintenanceWindowExecutions
                | Self::GetMaintenanceWindowExecution
                | Self::DescribeMaintenanceWindowExecutionTasks
                | Self::GetMaintenanceWindowExecutionTask
                | Self::DescribeMaintenanceWindowExecutionTaskInvocations
                | Self::GetMaintenanceWindowExecutionTaskInvocation
                | Self::GetMaintenanceWindow
                | Self::DescribeMaintenanceWindows
                | Self::DescribeMaintenanceWindowTargets
                | Self::DescribeMaintenanceWindowTasks
                | Self::GetMaintenanceWindowTask
                | Self::DescribeMaintenanceWindowSchedule
                | Self::DescribeMaintenanceWindowsForTarget
        )
    }

    /// Whether sending it twice leaves what sending it once does, so a request whose answer
    /// was lost may be sent again: reads, a delete (of a window that is gone, a success), and
    /// the updates (the same values set twice). Registrations are too when they carry a
    /// `ClientToken` (the client decides that, from the request).
    pub const fn is_idempotent(self) -> bool {
        self.is_read_only()
            || matches!(
                self,
                Self::DeleteMaintenanceWindow
                    | Self::UpdateMaintenanceWindow
                    | Self::UpdateMaintenanceWindowTarget
                    | Self::UpdateMaintenanceWindowTask
            )
    }

    /// One of the twelve operations of a window's settings, targets, tasks and schedule that
    /// need no fixture protocol: a case creates what it reads through the API itself, and each
    /// is probed on its own.
    pub const fn is_window_api(self) -> bool {
        matches!(
            self,
            Self::UpdateMaintenanceWindow
                | Self::RegisterTargetWithMaintenanceWindow
                | Self::DescribeMaintenanceWindowTargets
                | Self::UpdateMaintenanceWindowTarget
                | Self::DeregisterTargetFromMaintenanceWindow
                | Self::RegisterTaskWithMaintenanceWindow
                | Self::DescribeMaintenanceWindowTasks
                | Self::GetMaintenanceWindowTask
                | Self::UpdateMaintenanceWindowTask
                | Self::DeregisterTaskFromMaintenanceWindow
                | Self::DescribeMaintenanceWindowSchedule
                | Self::DescribeMaintenanceWindowsForTarget
        )
    }

    /// One of the six operations around an execution (each probed on its own).
    pub const fn is_family(self) -> bool {
        matches!(
            self,
            Self::GetMaintenanceWindowExecution
                | Self::DescribeMaintenanceWindowExecutionTasks
                | Self::GetMaintenanceWindowExecutionTask
                | Self::DescribeMaintenanceWindowExecutionTaskInvocations
                | Self::GetMaintenanceWindowExecutionTaskInvocation
                | Self::CancelMaintenanceWindowExecution
        )
    }

    /// The operation whose support decides this one's: itself, but for `CreateMaintenanceWindow`,
    /// which cannot be probed without creating a window: `GetMaintenanceWindow` stands for it.
    pub const fn probed(self) -> Self {
        match self {
            Self::CreateMaintenanceWindow => Self::GetMaintenanceWindow,
            other => other,
        }
    }

    /// The ids a request about one item carries (of the family, or a window and its target or
    /// task), outermost first.
    pub const fn id_members(self) -> &'static [&'static str] {
        match self {
            Self::GetMaintenanceWindowExecution
            | Self::CancelMaintenanceWindowExecution
            | Self::DescribeMaintenanceWindowExecutionTasks => &[members::WINDOW_EXECUTION_ID],
            Self::GetMaintenanceWindowExecutionTask | Self::DescribeMaintenanceWindowExecutionTaskInvocations => {
                &[members::WINDOW_EXECUTION_ID, "TaskId"]
            }
            Self::GetMaintenanceWindowExecutionTaskInvocation => {
                &[members::WINDOW_EXECUTION_ID, "TaskId", "InvocationId"]
            }
            Self::UpdateMaintenanceWindowTarget | Self::DeregisterTargetFromMaintenanceWindow => {
                &[members::WINDOW_ID, "WindowTargetId"]
            }
            Self::GetMaintenanceWindowTask
            | Self::UpdateMaintenanceWindowTask
            | Self::DeregisterTaskFromMaintenanceWindow => &[members::WINDOW_ID, "WindowTaskId"],
            Self::GetMaintenanceWindow
            | Self::DeleteMaintenanceWindow
            | Self::UpdateMaintenanceWindow
            | Self::RegisterTargetWithMaintenanceWindow
            | Self::DescribeMaintenanceWindowTargets
            | Self::RegisterTaskWithMaintenanceWindow
            | Self::DescribeMaintenanceWindowTasks => &[members::WINDOW_ID],
            _ => &[],
        }
    }

    /// The paged list of its answer and the member naming the list's items, for a paged
    /// operation.
    pub const fn list(self) -> Option<(&'static str, &'static str)> {
        match self {
            Self::DescribeMaintenanceWindowExecutions => Some(("WindowExecutions", members::WINDOW_EXECUTION_ID)),
            Self::DescribeMaintenanceWindowExecutionTasks => Some(("WindowExecutionTaskIdentities", "TaskExecutionId")),
            Self::DescribeMaintenanceWindowExecutionTaskInvocations => {
                Some(("WindowExecutionTaskInvocationIdentities", "InvocationId"))
            }
            Self::DescribeMaintenanceWindows | Self::DescribeMaintenanceWindowsForTarget => {
                Some(("WindowIdentities", "WindowId"))
            }
            Self::DescribeMaintenanceWindowTargets => Some(("Targets", "WindowTargetId")),
            Self::DescribeMaintenanceWindowTasks => Some(("Tasks", "WindowTaskId")),
            Self::DescribeMaintenanceWindowSchedule => Some(("ScheduledWindowExecutions", "ExecutionTime")),
            _ => None,
        }
    }

    /// The errors the model declares for the operation (`operations.<name>.errors`).
    pub const fn errors(self) -> &'static [&'static str] {
        match self {
            Self::DescribeMaintenanceWindowExecutions => &["InternalServerError"],
            Self::GetMaintenanceWindowExecution => &["DoesNotExistException", "InternalServerError"],
            Self::DescribeMaintenanceWindowExecutionTasks => &["DoesNotExistException", "InternalServerError"],
            Self::GetMaintenanceWindowExecutionTask => &["DoesNotExistException", "InternalServerError"],
            Self::DescribeMaintenanceWindowExecutionTaskInvocations => {
                &["DoesNotExistException", "InternalServerError"]
            }
            Self::GetMaintenanceWindowExecutionTaskInvocation => &["DoesNotExistException", "InternalServerError"],
            Self::CancelMaintenanceWindowExecution => &["InternalServerError", "DoesNotExistException"],
            Self::CreateMaintenanceWindow => &[
                "IdempotentParameterMismatch",
                "ResourceLimitExceededException",
                "InternalServerError",
            ],
            Self::GetMaintenanceWindow => &["DoesNotExistException", "InternalServerError"],
            Self::DeleteMaintenanceWindow => &["InternalServerError"],
            Self::DescribeMaintenanceWindows => &["InternalServerError"],
            Self::UpdateMaintenanceWindow => &["DoesNotExistException", "InternalServerError"],
            Self::RegisterTargetWithMaintenanceWindow => &[
                "IdempotentParameterMismatch",
                "DoesNotExistException",
                "ResourceLimitExceededException",
                "InternalServerError",
            ],
            Self::DescribeMaintenanceWindowTargets => &["DoesNotExistException", "InternalServerError"],
            Self::UpdateMaintenanceWindowTarget => &["DoesNotExistException", "InternalServerError"],
            Self::DeregisterTargetFromMaintenanceWindow => {
                &["DoesNotExistException", "InternalServerError", "TargetInUseException"]
            }
            Self::RegisterTaskWithMaintenanceWindow => &[
                "IdempotentParameterMismatch",
                "DoesNotExistException",
                "ResourceLimitExceededException",
                "FeatureNotAvailableException",
                "InternalServerError",
            ],
            Self::DescribeMaintenanceWindowTasks => &["DoesNotExistException", "InternalServerError"],
            Self::GetMaintenanceWindowTask => &["DoesNotExistException", "InternalServerError"],
            Self::UpdateMaintenanceWindowTask => &["DoesNotExistException", "InternalServerError"],
            Self::DeregisterTaskFromMaintenanceWindow => &["DoesNotExistException", "InternalServerError"],
            Self::DescribeMaintenanceWindowSchedule => &["InternalServerError", "DoesNotExistException"],
            Self::DescribeMaintenanceWindowsForTarget => &["InternalServerError"],
        }
    }

    /// Whether a case of it must run alone: it sees (or changes) more than one window of its
    /// own, so another case's windows would change its answer.
    pub const fn runs_alone(self) -> bool {
        matches!(
            self,
            Self::CancelMaintenanceWindowExecution
                | Self::CreateMaintenanceWindow
                | Self::DeleteMaintenanceWindow
                | Self::DescribeMaintenanceWindows
                | Self::DescribeMaintenanceWindowSchedule
                | Self::DescribeMaintenanceWindowsForTarget
        )
    }
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
