import { hyperparameterImportance } from "../analytics/importance.js";
import { type ParsedDefinition, type ParsedTuningJob, parseTuningJobRequest } from "../config/tuning-job-request.js";
import { TunekitError } from "../errors.js";
import { strategyOf } from "../identity.js";
import { CategoricalParameter } from "../space/index.js";
import type { Store, TrainingJobPoint, TuningJobRecord } from "../store/index.js";
import type { BayesianState } from "../strategies/bayesian/index.js";
import { type PosteriorSlice, posteriorSlices } from "../strategies/bayesian/posterior-slice.js";
import type { TrialView } from "../strategies/index.js";
import { warmStartPoints } from "../tuner/warm-start.js";

/**
 * What the Bayesian strategy's model thought when it suggested one training job, for the console's model
 * view: the GP's posterior and acquisition along the one or two hyperparameters that mattered most then,
 * recomputed from what the store holds (the history is the jobs that had ended by the suggestion, the pending
 * trials those running then, the kernel fit the one stored with the suggestion).
 */
export type ModelView =
  | { readonly available: false; readonly reason: string; readonly job?: string }
  | {
      readonly available: true;
      readonly job: string;
      readonly trial: number;
      readonly hyperparameters: Record<string, number | string | boolean>;
      readonly observed: number;
      readonly pending: number;
      /** Results a warm start brought from parent tuning jobs. */
      readonly inherited: number;
      /** Fewer than `observed` above MAX_CONDITIONING (see posterior-slice.ts). */
      readonly conditioned: number;
      readonly importance: readonly { readonly name: string; readonly importance: number }[];
      /**
       * Each slice with the scale its hyperparameter is searched on, and its near-repeat resolution: the distance
       * on that scale (the range mapped to [0, 1]) within which the strategy keeps away from observed and running
       * configurations, because the fitted noise makes them indistinguishable.
       */
      readonly slices: readonly (PosteriorSlice & {
        readonly scale: "linear" | "log" | "category";
        readonly nearRepeatResolution: number;
        /** The trust region the suggestion was sought in, on the same scale (trust-region.ts). */
        readonly searchRegion: readonly [number, number];
      })[];
      /** The observations, to draw on the slices: name, objective, hyperparameters ("warm start" for a parent's). */
      readonly points: readonly { name: string; objective: number; hyperparameters: Record<string, unknown> }[];
      /** The jobs running when the suggestion was made (the model believed them at its mean). */
      readonly running: readonly { name: string; hyperparameters: Record<string, unknown> }[];
    };

const TERMINAL = new Set(["Completed", "Stopped", "Failed"]);

/** A job as the strategy saw it: ended (with its final value, if any) or pending. */
function view(job: TrainingJobPoint, pending: boolean): TrialView {
  return {
    index: job.trialIndex ?? 0,
    hyperparameters: job.hyperparameters,
    state: pending ? "Pending" : (job.status as TrialView["state"]),
    ...(pending || job.objectiveValue === null ? {} : { value: job.objectiveValue }),
  };
}

/**
 * The history and pending trials of trial `target`'s suggestion: the tuner asks for trial i once the jobs that
 * ended before it are recorded, so a job was history if it ended by the time trial i was created, and pending
 * if it had been created and not ended.
 */
export function suggestionContext(jobs: readonly TrainingJobPoint[], target: TrainingJobPoint) {
  const at = target.createdAt;
  const earlier = jobs.filter(
    (j) =>
      j.definitionName === target.definitionName && (j.trialIndex ?? 0) < (target.trialIndex ?? 0) && j.createdAt <= at,
  );
  const ended = (j: TrainingJobPoint) => TERMINAL.has(j.status) && j.endedAt !== null && j.endedAt <= at;
  return {
    history: earlier.filter(ended).map((j) => view(j, false)),
    pending: earlier.filter((j) => !ended(j)).map((j) => view(j, true)),
  };
}

function scaleOf(definition: ParsedDefinition, name: string): "linear" | "log" | "category" {
  const range = definition.space.ranges().find(([n]) => n === name)?.[1];
  if (range instanceof CategoricalParameter) return "category";
  return (range as { resolvedScaling?: string } | undefined)?.resolvedScaling === "Logarithmic" ? "log" : "linear";
}

