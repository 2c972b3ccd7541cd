/**
 * Listening and closing for tracegraph's HTTP servers (the API, the bare metrics server): one way
 * to bind, to name the address a person can open, and to close without waiting for keep-alive
 * clients to time out.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Binds `server`; resolves with its base URL (`http://host:port`, IPv6 hosts bracketed). */
export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
}

/** Stops taking connections and ends the idle keep-alive ones, which would otherwise hold it open. */
export async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
