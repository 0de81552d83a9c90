import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { LogCapture, MAX_LINE_CHARS } from "./log-capture.js";

/** Feeds `chunks` through one stream into a capture; the lines handed on, and the log's text as written. */
async function capture(chunks: readonly string[], capBytes = 1 << 30) {
  const lines: string[] = [];
  let file = "";
  const log = new LogCapture(
    (text) => {
      file += text;
    },
    capBytes,
    (batch) => lines.push(...batch),
  );
  const stream = new PassThrough();
  const done = log.attach(stream);
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  await done;
  return { lines, file };
}

describe("LogCapture", () => {
  it("splits lines at \\n, \\r\\n and \\r, across chunk boundaries, and keeps an unfinished last line", async () => {
    const { lines, file } = await capture(["epoch 1 lo", "ss=0.5\nepoch 2\r", "\nbar 10%\rbar 20%\r\n", "tail"]);
    expect(lines).toEqual(["epoch 1 loss=0.5", "epoch 2", "bar 10%", "bar 20%", "tail"]);
    expect(file).toBe("epoch 1 loss=0.5\nepoch 2\nbar 10%\nbar 20%\ntail\n");
  });

  it("cuts a line longer than the limit as it arrives, says so, and reads the lines after it", async () => {
    const piece = "x".repeat(65_536);
    const chunks = Array.from({ length: 80 }, () => piece); // 5 MiB without a newline
    const { lines, file } = await capture([...chunks, "\nloss=0.25\n", "y".repeat(MAX_LINE_CHARS + 1)]);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe("x".repeat(MAX_LINE_CHARS));
    expect(lines[1]).toBe(
      `[tunekit] the line above was cut at ${MAX_LINE_CHARS} characters; ${80 * 65_536 - MAX_LINE_CHARS} more were dropped`,
    );
    expect(lines[2]).toBe("loss=0.25");
    // An unfinished last line is cut the same way when the stream ends.
    expect(lines[3]).toBe("y".repeat(MAX_LINE_CHARS));
    expect(lines[4]).toContain("1 more were dropped");
    expect(file.length).toBeLessThan(3 * MAX_LINE_CHARS);
    expect(file).toContain("\nloss=0.25\n");
  });

  it("stops writing the file at its cap but still hands every line on", async () => {
    const { lines, file } = await capture(["a".repeat(40), "\n", "b".repeat(40), "\nloss=1\n"], 64);
    expect(lines).toEqual(["a".repeat(40), "b".repeat(40), "loss=1"]);
    expect(file).toBe(
      `${"a".repeat(40)}\n[tunekit] log capped at 64 bytes; further output is not kept (metrics are still read)\n`,
    );
  });
});
