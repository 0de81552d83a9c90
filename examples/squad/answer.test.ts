import { describe, expect, it } from "vitest";
import { answer, documentFrequencies, type SpanScorerSettings, tokenize } from "./code/answer.js";

const settings: SpanScorerSettings = {
  window: 8,
  decay: 0.9,
  idfPower: 1,
  overlapPenalty: 3,
  lengthPenalty: 0.1,
  typeBonus: 3,
  maxAnswerTokens: 4,
};
const context =
  "Nikola Tesla was born in 1856 in Smiljan. He moved to New York in 1884, where he worked for Thomas Edison. " +
  "Tesla later founded his own laboratory.";
const idf = documentFrequencies([context, "Edison worked in New Jersey.", "A laboratory is a room."]);

describe("the sliding-window span scorer", () => {
  it("keeps each token's place in the text, so an answer is a slice of the paragraph", () => {
    const tokens = tokenize("It cost $1,200.50 in 1884.");
    expect(tokens.map((t) => t.text)).toEqual(["It", "cost", "$", "1,200.50", "in", "1884", "."]);
    for (const t of tokens) expect("It cost $1,200.50 in 1884.".slice(t.start, t.end)).toBe(t.text);
  });

  it("answers with the span the question's words surround, of the type the question asks for", () => {
    expect(answer(context, "When was Nikola Tesla born?", idf, settings)).toBe("1856");
    // A baseline: the place, with the words before it that the window also favours.
    expect(answer(context, "Where was Nikola Tesla born?", idf, settings)).toMatch(/Smiljan$/);
    const year = answer(context, "What year did Tesla move to New York?", idf, settings);
    expect(context).toContain(year);
    expect(year).toMatch(/\d{4}/);
  });

  it("answers nothing from an empty paragraph", () => {
    expect(answer("", "Who?", idf, settings)).toBe("");
  });
});
