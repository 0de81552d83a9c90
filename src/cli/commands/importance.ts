import { Command } from "commander";
import { addCommonOptions, type CommonOptions, withContext } from "../context.js";
import { json, table } from "../output.js";

export function importanceCommand(): Command {
  return addCommonOptions(
    new Command("importance")
      .argument("<name>", "a tuning job")
      .description(
        "how much of the objective's variation each tuned hyperparameter explains on its own (functional ANOVA of a GP fitted to the results)",
      )
      .addHelpText(
        "after",
        '\nExample:\n  tunekit importance mrpc-lr --json   # {"tuningJob", "results", "importance": {"learning_rate": 0.93}}',
      ),
  ).action((name: string, options: CommonOptions) =>
    withContext(options, async ({ store, json: asJson, output }) => {
      const { resolveName } = await import("../../services/resolve-name.js");
      const { tuningJobImportance } = await import("../../services/importance.js");
      const target = await resolveName(store, name, "tuning-job");
      if (target.kind !== "tuning-job" || target.record.kind !== "tuning-job") {
        return output.out(`${name} is not a tuning job`);
      }
      const measured = await tuningJobImportance(store, target.record);
      if (asJson) {
        // One object: each hyperparameter's share by name; with several TrainingJobDefinitions, one per definition.
        const shares = (m: (typeof measured)[number]) => ({
          results: m.results,
          importance: Object.fromEntries(m.importances.map((i) => [i.name, i.importance])),
        });
        const [only] = measured;
        return output.out(
          json(
            measured.length === 1 && only
              ? { tuningJob: target.record.name, ...shares(only) }
              : {
                  tuningJob: target.record.name,
                  definitions: Object.fromEntries(measured.map((m) => [m.definitionName, shares(m)])),
                },
          ),
        );
      }
      for (const m of measured) {
        output.out(
          `${m.definitionName ? `${m.definitionName}: ` : ""}${m.results} results${m.results < 3 ? " (too few to measure)" : ""}`,
        );
        output.out(
          table(
            ["HYPERPARAMETER", "IMPORTANCE"],
            [...m.importances]
              .sort((a, b) => b.importance - a.importance)
              .map((i) => [i.name, i.importance.toFixed(3)]),
          ),
        );
      }
    }),
  );
}
