/**
 * An in-process MQTT broker (aedes) for the demo, so `npm start` needs no Mosquitto. aedes 1.2
 * speaks MQTT 3.1.1 only: clients of it connect with protocolVersion 4.
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes } from 'aedes';

export interface EmbeddedBroker {
  /** e.g. `mqtt://127.0.0.1:1883` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Listens on `port` (0: a free one). With `fallback`, a busy port is not an error: a free one is
 * taken instead (the demo prefers 1883 but must not fail because a plant broker already has it).
 */
export async function startEmbeddedBroker(o: { port: number; host?: string; fallback?: boolean }): Promise<EmbeddedBroker> {
  const host = o.host ?? '127.0.0.1';
  const broker = await Aedes.createBroker();
  let server = createServer(broker.handle);
  try {
    await listen(server, o.port, host);
  } catch (e) {
    if (!o.fallback || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
      broker.close();
      throw e;
    }
    server = createServer(broker.handle);
    await listen(server, 0, host);
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://${host}:${port}`,
    port,
    async close() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => broker.close(() => r()));
      await closed;
    },
  };
}
