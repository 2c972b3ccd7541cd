/**
 * One typed configuration. Every setting can come from the JSON file (TRACEGRAPH_CONFIG, or
 * ./tracegraph.config.json when it exists) and from its TRACEGRAPH_* environment variable; the
 * variable wins over the file, and a command-line flag (where there is one) over both. One zod
 * schema describes it all: the file's shape, each key's variable, its default and its meaning
 * (docs/configuration.md is the table of it). It is validated once at start, so a typo or a bad
 * value is one message naming the key and where it came from, not a surprise later.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { TracegraphError } from './errors.ts';

/** What the table in docs/configuration.md says about one setting. */
export interface SettingMeta {
  env: `TRACEGRAPH_${string}`;
  description: string;
  /** The default as a person reads it, where the schema has none (the component that uses it decides). */
  default?: string;
  /** The command-line flag that overrides it, if any. */
  flag?: string;
  /** Hidden in messages (passwords). */
  secret?: boolean;
}

const settings = z.registry<SettingMeta>();
const setting = <T extends z.ZodType>(schema: T, meta: SettingMeta): T => {
  settings.add(schema as z.ZodType, meta);
  return schema;
};

const wholeNumber = (min: number, max?: number) => {
  const n = z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be ${min} or more` });
  return max === undefined ? n : n.max(max, { error: `must be ${max} or less` });
};
const text = () => z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' });
/** Exactly an origin as a browser sends it in `Origin`: scheme, host and port, nothing else. */
const isOrigin = (o: string): boolean => {
  try {
    const origin = new URL(o).origin;
    return origin === o && origin !== 'null';
  } catch {
    return false;
  }
};
const flag = () => z.boolean({ error: 'must be true or false (in the environment also 1/0, yes/no, on/off)' });

export const ConfigSchema = z
  .object({
    dataDir: setting(text().default('./data'), {
      env: 'TRACEGRAPH_DATA',
      flag: '--data',
      description: 'Directory of the embedded graph, the event log, dead letters, users, API keys and the audit trail.',
    }),
    kuzuBufferMb: setting(wholeNumber(1).optional(), {
      env: 'TRACEGRAPH_KUZU_BUFFER_MB',
      default: '1024',
      description: 'Buffer pool of the embedded graph (Kuzu), MiB.',
    }),
    epcisMaxCaptureMb: setting(wholeNumber(1).optional(), {
      env: 'TRACEGRAPH_EPCIS_MAX_CAPTURE_MB',
      default: '64',
      description: 'Largest EPCIS document `POST /epcis/capture` takes, MiB; larger ones get 413.',
    }),
    corsOrigins: setting(
      z
        .union([z.array(z.string()), z.string()], { error: 'must be a list of origins (comma-separated in the variable)' })
        .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((o) => o.trim()).filter(Boolean))
        .pipe(
          z.array(z.string()).superRefine((list, ctx) => {
            for (const o of list)
              if (!isOrigin(o))
                ctx.addIssue({
                  code: 'custom',
                  message: `${JSON.stringify(o)} is not an origin; write scheme, host and port only, e.g. https://mes.example.com`,
                });
          }),
        )
        .default([]),
      {
        env: 'TRACEGRAPH_CORS_ORIGINS',
        default: '(none)',
        description:
          'Origins (`https://host[:port]`; comma-separated in the variable) whose pages may call `/graphql` from a browser with credentials (CORS). The web app is same-origin and needs none.',
      },
    ),
    devKey: setting(text().optional(), {
      env: 'TRACEGRAPH_DEV_KEY',
      secret: true,
      default: '(none; `demo` makes a random one)',
      description:
        'An API key that authenticates as the admin `dev` without being stored (development only; at least 16 characters).',
    }),
    debug: setting(flag().default(false), {
      env: 'TRACEGRAPH_DEBUG',
      description: 'Print stack traces with command-line errors, and the OPC UA library’s own warnings in `demo`.',
    }),
    profile: setting(flag().default(false), {
      env: 'TRACEGRAPH_PROFILE',
      description: 'Time every graph statement and print the totals at exit (both backends).',
    }),
    noProgress: setting(flag().default(false), {
      env: 'TRACEGRAPH_NO_PROGRESS',
      description: 'No progress bars, even on a terminal (they are never drawn when stderr is not a terminal).',
    }),
    neo4j: z
      .object({
        uri: setting(text(), {
          env: 'TRACEGRAPH_NEO4J_URI',
          default: '(none: the embedded graph)',
          description: 'Use Neo4j 5 at this Bolt URI instead of the embedded graph, e.g. `bolt://127.0.0.1:7687`.',
        }),
        user: setting(text().optional(), { env: 'TRACEGRAPH_NEO4J_USER', description: 'Neo4j user.' }),
        password: setting(z.string({ error: 'must be a string' }).optional(), {
          env: 'TRACEGRAPH_NEO4J_PASSWORD',
          secret: true,
          description: 'Neo4j password.',
        }),
        database: setting(text().optional(), {
          env: 'TRACEGRAPH_NEO4J_DATABASE',
          default: 'neo4j',
          description: 'Neo4j database name.',
        }),
        maxPoolSize: setting(wholeNumber(1).optional(), {
          env: 'TRACEGRAPH_NEO4J_POOL_SIZE',
          default: '50',
          description: 'Connections in the driver’s pool.',
        }),
        timeoutMs: setting(wholeNumber(1).optional(), {
          env: 'TRACEGRAPH_NEO4J_TIMEOUT_MS',
          default: '60000',
          description: 'Per transaction, including retries of transient failures; also the wait for a pooled connection.',
        }),
      })
      .strict()
      .optional(),
    mqtt: z
      .object({
        url: setting(text(), {
          env: 'TRACEGRAPH_MQTT_URL',
          flag: '--mqtt-url',
          default: '(none)',
          description: '`ingest`: the broker, e.g. `mqtt://broker:1883` (`mqtts://` for TLS).',
        }),
        clientId: setting(
          text().default(() => `tracegraph-ingest-${hostname()}`),
          {
            env: 'TRACEGRAPH_MQTT_CLIENT_ID',
            flag: '--client-id',
            default: '`tracegraph-ingest-<host name>`',
            description: 'Stable across restarts: the broker keeps the session and the queued messages under it.',
          },
        ),
        group: setting(text().optional(), {
          env: 'TRACEGRAPH_MQTT_GROUP',
          flag: '--group',
          description: 'Share the topics with the other workers of this group (MQTT 5 shared subscription).',
        }),
        username: setting(text().optional(), { env: 'TRACEGRAPH_MQTT_USER', description: 'Broker user.' }),
        password: setting(z.string({ error: 'must be a string' }).optional(), {
          env: 'TRACEGRAPH_MQTT_PASSWORD',
          secret: true,
          description: 'Broker password.',
        }),
        caFile: setting(text().optional(), {
          env: 'TRACEGRAPH_MQTT_CA',
          description: 'TLS: file of the CA certificate(s) the broker’s certificate is checked against.',
        }),
        certFile: setting(text().optional(), {
          env: 'TRACEGRAPH_MQTT_CERT',
          description: 'TLS: client certificate file.',
        }),
        keyFile: setting(text().optional(), { env: 'TRACEGRAPH_MQTT_KEY', description: 'TLS: client key file.' }),
        maxMessageBytes: setting(wholeNumber(1).optional(), {
          env: 'TRACEGRAPH_MQTT_MAX_BYTES',
          default: '1048576',
          description: 'Larger messages are dead-lettered unread.',
        }),
        connections: setting(wholeNumber(1, 64).optional(), {
          env: 'TRACEGRAPH_MQTT_CONNECTIONS',
          flag: '--connections',
          default: '1',
          description: 'MQTT connections of one ingest process, sharing the topics (1 to 64).',
        }),
      })
      .strict()
      .optional(),
    opcua: z
      .object({
        mappingFile: setting(text(), {
          env: 'TRACEGRAPH_OPCUA_CONFIG',
          flag: '--opcua-config',
          default: '(none)',
          description: '`ingest`: the OPC UA mapping file (servers; node ids -> readings, operations, scans).',
        }),
      })
      .strict()
      .optional(),
    metrics: z
      .object({
        port: setting(wholeNumber(0, 65535).optional(), {
          env: 'TRACEGRAPH_METRICS_PORT',
          flag: '--metrics-port',
          default: '(off)',
          description:
            '`ingest`: serve Prometheus metrics at `http://HOST:PORT/metrics` (`serve` has `/metrics` on its own port).',
        }),
        host: setting(text().default('127.0.0.1'), {
          env: 'TRACEGRAPH_METRICS_HOST',
          flag: '--metrics-host',
          description: '`ingest`: the address for the metrics port.',
        }),
      })
      .strict()
      .prefault({}),
    reportSigning: z
      .object({
        p12: setting(text(), {
          env: 'TRACEGRAPH_REPORT_SIGNING_P12',
          default: '(unsigned)',
          description:
            'PKCS#12 file (.p12/.pfx: RSA key and certificate) that signs every report PDF (PAdES, ETSI.CAdES.detached).',
        }),
        password: setting(z.string({ error: 'must be a string' }).optional(), {
          env: 'TRACEGRAPH_REPORT_SIGNING_PASSWORD',
          default: '(none)',
          description: 'Password of that PKCS#12 file.',
          secret: true,
        }),
      })
      .strict()
      .optional(),
    login: z
      .object({
        maxFailuresPerName: setting(wholeNumber(1).optional(), {
          env: 'TRACEGRAPH_LOGIN_MAX_FAILURES',
          default: '5',
          description: 'Failed passwords for one user name within the window before the name is locked out.',
        }),
        maxFailuresPerAddress: setting(wholeNumber(0).optional(), {
          env: 'TRACEGRAPH_LOGIN_MAX_FAILURES_PER_ADDRESS',
          default: '20',
          description: 'Failed passwords from one client address within the window (0: no limit, e.g. behind a shared proxy).',
        }),
        windowSeconds: setting(wholeNumber(1).optional(), {
          env: 'TRACEGRAPH_LOGIN_WINDOW_SECONDS',
          default: '900',
          description: 'How far back failed passwords count.',
        }),
        lockoutSeconds: setting(wholeNumber(1).optional(), {
          env: 'TRACEGRAPH_LOGIN_LOCKOUT_SECONDS',
          default: '60',
          description: 'How long the first lockout of a name, address or signing session lasts; each further one doubles.',
        }),
        maxLockoutSeconds: setting(wholeNumber(1).optional(), {
          env: 'TRACEGRAPH_LOGIN_MAX_LOCKOUT_SECONDS',
          default: '900',
          description: 'The longest lockout, and the quiet time after which lockouts start short again.',
        }),
      })
      .strict()
      // The API counts in milliseconds; people configure seconds.
      .transform((l) => ({
        maxFailuresPerName: l.maxFailuresPerName,
        maxFailuresPerAddress: l.maxFailuresPerAddress,
        windowMs: l.windowSeconds === undefined ? undefined : l.windowSeconds * 1000,
        lockoutMs: l.lockoutSeconds === undefined ? undefined : l.lockoutSeconds * 1000,
        maxLockoutMs: l.maxLockoutSeconds === undefined ? undefined : l.maxLockoutSeconds * 1000,
      }))
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type Neo4jConfig = NonNullable<Config['neo4j']>;
export type MqttConfig = NonNullable<Config['mqtt']>;
export type LoginConfig = Config['login'];

