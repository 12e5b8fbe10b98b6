import net from 'node:net';

export interface CuttingProxy {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Connections accepted so far, and the backend port each went to. */
  readonly routed: number[];
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 that sends each new connection to the next backend in turn and cuts every
 * connection `cutAfterMs` after it opened, whatever it carries: a hop with a fixed integration timeout
 * (API Gateway's 29 s), scaled down for a test.
 */
export async function startCuttingProxy(backendPorts: readonly number[], cutAfterMs: number): Promise<CuttingProxy> {
  const routed: number[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const port = backendPorts[routed.length % backendPorts.length]!;
    routed.push(port);
    const upstream = net.connect(port, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    const cut = setTimeout(() => {
      client.destroy();
      upstream.destroy();
    }, cutAfterMs);
    client.on('close', () => {
      clearTimeout(cut);
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routed,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
