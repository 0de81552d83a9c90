// Lists a prefix with the given settings in a process of its own, so a test can give it its own
// environment and home directory (the AWS chain reads both): node --import tsx list-child.ts <settings JSON> <URI>
// Prints {"uris": [...]} or {"code": ..., "message": ...}.
import { S3ObjectStore } from "../../src/objects/s3-object-store.js";

const [settings, uri] = process.argv.slice(2) as [string, string];
const store = new S3ObjectStore(JSON.parse(settings));
try {
  const listed = await store.list(uri);
  process.stdout.write(`${JSON.stringify({ uris: listed.map((o) => o.uri) })}\n`);
} catch (error) {
  const { code, message } = error as { code?: string; message: string };
  process.stdout.write(`${JSON.stringify({ code, message })}\n`);
} finally {
  store.close();
}
