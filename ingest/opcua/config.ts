/**
 * The OPC UA mapping file: which node ids of which servers become readings, operations and scans.
 * Validated whole at start (zod), so a typo is one message naming the field, not a silent gap later.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { TracegraphError } from '../../core/errors.ts';

const NodeId = z.string().trim().min(1, 'must be a node id, e.g. ns=2;s=Line1.Oven.Zone1');

export const ReadingMap = z
  .object({
    nodeId: NodeId,
    equipmentId: z.string().min(1),
    parameter: z.string().min(1),
    uom: z.string().min(1).optional(),
    /** How often the server samples the tag (default 1000 ms; the server may raise it to its minimum). */
    samplingIntervalMs: z.number().nonnegative().default(1000),
    /** Absolute deadband: a change smaller than this is not reported (default 0: every change). */
    deadband: z.number().nonnegative().default(0),
  })
  .strict();

/** An input of a triggered operation: a fixed id, or the id read from a tag when the cycle completes (a lot in the feeder, say). */
const TriggerInput = z
  .object({
    id: z.string().min(1).optional(),
    nodeId: NodeId.optional(),
    qty: z.number().nonnegative().optional(),
    uom: z.string().min(1).optional(),
  })
  .strict()
  .refine((i) => (i.id === undefined) !== (i.nodeId === undefined), 'give exactly one of id (a fixed id) or nodeId (a tag)');

export const OperationTrigger = z
  .object({
    /** A counter the PLC increments when a cycle completes: each new value is one operation. */
    counterNodeId: NodeId,
    /** The serial of the unit the cycle made (read when the counter changes). */
    serialNodeId: NodeId,
    /** Whether the serial is the operation's output (the unit is made here, default) or its input (a step the unit passes through). */
    serialRole: z.enum(['output', 'input']).default('output'),
    step: z.string().min(1),
    station: z.string().min(1),
    equipmentId: z.string().min(1).optional(),
    recipeId: z.string().min(1).optional(),
    /** A tag holding the operator badge, read with the serial. */
    operatorNodeId: NodeId.optional(),
    /** A tag holding the work order, read with the serial. */
    workOrderNodeId: NodeId.optional(),
    inputs: z.array(TriggerInput).default([]),
    /**
     * How long a unit is in the station before the counter moves (a reflow oven's dwell, a test's
     * run): the operation's startTime is the cycle's completion minus this. Without it an
     * operation has an end only, and no readings fall inside it.
     */
    cycleTimeMs: z.number().positive().optional(),
  })
  .strict();

export const ScanTrigger = z
  .object({
    /** A string tag: each new non-empty value is a scan of that id. */
    nodeId: NodeId,
    station: z.string().min(1),
    step: z.string().min(1).optional(),
    operatorNodeId: NodeId.optional(),
  })
  .strict();

export const SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const;
export const SECURITY_POLICIES = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;

export const EndpointMap = z
  .object({
    url: z.string().regex(/^opc\.tcp:\/\/.+/, 'must be an opc.tcp:// URL'),
    /** Used in source names and messages (default: the URL). */
    name: z.string().min(1).optional(),
    securityMode: z.enum(SECURITY_MODES).default('None'),
    /** Default: None without security, Basic256Sha256 with it. */
    securityPolicy: z.enum(SECURITY_POLICIES).optional(),
    user: z.string().min(1).optional(),
    password: z.string().optional(),
    /** Name of an environment variable holding the password, so the mapping file can be shared without it. */
    passwordEnv: z.string().min(1).optional(),
    /** How often the server sends the collected changes (default 500 ms). */
    publishingIntervalMs: z.number().positive().default(500),
    readings: z.array(ReadingMap).default([]),
    operations: z.array(OperationTrigger).default([]),
    scans: z.array(ScanTrigger).default([]),
  })
  .strict()
  .refine((e) => e.securityMode === 'None' || e.securityPolicy !== 'None', {
    message: 'securityPolicy None cannot sign or encrypt: choose Basic256Sha256 or securityMode None',
    path: ['securityPolicy'],
  })
  .refine((e) => e.password === undefined || e.passwordEnv === undefined, {
    message: 'give password or passwordEnv, not both',
    path: ['passwordEnv'],
  });

export const OpcuaMapping = z
  .object({
    endpoints: z.array(EndpointMap).min(1, 'must list at least one OPC UA server'),
    /** Client certificate and trusted server certificates (default `<data>/pki`). */
    pkiDir: z.string().min(1).optional(),
    /** Accept a server certificate seen for the first time (default true; false: only those in `<pki>/trusted`). */
    trustUnknownServers: z.boolean().default(true),
  })
  .strict();

export type OpcuaMapping = z.infer<typeof OpcuaMapping>;
export type OpcuaMappingInput = z.input<typeof OpcuaMapping>;
export type EndpointMap = z.infer<typeof EndpointMap>;
export type ReadingMap = z.infer<typeof ReadingMap>;
export type OperationTrigger = z.infer<typeof OperationTrigger>;
export type ScanTrigger = z.infer<typeof ScanTrigger>;

/** Validates a mapping (from a file, or built in code); `where` names it in the message. */
export function parseOpcuaMapping(raw: unknown, where = 'OPC UA mapping'): OpcuaMapping {
  const r = OpcuaMapping.safeParse(raw);
  if (r.success) return r.data;
  const issues = r.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  throw new TracegraphError('CONFIG', `${where}: ${issues}`);
}

export function loadOpcuaMapping(file: string): OpcuaMapping {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new TracegraphError('CONFIG', `cannot read OPC UA mapping file ${file}: ${(e as Error).message}`);
  }
  return parseOpcuaMapping(raw, `OPC UA mapping file ${file}`);
}

/** The password an endpoint logs in with, from the file or the environment variable it names. */
export function endpointPassword(e: EndpointMap, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (e.passwordEnv === undefined) return e.password;
  const v = env[e.passwordEnv];
  if (v === undefined)
    throw new TracegraphError('CONFIG', `OPC UA endpoint ${e.name ?? e.url}: environment variable ${e.passwordEnv} is not set`);
  return v;
}
