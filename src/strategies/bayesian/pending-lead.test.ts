import { describe, expect, it } from "vitest";
import { createRng } from "../../random.js";
import { ContinuousParameter, SearchSpace } from "../../space/index.js";
import type { SuggestContext, Suggestion, TrialView } from "../strategy.js";
import { suggestContext } from "../suggest-request.js";
import { GaussianProcess } from "./gp/regressor.js";
import { type BayesianState, BayesianStrategy } from "./index.js";
import { LEAD_VARIANCE_LEFT, leadIsNew, varianceLeft } from "./pending-lead.js";

describe("the lead with trials pending", () => {
  const fit = { logLambda: [Math.log(10), Math.log(10)], logScale: 0, logNoise: -20 };
  // Three results, the best (0.5) at (0.5, 0.8); the model maximises.
  const data = {
    x: Float64Array.from([0.1, 0.1, 0.9, 0.2, 0.5, 0.8]),
    n: 3,
    d: 2,
    y: Float64Array.from([0.3, -0.2, 0.5]),
    categorical: new Uint8Array(2),
  };
  const model = new GaussianProcess(data, fit);
  const pending = Float64Array.from([0.5, 0.4]);
  const believed = model.extend(pending, Float64Array.of(model.mean(pending)));

  it("leaves next to no variance at a believed pending point and nearly all far from it", () => {
    expect(varianceLeft(model, believed, pending)).toBeLessThan(1e-6);
    expect(varianceLeft(model, believed, Float64Array.from([0.02, 0.95]))).toBeGreaterThan(0.9);
  });

  it("leaves more variance the farther from the pending point, crossing the threshold in between", () => {
    const shares = [0.01, 0.05, 0.1, 0.2, 0.4].map((step) =>
      varianceLeft(model, believed, Float64Array.from([0.5 + step, 0.4])),
    );
    for (let i = 1; i < shares.length; i++) expect(shares[i]).toBeGreaterThan(shares[i - 1] as number);
    expect(shares[0]).toBeLessThan(LEAD_VARIANCE_LEFT);
    expect(shares.at(-1)).toBeGreaterThan(LEAD_VARIANCE_LEFT);
  });

  it("is asked only beyond the pending trials: predicted better than each, and not where one stands", () => {
    const step = Float64Array.from([0.5, 0.85]); // beside the best result, predicted better than the pending point
    expect(model.mean(step)).toBeGreaterThan(model.mean(pending));
    expect(leadIsNew(model, believed, step, [pending])).toBe(true);
    // A pending trial predicted at least as good as the step: the believer's bar is the right one.
    const better = Float64Array.from([0.5, 0.8]);
    const believedBetter = model.extend(better, Float64Array.of(model.mean(better)));
    expect(leadIsNew(model, believedBetter, Float64Array.from([0.9, 0.9]), [better])).toBe(false);
    // A pending trial a hair from the step: it already stands there.
    const beside = Float64Array.from([0.5, 0.8505]);
    const believedBeside = model.extend(beside, Float64Array.of(model.mean(beside)));
    expect(model.mean(step)).toBeGreaterThan(model.mean(beside));
    expect(leadIsNew(model, believedBeside, step, [beside])).toBe(false);
  });
});

describe("BayesianStrategy with trials pending", () => {
  // A smooth bowl whose minimum (0.62, 0.35) the model has nearly found: the next step is clear.
  const space = new SearchSpace({
    a: new ContinuousParameter(0, 1, "Linear"),
    b: new ContinuousParameter(0, 1, "Linear"),
  });
  const f = (a: number, b: number) => (a - 0.62) ** 2 + 2 * (b - 0.35) ** 2;
  const rng = createRng(3, "pending-lead-history");
  const history: TrialView[] = Array.from({ length: 24 }, (_, index) => {
    const [a, b] = [rng.next(), rng.next()];
    return { index, hyperparameters: { a, b }, state: "Completed", value: f(a, b) };
  });
  const context = (pending: TrialView[]): SuggestContext =>
    suggestContext(space, {
      objective: "Minimize",
      history,
      pending,
      trialIndex: history.length + pending.length,
      seed: 3,
    });
  const point = (s: Suggestion): [number, number] => {
    if (s === "exhausted") throw new Error("exhausted");
    return [s.hyperparameters.a as number, s.hyperparameters.b as number];
  };
  const isLead = (s: Suggestion) => s !== "exhausted" && (s.state as BayesianState).lead === true;
  const pendingAt = (index: number, a: number, b: number): TrialView => ({
    index,
    hyperparameters: { a, b },
    state: "Pending",
  });
  const best = Math.min(...history.map((t) => t.value as number));

  it("takes the step a sequential search would when the pending trials stand elsewhere", () => {
    const alone = point(new BayesianStrategy().suggest(context([])));
    // Two trials pending in far corners, predicted much worse: they do not cover the step.
    const suggestion = new BayesianStrategy().suggest(context([pendingAt(24, 0.02, 0.97), pendingAt(25, 0.97, 0.95)]));
    expect(isLead(suggestion)).toBe(true);
    const [a, b] = point(suggestion);
    expect(Math.hypot(a - alone[0], b - alone[1])).toBeLessThan(0.02);
    expect(f(a, b)).toBeLessThan(best);
  });

  it("leaves the ask to the believer when a pending trial already stands at that step", () => {
    const alone = point(new BayesianStrategy().suggest(context([])));
    const suggestion = new BayesianStrategy().suggest(context([pendingAt(24, alone[0], alone[1])]));
    expect(isLead(suggestion)).toBe(false);
    // The believer's choice: not a near-repeat of the pending step.
    const [a, b] = point(suggestion);
    expect(Math.hypot(a - alone[0], b - alone[1])).toBeGreaterThan(1e-3);
  });
});
