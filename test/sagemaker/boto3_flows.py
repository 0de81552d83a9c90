"""boto3 against `tunekit serve`, unchanged but for endpoint_url: each flow is a function run by name
(`python3 boto3_flows.py FLOW`), with the endpoint, keys and fixture paths in the environment. A flow fails with
an AssertionError naming what differed; every response is checked against its output shape (shape_check)."""
import datetime
import json
import math
import os
import sys
import time

import boto3
import botocore
import botocore.auth
from botocore.config import Config

import shape_check

ENDPOINT = os.environ["SAGEMAKER_ENDPOINT"]
KEY = os.environ["SAGEMAKER_KEY"]
SECRET = os.environ["SAGEMAKER_SECRET"]
FIXTURE = os.environ["TUNING_FIXTURE"]
PREFIX = os.environ.get("NAME_PREFIX", "b")


def client(service="sagemaker", key=KEY, secret=SECRET, **config):
    return shape_check.watch(
        boto3.client(
            service,
            endpoint_url=ENDPOINT,
            region_name="us-east-1",
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            config=Config(retries={"max_attempts": 1}, **config),
        )
    )


def tuning_request(name, jobs=4, parallel=2, sleep="0"):
    with open(FIXTURE) as f:
        request = json.load(f)
    request["HyperParameterTuningJobName"] = name
    config = request["HyperParameterTuningJobConfig"]
    config["Strategy"] = "Random"
    config["ResourceLimits"] = {"MaxNumberOfTrainingJobs": jobs, "MaxParallelTrainingJobs": parallel}
    request["TrainingJobDefinition"]["StaticHyperParameters"]["sleep"] = sleep
    return request


def wait(what, condition, limit=300):
    deadline = time.monotonic() + limit
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)


def tuning():
    sm = client()
    name = f"{PREFIX}-tune"
    arn = sm.create_hyper_parameter_tuning_job(**tuning_request(name), Tags=[{"Key": "team", "Value": "nlp"}])[
        "HyperParameterTuningJobArn"
    ]
    assert arn == f"arn:aws:sagemaker:eu-west-3:123456789012:hyper-parameter-tuning-job/{name}", arn

    def ended():
        d = sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
        return d if d["HyperParameterTuningJobStatus"] not in ("InProgress", "Stopping") else None

    described = wait("the tuning job to end", ended)
    assert described["HyperParameterTuningJobStatus"] == "Completed", described
    assert described["TrainingJobStatusCounters"]["Completed"] == 4, described["TrainingJobStatusCounters"]
    assert described["ObjectiveStatusCounters"]["Succeeded"] == 4, described["ObjectiveStatusCounters"]
    assert isinstance(described["CreationTime"], datetime.datetime)

    # Every job once, two a page, in the order asked.
    pages = sm.get_paginator("list_training_jobs_for_hyper_parameter_tuning_job").paginate(
        HyperParameterTuningJobName=name,
        SortBy="FinalObjectiveMetricValue",
        SortOrder="Ascending",
        PaginationConfig={"PageSize": 2},
    )
    page_sizes = []
    summaries = []
    for page in pages:
        page_sizes.append(len(page["TrainingJobSummaries"]))
        summaries.extend(page["TrainingJobSummaries"])
    names = [s["TrainingJobName"] for s in summaries]
    assert page_sizes == [2, 2], page_sizes
    assert len(set(names)) == 4, names
    values = [s["FinalHyperParameterTuningJobObjectiveMetric"]["Value"] for s in summaries]
    assert values == sorted(values), values
    best = described["BestTrainingJob"]
    assert best["TrainingJobName"] == names[0], (best, names)  # Minimize: the smallest first
    assert best["FinalHyperParameterTuningJobObjectiveMetric"]["Value"] == values[0]

    # Describe a training job: secondary status and its transitions, metrics, model artifacts.
    job = sm.describe_training_job(TrainingJobName=names[0])
    assert job["SecondaryStatus"] == "Completed", job["SecondaryStatus"]
    assert [t["Status"] for t in job["SecondaryStatusTransitions"]][-1] == "Completed"
    assert job["ModelArtifacts"]["S3ModelArtifacts"].endswith(f"/{names[0]}/output/model.tar.gz")
    assert job["FinalMetricDataList"][0]["MetricName"] == "val_loss"
    assert job["TuningJobArn"] == arn

    # Listings with filters and pages.
    listed = sm.list_hyper_parameter_tuning_jobs(NameContains=name, StatusEquals="Completed")
    assert [s["HyperParameterTuningJobName"] for s in listed["HyperParameterTuningJobSummaries"]] == [name]
    all_jobs = [
        s["TrainingJobName"]
        for page in sm.get_paginator("list_training_jobs").paginate(
            NameContains=name, SortBy="Name", PaginationConfig={"PageSize": 3}
        )
        for s in page["TrainingJobSummaries"]
    ]
    assert all_jobs == sorted(names), all_jobs

    # Tags: from the request, added, listed, deleted.
    assert sm.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "nlp"}]
    sm.add_tags(ResourceArn=arn, Tags=[{"Key": "project", "Value": "mrpc"}])
    assert [t["Key"] for t in sm.list_tags(ResourceArn=arn)["Tags"]] == ["project", "team"]
    sm.delete_tags(ResourceArn=arn, TagKeys=["team"])
    assert sm.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "project", "Value": "mrpc"}]

    # A name used twice; a name that names nothing; stopping what has ended.
    try:
        sm.create_hyper_parameter_tuning_job(**tuning_request(name))
        raise AssertionError("a second tuning job with the same name was created")
    except sm.exceptions.ResourceInUse as error:
        assert error.response["Error"]["Code"] == "ResourceInUse"
    try:
        sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName="never-made")
        raise AssertionError("found a tuning job never made")
    except sm.exceptions.ResourceNotFound:
        pass
    try:
        sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
        raise AssertionError("stopped a completed tuning job")
    except botocore.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == "ValidationException", error.response
        assert "Completed" in error.response["Error"]["Message"]

    # Deleting takes it and its tags away.
    sm.delete_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
    try:
        sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
        raise AssertionError("a deleted tuning job is still described")
    except sm.exceptions.ResourceNotFound:
        pass


