/**
 * The objective axis that shows the range that matters. One diverged job (F1 0.02 among results of 0.94 to
 * 0.97) would otherwise stretch the axis so far that every result worth comparing sits in a few pixels. Values
 * on the bad side of a far-out fence (Tukey's: the quartile minus FENCE interquartile ranges) are clipped: a
 * chart draws them in a marked band at that edge, with their true values in tooltips, and a toggle shows the
 * full range. The good side is never clipped: the best result is always drawn where it is.
 */
export interface RobustLimit {
  /** The fence: values beyond it are drawn in the edge band. */
  readonly limit: number;
  /** Which edge the band is on: "low" when maximising (bad values are small), "high" when minimising. */
  readonly side: "low" | "high";
  /** How many values are beyond the fence. */
  readonly clipped: number;
}

/** Tukey's "far out" fence: three interquartile ranges beyond the quartile. */
export const FENCE = 3;
/** Clip only when it gives the rest at least this much more room (their span against the full span). */
const MIN_GAIN = 2;
/** Fewer values than this say too little about where the bulk of them lies. */
const MIN_VALUES = 5;

/** The q-quantile of sorted values, interpolated between neighbours. */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo);
}

/**
 * Where to clip the objective's axis, or undefined when nothing is far out (or clipping would not give the
 * other values at least twice the room).
 */
export function robustLimit(values: readonly number[], type: "Maximize" | "Minimize"): RobustLimit | undefined {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length < MIN_VALUES) return undefined;
  const [min, max] = [sorted[0] as number, sorted[sorted.length - 1] as number];
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  // Quartiles that coincide (a plateau of equal results) still leave the outliers a scale to be far from.
  const spread = Math.max(q3 - q1, (max - min) * 0.02);
  const side = type === "Maximize" ? "low" : "high";
  const limit = side === "low" ? q1 - FENCE * spread : q3 + FENCE * spread;
  const kept = sorted.filter((v) => (side === "low" ? v >= limit : v <= limit));
  const clipped = sorted.length - kept.length;
  if (clipped === 0) return undefined;
  const keptSpan = (kept[kept.length - 1] as number) - (kept[0] as number);
  if (keptSpan * MIN_GAIN > max - min) return undefined;
  return { limit, side, clipped };
}