/** Names the file and variable for one setting: its place in the file (`mqtt.url`) and its metadata. */
export interface Setting extends SettingMeta {
  key: string;
  /** The zod type of the value: how a variable's text is read. */
  type: 'string' | 'number' | 'boolean';
  /** Given when its section is given at all (`neo4j.uri`, `mqtt.url`, `opcua.mappingFile`). */
  required: boolean;
}

/** The schema's wrappers around a value or a section, peeled to reach what they wrap. */
function unwrap(s: z.ZodType): { inner: z.ZodType; optional: boolean } {
  let optional = false;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodPrefault) {
      optional = true;
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodPipe) s = s.in as z.ZodType;
    else return { inner: s, optional };
  }
}

function collect(shape: Record<string, z.ZodType>, prefix: string, out: Setting[]): Setting[] {
  for (const [name, schema] of Object.entries(shape)) {
    const key = prefix + name;
    const meta = settings.get(schema);
    const { inner, optional } = unwrap(schema);
    if (meta) {
      const type = inner instanceof z.ZodNumber ? 'number' : inner instanceof z.ZodBoolean ? 'boolean' : 'string';
      const dflt =
        schema instanceof z.ZodDefault && typeof schema.def.defaultValue !== 'function' ? schema.def.defaultValue : undefined;
      out.push({ key, type, required: !optional, ...(dflt === undefined ? {} : { default: String(dflt) }), ...meta });
    } else if (inner instanceof z.ZodObject) collect(inner.shape as Record<string, z.ZodType>, `${key}.`, out);
    else throw new Error(`config schema: ${key} has no setting metadata`);
  }
  return out;
}

