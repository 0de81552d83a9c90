import { createConnection, createServer, type Socket } from "node:net";

/**
 * A TCP forwarder a test can cut: while cut, every connection through it is dropped and new ones are closed at
 * once, as a network partition looks to the client. Also how a service on this host's loopback is reached from a
 * network namespace (listen on the namespace bridge's address).
 */
export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(
  target: { host: string; port: number },
  listen: { host: string; port?: number } = { host: "127.0.0.1" },
): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let cut = false;
  const server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = createConnection(target);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port ?? 0, listen.host, () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    host: listen.host,
    port,
    cut: () => {
      cut = true;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    restore: () => {
      cut = false;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
