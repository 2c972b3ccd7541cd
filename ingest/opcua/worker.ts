/**
 * The OPC UA worker: one client per server in the mapping file, one subscription each, a monitored
 * item per mapped tag. Changes become canonical events (readings; operations when a cycle counter
 * moves; scans when a code tag changes) and go to the pipeline in the order they arrive. Bad values
 * (a bad status code, a non-numeric reading, a cycle without a serial) become dead letters.
 *
 * When a server goes away, node-opcua's connection strategy reconnects with backoff and, when the
 * server lost the session (a restart), creates a new session and re-creates the subscription and
 * its monitored items (tested against a restarted server). Event ids are derived from what the
 * server sent (source timestamps, counter values), so the values re-sent after a reconnect dedupe.
 */
import { join } from 'node:path';
import {
  AttributeIds,
  ClientSubscription,
  DataChangeFilter,
  DataChangeTrigger,
  DeadbandType,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
  UserTokenType,
  type ClientSession,
  type DataValue,
  type UserIdentityInfo,
} from 'node-opcua';
import type { CanonicalEventInput } from '../../core/events.ts';
import { settleWithin } from '../../core/settle-within.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import { endpointPassword, type EndpointMap, type OpcuaMapping, type OperationTrigger, type ScanTrigger } from './config.ts';

export interface OpcuaWorkerOptions {
  config: OpcuaMapping;
  pipeline: Pipeline;
  /** Prefix of the pipeline source names: `<source>:<endpoint name>` (default `opcua`). */
  source?: string;
  /** Where the client certificate and trusted server certificates live when the mapping names none. */
  pkiDir?: string;
  /** Reconnect backoff, doubling from min to max (default 500 ms .. 10 s). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  warn?: (message: string) => void;
}

export interface OpcuaWorker {
  /** Resolves once every server has been reached and its tags are monitored (the worker keeps trying until then). */
  readonly ready: Promise<void>;
  /** Per endpoint name: whether its subscription is currently live. */
  status(): Record<string, 'connecting' | 'monitoring' | 'reconnecting'>;
  /** Stops taking changes, waits for the ones in hand to reach the event log, then disconnects. */
  close(): Promise<void>;
}

