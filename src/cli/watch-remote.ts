import { systemClock } from "../clock.js";
import type { RemoteTuningJob, ServerClient } from "../transports/http/client.js";
import type { Output } from "./output.js";
import { formatHyperparameters, formatValue } from "./output.js";

const POLL_MS = 1000;
const ENDED = new Set(["Completed", "Failed", "Stopped"]);

/**
 * Follows a tuning job on a server until it ends, printing a line as each training job starts and ends (to
 * `output`, when given), and returns its final Describe.
 */
export async function watchRemote(client: ServerClient, name: string, output?: Output): Promise<RemoteTuningJob> {
  const seen = new Map<string, string>();
  for (;;) {
    const job = await client.describeTuningJob(name);
    if (output) {
      for (const child of await client.trainingJobs(name)) {
        const before = seen.get(child.TrainingJobName);
        if (before === child.TrainingJobStatus) continue;
        seen.set(child.TrainingJobName, child.TrainingJobStatus);
        if (before === undefined)
          output.out(`start  ${child.TrainingJobName}  ${formatHyperparameters(child.TunedHyperParameters)}`);
        if (ENDED.has(child.TrainingJobStatus)) {
          const value = formatValue(child.FinalHyperParameterTuningJobObjectiveMetric?.Value) ?? "no objective";
          const best = job.BestTrainingJob;
          const bestText = best
            ? `best ${formatValue(best.FinalHyperParameterTuningJobObjectiveMetric?.Value)} (${best.TrainingJobName})`
            : "no best yet";
          output.out(`${child.TrainingJobStatus.padEnd(9)} ${child.TrainingJobName}  ${value}  | ${bestText}`);
        }
      }
    }
    if (ENDED.has(job.HyperParameterTuningJobStatus)) return job;
    await systemClock.sleep(POLL_MS);
  }
}
