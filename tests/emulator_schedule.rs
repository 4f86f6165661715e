//! The reference emulator's `DescribeMaintenanceWindowSchedule`, through `Emulator::handle`:
//! cron in a zone across daylight-saving changes (each option of the open choices), the offset,
//! `at(...)`, `rate(...)`, start and end dates, the filters, paging and the targets' windows.

use serde_json::{Value, json};
use ssm_conformance::_internals::emulator::upcoming::{Gap, Overlap, ScheduleChoices};
use ssm_conformance::_internals::emulator::{ApiError, Emulator};

fn call(e: &Emulator, op: &str, body: Value) -> Result<Value, ApiError> {
    e.handle(Some(&format!("AmazonSSM.{op}")), body.to_string().as_bytes())
}

fn ok(e: &Emulator, op: &str, body: Value) -> Value {
    call(e, op, body.clone()).unwrap_or_else(|err| panic!("{op} {body}: {err:?}"))
}

fn window(e: &Emulator, settings: Value) -> String {
    let mut body = json!({"Name": "w-1", "Duration": 2, "Cutoff": 1, "AllowUnassociatedTargets": false});
    body.as_object_mut()
        .unwrap()
        .extend(settings.as_object().unwrap().clone());
    ok(e, "CreateMaintenanceWindow", body)["WindowId"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Every ExecutionTime of the schedule between `after` and `before`, pages followed.
fn times(e: &Emulator, id: &str, after: &str, before: &str, page: u64) -> Vec<String> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut body = json!({
            "WindowId": id,
            "MaxResults": page,
            "Filters": [{"Key": "ScheduledAfter", "Values": [after]}, {"Key": "ScheduledBefore", "Values": [before]}],
        });
        if let Some(t) = &token {
            body["NextToken"] = json!(t);
        }
        let answer = ok(e, "DescribeMaintenanceWindowSchedule", body);
        for x in answer["ScheduledWindowExecutions"].as_array().unwrap() {
            assert_eq!(x["WindowId"], id);
            assert_eq!(x["Name"], "w-1");
            out.push(x["ExecutionTime"].as_str().unwrap().to_string());
        }
        match answer["NextToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => return out,
        }
    }
}

#[test]
fn cron_in_utc_lists_the_runs_between_the_filters_in_order_across_pages() {
    let e = Emulator::new();
    let w = window(&e, json!({"Schedule": "cron(0 16 ? * TUE *)"}));
    let all = times(&e, &w, "2031-01-01T00:00:00Z", "2031-02-01T00:00:00Z", 2);
    assert_eq!(
        all,
        [
            "2031-01-07T16:00Z",
            "2031-01-14T16:00Z",
            "2031-01-21T16:00Z",
            "2031-01-28T16:00Z"
        ]
    );
    assert_eq!(times(&e, &w, "2031-01-01T00:00:00Z", "2031-02-01T00:00:00Z", 100), all);
}

#[test]
fn the_offset_moves_each_run_by_whole_days() {
    let e = Emulator::new();
    let w = window(&e, json!({"Schedule": "cron(30 23 ? * TUE#3 *)", "ScheduleOffset": 2}));
    // Third Tuesdays of 2031: 21 Jan, 18 Feb; two days later.
    assert_eq!(
        times(&e, &w, "2031-01-01T00:00:00Z", "2031-03-01T00:00:00Z", 10),
        ["2031-01-23T23:30Z", "2031-02-20T23:30Z"]
    );
}