/** Every setting, in the order of the schema (the rows of docs/configuration.md). */
export const SETTINGS: readonly Setting[] = collect(ConfigSchema.shape as Record<string, z.ZodType>, '', []);

/** The variable that names the config file; empty: no file, even when ./tracegraph.config.json exists. */
export const CONFIG_FILE_ENV = 'TRACEGRAPH_CONFIG';
export const DEFAULT_CONFIG_FILE = 'tracegraph.config.json';

/**
 * TRACEGRAPH_* variables that are not settings of the program but switches of its test and
 * development tooling (the test suite, the Neo4j test server launcher); the loader leaves them
 * alone rather than calling them unknown.
 */
export const TOOLING_ENV: readonly RegExp[] = [
  /^TRACEGRAPH_TEST_/,
  /^TRACEGRAPH_VITEST_/,
  /^TRACEGRAPH_NEO4J_(CACHE|CDS)$/,
  // Read by bin/tracegraph.js before any TypeScript loads: run the sources instead of dist/.
  /^TRACEGRAPH_FROM_SOURCE$/,
];

/** Command-line flags that override a setting (the commands that have them pass them here). */
export interface ConfigFlags {
  dataDir?: string;
  mqttUrl?: string;
  opcuaConfig?: string;
}

const FLAG_KEYS: Record<keyof ConfigFlags, string> = {
  dataDir: 'dataDir',
  mqttUrl: 'mqtt.url',
  opcuaConfig: 'opcua.mappingFile',
};

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

