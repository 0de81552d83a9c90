/**
 * Hyperparameter values as the SageMaker training toolkit sees them: each
 * string from hyperparameters.json is decoded with Python's json.loads when
 * it parses (else kept as the string), then printed with Python's str().
 * Scripts written for SageMaker parse exactly these strings, so we reproduce
 * them bit for bit: ints keep every digit, floats print as Python's repr
 * ("5e-05", "1000.0", "1e+16"), booleans as True/False, lists and dicts in
 * Python's literal syntax.
 */

/** A value as json.loads would build it; ints are kept as their digits to keep Python's arbitrary precision. */
export type PyValue =
  | { readonly kind: "str"; readonly value: string }
  | { readonly kind: "int"; readonly digits: string }
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "none" }
  | { readonly kind: "list"; readonly items: readonly PyValue[] }
  | { readonly kind: "dict"; readonly entries: readonly (readonly [string, PyValue])[] };

class JsonSyntaxError extends Error {}

/** A JSON parser with json.loads' extensions (NaN, Infinity, -Infinity) and no loss of integer digits. */
class Parser {
  private i = 0;
  constructor(private readonly text: string) {}

  parseDocument(): PyValue {
    const value = this.value();
    this.space();
    if (this.i !== this.text.length) throw new JsonSyntaxError("trailing data");
    return value;
  }

  private space(): void {
    while (this.i < this.text.length && " \t\n\r".includes(this.text[this.i] as string)) this.i++;
  }

  private take(word: string): boolean {
    if (this.text.startsWith(word, this.i)) {
      this.i += word.length;
      return true;
    }
    return false;
  }

  private value(): PyValue {
    this.space();
    const c = this.text[this.i];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return { kind: "str", value: this.string() };
    if (this.take("true")) return { kind: "bool", value: true };
    if (this.take("false")) return { kind: "bool", value: false };
    if (this.take("null")) return { kind: "none" };
    if (this.take("NaN")) return { kind: "float", value: Number.NaN };
    if (this.take("Infinity")) return { kind: "float", value: Number.POSITIVE_INFINITY };
    if (this.take("-Infinity")) return { kind: "float", value: Number.NEGATIVE_INFINITY };
    return this.number();
  }

  private number(): PyValue {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.i));
    if (!match) throw new JsonSyntaxError(`unexpected character at ${this.i}`);
    this.i += match[0].length;
    if (match[2] === undefined && match[3] === undefined) {
      const digits = match[0] === "-0" ? "0" : match[0];
      return { kind: "int", digits };
    }
    return { kind: "float", value: Number(match[0]) };
  }

  private string(): string {
    this.i++; // opening quote
    let out = "";
    for (;;) {
      const c = this.text[this.i++];
      if (c === undefined) throw new JsonSyntaxError("unterminated string");
      if (c === '"') return out;
      if (c === "\\") {
        const e = this.text[this.i++];
        const simple: Record<string, string> = {
          '"': '"',
          "\\": "\\",
          "/": "/",
          b: "\b",
          f: "\f",
          n: "\n",
          r: "\r",
          t: "\t",
        };
        if (e !== undefined && e in simple) out += simple[e];
        else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.i, this.i + 4))) {
          out += String.fromCharCode(Number.parseInt(this.text.slice(this.i, this.i + 4), 16));
          this.i += 4;
        } else throw new JsonSyntaxError("bad escape");
      } else if (c < " ") {
        throw new JsonSyntaxError("control character in string");
      } else {
        out += c;
      }
    }
  }

  private array(): PyValue {
    this.i++;
    const items: PyValue[] = [];
    this.space();
    if (this.take("]")) return { kind: "list", items };
    for (;;) {
      items.push(this.value());
      this.space();
      if (this.take("]")) return { kind: "list", items };
      if (!this.take(",")) throw new JsonSyntaxError("expected , or ]");
    }
  }

  private object(): PyValue {
    this.i++;
    // A repeated key keeps its first position and takes the last value, as a Python dict does.
    const entries = new Map<string, PyValue>();
    this.space();
    if (this.take("}")) return { kind: "dict", entries: [] };
    for (;;) {
      this.space();
      if (this.text[this.i] !== '"') throw new JsonSyntaxError("expected a key");
      const key = this.string();
      this.space();
      if (!this.take(":")) throw new JsonSyntaxError("expected :");
      entries.set(key, this.value());
      this.space();
      if (this.take("}")) return { kind: "dict", entries: [...entries] };
      if (!this.take(",")) throw new JsonSyntaxError("expected , or }");
    }
  }
}

