import { cpSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import * as tar from "tar";

/**
 * The submit directory: a directory is copied, a .tar.gz (as the SageMaker SDK uploads it) is extracted.
 * An entry of the directory that holds `dest` (tunekit's home inside the code directory) is left out.
 */
export async function unpackSource(source: string, dest: string): Promise<void> {
  mkdirSync(dest, { recursive: true });
  if (!statSync(source).isDirectory()) {
    await tar.x({ file: source, cwd: dest });
    return;
  }
  for (const entry of readdirSync(source)) {
    const path = join(source, entry);
    if (dest === path || dest.startsWith(`${path}/`)) continue;
    cpSync(path, join(dest, entry), { recursive: true });
  }
}

/** Packs a directory's contents (paths relative to it) into a gzipped tar, as model.tar.gz and output.tar.gz are. */
export async function packDirectory(dir: string, file: string): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const entries = existsSync(dir) ? readdirSync(dir) : [];
  if (entries.length === 0) {
    // An empty archive is just the end-of-archive marker: two 512-byte zero blocks.
    writeFileSync(file, gzipSync(Buffer.alloc(1024)));
    return;
  }
  await tar.c({ gzip: true, file, cwd: dir, portable: true }, entries);
}
