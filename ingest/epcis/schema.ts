/**
 * EPCIS 2.0 JSON / JSON-LD events as zod schemas: strict about what the standard requires
 * (eventTime with an offset, action, numeric quantities, CBV words), lenient about
 * extensions. Namespaced keys (`example:myField`) and JSON-LD keys (`@context`) are allowed
 * everywhere. Unknown bare keys are tolerated on the event itself (vendors and older
 * profiles add fields there that do not change the graph) but rejected inside the small,
 * closed EPCIS structures (quantity elements, bizTransactions, sources, readPoint, sensor
 * reports), where an unknown key is almost always a misspelt or invented standard field.
 */
import { z } from 'zod';
import { cbvProblem, type CbvVocabulary } from './cbv.ts';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

const dateTime = z
  .string()
  .regex(ISO_WITH_OFFSET, 'must be an ISO 8601 date-time with an offset, e.g. 2026-03-01T08:00:00Z')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'is not a valid date-time');

const uri = z.string().trim().min(1, 'must not be empty');
const quantity = z.number().finite().nonnegative('must not be negative');

const isExtensionKey = (key: string): boolean => key.includes(':') || key.startsWith('@');

/** An EPCIS structure whose bare keys are fixed by the standard; extensions need a prefix. */
function closed<S extends z.ZodRawShape>(shape: S) {
  return z.looseObject(shape).superRefine((obj, ctx) => {
    for (const key of Object.keys(obj)) {
      if (!(key in shape) && !isExtensionKey(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `unknown field "${key}" (an extension needs a namespace prefix, e.g. "example:${key}")`,
        });
      }
    }
  });
}

function cbv(vocabulary: CbvVocabulary) {
  return uri.superRefine((value, ctx) => {
    const problem = cbvProblem(value, vocabulary);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

const action = z.enum(['ADD', 'OBSERVE', 'DELETE'], { error: 'must be ADD, OBSERVE or DELETE' });

export const QuantityElement = closed({ epcClass: uri, quantity: quantity.optional(), uom: uri.optional() });
export type QuantityElement = z.infer<typeof QuantityElement>;

/**
 * CBV 2.0 lot/instance master data attributes (§10, `cbvmda:` terms): GDST-style producers write
 * them in ILMD without the prefix, and their meaning is still fixed by the CBV.
 */
// prettier-ignore
const CBV_ILMD_ATTRIBUTES: ReadonlySet<string> = new Set([
  'bestBeforeDate', 'countryOfExport', 'countryOfOrigin', 'drainedWeight', 'farmList', 'firstFreezeDate',
  'grossWeight', 'growingMethodCode', 'harvestEndDate', 'harvestStartDate', 'itemExpirationDate', 'lotNumber',
  'netWeight', 'preservationTechniqueCode', 'productionMethodForFishAndSeafoodCode', 'sellByDate',
  'storageStateCode', 'unloadingPort', 'vesselCatchInformationList',
]);

/** ILMD carries only master data attributes and user extensions, namespaced (or CBV attribute names). */
const ilmd = z.record(z.string(), z.unknown()).superRefine((obj, ctx) => {
  for (const key of Object.keys(obj)) {
    if (!isExtensionKey(key) && !CBV_ILMD_ATTRIBUTES.has(key)) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `needs a namespace prefix (e.g. "example:${key}"); ilmd holds only namespaced attributes`,
      });
    }
  }
});

const SensorMetadata = closed({
  time: dateTime.optional(),
  startTime: dateTime.optional(),
  endTime: dateTime.optional(),
  deviceID: uri.optional(),
  deviceMetadata: uri.optional(),
  rawData: uri.optional(),
  dataProcessingMethod: uri.optional(),
  bizRules: uri.optional(),
});

