import type { Readable } from "node:stream";

/**
 * The longest line kept, in characters (CloudWatch Logs, where SageMaker sends a job's output, keeps events of
 * up to 256 KiB). Past it the rest of the line is dropped as it arrives, so a script that prints megabytes
 * without a newline costs time in proportion to its output and memory of one line, and the lines after it are
 * read as usual.
 */
export const MAX_LINE_CHARS = 256 * 1024;

/** The unfinished line of one stream: its pieces so far (at most MAX_LINE_CHARS in all) and what was dropped. */
interface Pending {
  pieces: string[];
  length: number;
  dropped: number;
  /** The last chunk ended with "\r": a "\n" starting the next one belongs to that line end. */
  afterCarriageReturn: boolean;
}

/**
 * Reads a job's stdout and stderr line by line (a carriage return, as in
 * progress bars, also ends a line), hands the log's text to `write` in
 * arrival order, and hands lines to `onLines` in batches for metric
 * extraction and the terminal. The log is capped at `capBytes`: past it,
 * lines still reach `onLines` (metrics keep flowing) but are not written, and
 * the log says so once. A line longer than MAX_LINE_CHARS is cut there, and a
 * note after it says how much was dropped. Each chunk is scanned once, from
 * where the previous one ended, so capture is linear in the output.
 */
export class LogCapture {
  private written = 0;
  private capped = false;

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
    const pending: Pending = { pieces: [], length: 0, dropped: 0, afterCarriageReturn: false };
    return new Promise((resolve) => {
      stream.on("data", (chunk: string) => this.receive(pending, chunk));
      stream.on("end", () => {
        if (pending.length > 0 || pending.dropped > 0) this.emit(this.finishLine(pending));
        resolve();
      });
      stream.on("error", () => resolve());
    });
  }

  private receive(pending: Pending, chunk: string): void {
    let start = pending.afterCarriageReturn && chunk.startsWith("\n") ? 1 : 0;
    pending.afterCarriageReturn = false;
    const lines: string[] = [];
    const lineEnd = /\r\n|\n|\r/g;
    lineEnd.lastIndex = start;
    for (let end = lineEnd.exec(chunk); end !== null; end = lineEnd.exec(chunk)) {
      this.append(pending, chunk.slice(start, end.index));
      lines.push(...this.finishLine(pending));
      start = end.index + end[0].length;
      if (end[0] === "\r" && start === chunk.length) pending.afterCarriageReturn = true;
    }
    this.append(pending, chunk.slice(start));
    if (lines.length > 0) this.emit(lines);
  }

  private append(pending: Pending, piece: string): void {
    const room = MAX_LINE_CHARS - pending.length;
    if (piece.length <= room) {
      if (piece.length > 0) pending.pieces.push(piece);
      pending.length += piece.length;
      return;
    }
    if (room > 0) pending.pieces.push(piece.slice(0, room));
    pending.length = MAX_LINE_CHARS;
    pending.dropped += piece.length - room;
  }

  /** The finished line, and a note after it if it was cut. */
  private finishLine(pending: Pending): string[] {
    const line = pending.pieces.join("");
    const dropped = pending.dropped;
    pending.pieces = [];
    pending.length = 0;
    pending.dropped = 0;
    if (dropped === 0) return [line];
    return [line, `[tunekit] the line above was cut at ${MAX_LINE_CHARS} characters; ${dropped} more were dropped`];
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
