/**
 * One typed configuration: a JSON file (TRACEGRAPH_CONFIG, or ./tracegraph.config.json when it
 * exists), then TRACEGRAPH_* environment variables, then command-line flags; validated once at
 * start so a typo is a clear message, not a surprise later.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { TracegraphError } from './errors.ts';

const FileConfig = z
  .object({
    dataDir: z.string().min(1).optional(),
    epcisMaxCaptureMb: z.number().int().positive().optional(),
    neo4j: z
      .object({
        uri: z.string().min(1),
        user: z.string().optional(),
        password: z.string().optional(),
        database: z.string().optional(),
        maxPoolSize: z.number().int().positive().optional(),
        timeoutMs: z.number().int().positive().optional(),
      })
      .optional(),
    mqtt: z
      .object({
        url: z.string().min(1),
        clientId: z.string().min(1).optional(),
        group: z.string().min(1).optional(),
        username: z.string().optional(),
        password: z.string().optional(),
        caFile: z.string().optional(),
        certFile: z.string().optional(),
        keyFile: z.string().optional(),
        maxMessageBytes: z.number().int().positive().optional(),
        connections: z.number().int().positive().max(64).optional(),
      })
      .strict()
      .optional(),
    login: z
      .object({
        maxFailuresPerName: z.number().int().positive().optional(),
        /** 0: no limit per address (e.g. behind a proxy that every client shares). */
        maxFailuresPerAddress: z.number().int().nonnegative().optional(),
        windowSeconds: z.number().int().positive().optional(),
        lockoutSeconds: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    opcua: z
      .object({
        /** The OPC UA mapping file (node ids -> readings, operations, scans; see ingest/opcua/config.ts). */
        mappingFile: z.string().min(1),
      })
      .strict()
      .optional(),
  })
  .strict();

export interface Config {
  dataDir: string;
  /** Largest EPCIS document POST /epcis/capture takes, MiB (default 64). */
  epcisMaxCaptureMb?: number;
  /** Embedded store's buffer pool, MiB. */
  kuzuBufferMb?: number;
  neo4j?: Neo4jConfig;
  mqtt?: MqttConfig;
  opcua?: { mappingFile: string };
  /** Failed-password limits of the API (login, signatures); unset keys keep domain/auth/throttle.ts's defaults. */
  login?: LoginConfig;
}

export interface LoginConfig {
  /** Failures for one user name within the window before it is locked out (default 5). */
  maxFailuresPerName?: number;
  /** Failures from one client address within the window (default 20; 0: no limit). */
  maxFailuresPerAddress?: number;
  windowMs?: number;
  lockoutMs?: number;
}

export interface MqttConfig {
  url: string;
  /** Stable across restarts: the broker keeps the session and queued messages under it. */
  clientId: string;
  group?: string;
  username?: string;
  password?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  maxMessageBytes?: number;
  /** MQTT connections of one ingest process, sharing the topics (default 1). */
  connections?: number;
}

export interface Neo4jConfig {
  uri: string;
  user?: string;
  password?: string;
  /** Default `neo4j`. */
  database?: string;
  maxPoolSize?: number;
  /** Per transaction, including retries of transient failures. */
  timeoutMs?: number;
}

const positiveInt = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new TracegraphError('CONFIG', `${name} must be a positive whole number, got ${JSON.stringify(v)}`);
  return n;
};

const nonNegativeInt = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new TracegraphError('CONFIG', `${name} must be a whole number, 0 or more, got ${JSON.stringify(v)}`);
  return n;
};

const seconds = (s: number | undefined) => (s === undefined ? undefined : s * 1000);