function setPath(target: Raw, key: string, value: unknown): void {
  const parts = key.split('.');
  let at = target;
  for (const p of parts.slice(0, -1)) {
    if (!isObject(at[p])) at[p] = {};
    at = at[p] as Raw;
  }
  at[parts[parts.length - 1]!] = value;
}

function getPath(source: unknown, path: readonly PropertyKey[]): unknown {
  let at = source;
  for (const p of path) at = isObject(at) ? at[String(p)] : undefined;
  return at;
}

/** A variable's text as the setting's type; text that does not parse is kept, so the schema names the problem. */
function fromEnv(s: Setting, v: string): unknown {
  const t = v.trim();
  if (s.type === 'number') return t !== '' && Number.isFinite(Number(t)) ? Number(t) : v;
  if (s.type === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(t)) return true;
    if (/^(0|false|no|off)$/i.test(t)) return false;
    return v;
  }
  return v;
}

/**
 * Reads and validates the configuration: defaults <- file <- TRACEGRAPH_* variables <- flags.
 * An empty variable counts as unset (compose files write `VAR: ${X:-}`), so it never hides the
 * file's value. Throws a CONFIG TracegraphError naming every bad key and its source.
 */
export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const fileVar = env[CONFIG_FILE_ENV];
  const path = fileVar !== undefined ? fileVar : existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : '';
  let file: unknown = {};
  if (path) {
    try {
      file = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new TracegraphError('CONFIG', `cannot read config file ${path}: ${(e as Error).message}`);
    }
    if (!isObject(file))
      throw new TracegraphError('CONFIG', `config file ${path}: must be a JSON object of settings (see docs/configuration.md)`);
  }
  const problems: string[] = [];
  const known = new Set(SETTINGS.map((s) => s.env));
  for (const name of Object.keys(env).sort())
    if (name.startsWith('TRACEGRAPH_') && name !== CONFIG_FILE_ENV && !known.has(name as SettingMeta['env']))
      if (!TOOLING_ENV.some((r) => r.test(name)) && env[name] !== '')
        problems.push(`environment variable ${name}: not a setting (the settings are listed in docs/configuration.md)`);

  // Where each value came from, for the messages: the last source to set a key wins.
  const origin = new Map<string, string>();
  const fileKeys = (v: unknown, prefix: string) => {
    if (!isObject(v)) return;
    for (const [k, x] of Object.entries(v)) {
      origin.set(prefix + k, `${prefix + k} in config file ${path}`);
      fileKeys(x, `${prefix + k}.`);
    }
  };
  fileKeys(file, '');
  const raw: Raw = structuredClone(file as Raw);
  for (const s of SETTINGS) {
    const v = env[s.env];
    if (v === undefined || v === '') continue;
    setPath(raw, s.key, fromEnv(s, v));
    origin.set(s.key, `environment variable ${s.env}`);
  }
  for (const [flag, key] of Object.entries(FLAG_KEYS) as [keyof ConfigFlags, string][]) {
    const v = flags[flag];
    if (v === undefined) continue;
    setPath(raw, key, v);
    origin.set(key, SETTINGS.find((s) => s.key === key)?.flag ?? flag);
  }

  // A section is on when its first key is given by some source; without it the section's other keys
  // are not used (credentials exported for `ingest --mqtt-url ...` must not stop `tracegraph serve`).
  for (const s of SETTINGS.filter((x) => x.required && x.key.includes('.'))) {
    const [section, key] = s.key.split('.') as [string, string];
    const v = raw[section];
    // Kept when it has a key that is not a setting, so that the typo (`urll`) is reported.
    const known = (k: string) => SETTINGS.some((x) => x.key === `${section}.${k}`);
    if (isObject(v) && v[key] === undefined && Object.keys(v).every(known)) delete raw[section];
  }

  const parsed = ConfigSchema.safeParse(raw);
  if (parsed.success && problems.length === 0) return parsed.data;
  for (const issue of parsed.error?.issues ?? []) problems.push(describe(issue, raw, origin, path));
  throw new TracegraphError('CONFIG', `configuration: ${problems.join('; ')}`);
}

function describe(issue: z.core.$ZodIssue, raw: Raw, origin: Map<string, string>, file: string): string {
  const key = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const section = issue.path.length ? `${key}.` : '';
    const valid = SETTINGS.filter((s) => s.key.startsWith(section)).map((s) => s.key.slice(section.length).split('.')[0]);
    return issue.keys
      .map((k) => `config file ${file}: unknown key ${section}${k} (known here: ${[...new Set(valid)].join(', ')})`)
      .join('; ');
  }
  const setting = SETTINGS.find((s) => s.key === key);
  const value = getPath(raw, issue.path);
  if (value === undefined && setting) return `${key} (${setting.env}) is missing`;
  const from = origin.get(key) ?? (file ? `${key} in config file ${file}` : key);
  const shown = setting?.secret ? '' : `, got ${JSON.stringify(value)}`;
  return `${from}: ${issue.message}${shown}`;
}
