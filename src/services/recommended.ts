import { parseTuningJobRequest } from "../config/tuning-job-request.js";
import { strategyOf } from "../identity.js";
import type { Store, TrainingJobPoint, TrainingJobRecord, TuningJobRecord } from "../store/index.js";
import type { BayesianState } from "../strategies/bayesian/index.js";
import { recommendTrial } from "../strategies/bayesian/recommend.js";
import type { TrialView } from "../strategies/index.js";

/**
 * The model's recommended training job of a Bayesian tuning job: among the jobs run, the one whose posterior
 * mean (the GP the strategy last fitted, conditioned on every result) is best. SageMaker's BestTrainingJob is
 * the best observed value; on a noisy objective that is partly the luckiest draw, and the recommendation is
 * what a careful user deploys (strategies/bayesian/recommend.ts). Undefined for other strategies, studies,
 * and before the model has made a suggestion.
 */
export interface RecommendedJob {
  readonly record: TrainingJobRecord;
  /** The model's estimate of its objective, in the objective's units. */
  readonly estimate: number;
  /** How many results the model was conditioned on. */
  readonly observations: number;
}

const TERMINAL = new Set(["Completed", "Stopped", "Failed"]);

/**
 * Recommendations already computed, by what they depend on: a Describe of a 10,000-job tuning job fits a GP
 * (about 0.3 s on a loaded machine), and the console and SDK clients describe the same job again and again while
 * nothing has changed. Ended jobs' values never change, so the tuning job, the kernel's job and the number of
 * results modelled say whether an answer still holds.
 */
type Memo = Map<string, { index: number; estimate: number; observations: number } | undefined>;
/** Per store: two stores in one process (simulations, tests) may hold tuning jobs of the same name. */
const memos = new WeakMap<Store, Memo>();
const MEMO_SIZE = 64;

/** The latest job whose suggestion came from the model, with the kernel fit stored with it. */
async function latestKernel(store: Store, jobs: readonly TrainingJobPoint[]) {
  for (let i = jobs.length - 1; i >= 0; i--) {
    const record = await store.getTrainingJob((jobs[i] as TrainingJobPoint).name);
    const kernel = (record?.strategyState as BayesianState | null)?.kernel;
    if (kernel) return { kernel, definitionName: record?.definitionName ?? null, name: record?.name as string };
  }
  return undefined;
}

export async function recommendedTrainingJob(store: Store, job: TuningJobRecord): Promise<RecommendedJob | undefined> {
  if (job.kind !== "tuning-job" || strategyOf(job) !== "Bayesian") return undefined;
  const jobs = await store.listTrainingJobPoints(job.name);
  const latest = await latestKernel(store, jobs);
  if (!latest) return undefined;
  const parsed = parseTuningJobRequest(job.config);
  const definition =
    parsed.definitions.find((d) => (d.name ?? null) === latest.definitionName) ?? parsed.definitions[0];
  if (!definition) return undefined;
  // The model sees what the strategy saw (every ended job with a value, early-stopped ones too, one model per
  // definition) and recommends among the jobs BestTrainingJob is chosen among: an objective that Succeeded.
  const ours = jobs.filter((j) => j.definitionName === latest.definitionName && j.trialIndex !== null);
  const succeeded = new Set(ours.filter((j) => j.objectiveStatus === "Succeeded").map((j) => j.trialIndex));
  const history: TrialView[] = ours
    .filter((j) => j.objectiveValue !== null && TERMINAL.has(j.status))
    .map((j) => ({
      index: j.trialIndex as number,
      hyperparameters: j.hyperparameters,
      state: j.status as TrialView["state"],
      value: j.objectiveValue as number,
    }));
  // Which results were modelled, not only how many: a deleted job and a newly ended one change the sum.
  const indices = history.reduce((sum, t) => sum + t.index, 0);
  const key = JSON.stringify([job.name, job.createdAt, latest.name, history.length, indices, succeeded.size]);
  let memo = memos.get(store);
  if (!memo) {
    memo = new Map();
    memos.set(store, memo);
  }
  const pick = memo.has(key)
    ? memo.get(key)
    : recommendTrial(definition.space, definition.objective.Type, history, latest.kernel, (t) =>
        succeeded.has(t.index),
      );
  memo.delete(key);
  memo.set(key, pick);
  if (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value as string);
  if (!pick) return undefined;
  const chosen = jobs.find((j) => j.definitionName === latest.definitionName && j.trialIndex === pick.index);
  const record = chosen ? await store.getTrainingJob(chosen.name) : undefined;
  if (!record) return undefined;
  return { record, estimate: pick.estimate, observations: pick.observations };
}
