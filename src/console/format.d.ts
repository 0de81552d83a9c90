// The types of format.js (plain JavaScript: the console loads it without a build step, the report imports it).

export function formatNumber(value: unknown, digits?: number): string;
export function exactNumber(value: unknown): string;
export function formatTicks(values: readonly number[], step: number): string[];
export function formatPowerOfTen(exponent: number): string;
export function formatDuration(seconds: number | null | undefined): string;
export function formatTime(value: number | string | null | undefined): string;
export function exactTime(value: number | string | null | undefined): string;
export function stopReasonText(reason: string | null | undefined): string;
