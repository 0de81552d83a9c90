/**
 * The scales SageMaker defines for numeric ranges, as maps between a value in
 * [lo, hi] and a coordinate in [0, 1]. Strategies search the unit cube; the
 * scale decides how evenly that search spends itself over the values.
 */
export type ScalingType = "Auto" | "Linear" | "Logarithmic" | "ReverseLogarithmic";
export type ResolvedScaling = Exclude<ScalingType, "Auto">;

export const SCALING_TYPES: readonly ScalingType[] = ["Auto", "Linear", "Logarithmic", "ReverseLogarithmic"];

/**
 * SageMaker leaves `Auto` to the service. Ours is a fixed, documented rule:
 * a positive range spanning at least three orders of magnitude is searched on
 * a log scale (learning rates, weight decay), anything else linearly.
 */
export function resolveAuto(min: number, max: number): ResolvedScaling {
  return min > 0 && max / min >= 1000 ? "Logarithmic" : "Linear";
}

/** Value in [lo, hi] → coordinate in [0, 1]. */
export function toUnit(scaling: ResolvedScaling, lo: number, hi: number, value: number): number {
  if (hi === lo) return 0.5;
  switch (scaling) {
    case "Linear":
      return (value - lo) / (hi - lo);
    case "Logarithmic":
      return (Math.log(value) - Math.log(lo)) / (Math.log(hi) - Math.log(lo));
    case "ReverseLogarithmic":
      return (Math.log1p(-value) - Math.log1p(-lo)) / (Math.log1p(-hi) - Math.log1p(-lo));
  }
}

/** Coordinate in [0, 1] → value in [lo, hi]; the inverse of toUnit. */
export function fromUnit(scaling: ResolvedScaling, lo: number, hi: number, u: number): number {
  if (hi === lo) return lo;
  let value: number;
  switch (scaling) {
    case "Linear":
      value = lo + u * (hi - lo);
      break;
    case "Logarithmic":
      value = Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo)));
      break;
    case "ReverseLogarithmic":
      value = -Math.expm1(Math.log1p(-lo) + u * (Math.log1p(-hi) - Math.log1p(-lo)));
      break;
  }
  // exp/log round-trips can land a hair outside the bounds.
  return Math.min(hi, Math.max(lo, value));
}