/** json.loads(text) when it parses, else the text itself: what the toolkit does with each hyperparameter. */
export function decodeHyperparameter(text: string): PyValue {
  try {
    return new Parser(text).parseDocument();
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { kind: "str", value: text };
    throw error;
  }
}

/** Python's repr() of a float. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Number.POSITIVE_INFINITY) return "inf";
  if (x === Number.NEGATIVE_INFINITY) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  // toExponential() gives the shortest digits that round-trip, as Python's repr does; only the layout differs.
  const [mantissa, exponent] = Math.abs(x).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  const decimalPoint = Number(exponent) + 1; // value = 0.DIGITS × 10^decimalPoint
  const sign = x < 0 ? "-" : "";
  if (decimalPoint > -4 && decimalPoint <= 16) {
    if (decimalPoint <= 0) return `${sign}0.${"0".repeat(-decimalPoint)}${digits}`;
    if (decimalPoint >= digits.length) return `${sign}${digits}${"0".repeat(decimalPoint - digits.length)}.0`;
    return `${sign}${digits.slice(0, decimalPoint)}.${digits.slice(decimalPoint)}`;
  }
  const e = decimalPoint - 1;
  const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${body}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's repr() of a str. */
export function pythonStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch !== " " && (code < 0x20 || code === 0x7f || NON_PRINTABLE.test(ch))) {
      if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, "0")}`;
      else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, "0")}`;
      else out += `\\U${code.toString(16).padStart(8, "0")}`;
    } else out += ch;
  }
  return out + quote;
}

export function pythonRepr(v: PyValue): string {
  switch (v.kind) {
    case "str":
      return pythonStrRepr(v.value);
    case "int":
      return v.digits;
    case "float":
      return pythonFloatRepr(v.value);
    case "bool":
      return v.value ? "True" : "False";
    case "none":
      return "None";
    case "list":
      return `[${v.items.map(pythonRepr).join(", ")}]`;
    case "dict":
      return `{${v.entries.map(([k, item]) => `${pythonStrRepr(k)}: ${pythonRepr(item)}`).join(", ")}}`;
  }
}

/** Python's str(): like repr() except that a str is itself. */
export function pythonStr(v: PyValue): string {
  return v.kind === "str" ? v.value : pythonRepr(v);
}

/** A plain JavaScript value as the Python value json.loads would give for its JSON. */
export function fromJs(value: unknown): PyValue {
  if (typeof value === "string") return { kind: "str", value };
  if (typeof value === "boolean") return { kind: "bool", value };
  if (value === null || value === undefined) return { kind: "none" };
  if (typeof value === "number") {
    return Number.isInteger(value) ? { kind: "int", digits: String(value) } : { kind: "float", value };
  }
  if (Array.isArray(value)) return { kind: "list", items: value.map(fromJs) };
  if (typeof value === "object" && "kind" in value) return value as PyValue;
  return { kind: "dict", entries: Object.entries(value as object).map(([k, v]) => [k, fromJs(v)] as const) };
}

function jsonString(s: string): string {
  // ensure_ascii=True: every non-ASCII UTF-16 unit as \uXXXX, as Python's json.dumps writes it.
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i] as string;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True), as the toolkit writes SM_* values. */
export function pythonJsonDumps(value: PyValue): string {
  switch (value.kind) {
    case "str":
      return jsonString(value.value);
    case "int":
      return value.digits;
    case "float":
      if (Number.isNaN(value.value)) return "NaN";
      if (!Number.isFinite(value.value)) return value.value > 0 ? "Infinity" : "-Infinity";
      return pythonFloatRepr(value.value);
    case "bool":
      return value.value ? "true" : "false";
    case "none":
      return "null";
    case "list":
      return `[${value.items.map(pythonJsonDumps).join(",")}]`;
    case "dict": {
      const byKey = new Map(value.entries);
      const keys = pythonSorted(byKey.keys());
      return `{${keys.map((k) => `${jsonString(k)}:${pythonJsonDumps(byKey.get(k) as PyValue)}`).join(",")}}`;
    }
  }
}

/** Python's sorted() on str keys: by code point, not by UTF-16 unit as JavaScript's default sort. */
export function pythonSorted(keys: Iterable<string>): string[] {
  const codePoints = (s: string) => Array.from(s, (c) => c.codePointAt(0) as number);
  return [...keys].sort((a, b) => {
    const [x, y] = [codePoints(a), codePoints(b)];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
    }
    return x.length - y.length;
  });
}
