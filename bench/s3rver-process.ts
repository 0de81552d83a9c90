// s3rver in a process of its own, for bench:s3: prints its endpoint as one JSON line, stores
// objects under the directory given as the first argument, and stops on SIGTERM.
import S3rver from "s3rver";

const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: process.argv[2] as string });
const address = await server.run();
process.stdout.write(`${JSON.stringify({ endpoint: `http://127.0.0.1:${address.port}` })}\n`);
process.on("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
