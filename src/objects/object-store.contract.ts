import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ObjectStore } from "./object-store.js";

export interface ObjectStoreTarget {
  readonly store: ObjectStore;
  /** An empty "folder" (a URI ending in "/") the suite may fill. */
  readonly base: string;
  /** A URI in a bucket that does not exist. */
  readonly missingBucket: string;
}

/**
 * What every ObjectStore must do. Each implementation's test file calls this
 * with a function that reaches a fresh, empty location of that store.
 */
export function objectStoreContract(label: string, open: () => Promise<ObjectStoreTarget>): void {
  describe(`ObjectStore contract: ${label}`, () => {
    let target: ObjectStoreTarget;
    let scratch: string;
    let n = 0;
    const file = (content: string | Buffer) => {
      const path = join(scratch, `file-${++n}`);
      writeFileSync(path, content);
      return path;
    };
    const md5 = (content: string | Buffer) => createHash("md5").update(content).digest("hex");
    const put = (key: string, content: string | Buffer) => target.store.upload(file(content), target.base + key);

    beforeAll(async () => {
      target = await open();
      scratch = mkdtempSync(join(tmpdir(), "tunekit-contract-"));
    }, 60_000);
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    it("stores a file and hands the same bytes back, with size and ETag", async () => {
      const uploaded = await put("one/hello.txt", "hello");
      expect(uploaded).toMatchObject({ uri: `${target.base}one/hello.txt`, size: 5 });
      const head = await target.store.head(uploaded.uri);
      expect(head).toMatchObject({ uri: uploaded.uri, size: 5, etag: uploaded.etag, keyEncrypted: false });
      const out = join(scratch, "hello.out");
      const got = await target.store.download(uploaded.uri, out, { etag: head.etag });
      expect(got).toMatchObject({ bytes: 5, size: 5, md5: md5("hello"), etag: head.etag });
      expect(readFileSync(out, "utf8")).toBe("hello");
    });

    it("lists a raw key prefix in URI order, folder markers left out", async () => {
      for (const key of ["d/train/b/c.csv", "d/train/a.csv", "d/train.csv", "d/other.txt"]) await put(key, key);
      const listed = await target.store.list(`${target.base}d/train`);
      expect(listed.map((o) => o.uri.slice(target.base.length))).toEqual([
        "d/train.csv",
        "d/train/a.csv",
        "d/train/b/c.csv",
      ]);
      expect(listed[1]?.size).toBe("d/train/a.csv".length);
      expect(listed[1]?.etag).toBe((await target.store.head(`${target.base}d/train/a.csv`)).etag);
      const folder = await target.store.list(`${target.base}d/train/`);
      expect(folder.map((o) => o.uri)).toEqual([`${target.base}d/train/a.csv`, `${target.base}d/train/b/c.csv`]);
      expect(await target.store.list(`${target.base}nothing-here`)).toEqual([]);
    });

    it("keeps keys with spaces and non-ASCII characters", async () => {
      const uploaded = await put("odd/a b/ü+é.txt", "odd");
      expect((await target.store.list(`${target.base}odd/`)).map((o) => o.uri)).toEqual([uploaded.uri]);
      const out = join(scratch, "odd.out");
      await target.store.download(uploaded.uri, out);
      expect(readFileSync(out, "utf8")).toBe("odd");
    });

    it("gives a replaced object a new ETag, and refuses to read the old version", async () => {
      const first = await put("v/data.bin", "version one");
      const second = await put("v/data.bin", "version two, longer");
      expect(second.etag).not.toBe(first.etag);
      expect((await target.store.head(first.uri)).size).toBe("version two, longer".length);
      await expect(
        target.store.download(first.uri, join(scratch, "v.out"), { etag: first.etag }),
      ).rejects.toMatchObject({ code: "E_OBJECT_CHANGED", uri: first.uri });
    });

    it("stores a file larger than one upload part whole", async () => {
      const content = randomBytes(20 * 1024 * 1024 + 123);
      const uploaded = await put("big/model.tar.gz", content);
      expect(uploaded.size).toBe(content.length);
      const got = await target.store.download(uploaded.uri, join(scratch, "big.out"));
      expect(got).toMatchObject({ bytes: content.length, md5: md5(content) });
    });

    it("names the URI when a key is missing, and deletes idempotently", async () => {
      const uploaded = await put("gone/x.txt", "x");
      await target.store.delete(uploaded.uri);
      await target.store.delete(uploaded.uri);
      expect(await target.store.list(`${target.base}gone/`)).toEqual([]);
      for (const attempt of [
        () => target.store.head(uploaded.uri),
        () => target.store.download(uploaded.uri, join(scratch, "gone.out")),
      ]) {
        const error = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toMatchObject({ code: "E_OBJECT_NOT_FOUND", uri: uploaded.uri });
        expect((error as Error).message).toContain(uploaded.uri);
      }
    });

    it("names the URI when the bucket is missing", async () => {
      const uri = target.missingBucket;
      for (const attempt of [
        () => target.store.list(uri),
        () => target.store.head(uri),
        () => target.store.download(uri, join(scratch, "nb.out")),
      ]) {
        const error = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toMatchObject({ code: "E_OBJECT_BUCKET_NOT_FOUND" });
        expect((error as Error).message).toContain(uri);
      }
    });
  });
}
