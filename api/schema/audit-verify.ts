/** `auditChainCheck`: the audit trail's hash chain walked end to end, for the audit page to show its result. */
import type { VerifyResult } from '../../domain/audit/trail.ts';
import { builder } from '../builder.ts';

const Check = builder.objectRef<VerifyResult>('AuditChainCheck').implement({
  description: 'The result of walking the hash chain (the same check as `tracegraph audit verify`).',
  fields: (t) => ({
    ok: t.exposeBoolean('ok'),
    entries: t.exposeInt('entries', { description: 'Entries that verify (all of them when ok)' }),
    brokenAtSeq: t.int({ nullable: true, resolve: (r) => (r.ok ? null : r.brokenAt.seq) }),
    reason: t.string({ nullable: true, resolve: (r) => (r.ok ? null : r.brokenAt.reason) }),
  }),
});

builder.queryFields((t) => ({
  auditChainCheck: t.field({
    type: Check,
    authScopes: { auditRead: true },
    description: "Walks the audit trail's hash chain now and says whether every entry follows from the one before.",
    resolve: (_r, _a, ctx) => ctx.audit.verify(),
  }),
}));
