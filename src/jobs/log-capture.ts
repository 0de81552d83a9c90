import type { Readable } from "node:stream";

/**
 * Reads a job's stdout and stderr line by line (a carriage return, as in
 * progress bars, also ends a line), hands the log's text to `write` in
 * arrival order, and hands lines to `onLines` in batches for metric
 * extraction and the terminal. The log is capped at `capBytes`: past it,
 * lines still reach `onLines` (metrics keep flowing) but are not written, and
 * the log says so once.
 */
export class LogCapture {
  private written = 0;
  private capped = false;
  private readonly partial = new Map<Readable, string>();

  constructor(
    private readonly write: (text: string) => void,
    private readonly capBytes: number,
    private readonly onLines: (lines: string[]) => void,
  ) {}

  /** A line from tunekit itself (notices, status), written like the job's own. */
  note(line: string): void {
    this.emit([`[tunekit] ${line}`]);
  }

  attach(stream: Readable): Promise<void> {
    stream.setEncoding("utf8");
    return new Promise((resolve) => {
      stream.on("data", (chunk: string) => {
        const text = (this.partial.get(stream) ?? "") + chunk;
        const parts = text.split(/\r\n|\n|\r/);
        this.partial.set(stream, parts.pop() as string);
        if (parts.length > 0) this.emit(parts);
      });
      stream.on("end", () => {
        const rest = this.partial.get(stream);
        if (rest) this.emit([rest]);
        this.partial.delete(stream);
        resolve();
      });
      stream.on("error", () => resolve());
    });
  }

  private emit(lines: string[]): void {
    if (!this.capped) {
      let text = "";
      for (const line of lines) {
        const bytes = Buffer.byteLength(line) + 1;
        if (this.written + bytes > this.capBytes) {
          this.capped = true;
          text += `[tunekit] log capped at ${this.capBytes} bytes; further output is not kept (metrics are still read)\n`;
          break;
        }
        this.written += bytes;
        text += `${line}\n`;
      }
      if (text) this.write(text);
    }
    this.onLines(lines);
  }
}
