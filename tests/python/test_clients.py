"""boto3 and the AWS CLI against `ssm-conformance serve`, as a Python user's tests would use it as
a mock: paginators, ClientError codes and modeled exception classes, botocore's own parameter
validation turned off so that the server's validation answers, datetime values, the window API
and its schedule, and `aws ssm describe-maintenance-window-executions --endpoint-url`.

Run by `cargo xtask clients` (a virtualenv from PyPI with pinned boto3, awscli and pytest); the
binary is $SSM_CONFORMANCE_BIN.
"""

import datetime
import json
import os
import re
import subprocess

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError

ENV = {
    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="module")
def served():
    """The emulator on a free port, seeded with two of the suite's fixtures: n101 (101
    executions) and task_history (executions with tasks and invocations)."""
    binary = os.environ["SSM_CONFORMANCE_BIN"]
    proc = subprocess.Popen(
        [binary, "serve", "--port", "0", "--fixture", "n101", "--fixture", "task_history"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, **ENV},
    )
    url, windows = None, {}
    while len(windows) < 2:
        line = proc.stdout.readline()
        assert line, "serve ended before it seeded"
        if m := re.search(r"listening on (http://\S+)", line):
            url = m.group(1)
        if m := re.search(r"seeded window (mw-[0-9a-f]{17}) with (\d+) executions from (\S+)", line):
            name = os.path.basename(m.group(3)).removesuffix(".json")
            windows[name] = (m.group(1), int(m.group(2)))
    yield url, windows
    proc.terminate()
    proc.wait(timeout=10)


def ssm(url, validate=True):
    return boto3.client(
        "ssm",
        endpoint_url=url,
        region_name=ENV["AWS_DEFAULT_REGION"],
        aws_access_key_id=ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=ENV["AWS_SECRET_ACCESS_KEY"],
        config=botocore.config.Config(parameter_validation=validate, retries={"mode": "standard"}),
    )


def test_paginator_lists_every_execution_once(served):
    url, windows = served
    window, count = windows["n101"]
    pages = ssm(url).get_paginator("describe_maintenance_window_executions").paginate(
        WindowId=window, PaginationConfig={"PageSize": 10}
    )
    ids = [e["WindowExecutionId"] for page in pages for e in page["WindowExecutions"]]
    assert len(ids) == count == 101
    assert len(set(ids)) == count
    starts = [e["StartTime"] for page in ssm(url).get_paginator(
        "describe_maintenance_window_executions").paginate(WindowId=window) for e in page["WindowExecutions"]]
    assert all(isinstance(t, datetime.datetime) and t.tzinfo is not None for t in starts)


def test_tasks_invocations_and_datetimes(served):
    url, windows = served
    window, _ = windows["task_history"]
    client = ssm(url)
    executions = client.describe_maintenance_window_executions(WindowId=window)["WindowExecutions"]
    seeded = {e["WindowExecutionId"]: e for e in json.load(open(fixture("task_history")))["executions"]}
    for e in executions:
        want = seeded[e["WindowExecutionId"]]
        assert e["StartTime"].timestamp() == pytest.approx(want["StartTime"], abs=1e-3)
    with_tasks = next(e for e in seeded.values() if e.get("Tasks"))
    execution_id = with_tasks["WindowExecutionId"]
    tasks = [t for page in client.get_paginator("describe_maintenance_window_execution_tasks").paginate(
        WindowExecutionId=execution_id) for t in page["WindowExecutionTaskIdentities"]]
    assert {t["TaskExecutionId"] for t in tasks} == {t["TaskExecutionId"] for t in with_tasks["Tasks"]}
    task = with_tasks["Tasks"][0]
    got = client.get_maintenance_window_execution_task(WindowExecutionId=execution_id, TaskId=task["TaskExecutionId"])
    assert got["TaskArn"] == task["TaskArn"]
    assert got["EndTime"].timestamp() == pytest.approx(task["EndTime"], abs=1e-3)
    invocations = [i for page in client.get_paginator(
        "describe_maintenance_window_execution_task_invocations").paginate(
        WindowExecutionId=execution_id, TaskId=task["TaskExecutionId"]) for i in page["WindowExecutionTaskInvocationIdentities"]]
    assert {i["InvocationId"] for i in invocations} == {i["InvocationId"] for i in task["Invocations"]}


