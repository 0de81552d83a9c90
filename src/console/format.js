// How the console and the report write numbers, times and durations. Plain JavaScript without a DOM, so the
// browser loads it as it is and the report (Node) imports the same file: both print a value the same way.

/** Below this magnitude (and from EXP_HIGH up), numbers are written with an exponent: 5e-6, not 0.000005. */
const EXP_LOW = 1e-3;
const EXP_HIGH = 1e6;

/** `mantissa`e`exponent` from toExponential's "1.50e-6", with trailing zeros and a "+" dropped: "1.5e-6". */
function exponential(value, digits) {
  const [mantissa, exponent] = value.toExponential(digits - 1).split("e");
  const trimmed = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
  return `${trimmed}e${Number(exponent)}`;
}

/**
 * A value at `digits` significant digits (6 by default), without the noise of binary fractions
 * (1.0000000000000004e-6 is "1e-6", 0.1 + 0.2 is "0.3") and without trailing zeros; very small and very large
 * magnitudes get an exponent. Integers below EXP_HIGH print whole. Non-numbers print as they are.
 */
export function formatNumber(value, digits = 6) {
  if (value === null || value === undefined) return "";
  if (typeof value !== "number") return String(value);
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (Number.isInteger(value) && magnitude < EXP_HIGH) return String(value);
  if (magnitude < EXP_LOW || magnitude >= EXP_HIGH) return exponential(value, digits);
  return String(Number(value.toPrecision(digits)));
}

/** The exact value, for a tooltip: the shortest decimal that reads back as the same double. */
export function exactNumber(value) {
  return typeof value === "number" ? String(value) : String(value ?? "");
}

/**
 * Labels for ticks `step` apart: each with as many decimals as the step needs and no more, so a tick at
 * 3 × 0.1 reads "0.3" and not "0.30000000000000004". Exponents where formatNumber would use them.
 */
export function formatTicks(values, step) {
  const magnitude = Math.max(...values.map((v) => Math.abs(v)));
  if (magnitude !== 0 && (magnitude < EXP_LOW || magnitude >= EXP_HIGH)) {
    const digits = Math.max(1, Math.min(6, Math.ceil(Math.log10(magnitude / step) + 1e-9) + 1));
    return values.map((v) => (v === 0 ? "0" : exponential(v, digits)));
  }
  const decimals = step > 0 ? Math.max(0, Math.min(12, -Math.floor(Math.log10(step) + 1e-9))) : 6;
  return values.map((v) => {
    const fixed = v.toFixed(decimals);
    return Number(fixed) === 0 ? "0" : fixed;
  });
}

/** A power of ten as a log axis labels it: 1e-5, 0.001, 0.01, 0.1, 1, 10, 100, 1000, 1e4. */
export function formatPowerOfTen(exponent) {
  if (exponent >= -3 && exponent <= 3) return String(Number((10 ** exponent).toPrecision(1)));
  return `1e${exponent}`;
}

/** Seconds as people say them: "850 ms", "42 s", "3 min 05 s", "2 h 07 min". */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  const h = Math.floor(s / 3600);
  return `${h} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

let dateTime;
/**
 * A moment in the viewer's locale and time zone, to the second ("29/11/2026, 09:15:02" or "11/29/2026, 9:15:02
 * AM"). The formatter is made on first use: making one loads locale data.
 */
export function formatTime(value) {
  if (value === null || value === undefined || value === "") return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  dateTime ??= new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "medium" });
  return dateTime.format(date);
}

/** The exact moment, for a tooltip: ISO 8601 in UTC. */
export function exactTime(value) {
  if (value === null || value === undefined || value === "") return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}

const STOP_REASONS = {
  "early-stopping": "stopped early by the median rule",
  "hyperband-rung": "stopped at a Hyperband rung",
  "hyperband-max-resource": "ran to Hyperband's MaxResource",
  user: "stopped by the user",
  "tuning-job-stopped": "stopped with its tuning job (by the user)",
  "tuning-job-complete": "stopped when the tuning job completed",
  "tuning-job-failed": "stopped when the tuning job failed",
  "tuner exited": "stopped when its tuner exited",
};

/** A training job's stop reason (StopReason) in words; unknown reasons as they are. */
export function stopReasonText(reason) {
  if (reason === null || reason === undefined) return "";
  return STOP_REASONS[reason] ?? String(reason);
}