def training():
    sm = client()
    name = f"{PREFIX}-train"
    with open(FIXTURE) as f:
        definition = json.load(f)["TrainingJobDefinition"]
    sm.create_training_job(
        TrainingJobName=name,
        AlgorithmSpecification=definition["AlgorithmSpecification"],
        HyperParameters={
            **definition["StaticHyperParameters"],
            "learning_rate": "0.001",
            "layers": "3",
            "optimizer": "adam",
        },
        RoleArn=definition["RoleArn"],
        OutputDataConfig=definition["OutputDataConfig"],
        ResourceConfig=definition["ResourceConfig"],
        StoppingCondition=definition["StoppingCondition"],
    )
    sm.get_waiter("training_job_completed_or_stopped").wait(
        TrainingJobName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 600}
    )
    job = sm.describe_training_job(TrainingJobName=name)
    assert job["TrainingJobStatus"] == "Completed", job
    assert job["HyperParameters"]["layers"] == "3"
    assert abs(job["FinalMetricDataList"][0]["Value"] - (0.01 * 0 + 1 / 3 + (math.log10(0.001) + 3) ** 2)) < 1e-5, job[
        "FinalMetricDataList"
    ]

    # Its log, as CloudWatch Logs serves it.
    logs = client("logs")
    streams = logs.describe_log_streams(logGroupName="/aws/sagemaker/TrainingJobs", logStreamNamePrefix=f"{name}/")
    stream = streams["logStreams"][0]["logStreamName"]
    assert stream.startswith(f"{name}/algo-1-"), stream
    events = logs.get_log_events(
        logGroupName="/aws/sagemaker/TrainingJobs", logStreamName=stream, startFromHead=True
    )["events"]
    assert any("val_loss=" in e["message"] for e in events), events
    filtered = logs.filter_log_events(
        logGroupName="/aws/sagemaker/TrainingJobs", logStreamNames=[stream], filterPattern='"epoch 3 "'
    )["events"]
    assert len(filtered) == 1 and "epoch 3" in filtered[0]["message"], filtered

    # Its metric, as CloudWatch serves it to TrainingJobAnalytics (botocore sends RPC v2 CBOR).
    cloudwatch = client("cloudwatch")
    start = job["TrainingStartTime"] - datetime.timedelta(minutes=1)
    for dimension in ({"Name": "Host", "Value": f"{name}/algo-1"}, {"Name": "TrainingJobName", "Value": name}):
        stats = cloudwatch.get_metric_statistics(
            Namespace="/aws/sagemaker/TrainingJobs",
            MetricName="val_loss",
            Dimensions=[dimension],
            StartTime=start,
            EndTime=job["TrainingEndTime"] + datetime.timedelta(minutes=1),
            Period=3600,
            Statistics=["Average", "Minimum", "SampleCount"],
        )
        [point] = stats["Datapoints"]
        assert point["SampleCount"] == 3 and point["Minimum"] == job["FinalMetricDataList"][0]["Value"], point
        assert abs((point["Timestamp"] - start).total_seconds()) < 1, (point, start)

    # A running training job stopped: Stopping, then Stopped, which the waiter takes as an end.
    slow = f"{PREFIX}-slow"
    sm.create_training_job(
        TrainingJobName=slow,
        AlgorithmSpecification=definition["AlgorithmSpecification"],
        HyperParameters={**definition["StaticHyperParameters"], "learning_rate": "0.001", "layers": "3",
                         "optimizer": "adam", "sleep": "30"},
        RoleArn=definition["RoleArn"],
        OutputDataConfig=definition["OutputDataConfig"],
        ResourceConfig=definition["ResourceConfig"],
        StoppingCondition=definition["StoppingCondition"],
    )
    wait("the job to train", lambda: sm.describe_training_job(TrainingJobName=slow)["SecondaryStatus"] == "Training")
    sm.stop_training_job(TrainingJobName=slow)
    assert sm.describe_training_job(TrainingJobName=slow)["TrainingJobStatus"] in ("Stopping", "Stopped")
    sm.get_waiter("training_job_completed_or_stopped").wait(
        TrainingJobName=slow, WaiterConfig={"Delay": 1, "MaxAttempts": 600}
    )
    stopped = sm.describe_training_job(TrainingJobName=slow)
    assert stopped["TrainingJobStatus"] == "Stopped", stopped["TrainingJobStatus"]
    assert [t["Status"] for t in stopped["SecondaryStatusTransitions"]][-1] == "Stopped", stopped[
        "SecondaryStatusTransitions"
    ]
    try:
        sm.stop_training_job(TrainingJobName=slow)
        raise AssertionError("stopped a stopped training job")
    except botocore.exceptions.ClientError as error:
        assert error.response["Error"]["Message"] == (
            "The request was rejected because the training job is in status Stopped."
        ), error.response


