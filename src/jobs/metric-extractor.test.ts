import { describe, expect, it } from "vitest";
import { MetricExtractor } from "./metric-extractor.js";
import { parsePythonFloat, translatePythonRegex } from "./regex-dialect.js";

describe("metric regex dialect", () => {
  it("translates Python's named groups, backreferences and leading inline flags", () => {
    expect(translatePythonRegex("(?P<v>[0-9.]+) (?P=v)")).toEqual({ source: "(?<v>[0-9.]+) \\k<v>", flags: "" });
    expect(translatePythonRegex("(?i)loss: (\\S+)")).toEqual({ source: "loss: (\\S+)", flags: "i" });
  });

  it("reads captures as Python's float() does", () => {
    expect(parsePythonFloat("0.88")).toBe(0.88);
    expect(parsePythonFloat(" 5e-05 ")).toBe(5e-5);
    expect(parsePythonFloat("1_000.5")).toBe(1000.5);
    expect(parsePythonFloat(".5")).toBe(0.5);
    expect(parsePythonFloat("")).toBeUndefined();
    expect(parsePythonFloat("0.88,")).toBeUndefined();
    expect(parsePythonFloat("nan")).toBeUndefined();
  });
});

describe("MetricExtractor", () => {
  it("applies every definition to every line, first group as a float; one line may match several", async () => {
    const extractor = new MetricExtractor([
      { Name: "f1", Regex: "'f1_': ([0-9\\.]+)" },
      { Name: "acc", Regex: "'acc_': ([0-9\\.]+)" },
      { Name: "loss", Regex: "(?P<value>[0-9.]+) loss" },
    ]);
    const points = await extractor.extract(
      ["{'acc_': 0.84, 'f1_': 0.885}", "nothing here", "epoch 2 0.25 loss", "'f1_': oops"],
      1000,
    );
    expect(points).toEqual([
      { metricName: "f1", value: 0.885, timestamp: 1000 },
      { metricName: "acc", value: 0.84, timestamp: 1000 },
      { metricName: "loss", value: 0.25, timestamp: 1000 },
    ]);
    await extractor.close();
  });

  it("rejects a regex that does not compile or has no capture group, naming the field", () => {
    expect(() => new MetricExtractor([{ Name: "a", Regex: "loss: ([0-9" }])).toThrow(
      expect.objectContaining({ code: "E_METRIC_REGEX", field: "AlgorithmSpecification.MetricDefinitions[0].Regex" }),
    );
    expect(
      () =>
        new MetricExtractor([
          { Name: "a", Regex: "x: (\\d)" },
          { Name: "b", Regex: "loss: [0-9]+" },
        ]),
    ).toThrow(
      expect.objectContaining({
        field: "AlgorithmSpecification.MetricDefinitions[1].Regex",
        message: expect.stringContaining("capture group"),
      }),
    );
  });

  it("runs a catastrophic but linearisable regex in linear time", async () => {
    const extractor = new MetricExtractor([{ Name: "evil", Regex: "(a+)+$" }]);
    // Backtracking over 5,000 characters would not end in any lifetime: that this returns is the linear engine.
    const points = await extractor.extract([`${"a".repeat(5000)}b`, "aaa"], 1);
    expect(points).toEqual([]); // "aaa" matches but its capture "aaa" is not a number
    await extractor.close();
  });

  it("disables a backtracking regex that cannot be made linear when it overruns its deadline, with a warning", async () => {
    const warnings: string[] = [];
    const extractor = new MetricExtractor(
      [
        { Name: "evil", Regex: "(a+)+\\1$" },
        { Name: "loss", Regex: "loss=([0-9.]+)" },
      ],
      (w) => warnings.push(w),
    );
    const points = await extractor.extract([`${"a".repeat(40)}b`, "loss=0.5"], 7);
    expect(points).toEqual([{ metricName: "loss", value: 0.5, timestamp: 7 }]);
    expect(warnings).toEqual([expect.stringContaining("metric evil")]);
    expect(await extractor.extract(["loss=0.25"], 8)).toEqual([{ metricName: "loss", value: 0.25, timestamp: 8 }]);
    await extractor.close();
  });
});