def test_modeled_errors_are_their_exception_classes(served):
    url, _ = served
    client = ssm(url)
    with pytest.raises(client.exceptions.DoesNotExistException) as e:
        client.get_maintenance_window(WindowId="mw-0123456789abcdef0")
    assert e.value.response["Error"]["Code"] == "DoesNotExistException"
    assert e.value.response["ResponseMetadata"]["RequestId"]
    with pytest.raises(client.exceptions.DoesNotExistException):
        client.get_maintenance_window_execution(WindowExecutionId="00000000-0000-4000-8000-00000000dead")


def test_server_side_validation_with_botocores_own_turned_off(served):
    url, windows = served
    window, _ = windows["n101"]
    with pytest.raises(ClientError) as e:
        ssm(url, validate=False).describe_maintenance_window_executions(WindowId=window, MaxResults=5)
    error = e.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert "Member must have value greater than or equal to 10" in error["Message"]
    with pytest.raises(ClientError) as e:
        ssm(url, validate=False).get_maintenance_window(WindowId="mw-TOO-SHORT")
    assert e.value.response["Error"]["Code"] == "ValidationException"


def test_the_window_api_and_its_schedule(served):
    url, _ = served
    client = ssm(url)
    window = client.create_maintenance_window(
        Name="boto3-window", Schedule="cron(0 16 ? * TUE *)", Duration=2, Cutoff=1,
        AllowUnassociatedTargets=True, ClientToken="boto3-create-1",
    )["WindowId"]
    target = client.register_target_with_maintenance_window(
        WindowId=window, ResourceType="INSTANCE",
        Targets=[{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}],
    )["WindowTargetId"]
    task = client.register_task_with_maintenance_window(
        WindowId=window, TaskArn="AWS-RunShellScript", TaskType="RUN_COMMAND",
        Targets=[{"Key": "WindowTargetIds", "Values": [target]}], MaxConcurrency="1", MaxErrors="1",
    )["WindowTaskId"]
    with pytest.raises(client.exceptions.TargetInUseException):
        client.deregister_target_from_maintenance_window(WindowId=window, WindowTargetId=target, Safe=True)
    runs = [r["ExecutionTime"] for page in client.get_paginator("describe_maintenance_window_schedule").paginate(
        WindowId=window,
        Filters=[{"Key": "ScheduledAfter", "Values": ["2031-01-01T00:00:00Z"]},
                 {"Key": "ScheduledBefore", "Values": ["2031-02-01T00:00:00Z"]}],
        PaginationConfig={"PageSize": 2}) for r in page["ScheduledWindowExecutions"]]
    assert runs == ["2031-01-07T16:00Z", "2031-01-14T16:00Z", "2031-01-21T16:00Z", "2031-01-28T16:00Z"]
    client.deregister_task_from_maintenance_window(WindowId=window, WindowTaskId=task)
    client.delete_maintenance_window(WindowId=window)


def test_the_aws_cli_reads_the_history(served):
    url, windows = served
    window, count = windows["n101"]
    out = subprocess.run(
        ["aws", "ssm", "describe-maintenance-window-executions", "--endpoint-url", url,
         "--window-id", window, "--output", "json"],
        capture_output=True, text=True, env={**os.environ, **ENV}, check=True,
    )
    listed = json.loads(out.stdout)["WindowExecutions"]
    assert len(listed) == count
    # AWS CLI v1 prints the wire's epoch seconds as they came (its cli_timestamp_format "none").
    pages = ssm(url).get_paginator("describe_maintenance_window_executions").paginate(WindowId=window)
    via_boto3 = sorted(e["StartTime"].timestamp() for page in pages for e in page["WindowExecutions"])
    assert sorted(e["StartTime"] for e in listed) == pytest.approx(via_boto3)


def fixture(name):
    return os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", f"{name}.json")