def validation():
    loose = client(parameter_validation=False)
    request = tuning_request(f"{PREFIX}-bad")
    request["HyperParameterTuningJobConfig"]["ResourceLimits"]["MaxParallelTrainingJobs"] = 0
    try:
        loose.create_hyper_parameter_tuning_job(**request)
        raise AssertionError("MaxParallelTrainingJobs 0 was accepted")
    except loose.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == "ValidationException", error.response
        assert error.response["Error"]["Message"] == (
            "1 validation error detected: Value '0' at "
            "'hyperParameterTuningJobConfig.resourceLimits.maxParallelTrainingJobs' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1"
        ), error.response["Error"]["Message"]
        assert error.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == "ValidationException"
    # tunekit's own rules beyond the model's come out the same way, naming the camelCase path.
    request = tuning_request(f"{PREFIX}-bad")
    request["HyperParameterTuningJobConfig"]["HyperParameterTuningJobObjective"]["MetricName"] = "accuracy"
    try:
        loose.create_hyper_parameter_tuning_job(**request)
        raise AssertionError("an objective no metric definition names was accepted")
    except loose.exceptions.ClientError as error:
        message = error.response["Error"]["Message"]
        assert error.response["Error"]["Code"] == "ValidationException", error.response
        assert message.startswith("1 validation error detected: Value "), message
    try:
        loose.describe_training_job(TrainingJobName="bad_name")
        raise AssertionError("a name against the pattern was accepted")
    except loose.exceptions.ClientError as error:
        assert "at 'trainingJobName' failed to satisfy constraint: Member must satisfy regular expression pattern" in (
            error.response["Error"]["Message"]
        ), error.response
    try:
        loose.list_endpoints()
        raise AssertionError("an operation tunekit does not serve answered")
    except loose.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == "UnknownOperationException", error.response
    page = client().list_training_jobs(MaxResults=1)
    try:
        client().list_hyper_parameter_tuning_jobs(NextToken=page.get("NextToken", "bm90LWEtdG9rZW4"))
        raise AssertionError("a token of another listing was accepted")
    except botocore.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == "ValidationException", error.response


