// An extractive question-answering baseline for SQuAD v1.1: a sliding-window
// span scorer in the spirit of the SQuAD paper's sliding-window baseline
// (Rajpurkar et al., 2016), with the weights of its features as
// hyperparameters. For each question it scores every span of up to
// max_answer_tokens tokens in the paragraph and answers with the best:
//
//   score(span) = Σ over question words within `window` tokens of the span of
//                 idf(word)^idf_power · decay^(distance − 1)
//               − overlap_penalty · (question words inside the span)
//               − length_penalty · (tokens in the span − 1)
//               + type_bonus · (the span looks like what the question asks for:
//                 a number for "how many", a year or date for "when", a name
//                 for "who" and "where")
//
// Spans never start or end on punctuation or a stop word. Nothing here is
// learned by gradient descent; fitting is counting document frequencies, and
// tuning the six weights is the whole of training.

export interface SpanScorerSettings {
  readonly window: number;
  readonly decay: number;
  readonly idfPower: number;
  readonly overlapPenalty: number;
  readonly lengthPenalty: number;
  readonly typeBonus: number;
  readonly maxAnswerTokens: number;
}

interface Token {
  readonly text: string;
  readonly key: string;
  readonly start: number;
  readonly end: number;
}

const STOP_WORDS = new Set(
  "a an the of in on at to for from by with and or but is are was were be been being as that which who whom whose what when where why how this these those it its into than then there their they he she his her".split(
    " ",
  ),
);
const MONTHS = /^(january|february|march|april|may|june|july|august|september|october|november|december)$/;

/** Lower case, without a plural or verb ending, and at most six letters: a crude stem, so "moved" meets "move" and "invented" meets "invention". */
const keyOf = (text: string) => {
  const lower = text.toLowerCase();
  return (lower.length > 3 ? lower.replace(/(ing|ed|es|e|s)$/, "") : lower).slice(0, 6);
};

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(/[\p{L}\p{N}]+(?:[.,'’][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu)) {
    const start = match.index ?? 0;
    tokens.push({ text: match[0], key: keyOf(match[0]), start, end: start + match[0].length });
  }
  return tokens;
}

const isWord = (t: Token) => /[\p{L}\p{N}]/u.test(t.text);
const isNumber = (t: Token) => /^\d[\d,.]*$/.test(t.text);
const isCapitalised = (t: Token) => /^\p{Lu}/u.test(t.text);

type AnswerType = "number" | "date" | "name" | "other";

function answerType(question: string): AnswerType {
  const q = question.toLowerCase();
  if (/\bhow (many|much|long|old|far|large|big)\b|\bwhat (percentage|number|amount)\b/.test(q)) return "number";
  if (/\bwhen\b|\bwhat (year|date|century|decade|month|day)\b|\bwhich year\b/.test(q)) return "date";
  if (/\bwho\b|\bwhom\b|\bwhose\b|\bwhere\b/.test(q)) return "name";
  return "other";
}

function matchesType(tokens: readonly Token[], from: number, to: number, type: AnswerType): boolean {
  if (type === "other") return false;
  for (let k = from; k <= to; k++) {
    const t = tokens[k] as Token;
    if (type === "number" && isNumber(t)) return true;
    if (type === "date" && ((isNumber(t) && /^\d{3,4}$/.test(t.text)) || MONTHS.test(t.text.toLowerCase())))
      return true;
    if (type === "name" && isCapitalised(t) && !STOP_WORDS.has(t.text.toLowerCase())) return true;
  }
  return false;
}

/** Inverse document frequencies of token keys, counted over a set of paragraphs. */
export function documentFrequencies(contexts: readonly string[]): (key: string) => number {
  const df = new Map<string, number>();
  for (const context of contexts) {
    for (const key of new Set(tokenize(context).map((t) => t.key))) df.set(key, (df.get(key) ?? 0) + 1);
  }
  const n = contexts.length;
  return (key) => Math.log((n + 1) / ((df.get(key) ?? 0) + 1));
}

export function answer(
  context: string,
  question: string,
  idf: (key: string) => number,
  settings: SpanScorerSettings,
): string {
  const tokens = tokenize(context);
  const asked = new Set(
    tokenize(question)
      .filter((t) => isWord(t) && !STOP_WORDS.has(t.text.toLowerCase()))
      .map((t) => t.key),
  );
  const type = answerType(question);
  const n = tokens.length;
  const weight = tokens.map((t) => (asked.has(t.key) ? idf(t.key) ** settings.idfPower : 0));
  // Evidence left of position i (tokens i−1, i−2, …) and right of j, decayed by distance.
  const left = new Float64Array(n);
  const right = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sumLeft = 0;
    let sumRight = 0;
    for (let d = 1, f = 1; d <= settings.window; d++, f *= settings.decay) {
      if (i - d >= 0) sumLeft += (weight[i - d] as number) * f;
      if (i + d < n) sumRight += (weight[i + d] as number) * f;
    }
    left[i] = sumLeft;
    right[i] = sumRight;
  }
  const boundary = (t: Token) => !isWord(t) || STOP_WORDS.has(t.text.toLowerCase());
  let best = Number.NEGATIVE_INFINITY;
  let bestSpan: [number, number] = [0, 0];
  for (let i = 0; i < n; i++) {
    if (boundary(tokens[i] as Token)) continue;
    let inside = 0;
    for (let j = i; j < Math.min(n, i + settings.maxAnswerTokens); j++) {
      const t = tokens[j] as Token;
      if (asked.has(t.key) && isWord(t)) inside++;
      if (t.text === "." || t.text === ";" || t.text === "?" || t.text === "!") break;
      if (boundary(t)) continue;
      const score =
        (left[i] as number) +
        (right[j] as number) -
        settings.overlapPenalty * inside -
        settings.lengthPenalty * (j - i) +
        (matchesType(tokens, i, j, type) ? settings.typeBonus : 0);
      if (score > best) {
        best = score;
        bestSpan = [i, j];
      }
    }
  }
  if (n === 0 || best === Number.NEGATIVE_INFINITY) return "";
  return context.slice((tokens[bestSpan[0]] as Token).start, (tokens[bestSpan[1]] as Token).end);
}
