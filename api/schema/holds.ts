/**
 * Holds: `holds` lists them; `placeHold` and `releaseHold` (an electronic signature: password
 * re-entered) call the use cases of domain/holds.ts.
 */
import { normaliseId } from '../../core/ids.ts';
import type { HoldRecord } from '../../cypher/port.ts';
import { requireSignature } from '../../domain/auth/signatures.ts';
import { MAX_HOLD_ITEMS, placeHold, releaseHold } from '../../domain/holds.ts';
import { builder } from '../builder.ts';
import { Item } from './trace.ts';

export const HoldStatusEnum = builder.enumType('HoldStatus', { values: ['active', 'released'] as const });

export const HoldType = builder.objectRef<HoldRecord>('Hold').implement({
  description: 'A hold on lots and units: they may not move on until it is released with a signature.',
  fields: (t) => ({
    id: t.exposeID('id'),
    reason: t.exposeString('reason'),
    status: t.field({ type: HoldStatusEnum, resolve: (h) => h.status }),
    placedBy: t.exposeString('placedBy'),
    placedAt: t.exposeString('placedAt', { description: 'ISO 8601, UTC' }),
    releasedBy: t.exposeString('releasedBy', { nullable: true }),
    releasedAt: t.exposeString('releasedAt', { nullable: true, description: 'ISO 8601, UTC: the time of the signature' }),
    releaseMeaning: t.exposeString('releaseMeaning', { nullable: true, description: 'The meaning of the release signature.' }),
    items: t.field({ type: [Item], resolve: (h) => h.items.map((id) => ({ id })) }),
  }),
});

builder.queryFields((t) => ({
  holds: t.field({
    type: [HoldType],
    description: 'Holds, newest first; filter by status and by a lot or unit they cover.',
    authScopes: { readTrace: true, readMonitor: true },
    args: {
      status: t.arg({ type: HoldStatusEnum }),
      item: t.arg.id({ description: 'only holds on this lot or unit' }),
    },
    resolve: (_root, args, ctx) =>
      ctx.store.holds({
        status: args.status ?? undefined,
        item: args.item ? normaliseId(String(args.item).trim()) : undefined,
      }),
  }),
}));

builder.mutationFields((t) => ({
  placeHold: t.withAuth({ hold: true }).field({
    type: HoldType,
    description:
      'Places an active hold on lots and units (all must exist); with includeDownstream, on everything made from them too.',
    args: {
      items: t.arg.idList({ required: true, description: `1 to ${MAX_HOLD_ITEMS} lot or unit ids` }),
      reason: t.arg.string({ required: true }),
      includeDownstream: t.arg.boolean({ defaultValue: false, description: 'also hold everything a forward trace reaches' }),
    },
    resolve: (_root, args, ctx) =>
      placeHold(ctx, {
        items: args.items.map(String),
        reason: args.reason,
        includeDownstream: args.includeDownstream ?? false,
        by: ctx.principal.name,
      }),
  }),
  releaseHold: t.withAuth({ hold: true }).field({
    type: HoldType,
    description: 'Releases an active hold. Needs your password again: the release is an electronic signature with this meaning.',
    args: {
      id: t.arg.id({ required: true }),
      meaning: t.arg.string({ required: true, description: 'what the release means, e.g. "retested, conforms"' }),
      password: t.arg.string({ required: true }),
    },
    resolve: (_root, args, ctx) =>
      releaseHold(ctx, (what) => requireSignature(ctx, { ...what, password: args.password }), {
        id: String(args.id),
        meaning: args.meaning,
      }),
  }),
}));
