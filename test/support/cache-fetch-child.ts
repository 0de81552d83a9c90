// Fetches one object through a DownloadCache in its own process, then shares it into a destination:
// node --import tsx cache-fetch-child.ts <settings JSON> <cache dir> <object URI> <destination>
// It prints "listed" once it has the object's ETag and fetches when a line arrives on stdin,
// so a test can start several processes' downloads at the same moment.
import { DownloadCache } from "../../src/objects/download-cache.js";
import { S3ObjectStore } from "../../src/objects/s3-object-store.js";

const [settings, cacheDir, uri, dest] = process.argv.slice(2) as [string, string, string, string];
const store = new S3ObjectStore(JSON.parse(settings));
const cache = new DownloadCache(cacheDir);
const object = await store.head(uri);
process.stdout.write("listed\n");
await new Promise((resolve) => process.stdin.once("data", resolve));
const entry = await cache.fetch(store, object);
await cache.shareInto(entry, dest);
store.close();
process.stdout.write(`${entry}\n`);
