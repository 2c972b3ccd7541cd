/**
 * Holds: placing one keeps suspect lots and units (and, if asked, everything made from them) from
 * moving on; releasing one is an electronic signature. Both are recorded in the audit trail and told
 * to `holdChanged` subscribers. Called by the GraphQL mutations, and by anything else that holds.
 */
import { randomBytes } from 'node:crypto';
import { TracegraphError } from '../core/errors.ts';
import { normaliseId } from '../core/ids.ts';
import type { GraphStore, HoldRecord } from '../cypher/port.ts';
import type { AuditTrail } from './audit/trail.ts';
import type { Signer } from './auth/signatures.ts';
import { publishHoldChanged, type LiveBus } from './live/bus.ts';

export const MAX_REASON_LENGTH = 500;
export const MAX_HOLD_ITEMS = 1000;
export const MAX_ITEM_ID_LENGTH = 512;

export interface HoldServices {
  store: Pick<GraphStore, 'placeHold' | 'releaseHold' | 'holds'>;
  audit: Pick<AuditTrail, 'append'>;
  /** Where `holdChanged` goes; without it nobody is told. */
  live?: LiveBus;
}

export interface PlaceHoldInput {
  items: readonly string[];
  reason: string;
  includeDownstream?: boolean;
  /** Who places it (the signed-in user, or `system`). */
  by: string;
}

/** Checks and normalises the ids to hold (Digital Link -> EPC URN). */
function holdIds(raw: readonly string[]): string[] {
  if (raw.length === 0) throw new TracegraphError('BAD_INPUT', '`items` is empty: give at least one lot or unit id');
  if (raw.length > MAX_HOLD_ITEMS)
    throw new TracegraphError('BAD_INPUT', `\`items\` has ${raw.length} ids; at most ${MAX_HOLD_ITEMS} per hold`);
  return raw.map((id, i) => {
    const s = String(id).trim();
    if (s === '' || s.length > MAX_ITEM_ID_LENGTH)
      throw new TracegraphError('BAD_INPUT', `items[${i}] must be a lot or unit id of 1 to ${MAX_ITEM_ID_LENGTH} characters`);
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

function announce(s: HoldServices, hold: HoldRecord): HoldRecord {
  if (s.live) publishHoldChanged(s.live, hold);
  return hold;
}

/** Places an active hold on lots and units that all exist; audited under `hold.place`. */
export async function placeHold(s: HoldServices, input: PlaceHoldInput): Promise<HoldRecord> {
  const items = holdIds(input.items);
  const reason = reasonText(input.reason);
  const now = new Date();
  const hold = await s.store.placeHold({
    id: newHoldId(now),
    items,
    reason,
    by: input.by,
    at: now.toISOString(),
    includeDownstream: input.includeDownstream ?? false,
  });
  await s.audit.append({
    actor: input.by,
    action: 'hold.place',
    target: hold.id,
    details: { reason, items: hold.items.length, firstItems: hold.items.slice(0, 20) },
  });
  return announce(s, hold);
}

/** Releases an active hold; `sign` records the signature first, so a refused one leaves it active. */
export async function releaseHold(s: HoldServices, sign: Signer, input: { id: string; meaning: string }): Promise<HoldRecord> {
  const id = input.id.trim();
  const [found] = await s.store.holds({ id });
  if (!found) throw new TracegraphError('NOT_FOUND', `no hold ${id}: list them with the \`holds\` query`);
  if (found.status !== 'active')
    throw new TracegraphError('BAD_INPUT', `hold ${id} was already released by ${found.releasedBy} at ${found.releasedAt}`);
  const sig = await sign({ meaning: input.meaning, target: id });
  const hold = await s.store.releaseHold({ id, by: sig.signer, at: sig.signedAt, meaning: sig.meaning });
  return announce(s, hold);
}
