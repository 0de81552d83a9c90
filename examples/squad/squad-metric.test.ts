import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { evaluateSquad, exactMatch, normalizeAnswer, type SquadDataset, tokenF1 } from "./code/squad-metric.js";

const SQUAD = join(import.meta.dirname, "..", "..", "..", "shared", "data", "squad");
const readGzipJson = (path: string) => JSON.parse(gunzipSync(readFileSync(path)).toString("utf8"));

describe("SQuAD v1.1 metric", () => {
  it("normalises as the official script does", () => {
    expect(normalizeAnswer("The  Denver Broncos!")).toBe("denver broncos");
    expect(normalizeAnswer("\tFebruary 7\n")).toBe("february 7");
    // Articles go only as whole words; punctuation goes before articles are matched.
    expect(normalizeAnswer("theatre of an-the war")).toBe("theatre of anthe war");
    expect(normalizeAnswer("a.b the")).toBe("ab");
    // Python's \b is Unicode-aware: "thé" is one word, "éthe" too, and "the" after a non-letter is an article.
    expect(normalizeAnswer("thé éthe 2the the")).toBe("thé éthe 2the");
    // Python's split() splits on \x1c..\x1f and U+3000 but not on U+FEFF.
    expect(normalizeAnswer("x\x1cy\u3000z\ufeffw")).toBe("x y z\ufeffw");
    // A combining mark is not a word character in Python: "the\u0301" loses its article. Expected values from Python 3.
    expect(normalizeAnswer("İstanbul the\u0301 a")).toBe("i\u0307stanbul \u0301");
  });

  it("scores exact match and token F1 with repeated tokens counted once per occurrence", () => {
    expect(exactMatch("the Broncos", "Broncos.")).toBe(true);
    expect(tokenF1("Denver Broncos Denver", "Denver Broncos")).toBeCloseTo((2 * (2 / 3) * 1) / (2 / 3 + 1), 15);
    expect(tokenF1("", "Denver")).toBe(0);
    expect(tokenF1("the", "a")).toBe(0);
  });

  it.skipIf(!existsSync(SQUAD))("reproduces the official scores of every reference prediction file to 1e-9", () => {
    const dataset = readGzipJson(join(SQUAD, "dev-v1.1.json.gz")) as SquadDataset;
    const official = JSON.parse(readFileSync(join(SQUAD, "reference", "official-scores.json"), "utf8")) as Record<
      string,
      { exact_match: number; f1: number }
    >;
    expect(Object.keys(official).length).toBeGreaterThanOrEqual(4);
    for (const [name, expected] of Object.entries(official)) {
      const predictions = readGzipJson(join(SQUAD, "reference", `${name}.json.gz`));
      const scores = evaluateSquad(dataset.data, predictions);
      expect(scores.questions).toBe(10570);
      expect(Math.abs(scores.exact_match - expected.exact_match), `${name} exact_match`).toBeLessThan(1e-9);
      expect(Math.abs(scores.f1 - expected.f1), `${name} f1`).toBeLessThan(1e-9);
    }
  });
});