function definitionOf(parsed: ParsedTuningJob, job: TrainingJobPoint): ParsedDefinition {
  return (
    parsed.definitions.find((d) => (d.name ?? null) === job.definitionName) ??
    (parsed.definitions[0] as ParsedDefinition)
  );
}

/** The job to explain: the one named, else the latest whose suggestion came from the model. */
async function targetJob(store: Store, jobs: readonly TrainingJobPoint[], name: string | undefined) {
  if (name !== undefined) {
    const found = jobs.find((j) => j.name.toLowerCase() === name.toLowerCase());
    if (!found)
      throw new TunekitError("E_NOT_FOUND", `no training job named "${name}" in this tuning job`, { field: "job" });
    return { point: found, record: await store.getTrainingJob(found.name) };
  }
  for (let i = jobs.length - 1; i >= 0; i--) {
    const record = await store.getTrainingJob((jobs[i] as TrainingJobPoint).name);
    if ((record?.strategyState as BayesianState | null)?.kernel) return { point: jobs[i] as TrainingJobPoint, record };
  }
  return undefined;
}

export async function modelView(store: Store, job: TuningJobRecord, jobName?: string): Promise<ModelView> {
  const strategy = strategyOf(job);
  if (job.kind !== "tuning-job" || strategy !== "Bayesian") {
    return { available: false, reason: `${strategy} search has no model of the objective: only Bayesian search does` };
  }
  const parsed = parseTuningJobRequest(job.config);
  const jobs = await store.listTrainingJobPoints(job.name);
  const target = await targetJob(store, jobs, jobName);
  if (!target)
    return {
      available: false,
      reason: "no suggestion has come from the model yet (the first jobs are its initial design)",
    };
  const { point, record } = target;
  const kernel = (record?.strategyState as BayesianState | null)?.kernel;
  const lead = (record?.strategyState as BayesianState | null)?.lead === true;
  if (!kernel) {
    return {
      available: false,
      job: point.name,
      reason: `job ${(point.trialIndex ?? 0) + 1} was part of the initial design (Sobol points chosen before the model), so no model suggested it`,
    };
  }
  const definition = definitionOf(parsed, point);
  const warm = (await warmStartPoints(store, parsed))
    .filter((w) => w.definitionName === definition.name)
    .map((w) => w.view);
  const context = suggestionContext(jobs, point);
  const history = [...warm, ...context.history];
  const observedResults = history.filter((t) => t.value !== undefined && Number.isFinite(t.value));
  const importance = hyperparameterImportance(
    definition.space,
    observedResults.map((t) => ({ hyperparameters: t.hyperparameters, value: t.value as number })),
    { seed: job.seed },
  );
  const numeric = [...importance].sort((a, b) => b.importance - a.importance).slice(0, 2);
  const result = posteriorSlices({
    space: definition.space,
    objective: definition.objective.Type,
    history,
    pending: context.pending,
    kernel,
    lead,
    at: point.hyperparameters,
    names: numeric.map((i) => i.name),
    seed: job.seed,
  });
  const byIndex = new Map(jobs.map((j) => [j.trialIndex, j.name]));
  return {
    available: true,
    job: point.name,
    trial: (point.trialIndex ?? 0) + 1,
    hyperparameters: point.hyperparameters,
    observed: observedResults.length,
    pending: context.pending.length,
    inherited: warm.length,
    conditioned: result.conditioned,
    importance,
    slices: result.slices.map((slice) => ({
      ...slice,
      scale: scaleOf(definition, slice.name),
      nearRepeatResolution: result.nearRepeatResolution[definition.space.names.indexOf(slice.name)] as number,
      searchRegion: result.searchRegion[definition.space.names.indexOf(slice.name)] as readonly [number, number],
    })),
    points: observedResults.map((t) => ({
      name: t.index < 0 ? "warm start" : (byIndex.get(t.index) ?? String(t.index)),
      objective: t.value as number,
      hyperparameters: t.hyperparameters,
    })),
    running: context.pending.map((t) => ({
      name: byIndex.get(t.index) ?? String(t.index),
      hyperparameters: t.hyperparameters,
    })),
  };
}
