// Script mode entry point of the SQuAD example: answers one half of SQuAD
// v1.1's dev set with the sliding-window span scorer (answer.ts) under the
// hyperparameters it is given, and scores the answers with the official
// metric (squad-metric.ts).
//
// The dev set is split by article, so no paragraph's vocabulary leaks from
// one half to the other: `--split tune` takes the articles at even positions
// (the tuning job's objective), `--split holdout` those at odd positions (the
// score reported for the chosen hyperparameters). The channel `training`
// holds dev-v1.1.json, plain or gzipped. Predictions go to
// SM_OUTPUT_DATA_DIR/predictions.json, in the official script's format.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { answer, documentFrequencies, type SpanScorerSettings } from "./answer.js";
import { evaluateSquad, type SquadDataset } from "./squad-metric.js";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set((process.argv[i] as string).replace(/^--/, ""), process.argv[i + 1] ?? "");
const number = (name: string, fallback: number) => {
  const value = args.has(name) ? Number(args.get(name)) : fallback;
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number, got ${args.get(name)}`);
  return value;
};
const split = args.get("split") ?? "tune";
if (split !== "tune" && split !== "holdout") throw new Error(`--split must be tune or holdout, got ${split}`);
const settings: SpanScorerSettings = {
  window: Math.round(number("window", 8)),
  decay: number("decay", 0.8),
  idfPower: number("idf_power", 1),
  overlapPenalty: number("overlap_penalty", 1),
  lengthPenalty: number("length_penalty", 0.2),
  typeBonus: number("type_bonus", 1),
  maxAnswerTokens: Math.round(number("max_answer_tokens", 4)),
};

const channel = process.env.SM_CHANNEL_TRAINING ?? "/opt/ml/input/data/training";
const plain = join(channel, "dev-v1.1.json");
const dataset = JSON.parse(
  existsSync(plain) ? readFileSync(plain, "utf8") : gunzipSync(readFileSync(`${plain}.gz`)).toString("utf8"),
) as SquadDataset;
const articles = dataset.data.filter((_, i) => i % 2 === (split === "tune" ? 0 : 1));

const contexts = articles.flatMap((a) => a.paragraphs.map((p) => p.context));
const idf = documentFrequencies(contexts);
const predictions: Record<string, string> = {};
for (const article of articles) {
  for (const paragraph of article.paragraphs) {
    for (const qa of paragraph.qas) predictions[qa.id] = answer(paragraph.context, qa.question, idf, settings);
  }
}
const scores = evaluateSquad(articles, predictions);
console.log(`${split}: ${articles.length} articles, ${scores.questions} questions; ${JSON.stringify(settings)}`);
console.log(`${split}_exact_match=${scores.exact_match.toFixed(4)} ${split}_f1=${scores.f1.toFixed(4)}`);
const outputDir = process.env.SM_OUTPUT_DATA_DIR;
if (outputDir) writeFileSync(join(outputDir, "predictions.json"), JSON.stringify(predictions));
