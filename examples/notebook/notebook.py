"""The seed's notebook against tunekit serve, with boto3 alone: create the MRPC tuning job from the seed's
request, poll Describe until it ends, page through its training jobs, build the analytics dataframe with the
columns the SageMaker Python SDK's HyperparameterTuningJobAnalytics.dataframe() has, and draw the blog's two
plots (F1 against each job's start time, and against the learning rate).

    tunekit serve --config examples/mrpc/tunekit.config.yaml &
    /usr/bin/python3 examples/notebook/notebook.py [--jobs 30] [--parallel 3] [--name mrpc-nb] [--out DIR]

The endpoint is $AWS_ENDPOINT_URL_SAGEMAKER (default http://127.0.0.1:8686); the keys are the AWS chain's
(environment, ~/.aws), or any pair when the server has none configured. Nothing here is tunekit's: the same
script runs against SageMaker with the endpoint left out.
"""
import argparse
import json
import os
import time

import boto3
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("--request", default=os.path.join(HERE, "..", "mrpc", "tuning-job.json"))
parser.add_argument("--name", default=f"mrpc-nb-{int(time.time())}")
parser.add_argument("--jobs", type=int, help="MaxNumberOfTrainingJobs (default: the request's, 30)")
parser.add_argument("--parallel", type=int, help="MaxParallelTrainingJobs (default: the request's, 3)")
parser.add_argument("--out", default=os.path.join(HERE, "output"))
args = parser.parse_args()

session = boto3.session.Session()
sm = session.client(
    "sagemaker",
    endpoint_url=os.environ.get("AWS_ENDPOINT_URL_SAGEMAKER", "http://127.0.0.1:8686"),
    region_name=session.region_name or "us-east-1",
    # A server with no keys configured (loopback) takes any signature; the chain's keys when there are some.
    aws_access_key_id=None if session.get_credentials() else "tunekit",
    aws_secret_access_key=None if session.get_credentials() else "tunekit",
)

# 1. The seed's request, as it would go to SageMaker.
with open(args.request) as f:
    request = json.load(f)
request["HyperParameterTuningJobName"] = args.name
limits = request["HyperParameterTuningJobConfig"]["ResourceLimits"]
if args.jobs:
    limits["MaxNumberOfTrainingJobs"] = args.jobs
if args.parallel:
    limits["MaxParallelTrainingJobs"] = args.parallel
arn = sm.create_hyper_parameter_tuning_job(**request)["HyperParameterTuningJobArn"]
print(f"created {arn}")

# 2. Poll Describe until it ends.
while True:
    tuning = sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=args.name)
    status = tuning["HyperParameterTuningJobStatus"]
    counters = tuning["TrainingJobStatusCounters"]
    print(f"{status}: {counters['Completed']} completed, {counters['InProgress']} in progress, "
          f"{counters['Stopped']} stopped, {counters['NonRetryableError'] + counters['RetryableError']} failed")
    if status not in ("InProgress", "Stopping"):
        break
    time.sleep(5)
best = tuning.get("BestTrainingJob")
if best:
    print(f"best: {best['TrainingJobName']} F1 {best['FinalHyperParameterTuningJobObjectiveMetric']['Value']} "
          f"at {best['TunedHyperParameters']}")

# 3. Page through its training jobs.
summaries = []
for page in sm.get_paginator("list_training_jobs_for_hyper_parameter_tuning_job").paginate(
    HyperParameterTuningJobName=args.name, PaginationConfig={"PageSize": 10}
):
    summaries.extend(page["TrainingJobSummaries"])


# 4. The dataframe, row by row as HyperparameterTuningJobAnalytics.dataframe() builds it.
def reshape(summary):
    row = {}
    for key, value in summary["TunedHyperParameters"].items():
        try:
            value = float(value)
        except (TypeError, ValueError):
            pass
        row[key] = value
    row["TrainingJobName"] = summary["TrainingJobName"]
    row["TrainingJobStatus"] = summary["TrainingJobStatus"]
    row["FinalObjectiveValue"] = summary.get("FinalHyperParameterTuningJobObjectiveMetric", {}).get("Value")
    start, end = summary.get("TrainingStartTime"), summary.get("TrainingEndTime")
    row["TrainingStartTime"] = start
    row["TrainingEndTime"] = end
    if start and end:
        row["TrainingElapsedTimeSeconds"] = (end - start).total_seconds()
    if "TrainingJobDefinitionName" in summary:
        row["TrainingJobDefinitionName"] = summary["TrainingJobDefinitionName"]
    return row


df = pd.DataFrame([reshape(s) for s in summaries])
os.makedirs(args.out, exist_ok=True)
df.to_csv(os.path.join(args.out, f"{args.name}.csv"), index=False)
print(df.sort_values("FinalObjectiveValue", ascending=False).head(10).to_string())

# 5. The blog's two plots.
done = df.dropna(subset=["FinalObjectiveValue"]).sort_values("TrainingStartTime")
fig, ax = plt.subplots(figsize=(7, 4))
ax.scatter(done["TrainingStartTime"], done["FinalObjectiveValue"], label="training job")
ax.plot(done["TrainingStartTime"], done["FinalObjectiveValue"].cummax(), color="C1", label="best so far")
ax.set_xlabel("training start time")
ax.set_ylabel("F1 (validation)")
ax.set_title(f"{args.name}: F1 over time")
ax.legend()
fig.autofmt_xdate()
fig.tight_layout()
fig.savefig(os.path.join(args.out, f"{args.name}-f1-over-time.png"), dpi=100)

fig, ax = plt.subplots(figsize=(7, 4))
ax.scatter(done["learning_rate"], done["FinalObjectiveValue"])
ax.set_xscale("log")
ax.set_xlabel("learning_rate")
ax.set_ylabel("F1 (validation)")
ax.set_title(f"{args.name}: F1 against the learning rate")
fig.tight_layout()
fig.savefig(os.path.join(args.out, f"{args.name}-f1-vs-learning-rate.png"), dpi=100)
print(f"wrote {len(df)} rows and two plots to {args.out}")
