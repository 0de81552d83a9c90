export { InvalidRangeError, RangeRule, type RangeRuleCode } from "./errors.js";
export {
  CategoricalParameter,
  ContinuousParameter,
  type Hyperparameters,
  type HyperparameterValue,
  IntegerParameter,
  type ParameterRange,
  type RangeSpec,
} from "./parameter.js";
export {
  type CategoricalRangeRequest,
  type NumericRangeRequest,
  type ParameterRangesRequest,
  parseParameterRanges,
  toParameterRanges,
} from "./request-ranges.js";
export { type ResolvedScaling, resolveAuto, SCALING_TYPES, type ScalingType } from "./scaling.js";
export { MAX_RANGES, SearchSpace } from "./search-space.js";
