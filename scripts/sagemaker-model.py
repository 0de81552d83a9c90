"""Writes the input shapes of the SageMaker operations tunekit serves, as botocore's service model has them, to
src/transports/sagemaker/input-shapes.json: the constraints (required members, lengths, ranges, enums, patterns)
the server checks requests against. Run it again when botocore's model moves on:

    python3 scripts/sagemaker-model.py
"""
import gzip
import json
import os
import sys

import botocore

OPERATIONS = [
    "CreateTrainingJob", "DescribeTrainingJob", "ListTrainingJobs", "StopTrainingJob",
    "CreateHyperParameterTuningJob", "DescribeHyperParameterTuningJob", "ListHyperParameterTuningJobs",
    "ListTrainingJobsForHyperParameterTuningJob", "StopHyperParameterTuningJob", "DeleteHyperParameterTuningJob",
    "AddTags", "ListTags", "DeleteTags",
]
KEPT = ("type", "required", "min", "max", "enum", "pattern")

path = os.path.join(os.path.dirname(botocore.__file__), "data", "sagemaker", "2017-07-24", "service-2.json.gz")
model = json.load(gzip.open(path))
shapes = model["shapes"]
out = {}


def visit(name):
    if name in out:
        return
    shape = shapes[name]
    kept = {k: shape[k] for k in KEPT if k in shape}
    out[name] = kept
    if shape["type"] == "structure":
        kept["members"] = {m: v["shape"] for m, v in shape["members"].items()}
        for v in shape["members"].values():
            visit(v["shape"])
    elif shape["type"] == "list":
        kept["member"] = shape["member"]["shape"]
        visit(shape["member"]["shape"])
    elif shape["type"] == "map":
        kept["key"] = shape["key"]["shape"]
        kept["value"] = shape["value"]["shape"]
        visit(shape["key"]["shape"])
        visit(shape["value"]["shape"])


operations = {}
for op in OPERATIONS:
    shape = model["operations"][op]["input"]["shape"]
    operations[op] = shape
    visit(shape)
target = os.path.join(os.path.dirname(__file__), "..", "src", "transports", "sagemaker", "input-shapes.json")
os.makedirs(os.path.dirname(target), exist_ok=True)
with open(target, "w") as f:
    json.dump({"botocore": botocore.__version__, "operations": operations, "shapes": out}, f, separators=(",", ":"), sort_keys=True)
    f.write("\n")
print(f"{len(out)} shapes for {len(operations)} operations → {target}", file=sys.stderr)
