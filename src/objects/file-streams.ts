import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** Writes `source` to `file`, counting and hashing the bytes on the way, so a download is read once. */
export async function saveStream(
  source: Readable,
  file: string,
  signal?: AbortSignal,
): Promise<{ bytes: number; md5: string }> {
  const hash = createHash("md5");
  let bytes = 0;
  await pipeline(
    source,
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        hash.update(chunk);
        bytes += chunk.length;
        yield chunk;
      }
    },
    createWriteStream(file),
    signal ? { signal } : {},
  );
  return { bytes, md5: hash.digest("hex") };
}

/** MD5 of a file, hex. */
export async function md5File(file: string): Promise<string> {
  const hash = createHash("md5");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * The ETags S3 gives a file uploaded in parts of `partSize`: the MD5 of the
 * parts' MD5s followed by "-<parts>" (AWS, MinIO, moto), and the plain MD5
 * of the whole (a single put, and some servers' multipart uploads).
 */
export async function expectedEtags(file: string, partSize: number): Promise<{ whole: string; multipart: string }> {
  const whole = createHash("md5");
  const partDigests: Buffer[] = [];
  let part = createHash("md5");
  let inPart = 0;
  for await (const data of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    let chunk = data as Buffer;
    whole.update(chunk);
    while (chunk.length > 0) {
      const take = Math.min(chunk.length, partSize - inPart);
      part.update(chunk.subarray(0, take));
      inPart += take;
      chunk = chunk.subarray(take);
      if (inPart === partSize) {
        partDigests.push(part.digest());
        part = createHash("md5");
        inPart = 0;
      }
    }
  }
  if (inPart > 0 || partDigests.length === 0) partDigests.push(part.digest());
  const multipart = createHash("md5").update(Buffer.concat(partDigests)).digest("hex");
  return { whole: whole.digest("hex"), multipart: `${multipart}-${partDigests.length}` };
}