const SensorReport = closed({
  type: uri.optional(),
  exception: uri.optional(),
  deviceID: uri.optional(),
  deviceMetadata: uri.optional(),
  rawData: uri.optional(),
  dataProcessingMethod: uri.optional(),
  bizRules: uri.optional(),
  time: dateTime.optional(),
  microorganism: uri.optional(),
  chemicalSubstance: uri.optional(),
  coordinateReferenceSystem: uri.optional(),
  component: uri.optional(),
  value: z.number().finite().optional(),
  minValue: z.number().finite().optional(),
  maxValue: z.number().finite().optional(),
  meanValue: z.number().finite().optional(),
  sDev: z.number().finite().optional(),
  percRank: z.number().finite().optional(),
  percValue: z.number().finite().optional(),
  uom: uri.optional(),
  stringValue: z.string().optional(),
  booleanValue: z.boolean().optional(),
  hexBinaryValue: z
    .string()
    .regex(/^[0-9a-fA-F]*$/, 'must be hexadecimal')
    .optional(),
  uriValue: uri.optional(),
});

const SensorElement = closed({ sensorMetadata: SensorMetadata.optional(), sensorReport: z.array(SensorReport) });

const common = {
  eventID: uri.optional(),
  eventTime: dateTime,
  eventTimeZoneOffset: z
    .string()
    .regex(/^[+-]\d{2}:\d{2}$/, 'must be an offset like +02:00 or -06:00')
    .optional(),
  recordTime: dateTime.optional(),
  certificationInfo: z.union([uri, z.array(uri)], { error: 'must be a URI or a list of URIs' }).optional(),
  errorDeclaration: closed({
    declarationTime: dateTime,
    reason: uri.optional(),
    correctiveEventIDs: z.array(uri).optional(),
  }).optional(),
  readPoint: closed({ id: uri }).optional(),
  bizLocation: closed({ id: uri }).optional(),
  bizStep: cbv('bizStep').optional(),
  disposition: cbv('disposition').optional(),
  persistentDisposition: closed({
    set: z.array(cbv('disposition')).optional(),
    unset: z.array(cbv('disposition')).optional(),
  }).optional(),
  bizTransactionList: z.array(closed({ type: uri.optional(), bizTransaction: uri })).optional(),
  sourceList: z.array(closed({ type: uri, source: uri })).optional(),
  destinationList: z.array(closed({ type: uri, destination: uri })).optional(),
  sensorElementList: z.array(SensorElement).optional(),
};

const nonEmpty = (list: readonly unknown[] | undefined): boolean => (list?.length ?? 0) > 0;

export const ObjectEvent = z
  .looseObject({
    type: z.literal('ObjectEvent'),
    ...common,
    action,
    epcList: z.array(uri).optional(),
    quantityList: z.array(QuantityElement).optional(),
    ilmd: ilmd.optional(),
  })
  .superRefine((e, ctx) => {
    // Sensor-only ObjectEvents (GS1 SensorDataExample1b) legitimately name no object.
    if (!nonEmpty(e.epcList) && !nonEmpty(e.quantityList) && !nonEmpty(e.sensorElementList)) {
      ctx.addIssue({
        code: 'custom',
        path: ['epcList'],
        message: 'missing: an ObjectEvent needs epcList, quantityList or sensorElementList',
      });
    }
  });

const aggregationShape = {
  ...common,
  action,
  parentID: uri.optional(),
  childEPCs: z.array(uri).optional(),
  childQuantityList: z.array(QuantityElement).optional(),
};

export const AggregationEvent = z.looseObject({ type: z.literal('AggregationEvent'), ...aggregationShape });
/**
 * GS1 conformance TCR-54: an AssociationEvent ADD or DELETE names the parent it associates with
 * (or dissociates from), and an ADD or OBSERVE names at least one child.
 */