export function loadConfig(
  flags: { dataDir?: string; mqttUrl?: string; opcuaConfig?: string } = {},
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const path = env.TRACEGRAPH_CONFIG ?? (existsSync('tracegraph.config.json') ? 'tracegraph.config.json' : undefined);
  let file: z.infer<typeof FileConfig> = {};
  if (path) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new TracegraphError('CONFIG', `cannot read config file ${path}: ${(e as Error).message}`);
    }
    const r = FileConfig.safeParse(raw);
    if (!r.success)
      throw new TracegraphError(
        'CONFIG',
        `config file ${path}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      );
    file = r.data;
  }
  const uri = env.TRACEGRAPH_NEO4J_URI || file.neo4j?.uri;
  const config: Config = {
    dataDir: flags.dataDir ?? env.TRACEGRAPH_DATA ?? file.dataDir ?? './data',
    epcisMaxCaptureMb:
      positiveInt('TRACEGRAPH_EPCIS_MAX_CAPTURE_MB', env.TRACEGRAPH_EPCIS_MAX_CAPTURE_MB) ?? file.epcisMaxCaptureMb,
    kuzuBufferMb: positiveInt('TRACEGRAPH_KUZU_BUFFER_MB', env.TRACEGRAPH_KUZU_BUFFER_MB),
    login: {
      maxFailuresPerName:
        positiveInt('TRACEGRAPH_LOGIN_MAX_FAILURES', env.TRACEGRAPH_LOGIN_MAX_FAILURES) ?? file.login?.maxFailuresPerName,
      maxFailuresPerAddress:
        nonNegativeInt('TRACEGRAPH_LOGIN_MAX_FAILURES_PER_ADDRESS', env.TRACEGRAPH_LOGIN_MAX_FAILURES_PER_ADDRESS) ??
        file.login?.maxFailuresPerAddress,
      windowMs: seconds(
        positiveInt('TRACEGRAPH_LOGIN_WINDOW_SECONDS', env.TRACEGRAPH_LOGIN_WINDOW_SECONDS) ?? file.login?.windowSeconds,
      ),
      lockoutMs: seconds(
        positiveInt('TRACEGRAPH_LOGIN_LOCKOUT_SECONDS', env.TRACEGRAPH_LOGIN_LOCKOUT_SECONDS) ?? file.login?.lockoutSeconds,
      ),
    },
  };
  if (uri) {
    config.neo4j = {
      ...file.neo4j,
      uri,
      user: env.TRACEGRAPH_NEO4J_USER ?? file.neo4j?.user,
      password: env.TRACEGRAPH_NEO4J_PASSWORD ?? file.neo4j?.password,
      database: env.TRACEGRAPH_NEO4J_DATABASE ?? file.neo4j?.database,
      maxPoolSize: positiveInt('TRACEGRAPH_NEO4J_POOL_SIZE', env.TRACEGRAPH_NEO4J_POOL_SIZE) ?? file.neo4j?.maxPoolSize,
      timeoutMs: positiveInt('TRACEGRAPH_NEO4J_TIMEOUT_MS', env.TRACEGRAPH_NEO4J_TIMEOUT_MS) ?? file.neo4j?.timeoutMs,
    };
  }
  // An empty variable counts as unset (compose files write `VAR: ${X:-}`), so it never hides the file's value.
  const e = (v: string | undefined) => (v === '' ? undefined : v);
  const mqttUrl = flags.mqttUrl ?? e(env.TRACEGRAPH_MQTT_URL) ?? file.mqtt?.url;
  if (mqttUrl) {
    config.mqtt = {
      ...file.mqtt,
      url: mqttUrl,
      clientId: e(env.TRACEGRAPH_MQTT_CLIENT_ID) ?? file.mqtt?.clientId ?? `tracegraph-ingest-${hostname()}`,
      group: e(env.TRACEGRAPH_MQTT_GROUP) ?? file.mqtt?.group,
      username: e(env.TRACEGRAPH_MQTT_USER) ?? file.mqtt?.username,
      password: e(env.TRACEGRAPH_MQTT_PASSWORD) ?? file.mqtt?.password,
      caFile: e(env.TRACEGRAPH_MQTT_CA) ?? file.mqtt?.caFile,
      certFile: e(env.TRACEGRAPH_MQTT_CERT) ?? file.mqtt?.certFile,
      keyFile: e(env.TRACEGRAPH_MQTT_KEY) ?? file.mqtt?.keyFile,
      maxMessageBytes: positiveInt('TRACEGRAPH_MQTT_MAX_BYTES', env.TRACEGRAPH_MQTT_MAX_BYTES) ?? file.mqtt?.maxMessageBytes,
      connections: positiveInt('TRACEGRAPH_MQTT_CONNECTIONS', env.TRACEGRAPH_MQTT_CONNECTIONS) ?? file.mqtt?.connections,
    };
  }
  const mappingFile = flags.opcuaConfig ?? env.TRACEGRAPH_OPCUA_CONFIG ?? file.opcua?.mappingFile;
  if (mappingFile) config.opcua = { mappingFile };
  return config;
}
