/** `auditTrail`: the hash-chained audit trail, paged and filtered (scope auditRead). */
import { TracegraphError } from '../../core/errors.ts';
import type { AuditEntry, AuditPage } from '../../domain/audit/trail.ts';
import { builder } from '../builder.ts';

export const MAX_AUDIT_PAGE = 500;

const AuditEntryType = builder.objectRef<AuditEntry>('AuditEntry').implement({
  description: 'One audit trail entry; `hash` is SHA-256 over the entry (canonical JSON without `hash`), chaining `prevHash`.',
  fields: (t) => ({
    seq: t.exposeInt('seq'),
    time: t.exposeString('time', { description: 'ISO 8601, UTC' }),
    actor: t.exposeString('actor'),
    action: t.exposeString('action', {
      description: 'mutation, login, signature, signature.failed, export, user.add, user.revoke, ...',
    }),
    target: t.exposeString('target', { nullable: true }),
    details: t.string({
      nullable: true,
      description: 'The details as JSON text.',
      resolve: (e) => (e.details === undefined ? null : JSON.stringify(e.details)),
    }),
    prevHash: t.exposeString('prevHash'),
    hash: t.exposeString('hash'),
  }),
});

const AuditPageType = builder.objectRef<AuditPage>('AuditTrailPage').implement({
  fields: (t) => ({
    entries: t.field({ type: [AuditEntryType], resolve: (p) => p.entries }),
    endCursor: t.string({
      nullable: true,
      description: 'Pass as `after` for the next page.',
      resolve: (p) => (p.entries.length ? String(p.entries[p.entries.length - 1]!.seq) : null),
    }),
    hasNextPage: t.exposeBoolean('hasNextPage'),
  }),
});

function isoTime(name: string, v: string | null | undefined): string | undefined {
  if (v === null || v === undefined) return undefined;
  const t = Date.parse(v);
  if (!/^\d{4}-\d\d-\d\d/.test(v) || Number.isNaN(t))
    throw new TracegraphError(
      'BAD_INPUT',
      `\`${name}\` must be an ISO 8601 date or time, e.g. 2026-11-25T14:00:00Z; got ${JSON.stringify(v)}`,
    );
  return new Date(t).toISOString();
}

builder.queryFields((t) => ({
  auditTrail: t.field({
    type: AuditPageType,
    description: 'Audit trail entries in order, oldest first: every mutation, login, signature and export.',
    authScopes: { auditRead: true },
    args: {
      first: t.arg.int({ defaultValue: 50, description: `page size, 1 to ${MAX_AUDIT_PAGE}` }),
      after: t.arg.string({ description: 'endCursor of the previous page' }),
      actor: t.arg.string(),
      action: t.arg.string(),
      from: t.arg.string({ description: 'entries at or after this time (ISO 8601)' }),
      to: t.arg.string({ description: 'entries at or before this time (ISO 8601)' }),
    },
    resolve: (_root, args, ctx) => {
      const first = args.first ?? 50;
      if (first < 1 || first > MAX_AUDIT_PAGE)
        throw new TracegraphError('BAD_INPUT', `\`first\` is ${first}; give 1 to ${MAX_AUDIT_PAGE} and page with \`after\``);
      let after: number | undefined;
      if (args.after !== null && args.after !== undefined) {
        if (!/^\d{1,15}$/.test(args.after))
          throw new TracegraphError(
            'BAD_INPUT',
            `\`after\` must be the endCursor of a previous page, got ${JSON.stringify(args.after)}`,
          );
        after = Number(args.after);
      }
      return ctx.audit.query({
        first,
        after,
        actor: args.actor ?? undefined,
        action: args.action ?? undefined,
        from: isoTime('from', args.from),
        to: isoTime('to', args.to),
      });
    },
  }),
}));
