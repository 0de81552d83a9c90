import { createServer, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A real HTTP proxy in front of an S3 server that spoils object downloads
 * (GET responses with a body), to show what a client does with bad bytes:
 * "flip" changes the last byte and keeps the length; "stall" sends half the
 * body and then nothing, as a dying connection would; "slow" sends it whole
 * in 64 KiB pieces 10 ms apart, so that other clients arrive mid-download.
 */
export type TamperMode = "flip" | "stall" | "slow" | "pass";

export interface TamperProxy {
  readonly endpoint: string;
  /** Changes what later responses get ("pass" forwards them untouched). */
  setMode(mode: TamperMode): void;
  close(): Promise<void>;
}

export async function startTamperProxy(target: string, initial: TamperMode): Promise<TamperProxy> {
  let mode = initial;
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const forward = request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        const spoil =
          mode !== "pass" && req.method === "GET" && answer.statusCode === 200 && !req.url?.includes("list-type");
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (!spoil) {
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          const body = Buffer.concat(chunks);
          if (mode === "flip") {
            body[body.length - 1] = (body[body.length - 1] ?? 0) ^ 0xff;
            res.end(body);
          } else if (mode === "slow") {
            void trickle(body, res);
          } else {
            res.write(body.subarray(0, Math.floor(body.length / 2)));
          }
        });
      },
    );
    req.pipe(forward);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setMode: (next) => {
      mode = next;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function trickle(body: Buffer, res: ServerResponse): Promise<void> {
  for (let at = 0; at < body.length && !res.destroyed; at += 64 * 1024) {
    res.write(body.subarray(at, at + 64 * 1024));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  res.end();
}