def stop():
    sm = client()
    name = f"{PREFIX}-stop"
    sm.create_hyper_parameter_tuning_job(**tuning_request(name, jobs=2, parallel=2, sleep="30"))
    wait(
        "a training job to run",
        lambda: sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)["TrainingJobStatusCounters"][
            "InProgress"
        ]
        > 0,
    )
    try:
        sm.delete_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
        raise AssertionError("a running tuning job was deleted")
    except sm.exceptions.ConflictException:
        pass
    sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
    seen = [sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)["HyperParameterTuningJobStatus"]]
    assert seen[0] in ("Stopping", "Stopped"), seen

    def stopped():
        status = sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)[
            "HyperParameterTuningJobStatus"
        ]
        seen.append(status)
        return status == "Stopped"

    wait("the tuning job to stop", stopped)
    assert seen[0] == "Stopping", seen
    jobs = sm.list_training_jobs_for_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
    assert all(j["TrainingJobStatus"] == "Stopped" for j in jobs["TrainingJobSummaries"]), jobs
    print(json.dumps({"seen": seen}))


def load():
    """The bench's load, short: 10 clients for 5 s against a tuning job whose jobs are running."""
    import subprocess

    sm = client()
    name = f"{PREFIX}-load"
    # Enough jobs that it still runs once the load has ended, however long the clients took to start.
    sm.create_hyper_parameter_tuning_job(**tuning_request(name, jobs=30, parallel=2, sleep="2"))
    wait(
        "a training job to run",
        lambda: sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)["TrainingJobStatusCounters"][
            "InProgress"
        ]
        > 0,
    )
    script = os.path.join(os.path.dirname(__file__), "boto3_load.py")
    result = subprocess.run(
        [sys.executable, script, ENDPOINT, KEY, SECRET, name],
        env={**os.environ, "CLIENTS": "10", "SECONDS": "5"},
        capture_output=True,
        text=True,
        check=True,
    )
    sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
    print(result.stdout.strip())


def count_jobs():
    """How many tuning jobs and training jobs the server holds, and the tags of the first tuning job."""
    sm = client()
    tuning = [
        s for p in sm.get_paginator("list_hyper_parameter_tuning_jobs").paginate()
        for s in p["HyperParameterTuningJobSummaries"]
    ]
    training = sum(len(p["TrainingJobSummaries"]) for p in sm.get_paginator("list_training_jobs").paginate())
    tags = sm.list_tags(ResourceArn=tuning[0]["HyperParameterTuningJobArn"])["Tags"] if tuning else []
    return len(tuning), training, tags


def refusals():
    before = count_jobs()
    request = tuning_request(f"{PREFIX}-refused")
    victim = client().list_hyper_parameter_tuning_jobs()["HyperParameterTuningJobSummaries"]
    cases = {
        "wrong secret": (client(secret=SECRET + "x"), "InvalidSignatureException"),
        "unknown key": (client(key="AKIDUNKNOWN0000"), "UnrecognizedClientException"),
    }
    for what, (sm, code) in cases.items():
        try:
            sm.create_hyper_parameter_tuning_job(**request)
            raise AssertionError(f"{what}: the request was accepted")
        except botocore.exceptions.ClientError as error:
            assert error.response["Error"]["Code"] == code, (what, error.response)
        if victim:  # nor may a refused request tag or stop what exists
            arn = victim[0]["HyperParameterTuningJobArn"]
            for call in (
                lambda: sm.add_tags(ResourceArn=arn, Tags=[{"Key": "forged", "Value": "x"}]),
                lambda: sm.stop_training_job(TrainingJobName="any-job"),
            ):
                try:
                    call()
                    raise AssertionError(f"{what}: a write was accepted")
                except botocore.exceptions.ClientError as error:
                    assert error.response["Error"]["Code"] == code, (what, error.response)
    real = botocore.auth.get_current_datetime
    botocore.auth.get_current_datetime = lambda remove_tzinfo=True: real(remove_tzinfo) - datetime.timedelta(
        minutes=20
    )
    try:
        client().create_hyper_parameter_tuning_job(**request)
        raise AssertionError("a 20-minute-old signature was accepted")
    except botocore.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == "InvalidSignatureException", error.response
        assert "Signature expired" in error.response["Error"]["Message"], error.response
    finally:
        botocore.auth.get_current_datetime = real
    assert count_jobs() == before, "a refused request created something"
    identity = client("sts").get_caller_identity()
    assert identity["Account"] == "123456789012" and identity["UserId"] == KEY, identity


if __name__ == "__main__":
    globals()[sys.argv[1]]()
    assert shape_check.checked, "no response was checked against its shape"
    assert not shape_check.violations, "\n".join(shape_check.violations)
    print(f"checked {len(shape_check.checked)} responses against their shapes", file=sys.stderr)
