"""A bounded load on tunekit serve's SageMaker API: CLIENTS boto3 clients, each in its own process, for SECONDS
seconds, alternately describing a tuning job, listing its training jobs and describing one of them. Prints one
JSON object: the number of calls, the errors (any exception), and the latencies' p50/p99 in milliseconds, per
operation and over all."""
import json
import multiprocessing
import os
import sys
import time


def client_loop(endpoint, key, secret, name, seconds, out):
    import boto3
    from botocore.config import Config

    sm = boto3.client(
        "sagemaker",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1}, read_timeout=120),
    )
    latencies = {"describe": [], "list": [], "describe_training_job": []}
    errors = []
    job = None
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        kind = ("describe", "list", "describe_training_job")[i % 3]
        i += 1
        t0 = time.perf_counter()
        try:
            if kind == "describe":
                sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
            elif kind == "list":
                page = sm.list_training_jobs_for_hyper_parameter_tuning_job(
                    HyperParameterTuningJobName=name, MaxResults=10
                )
                if page["TrainingJobSummaries"]:
                    job = page["TrainingJobSummaries"][0]["TrainingJobName"]
            elif job is not None:
                sm.describe_training_job(TrainingJobName=job)
            else:
                continue
        except Exception as error:  # every failure counts, whatever it is
            errors.append(f"{kind}: {error}")
            continue
        latencies[kind].append((time.perf_counter() - t0) * 1000)
    out.put({"latencies": latencies, "errors": errors})


def quantile(values, q):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main():
    endpoint, key, secret, name = sys.argv[1:5]
    clients = int(os.environ.get("CLIENTS", "20"))
    seconds = float(os.environ.get("SECONDS", "30"))
    out = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(target=client_loop, args=(endpoint, key, secret, name, seconds, out))
        for _ in range(clients)
    ]
    started = time.monotonic()
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.monotonic() - started
    per_kind = {}
    everything = []
    for kind in ("describe", "list", "describe_training_job"):
        values = [v for r in results for v in r["latencies"][kind]]
        everything.extend(values)
        per_kind[kind] = {"calls": len(values), "p50": quantile(values, 0.5), "p99": quantile(values, 0.99)}
    errors = [e for r in results for e in r["errors"]]
    print(
        json.dumps(
            {
                "clients": clients,
                "seconds": seconds,
                "elapsed": elapsed,
                "calls": len(everything),
                "errors": len(errors),
                "first_errors": errors[:5],
                "p50": quantile(everything, 0.5),
                "p99": quantile(everything, 0.99),
                "per_operation": per_kind,
            }
        )
    )


if __name__ == "__main__":
    main()
