/**
 * The official SQuAD v1.1 evaluation (evaluate-v1.1.py), exactly: answers
 * are normalised (lower case, ASCII punctuation removed, the articles a/an/the
 * removed as whole words, whitespace collapsed), exact match and token-level
 * F1 are maximised over a question's gold answers, and both are averaged over
 * every question of the dataset ×100; an unanswered question scores 0.
 *
 * Where JavaScript and Python differ, this follows Python: `\b` and `split()`
 * are Unicode-aware there, so word characters are letters, numbers and `_`,
 * and whitespace is Python's `str.isspace()` set.
 */

/** Python's string.punctuation. */
const PUNCTUATION = new Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
/** Python's `\b(a|an|the)\b` on str: word characters are Unicode letters, numbers and the underscore. */
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;
/** The characters Python's str.split() splits on (str.isspace()): \t..\r, \x1c..\x1f, space, \x85, \xa0 and Unicode's spaces. */
const PYTHON_WHITESPACE = new Set(
  [
    ...[0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680],
    ...Array.from({ length: 11 }, (_, i) => 0x2000 + i),
    ...[0x2028, 0x2029, 0x202f, 0x205f, 0x3000],
  ].map((code) => String.fromCharCode(code)),
);

export function normalizeAnswer(text: string): string {
  let out = "";
  for (const ch of text.toLowerCase()) if (!PUNCTUATION.has(ch)) out += ch;
  return pythonSplit(out.replace(ARTICLES, " ")).join(" ");
}

function pythonSplit(text: string): string[] {
  const words: string[] = [];
  let word = "";
  for (const ch of text) {
    if (!PYTHON_WHITESPACE.has(ch)) word += ch;
    else if (word) {
      words.push(word);
      word = "";
    }
  }
  if (word) words.push(word);
  return words;
}

export function exactMatch(prediction: string, gold: string): boolean {
  return normalizeAnswer(prediction) === normalizeAnswer(gold);
}

export function tokenF1(prediction: string, gold: string): number {
  const predicted = pythonSplit(normalizeAnswer(prediction));
  const expected = pythonSplit(normalizeAnswer(gold));
  const counts = new Map<string, number>();
  for (const token of expected) counts.set(token, (counts.get(token) ?? 0) + 1);
  let same = 0;
  for (const token of predicted) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      same++;
      counts.set(token, left - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / predicted.length;
  const recall = same / expected.length;
  return (2 * precision * recall) / (precision + recall);
}

/** SQuAD v1.1's JSON: articles of paragraphs of questions with their gold answers. */
export interface SquadDataset {
  readonly version?: string;
  readonly data: readonly SquadArticle[];
}
export interface SquadArticle {
  readonly title: string;
  readonly paragraphs: readonly {
    readonly context: string;
    readonly qas: readonly {
      readonly id: string;
      readonly question: string;
      readonly answers: readonly { readonly text: string; readonly answer_start: number }[];
    }[];
  }[];
}

export interface SquadScores {
  /** Percent of questions whose prediction matches a gold answer after normalisation. */
  readonly exact_match: number;
  /** Mean over questions of the best token-level F1 against any gold answer, ×100. */
  readonly f1: number;
  readonly questions: number;
  readonly unanswered: number;
}

/** Scores predictions ({question id: answer text}) on a dataset's articles, as evaluate-v1.1.py does. */
export function evaluateSquad(
  articles: readonly SquadArticle[],
  predictions: Readonly<Record<string, string>>,
): SquadScores {
  let em = 0;
  let f1 = 0;
  let total = 0;
  let unanswered = 0;
  for (const article of articles) {
    for (const paragraph of article.paragraphs) {
      for (const qa of paragraph.qas) {
        total++;
        const prediction = Object.hasOwn(predictions, qa.id) ? predictions[qa.id] : undefined;
        if (prediction === undefined) {
          unanswered++;
          continue;
        }
        let bestEm = 0;
        let bestF1 = 0;
        for (const answer of qa.answers) {
          if (exactMatch(prediction, answer.text)) bestEm = 1;
          bestF1 = Math.max(bestF1, tokenF1(prediction, answer.text));
        }
        em += bestEm;
        f1 += bestF1;
      }
    }
  }
  return { exact_match: (100 * em) / total, f1: (100 * f1) / total, questions: total, unanswered };
}
