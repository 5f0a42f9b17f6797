import net, { type AddressInfo } from 'node:net';

/**
 * A TCP forwarder on 127.0.0.1 that a test can switch off (every connection cut, new ones
 * refused) and on again on the same port: a dependency "going away" as the process under test
 * sees it, without stopping the shared server behind it.
 */
export interface SwitchableProxy {
  port: number;
  off(): Promise<void>;
  on(): Promise<void>;
  close(): Promise<void>;
}

export async function switchableProxy(target: { host: string; port: number }): Promise<SwitchableProxy> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        for (const sock of [client, upstream]) {
          sockets.add(sock);
          sock.on('close', () => sockets.delete(sock));
          sock.on('error', () => sock.destroy());
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as AddressInfo).port;
        server = s;
        resolve();
      });
    });
  const off = async () => {
    const s = server;
    server = null;
    for (const sock of sockets) sock.destroy();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };
  await listen();
  return {
    port,
    off,
    on: () => (server ? Promise.resolve() : listen()),
    close: off,
  };
}
