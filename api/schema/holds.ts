/**
 * Holds: `holds` lists them; `placeHold` keeps suspect lots and units (and, if asked, everything
 * made from them) from moving on; `releaseHold` needs an electronic signature (password re-entered).
 * Both mutations tell `holdChanged` subscribers.
 */
import { randomBytes } from 'node:crypto';
import { TracegraphError } from '../../core/errors.ts';
import { normaliseId } from '../../core/ids.ts';
import type { HoldRecord } from '../../cypher/port.ts';
import { requireSignature } from '../../domain/auth/signatures.ts';
import { builder, type ApiContext } from '../builder.ts';
import { publishHoldChanged } from '../../domain/live/bus.ts';
import { Item, MAX_ID_LENGTH, MAX_TRACE_IDS } from './trace.ts';

export const MAX_REASON_LENGTH = 500;

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

/** Checks and normalises the ids to hold (Digital Link -> EPC URN), here at the boundary. */
function holdIds(raw: readonly string[]): string[] {
  if (raw.length === 0) throw new TracegraphError('BAD_INPUT', '`items` is empty: give at least one lot or unit id');
  if (raw.length > MAX_TRACE_IDS)
    throw new TracegraphError('BAD_INPUT', `\`items\` has ${raw.length} ids; at most ${MAX_TRACE_IDS} per hold`);
  return raw.map((id, i) => {
    const s = String(id).trim();
    if (s === '' || s.length > MAX_ID_LENGTH)
      throw new TracegraphError('BAD_INPUT', `items[${i}] must be a lot or unit id of 1 to ${MAX_ID_LENGTH} characters`);
    return normaliseId(s);
  });
}

function reasonText(raw: string): string {
  const r = raw.trim();
  if (!r) throw new TracegraphError('BAD_INPUT', 'a hold needs a reason (e.g. "supplier notice SN-42")');
  if (r.length > MAX_REASON_LENGTH)
    throw new TracegraphError('BAD_INPUT', `the reason has ${r.length} characters; at most ${MAX_REASON_LENGTH}`);
  return r;
}

/** `H-20261125-3F9A2C`: sortable by day, random enough that two engineers never collide. */
function newHoldId(now: Date): string {
  return `H-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex').toUpperCase()}`;
}

function announce(ctx: ApiContext, hold: HoldRecord): HoldRecord {
  if (ctx.live) publishHoldChanged(ctx.live, hold);
  return hold;
}

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
      items: t.arg.idList({ required: true, description: `1 to ${MAX_TRACE_IDS} lot or unit ids` }),
      reason: t.arg.string({ required: true }),
      includeDownstream: t.arg.boolean({ defaultValue: false, description: 'also hold everything a forward trace reaches' }),
    },
    resolve: async (_root, args, ctx) => {
      const items = holdIds(args.items);
      const reason = reasonText(args.reason);
      const now = new Date();
      const hold = await ctx.store.placeHold({
        id: newHoldId(now),
        items,
        reason,
        by: ctx.principal.name,
        at: now.toISOString(),
        includeDownstream: args.includeDownstream ?? false,
      });
      // The mutation's own audit entry has the arguments; this one names the hold it made.
      await ctx.audit.append({
        actor: ctx.principal.name,
        action: 'hold.place',
        target: hold.id,
        details: { reason, items: hold.items.length, firstItems: hold.items.slice(0, 20) },
      });
      return announce(ctx, hold);
    },
  }),
  releaseHold: t.withAuth({ hold: true }).field({
    type: HoldType,
    description: 'Releases an active hold. Needs your password again: the release is an electronic signature with this meaning.',
    args: {
      id: t.arg.id({ required: true }),
      meaning: t.arg.string({ required: true, description: 'what the release means, e.g. "retested, conforms"' }),
      password: t.arg.string({ required: true }),
    },
    resolve: async (_root, args, ctx) => {
      const id = String(args.id).trim();
      const [found] = await ctx.store.holds({ id });
      if (!found) throw new TracegraphError('NOT_FOUND', `no hold ${id}: list them with the \`holds\` query`);
      if (found.status !== 'active')
        throw new TracegraphError('BAD_INPUT', `hold ${id} was already released by ${found.releasedBy} at ${found.releasedAt}`);
      // Signed first: a wrong password leaves the hold active.
      const sig = await requireSignature(ctx, { password: args.password, meaning: args.meaning, target: id });
      const hold = await ctx.store.releaseHold({ id, by: sig.signer, at: sig.signedAt, meaning: sig.meaning });
      return announce(ctx, hold);
    },
  }),
}));
