import { decodeHyperparameter, type PyValue, pythonSorted, pythonStr } from "./python-value.js";

/**
 * Hyperparameters the training toolkit consumes itself and never passes to
 * the script: every `sagemaker_*` key, and the tuner's `_tuning_objective_metric`.
 */
export function isFrameworkHyperparameter(key: string): boolean {
  return key.startsWith("sagemaker_") || key === "_tuning_objective_metric" || key === "default_user_module_name";
}

/** The hyperparameters a script sees (SM_HPS, SM_HP_*, its arguments), decoded as the toolkit decodes them. */
export function userHyperparameters(hyperparameters: Record<string, string>): Map<string, PyValue> {
  return new Map(
    Object.entries(hyperparameters)
      .filter(([key]) => !isFrameworkHyperparameter(key))
      .map(([key, text]) => [key, decodeHyperparameter(text)]),
  );
}

function argumentValue(value: PyValue): string {
  if (value.kind === "dict") {
    // The toolkit joins a dict's items as k=v with str() of each, keys sorted.
    const byKey = new Map(value.entries);
    return pythonSorted(byKey.keys())
      .map((k) => `${k}=${pythonStr(byKey.get(k) as PyValue)}`)
      .join(",");
  }
  return value.kind === "none" ? "" : pythonStr(value);
}

/**
 * The script's command-line arguments, built as the training toolkit's
 * mapping.to_cmd_args builds them: keys sorted, `--key value` (`-k value`
 * for a one-character key), values printed with Python's str(), a dict
 * value as `k=v,k2=v2`. Each argument is one argv element: no shell ever
 * parses them.
 */
export function toolkitArguments(hyperparameters: Record<string, string>): string[] {
  const values = userHyperparameters(hyperparameters);
  return pythonSorted(values.keys()).flatMap((key) => [
    key.length > 1 ? `--${key}` : `-${key}`,
    argumentValue(values.get(key) as PyValue),
  ]);
}
