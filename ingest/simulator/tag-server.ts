/**
 * A small OPC UA server that exposes a flat set of tags (`ns=1;s=<name>`) whose values the caller
 * sets, as a PLC would: the simulated plant runs one per line, and the OPC UA worker's tests run
 * one with tags they control. Values are pushed with `setValueFromSource`, so every change carries
 * its own source timestamp and status code, and monitored items see it at their sampling interval.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  DataType,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  StatusCode,
  StatusCodes,
  type UAVariable,
} from 'node-opcua';

export type TagType = 'Double' | 'String' | 'UInt32';

export interface TagSpec {
  /** The string part of the node id: `ns=1;s=<name>`. */
  name: string;
  type: TagType;
  initial?: number | string;
  /** Engineering unit shown to OPC UA browsers (informational). */
  description?: string;
}

export interface TagServerOptions {
  /** 0 is not allowed by node-opcua: pick a free port first (see `freePort`). */
  port: number;
  /** PKI (server certificate, trusted/rejected client certificates) goes under this directory. */
  pkiDir: string;
  tags: readonly TagSpec[];
  /** When given, anonymous sessions are refused and these user names/passwords are accepted. */
  users?: Readonly<Record<string, string>>;
  /** Fastest sampling the server offers per tag (default 100 ms). */
  minimumSamplingIntervalMs?: number;
  /** Offer signed and encrypted endpoints too (Basic256Sha256); default true. */
  secure?: boolean;
  productName?: string;
}

export interface SetOptions {
  /** e.g. `StatusCodes.BadSensorFailure`; default Good. */
  status?: StatusCode;
  sourceTimestamp?: Date;
}

export interface TagServer {
  /** `opc.tcp://127.0.0.1:<port>` */
  readonly endpoint: string;
  set(name: string, value: number | string, opts?: SetOptions): void;
  get(name: string): number | string | undefined;
  stop(): Promise<void>;
}

/** The node id a tag is reachable under (the worker's mapping files name these). */
export const tagNodeId = (name: string): string => `ns=1;s=${name}`;

const dataTypes: Record<TagType, DataType> = { Double: DataType.Double, String: DataType.String, UInt32: DataType.UInt32 };

/** A free loopback TCP port (node-opcua cannot listen on port 0 and report the port back). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

export async function startTagServer(o: TagServerOptions): Promise<TagServer> {
  const secure = o.secure ?? true;
  const serverCertificateManager = new OPCUACertificateManager({
    rootFolder: join(o.pkiDir, 'server'),
    // A simulator and a test trust whatever client connects; a real PLC has its own trust list.
    automaticallyAcceptUnknownCertificate: true,
  });
  const userCertificateManager = new OPCUACertificateManager({
    rootFolder: join(o.pkiDir, 'user'),
    automaticallyAcceptUnknownCertificate: true,
  });
  const users = o.users;
  const server = new OPCUAServer({
    port: o.port,
    hostname: '127.0.0.1',
    alternateHostname: ['127.0.0.1'],
    serverCertificateManager,
    userCertificateManager,
    securityModes: secure
      ? [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt]
      : [MessageSecurityMode.None],
    securityPolicies: secure ? [SecurityPolicy.None, SecurityPolicy.Basic256Sha256] : [SecurityPolicy.None],
    allowAnonymous: !users,
    userManager: users ? { isValidUser: (user: string, password: string) => users[user] === password } : undefined,
    buildInfo: { productName: o.productName ?? 'tracegraph simulated line', manufacturerName: 'tracegraph' },
    // Keep a restarted server quick to accept the client back.
    maxConnectionsPerEndpoint: 20,
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace!;
  // The server's own namespace (index 1), so mapping files can name tags as `ns=1;s=...`.
  const ns = addressSpace.getOwnNamespace();
  const plc = ns.addFolder(addressSpace.rootFolder.objects, { browseName: 'Plant' });
  const vars = new Map<string, { v: UAVariable; type: TagType }>();
  for (const t of o.tags) {
    const v = ns.addVariable({
      componentOf: plc,
      nodeId: `s=${t.name}`,
      browseName: t.name,
      description: t.description,
      dataType: t.type,
      minimumSamplingInterval: o.minimumSamplingIntervalMs ?? 100,
    });
    vars.set(t.name, { v, type: t.type });
    const initial = t.initial ?? (t.type === 'String' ? '' : 0);
    v.setValueFromSource({ dataType: dataTypes[t.type], value: initial }, StatusCodes.Good, new Date());
  }
  await server.start();
  let stopped = false;
  return {
    endpoint: `opc.tcp://127.0.0.1:${o.port}`,
    set(name, value, opts = {}) {
      const tag = vars.get(name);
      if (!tag) throw new Error(`no tag ${name}`);
      tag.v.setValueFromSource(
        { dataType: dataTypes[tag.type], value },
        opts.status ?? StatusCodes.Good,
        opts.sourceTimestamp ?? new Date(),
      );
    },
    get(name) {
      return vars.get(name)?.v.readValue().value.value as number | string | undefined;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.shutdown(0);
    },
  };
}
