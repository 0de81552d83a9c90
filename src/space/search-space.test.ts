import { describe, expect, it } from "vitest";
import { CategoricalParameter, ContinuousParameter, IntegerParameter } from "./parameter.js";
import { parseParameterRanges, toParameterRanges } from "./request-ranges.js";
import { SearchSpace } from "./search-space.js";

const space = () =>
  new SearchSpace({
    lr: new ContinuousParameter(1e-6, 1e-2, "Logarithmic"),
    layers: new IntegerParameter(1, 4),
    act: new CategoricalParameter(["relu", "tanh"]),
  });

describe("SearchSpace", () => {
  it("decodes and encodes whole configurations in range order", () => {
    const s = space();
    expect(s.names).toEqual(["lr", "layers", "act"]);
    const hp = s.decode([0.5, 0.6, 0.9]);
    expect(hp).toEqual({ lr: expect.closeTo(1e-4, 12), layers: 3, act: "tanh" });
    expect(s.decode(s.encode(hp))).toEqual(hp);
    expect(s.size()).toBe(Number.POSITIVE_INFINITY);
  });

  it("refuses unknown or missing names when encoding", () => {
    expect(() => space().encode({ lr: 1e-3, layers: 2 })).toThrow(expect.objectContaining({ field: "act" }));
    expect(() => space().encode({ lr: 1e-3, layers: 2, act: "relu", extra: 1 })).toThrow(/extra/);
  });

  it("counts configurations of discrete spaces", () => {
    expect(new SearchSpace({ a: new CategoricalParameter([1, 2, 3]), b: new IntegerParameter(0, 4) }).size()).toBe(15);
  });

  it("enforces SageMaker's limits on the number of ranges", () => {
    expect(() => new SearchSpace({})).toThrow(expect.objectContaining({ code: "E_SPACE_EMPTY" }));
    const many = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`p${i}`, new ContinuousParameter(0, 1)]));
    expect(() => new SearchSpace(many)).toThrow(expect.objectContaining({ code: "E_SPACE_TOO_MANY" }));
    expect(() => new SearchSpace({ x: { min: 0, max: 1 } as never })).toThrow(
      expect.objectContaining({ code: "E_RANGE_TYPE" }),
    );
    expect(() => new SearchSpace({ "": new ContinuousParameter(0, 1) })).toThrow(
      expect.objectContaining({ code: "E_SPACE_NAME" }),
    );
  });

  it("survives a round trip through its stored description", () => {
    const s = space();
    const again = SearchSpace.fromSpecs(JSON.parse(JSON.stringify(s.specs())));
    expect(again.decode([0.1, 0.2, 0.3])).toEqual(s.decode([0.1, 0.2, 0.3]));
  });
});

describe("parseParameterRanges", () => {
  it("reads the request form with string values", () => {
    const s = parseParameterRanges({
      ContinuousParameterRanges: [
        { Name: "learning_rate", MinValue: "5e-06", MaxValue: "5e-04", ScalingType: "Logarithmic" },
      ],
      IntegerParameterRanges: [{ Name: "epochs", MinValue: "1", MaxValue: "3" }],
      CategoricalParameterRanges: [{ Name: "optimizer", Values: ["adam", "sgd"] }],
    });
    expect(s.names).toEqual(["epochs", "learning_rate", "optimizer"]);
    expect(s.decode([0, 1, 0])).toEqual({ epochs: 1, learning_rate: 5e-4, optimizer: "adam" });
    expect(parseParameterRanges(toParameterRanges(s)).specs()).toEqual(s.specs());
  });

  it("names the request path of a bad field", () => {
    const bad = (request: unknown, code: string, field: string) =>
      expect(() => parseParameterRanges(request)).toThrow(expect.objectContaining({ code, field }));
    bad(
      { ContinuousParameterRanges: [{ Name: "lr", MinValue: "abc", MaxValue: "1" }] },
      "E_RANGE_TYPE",
      "ParameterRanges.ContinuousParameterRanges[0].MinValue",
    );
    bad(
      { ContinuousParameterRanges: [{ Name: "lr", MinValue: 0.1, MaxValue: "1" }] },
      "E_RANGE_TYPE",
      "ParameterRanges.ContinuousParameterRanges[0].MinValue",
    );
    bad(
      { IntegerParameterRanges: [{ Name: "n", MinValue: "1.5", MaxValue: "3" }] },
      "E_RANGE_NOT_INTEGER",
      "ParameterRanges.IntegerParameterRanges[0].MinValue",
    );
    bad(
      { ContinuousParameterRanges: [{ Name: "lr", MinValue: "1e999", MaxValue: "1" }] },
      "E_RANGE_NOT_FINITE",
      "ParameterRanges.ContinuousParameterRanges[0].MinValue",
    );
    bad(
      { ContinuousParameterRanges: [{ Name: "lr", MinValue: "0", MaxValue: "1", ScalingType: "Log" }] },
      "E_RANGE_SCALING",
      "ParameterRanges.ContinuousParameterRanges[0].ScalingType",
    );
    bad(
      { ContinuousParameterRanges: [{ Name: "lr", MinValue: "2", MaxValue: "1" }] },
      "E_RANGE_REVERSED",
      "ParameterRanges.ContinuousParameterRanges[0]",
    );
    bad(
      {
        ContinuousParameterRanges: [{ Name: "a", MinValue: "0", MaxValue: "1" }],
        IntegerParameterRanges: [{ Name: "a", MinValue: "0", MaxValue: "1" }],
      },
      "E_SPACE_DUPLICATE_NAME",
      "ParameterRanges",
    );
    bad(
      { CategoricalParameterRanges: [{ Name: "c", Values: [1] }] },
      "E_RANGE_CATEGORICAL_VALUE",
      "ParameterRanges.CategoricalParameterRanges[0].Values[0]",
    );
    bad({ ContinuousRanges: [] }, "E_SPACE_NAME", "ParameterRanges.ContinuousRanges");
    bad([], "E_RANGE_TYPE", "ParameterRanges");
  });
});
