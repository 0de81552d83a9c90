import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { toolkitArguments } from "./arguments.js";
import { decodeHyperparameter, pythonFloatRepr, pythonRepr, pythonStr } from "./python-value.js";

/**
 * Golden values come from Python itself: the same inputs go through
 * json.loads and str() (and the toolkit's to_cmd_args logic) in /usr/bin/python3.
 */
const PYTHON = process.env.TUNEKIT_TEST_PYTHON ?? "/usr/bin/python3";

function python(script: string, input: unknown): unknown {
  const run = spawnSync(PYTHON, ["-c", script], { input: JSON.stringify(input), encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

const HYPERPARAMETER_TEXTS = [
  "5e-05",
  "1e-05",
  "0.0001",
  "1000.0",
  "1e3",
  "1e16",
  "1e15",
  "123456789012345678901234567890",
  "-0",
  "-0.0",
  "3",
  "2.5",
  "0.1",
  "1.7976931348623157e308",
  "5e-324",
  "1e400",
  "NaN",
  "-Infinity",
  "true",
  "false",
  "null",
  '"adam"',
  "adam",
  "bert-base-uncased",
  '"it\'s"',
  '"say \\"hi\\""',
  '"both \' and \\""',
  '"tab\\tnew\\nline\\u0001\\u00e9\\u2028"',
  '[1, 2.5, "a", true, null, [3]]',
  '{"b": 1, "a": "x", "c": [1e-7]}',
  '{"a": 1, "a": 2}',
  "hello world $(rm -rf /)",
  "",
  " 7 ",
  "[1,",
  "0.30000000000000004",
  "100000000000000000000.0",
];

const GOLDEN_STR = `
import json, sys
out = []
for text in json.load(sys.stdin):
    try:
        v = json.loads(text)
    except (ValueError, TypeError):
        v = text
    out.append([str(v), repr(v)])
print(json.dumps(out))
`;

const GOLDEN_ARGS = `
import json, sys
hps = json.load(sys.stdin)
decoded = {}
for k, v in hps.items():
    try:
        decoded[k] = json.loads(v)
    except (ValueError, TypeError):
        decoded[k] = v
# The toolkit's rule: sagemaker_* and _tuning_objective_metric are framework parameters.
user = {k: v for k, v in decoded.items() if not k.startswith("sagemaker_") and k not in ("_tuning_objective_metric", "default_user_module_name")}
args = []
for key in sorted(user):
    args.append(("--%s" % key) if len(key) > 1 else ("-%s" % key))
    value = user[key]
    if hasattr(value, "items"):
        args.append(",".join("%s=%s" % (k, v) for k, v in sorted(value.items())))
    else:
        args.append("" if value is None else str(value))
print(json.dumps(args))
`;

describe("Python value rendering", () => {
  it("prints every decoded hyperparameter exactly as Python's str() and repr() do", () => {
    const golden = python(GOLDEN_STR, HYPERPARAMETER_TEXTS) as [string, string][];
    HYPERPARAMETER_TEXTS.forEach((text, i) => {
      const value = decodeHyperparameter(text);
      expect([pythonStr(value), pythonRepr(value)], text).toEqual(golden[i]);
    });
  });

  it("formats floats as Python's repr across the exponent thresholds", () => {
    const xs = [1e-5, 1e-4, 0.00012345, 1e15, 1e16, 1.5e16, 123.456, -2.5e-7, 2 ** 53 + 2, 1 / 3];
    const golden = python("import json,sys; print(json.dumps([repr(float(x)) for x in json.load(sys.stdin)]))", xs);
    expect(xs.map(pythonFloatRepr)).toEqual(golden);
  });
});

describe("toolkit arguments", () => {
  it("sorts keys, drops framework parameters, and renders values like the toolkit", () => {
    const hyperparameters = {
      learning_rate: "5e-05",
      num_train_epochs: "3",
      do_train: "true",
      model_name_or_path: '"bert-base-uncased"',
      b: "64",
      sagemaker_program: '"train.py"',
      sagemaker_submit_directory: '"s3://bucket/source.tar.gz"',
      _tuning_objective_metric: '"f1_score"',
      optimizer: '{"name": "adam", "betas": [0.9, 0.999]}',
      weird: 'it\'s "quoted" $(rm -rf /) `x`',
      Z: "1000.0",
      ü: "2",
      z: "null",
    };
    const args = toolkitArguments(hyperparameters);
    expect(args).toEqual(python(GOLDEN_ARGS, hyperparameters));
    expect(args.slice(0, 4)).toEqual(["-Z", "1000.0", "-b", "64"]);
    expect(args).toContain('it\'s "quoted" $(rm -rf /) `x`');
    expect(args).not.toContain("--sagemaker_program");
  });
});
