/**
 * Recipe specs and alarms: `specs` lists the current spec of each key (or a key's history),
 * `changeSpec` writes a new version (domain/specs.ts) and needs an electronic signature (password
 * re-entered, like releaseHold and approveRecall), `alarms` lists what the monitor (ingest/monitor) raised.
 */
import { TracegraphError } from '../../core/errors.ts';
import { DEFAULT_ALARM_LIMIT, MAX_ALARM_LIMIT } from '../../cypher/specs-alarms.ts';
import type { SpecRecord } from '../../cypher/port.ts';
import { changeSpec } from '../../domain/specs.ts';
import { parseInstant } from '../../domain/analytics/time.ts';
import { requireSignature } from '../../domain/auth/signatures.ts';
import { builder } from '../builder.ts';
import { AlarmStatusEnum, AlarmType } from './live.ts';

export const SpecType = builder.objectRef<SpecRecord>('Spec').implement({
  description:
    'One version of the limits of a process parameter, for one piece of equipment and/or one recipe (null: any). Every version is kept.',
  fields: (t) => ({
    parameter: t.exposeString('parameter'),
    equipmentId: t.exposeID('equipmentId', { nullable: true, description: 'null: any equipment' }),
    recipeId: t.exposeID('recipeId', { nullable: true, description: 'null: any recipe (a recipe id names its version)' }),
    lsl: t.exposeFloat('lsl', { nullable: true, description: 'lower specification limit' }),
    usl: t.exposeFloat('usl', { nullable: true, description: 'upper specification limit' }),
    target: t.exposeFloat('target', { nullable: true }),
    uom: t.exposeString('uom', { nullable: true }),
    version: t.exposeInt('version', { description: '1 for the first spec of this key, +1 per change' }),
    changedBy: t.exposeString('changedBy'),
    changedAt: t.exposeString('changedAt', { description: 'ISO 8601, UTC: the time of the signature' }),
    reason: t.exposeString('reason'),
  }),
});

const SpecInputType = builder.inputType('SpecInput', {
  description: 'New limits for a parameter. Give lsl, usl or both; leave equipmentId/recipeId out for "any".',
  fields: (t) => ({
    parameter: t.string({ required: true }),
    equipmentId: t.id(),
    recipeId: t.id(),
    lsl: t.float(),
    usl: t.float(),
    target: t.float(),
    uom: t.string(),
    reason: t.string({ required: true, description: 'why the spec changes (kept with the version)' }),
  }),
});

builder.queryFields((t) => ({
  specs: t.field({
    type: [SpecType],
    description:
      'The current spec of every key (parameter, equipment, recipe), or with history every version, oldest first per key.',
    authScopes: { readMonitor: true, spec: true },
    args: {
      parameter: t.arg.string(),
      equipmentId: t.arg.id({ description: 'only specs of this equipment (not the plant-wide ones)' }),
      history: t.arg.boolean({ defaultValue: false, description: 'every version instead of the current ones' }),
    },
    resolve: (_root, args, ctx) =>
      ctx.store.specs({
        parameter: args.parameter ?? undefined,
        equipmentId: args.equipmentId ?? undefined,
        history: args.history ?? false,
      }),
  }),
  alarms: t.field({
    type: [AlarmType],
    description: `Alarms, newest first (by the time of the reading that raised them); at most \`limit\` (default ${DEFAULT_ALARM_LIMIT}).`,
    authScopes: { readMonitor: true },
    args: {
      status: t.arg({ type: AlarmStatusEnum }),
      equipmentId: t.arg.id(),
      parameter: t.arg.string(),
      from: t.arg.string({ description: 'raised at or after (ISO 8601)' }),
      to: t.arg.string({ description: 'raised at or before (ISO 8601)' }),
      limit: t.arg.int({ defaultValue: DEFAULT_ALARM_LIMIT, description: `1 to ${MAX_ALARM_LIMIT}` }),
    },
    resolve: (_root, args, ctx) => {
      const from = parseInstant('from', args.from);
      const to = parseInstant('to', args.to);
      if (from !== undefined && to !== undefined && from > to)
        throw new TracegraphError('BAD_INPUT', '`from` is after `to`: swap them');
      const limit = args.limit ?? DEFAULT_ALARM_LIMIT;
      if (limit < 1 || limit > MAX_ALARM_LIMIT) throw new TracegraphError('BAD_INPUT', `limit must be 1 to ${MAX_ALARM_LIMIT}`);
      return ctx.store.alarms({
        status: args.status ?? undefined,
        equipmentId: args.equipmentId ?? undefined,
        parameter: args.parameter ?? undefined,
        from: from === undefined ? undefined : new Date(from).toISOString(),
        to: to === undefined ? undefined : new Date(to).toISOString(),
        limit,
      });
    },
  }),
}));

builder.mutationFields((t) => ({
  changeSpec: t.withAuth({ spec: true }).field({
    type: SpecType,
    description:
      'Writes a new version of a spec. Needs your password again: the change is an electronic signature, kept in the audit trail.',
    args: {
      spec: t.arg({ type: SpecInputType, required: true }),
      password: t.arg.string({ required: true, description: 'your password, entered again for this signature' }),
      meaning: t.arg.string({ description: 'what the signature means (default "approved spec change")' }),
    },
    resolve: (_root, args, ctx) =>
      changeSpec(ctx, (what) => requireSignature(ctx, { ...what, password: args.password }), {
        spec: args.spec,
        by: ctx.principal.name,
        meaning: args.meaning,
      }),
  }),
}));