/** The value of a tag as an id (a serial, a lot, a badge): strings as they are, numbers as text. */
function asText(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

const whenOf = (dv: DataValue): Date => dv.sourceTimestamp ?? dv.serverTimestamp ?? new Date();

/** What a dead letter keeps of a change: enough to see what the PLC sent. */
const rawOf = (nodeId: string, dv: DataValue) => ({
  nodeId,
  value: typeof dv.value?.value === 'bigint' ? String(dv.value.value) : (dv.value?.value ?? null),
  statusCode: dv.statusCode.name,
  sourceTimestamp: dv.sourceTimestamp?.toISOString() ?? null,
});

class EndpointWorker {
  readonly name: string;
  state: 'connecting' | 'monitoring' | 'reconnecting' = 'connecting';
  private client: OPCUAClient | undefined;
  private session: ClientSession | undefined;
  private subscription: ClientSubscription | undefined;
  private closing = false;
  private chain: Promise<unknown> = Promise.resolve();
  private lastCounter = new Map<string, number>();
  private readonly source: string;

  constructor(
    private readonly e: EndpointMap,
    private readonly o: OpcuaWorkerOptions & { warn: (m: string) => void },
    private readonly pkiDir: string,
  ) {
    this.name = e.name ?? e.url;
    this.source = `${o.source ?? 'opcua'}:${this.name}`;
  }

  /** Changes are handled one at a time in arrival order, so events reach the log in the PLC's order. */
  private enqueue(job: () => Promise<void>): void {
    if (this.closing) return;
    this.chain = this.chain.then(job).catch((e: Error) => this.o.warn(`${this.name}: a change was not stored: ${e.message}`));
  }

  async start(): Promise<void> {
    const { e, o } = this;
    const mode = e.securityMode;
    const policy = e.securityPolicy ?? (mode === 'None' ? 'None' : 'Basic256Sha256');
    const client = OPCUAClient.create({
      applicationName: 'tracegraph',
      applicationUri: 'urn:tracegraph:ingest',
      clientName: 'tracegraph-ingest',
      securityMode: MessageSecurityMode[mode],
      securityPolicy: SecurityPolicy[policy],
      endpointMustExist: false,
      keepSessionAlive: true,
      requestedSessionTimeout: 60_000,
      // Retry for ever, with backoff: a PLC being restarted is routine, not fatal.
      connectionStrategy: { maxRetry: -1, initialDelay: o.reconnectMinMs ?? 500, maxDelay: o.reconnectMaxMs ?? 10_000 },
      clientCertificateManager: new OPCUACertificateManager({
        rootFolder: this.pkiDir,
        automaticallyAcceptUnknownCertificate: o.config.trustUnknownServers,
      }),
    });
    this.client = client;
    client.on('connection_lost', () => {
      if (this.closing) return;
      this.state = 'reconnecting';
      o.warn(`${this.name}: connection lost; reconnecting`);
    });
    client.on('connection_reestablished', () => {
      if (!this.closing) o.warn(`${this.name}: connection re-established`);
    });
    client.on('backoff', (retry: number, delay: number) => {
      if (!this.closing && (retry === 0 || retry % 10 === 0))
        o.warn(`${this.name}: cannot reach ${e.url} (attempt ${retry + 1}); next try in ${Math.round(delay)} ms`);
    });

    await client.connect(e.url);
    if (this.closing) return;
    const password = endpointPassword(e);
    const identity: UserIdentityInfo | undefined = e.user
      ? { type: UserTokenType.UserName, userName: e.user, password: password ?? '' }
      : undefined;
    const session = await client.createSession(identity);
    this.session = session;
    session.on('session_restored', () => {
      if (this.closing) return;
      this.state = 'monitoring';
      o.warn(`${this.name}: session restored; monitoring again`);
    });
    const subscription = ClientSubscription.create(session, {
      requestedPublishingInterval: e.publishingIntervalMs,
      requestedLifetimeCount: 120,
      requestedMaxKeepAliveCount: 10,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 1,
    });
    this.subscription = subscription;
    await new Promise<void>((resolve, reject) => {
      subscription.once('started', () => resolve());
      subscription.once('internal_error', (err: Error) => reject(err));
    });
    await this.monitorAll(subscription);
    this.state = 'monitoring';
  }

  private async monitor(
    subscription: ClientSubscription,
    nodeId: string,
    samplingInterval: number,
    queueSize: number,
    onChange: (dv: DataValue) => void,
    deadband = 0,
  ): Promise<void> {
    const filter = new DataChangeFilter({
      trigger: DataChangeTrigger.StatusValue,
      deadbandType: deadband > 0 ? DeadbandType.Absolute : DeadbandType.None,
      deadbandValue: deadband,
    });
    const item = await subscription.monitor(
      { nodeId, attributeId: AttributeIds.Value },
      { samplingInterval, queueSize, discardOldest: true, filter },
      TimestampsToReturn.Both,
    );
    // A node id the server does not know is not an exception: the item comes back with a bad status.
    if (item.statusCode && !item.statusCode.isGood())
      this.o.warn(`${this.name}: cannot monitor ${nodeId}: ${item.statusCode.name} (check the mapping file)`);
    item.on('changed', onChange);
    item.on('err', (message: string) => this.o.warn(`${this.name}: cannot monitor ${nodeId}: ${message}`));
  }

  private async monitorAll(subscription: ClientSubscription): Promise<void> {
    const { e } = this;
    for (const r of e.readings) {
      // A queue per item keeps every sample taken between two publishes (a spike is not lost).
      await this.monitor(
        subscription,
        r.nodeId,
        r.samplingIntervalMs,
        100,
        (dv) => this.enqueue(() => this.onReading(r, dv)),
        r.deadband,
      );
    }
    for (const t of e.operations) {
      // Queue of 1: the serial is read when the counter is seen, so an older queued count would be
      // paired with a newer serial. A skipped count is reported instead (see onCycle).
      await this.monitor(subscription, t.counterNodeId, Math.min(e.publishingIntervalMs, 250), 1, (dv) =>
        this.enqueue(() => this.onCycle(t, dv)),
      );
    }
    for (const s of e.scans) {
      await this.monitor(subscription, s.nodeId, Math.min(e.publishingIntervalMs, 250), 10, (dv) =>
        this.enqueue(() => this.onScan(s, dv)),
      );
    }
  }

  private async submit(event: CanonicalEventInput): Promise<void> {
    await this.o.pipeline.submit(this.source, event);
  }

  private reject(reason: string, raw: unknown): Promise<void> {
    return this.o.pipeline.reject(this.source, reason, raw);
  }

  private async onReading(r: EndpointMap['readings'][number], dv: DataValue): Promise<void> {
    if (!dv.statusCode.isGood())
      return this.reject(`${r.equipmentId}/${r.parameter}: status ${dv.statusCode.name} from ${r.nodeId}`, rawOf(r.nodeId, dv));
    const value = asNumber(dv.value?.value);
    if (value === undefined)
      return this.reject(
        `${r.equipmentId}/${r.parameter}: value of ${r.nodeId} is not a number (${dv.value?.value === null ? 'null' : typeof dv.value?.value})`,
        rawOf(r.nodeId, dv),
      );
    const when = whenOf(dv).toISOString();
    await this.submit({
      kind: 'reading',
      // The same sample delivered again (a republish after a reconnect) has the same id.
      eventId: `${r.equipmentId}:${r.parameter}:${when}`,
      eventTime: when,
      source: this.source,
      equipmentId: r.equipmentId,
      parameter: r.parameter,
      value,
      uom: r.uom,
    });
  }

  /** Reads the tags a completed cycle names, all at once so they belong together. */
  private async readTags(nodeIds: readonly string[]): Promise<DataValue[]> {
    if (!this.session) throw new Error('no session');
    return this.session.read(nodeIds.map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value })));
  }

  private async onCycle(t: OperationTrigger, dv: DataValue): Promise<void> {
    const raw = rawOf(t.counterNodeId, dv);
    if (!dv.statusCode.isGood()) return this.reject(`${t.station}: cycle counter status ${dv.statusCode.name}`, raw);
    const count = asNumber(dv.value?.value);
    if (count === undefined) return this.reject(`${t.station}: cycle counter ${t.counterNodeId} is not a number`, raw);
    const last = this.lastCounter.get(t.counterNodeId);
    this.lastCounter.set(t.counterNodeId, count);
    // Zero is a counter that has not counted yet (a PLC after a reset): no cycle to record.
    if (count === 0 || count === last) return;
    if (last !== undefined && count > last + 1)
      this.o.warn(`${t.station}: cycle counter jumped from ${last} to ${count}; only the last cycle's serial can be read`);
    const tagInputs = t.inputs.filter((i) => i.nodeId !== undefined);
    const extra = [t.operatorNodeId, t.workOrderNodeId];
    let values: DataValue[];
    try {
      values = await this.readTags([
        t.serialNodeId,
        ...extra.map((n) => n ?? t.serialNodeId),
        ...tagInputs.map((i) => i.nodeId!),
      ]);
    } catch (e) {
      return this.reject(`${t.station}: cycle ${count} completed but its tags could not be read: ${(e as Error).message}`, raw);
    }
    const [serialDv, operatorDv, workOrderDv, ...inputDvs] = values;
    const serial = serialDv?.statusCode.isGood() ? asText(serialDv.value?.value) : undefined;
    if (!serial)
      return this.reject(`${t.station}: cycle ${count} completed without a serial in ${t.serialNodeId}`, {
        ...raw,
        serial: serialDv ? rawOf(t.serialNodeId, serialDv) : null,
      });
    const inputs: { id: string; qty?: number; uom?: string }[] = [];
    let k = 0;
    for (const i of t.inputs) {
      if (i.id !== undefined) {
        inputs.push({ id: i.id, qty: i.qty, uom: i.uom });
        continue;
      }
      const v = inputDvs[k++];
      const id = v?.statusCode.isGood() ? asText(v.value?.value) : undefined;
      if (!id)
        return this.reject(`${t.station}: cycle ${count} (${serial}): input tag ${i.nodeId} holds no id`, {
          ...raw,
          serial,
          input: v ? rawOf(i.nodeId!, v) : null,
        });
      inputs.push({ id, qty: i.qty, uom: i.uom });
    }
    const textOf = (node: string | undefined, v: DataValue | undefined) =>
      node && v?.statusCode.isGood() ? asText(v.value?.value) : undefined;
    const unit = { id: serial };
    const done = whenOf(dv);
    const when = done.toISOString();
    const operationId = `${t.station}:${count}:${serial}`;
    await this.submit({
      kind: 'operation',
      eventId: `opcua:${operationId}`,
      eventTime: when,
      source: this.source,
      operationId,
      step: t.step,
      station: t.station,
      startTime: t.cycleTimeMs === undefined ? undefined : new Date(done.getTime() - t.cycleTimeMs).toISOString(),
      equipmentId: t.equipmentId,
      recipeId: t.recipeId,
      operatorId: textOf(t.operatorNodeId, operatorDv),
      workOrder: textOf(t.workOrderNodeId, workOrderDv),
      inputs: t.serialRole === 'input' ? [unit, ...inputs] : inputs,
      outputs: t.serialRole === 'output' ? [{ ...unit, type: 'unit' }] : [],
    });
  }

  private async onScan(s: ScanTrigger, dv: DataValue): Promise<void> {
    if (!dv.statusCode.isGood()) return this.reject(`${s.station}: scan tag status ${dv.statusCode.name}`, rawOf(s.nodeId, dv));
    const v = dv.value?.value;
    if (typeof v !== 'string') return this.reject(`${s.station}: scan tag ${s.nodeId} is not a string`, rawOf(s.nodeId, dv));
    const code = v.trim();
    if (!code) return; // cleared between scans
    let operatorId: string | undefined;
    if (s.operatorNodeId) {
      const [op] = await this.readTags([s.operatorNodeId]).catch(() => [undefined]);
      operatorId = op?.statusCode.isGood() ? asText(op.value?.value) : undefined;
    }
    const when = whenOf(dv).toISOString();
    await this.submit({
      kind: 'scan',
      eventId: `opcua:scan:${s.station}:${code}:${when}`,
      eventTime: when,
      source: this.source,
      id: code,
      station: s.station,
      step: s.step,
      operatorId,
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.chain;
    const client = this.client;
    if (!client) return;
    // Politely end the subscription and session when the server is there; when it is not (being
    // restarted), those calls would wait for a reconnect that may never come, so they are bounded.
    if (this.state === 'monitoring') {
      const polite = (async () => {
        await this.subscription?.terminate().catch(() => undefined);
        await this.session?.close().catch(() => undefined);
      })();
      await settleWithin(polite, 2000);
    }
    // A client caught reconnecting to a server that has gone can take its time to give up.
    if (!(await settleWithin(client.disconnect(), 10_000)))
      this.o.warn(`${this.name}: the OPC UA client did not disconnect within 10 s; left behind`);
  }
}

/**
 * Starts one client per mapped server. Returns at once; `ready` says when every server is
 * monitored. A server that cannot be reached is retried for ever (warned every tenth attempt).
 */
export function startOpcuaWorker(opts: OpcuaWorkerOptions): OpcuaWorker {
  const warn = opts.warn ?? ((m) => process.stderr.write(`tracegraph opcua: ${m}\n`));
  const pkiDir = opts.config.pkiDir ?? opts.pkiDir ?? join('data', 'pki');
  const workers = opts.config.endpoints.map((e) => new EndpointWorker(e, { ...opts, warn }, pkiDir));
  const started = workers.map((w) => w.start());
  const ready = Promise.all(started).then(() => undefined);
  let closing = false;
  // The caller may never await `ready`; a failure is then a warning, not an unhandled rejection.
  ready.catch((e: Error) => {
    if (!closing) warn(`could not start: ${e.message}`);
  });
  return {
    ready,
    status: () => Object.fromEntries(workers.map((w) => [w.name, w.state])),
    async close() {
      closing = true;
      await Promise.all(workers.map((w) => w.close()));
      await Promise.allSettled(started);
    },
  };
}