export const AssociationEvent = z
  .looseObject({ type: z.literal('AssociationEvent'), ...aggregationShape })
  .superRefine((e, ctx) => {
    if ((e.action === 'ADD' || e.action === 'DELETE') && e.parentID === undefined) {
      ctx.addIssue({ code: 'custom', path: ['parentID'], message: `missing: an AssociationEvent ${e.action} needs a parentID` });
    }
    if ((e.action === 'ADD' || e.action === 'OBSERVE') && !nonEmpty(e.childEPCs) && !nonEmpty(e.childQuantityList)) {
      ctx.addIssue({
        code: 'custom',
        path: ['childEPCs'],
        message: `missing: an AssociationEvent ${e.action} needs childEPCs or childQuantityList`,
      });
    }
  });

export const TransactionEvent = z.looseObject({
  type: z.literal('TransactionEvent'),
  ...common,
  action,
  bizTransactionList: z
    .array(closed({ type: uri.optional(), bizTransaction: uri }))
    .min(1, 'a TransactionEvent needs at least one bizTransaction'),
  parentID: uri.optional(),
  epcList: z.array(uri).optional(),
  quantityList: z.array(QuantityElement).optional(),
});

export const TransformationEvent = z
  .looseObject({
    type: z.literal('TransformationEvent'),
    ...common,
    transformationID: uri.optional(),
    inputEPCList: z.array(uri).optional(),
    inputQuantityList: z.array(QuantityElement).optional(),
    outputEPCList: z.array(uri).optional(),
    outputQuantityList: z.array(QuantityElement).optional(),
    ilmd: ilmd.optional(),
  })
  .superRefine((e, ctx) => {
    // EPCIS 2.0 §7.4.6: without a transformationID to tie several events together, one
    // event must say both what went in and what came out.
    if (e.transformationID !== undefined) return;
    if (!nonEmpty(e.inputEPCList) && !nonEmpty(e.inputQuantityList)) {
      ctx.addIssue({ code: 'custom', path: ['inputEPCList'], message: 'missing: no inputs and no transformationID' });
    }
    if (!nonEmpty(e.outputEPCList) && !nonEmpty(e.outputQuantityList)) {
      ctx.addIssue({ code: 'custom', path: ['outputEPCList'], message: 'missing: no outputs and no transformationID' });
    }
  });

export const EPCIS_EVENT_SCHEMAS = {
  ObjectEvent,
  AggregationEvent,
  AssociationEvent,
  TransactionEvent,
  TransformationEvent,
} as const;
export type EpcisEventType = keyof typeof EPCIS_EVENT_SCHEMAS;
export const EPCIS_EVENT_TYPES = Object.keys(EPCIS_EVENT_SCHEMAS) as EpcisEventType[];

export type ObjectEvent = z.infer<typeof ObjectEvent>;
export type AggregationEvent = z.infer<typeof AggregationEvent>;
export type AssociationEvent = z.infer<typeof AssociationEvent>;
export type TransactionEvent = z.infer<typeof TransactionEvent>;
export type TransformationEvent = z.infer<typeof TransformationEvent>;
export type EpcisEvent = ObjectEvent | AggregationEvent | AssociationEvent | TransactionEvent | TransformationEvent;

export function isEpcisEventType(type: unknown): type is EpcisEventType {
  return typeof type === 'string' && Object.hasOwn(EPCIS_EVENT_SCHEMAS, type);
}

/** `quantityList[0].quantity` for zod's `['quantityList', 0, 'quantity']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** One line a person can act on: `eventTime: missing; quantityList[0].quantity: must be a number`. */
export function describeEpcisIssues(error: z.ZodError, raw: unknown): string {
  // One message per field: a malformed date-time would otherwise also report "not a valid date".
  const seen = new Set<string>();
  const firstPerField = error.issues.filter((issue) => {
    const key = formatPath(issue.path);
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return firstPerField
    .slice(0, 4)
    .map((issue) => {
      const where = formatPath(issue.path) || '(event)';
      const absent = valueAt(raw, issue.path) === undefined;
      if (absent && (issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_union')) {
        return `${where}: missing`;
      }
      if (issue.code === 'invalid_type') {
        const article = /^[aeiou]/.test(issue.expected) ? 'an' : 'a';
        return `${where}: must be ${article} ${issue.expected}`;
      }
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}