#[test]
fn a_zone_places_wall_clock_times_and_each_daylight_saving_choice_is_taken() {
    // New York, 2031: clocks go forward on 9 March at 02:00, back on 2 November at 02:00.
    let spring = |choices| {
        let e = Emulator::new().with_schedule_choices(choices);
        let w = window(
            &e,
            json!({"Schedule": "cron(30 2 * * ? 2031)", "ScheduleTimezone": "America/New_York"}),
        );
        times(&e, &w, "2031-03-08T00:00:00Z", "2031-03-11T00:00:00Z", 10)
    };
    let gap = |gap| ScheduleChoices {
        gap,
        ..Default::default()
    };
    assert_eq!(
        spring(gap(Gap::GapEnd)),
        [
            "2031-03-08T02:30-05:00",
            "2031-03-09T03:00-04:00",
            "2031-03-10T02:30-04:00"
        ]
    );
    assert_eq!(
        spring(gap(Gap::Shifted)),
        [
            "2031-03-08T02:30-05:00",
            "2031-03-09T03:30-04:00",
            "2031-03-10T02:30-04:00"
        ]
    );
    assert_eq!(
        spring(gap(Gap::Skipped)),
        ["2031-03-08T02:30-05:00", "2031-03-10T02:30-04:00"]
    );
    let autumn = |overlap| {
        let e = Emulator::new().with_schedule_choices(ScheduleChoices {
            overlap,
            ..Default::default()
        });
        let w = window(
            &e,
            json!({"Schedule": "cron(30 1 * * ? 2031)", "ScheduleTimezone": "America/New_York"}),
        );
        times(&e, &w, "2031-11-02T00:00:00Z", "2031-11-03T00:00:00Z", 10)
    };
    assert_eq!(autumn(Overlap::First), ["2031-11-02T01:30-04:00"]);
    assert_eq!(autumn(Overlap::Second), ["2031-11-02T01:30-05:00"]);
    assert_eq!(
        autumn(Overlap::Both),
        ["2031-11-02T01:30-04:00", "2031-11-02T01:30-05:00"]
    );
}

#[test]
fn at_rate_and_the_window_dates() {
    let e = Emulator::new();
    let at = window(
        &e,
        json!({"Schedule": "at(2031-06-01T10:00:00)", "ScheduleTimezone": "Asia/Seoul"}),
    );
    assert_eq!(
        times(&e, &at, "2031-01-01T00:00:00Z", "2032-01-01T00:00:00Z", 10),
        ["2031-06-01T10:00+09:00"]
    );
    let rate = window(
        &e,
        json!({"Schedule": "rate(2 days)", "StartDate": "2031-01-01T00:00:00Z", "EndDate": "2031-01-09T00:00:00Z"}),
    );
    assert_eq!(
        times(&e, &rate, "2030-01-01T00:00:00Z", "2032-01-01T00:00:00Z", 2),
        [
            "2031-01-01T00:00Z",
            "2031-01-03T00:00Z",
            "2031-01-05T00:00Z",
            "2031-01-07T00:00Z",
            "2031-01-09T00:00Z"
        ]
    );
}

#[test]
fn a_disabled_window_has_no_runs_unless_the_choice_lists_them() {
    for listed in [false, true] {
        let e = Emulator::new().with_schedule_choices(ScheduleChoices {
            disabled_listed: listed,
            ..Default::default()
        });
        let w = window(&e, json!({"Schedule": "cron(0 16 ? * TUE 2031)"}));
        ok(&e, "UpdateMaintenanceWindow", json!({"WindowId": w, "Enabled": false}));
        let n = times(&e, &w, "2031-01-01T00:00:00Z", "2031-02-01T00:00:00Z", 10).len();
        assert_eq!(n, if listed { 4 } else { 0 });
    }
}

#[test]
fn targets_select_the_windows_that_target_them_and_bad_requests_are_refused() {
    let e = Emulator::new();
    let w = window(&e, json!({"Schedule": "cron(0 16 ? * TUE 2031)"}));
    let _other = window(&e, json!({"Schedule": "cron(0 16 ? * WED 2031)"}));
    let targets = json!([{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}]);
    ok(
        &e,
        "RegisterTargetWithMaintenanceWindow",
        json!({"WindowId": w, "ResourceType": "INSTANCE", "Targets": targets}),
    );
    let answer = ok(
        &e,
        "DescribeMaintenanceWindowSchedule",
        json!({"ResourceType": "INSTANCE", "Targets": targets,
               "Filters": [{"Key": "ScheduledBefore", "Values": ["2031-01-08T00:00:00Z"]}]}),
    );
    let listed = answer["ScheduledWindowExecutions"].as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["WindowId"], w);
    let refused = |body: Value| {
        call(&e, "DescribeMaintenanceWindowSchedule", body)
            .unwrap_err()
            .error_type
    };
    assert_eq!(
        refused(json!({"WindowId": "mw-0123456789abcdef0"})),
        "DoesNotExistException"
    );
    assert_eq!(
        refused(json!({"WindowId": w, "NextToken": "not-a-token"})),
        "InvalidNextToken"
    );
    assert_eq!(
        refused(json!({"WindowId": w, "Filters": [{"Key": "ScheduledBefore", "Values": ["tomorrow"]}]})),
        "ValidationException"
    );
    assert_eq!(refused(json!({"WindowId": w, "MaxResults": 0})), "ValidationException");
}
