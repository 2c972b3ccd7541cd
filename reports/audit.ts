/**
 * The audit trail extract: the entries of a period (optionally of one actor), and the result of
 * verifying the whole hash chain at the time of the extract (what auditTrail and `audit verify` read).
 */
import { TracegraphError } from '../core/errors.ts';
import type { AuditEntry, AuditTrail, VerifyResult } from '../domain/audit/trail.ts';
import { canonicalJson } from '../domain/audit/trail.ts';
import { writeCsv } from './csv.ts';
import type { ReportPdf } from './pdf.ts';

export interface AuditReportData {
  from: string;
  to: string;
  actor: string | null;
  verification: VerifyResult;
  entries: AuditEntry[];
}

/** An ISO 8601 bound as UTC (the trail's times are UTC), or BAD_INPUT naming the flag. */
export function isoBound(name: string, v: string): string {
  const t = Date.parse(v);
  if (!/^\d{4}-\d\d-\d\d/.test(v) || Number.isNaN(t))
    throw new TracegraphError(
      'BAD_INPUT',
      `--${name} must be an ISO 8601 date or time, e.g. 2026-11-25T14:00:00Z; got ${JSON.stringify(v)}`,
    );
  return new Date(t).toISOString();
}

export async function gatherAudit(audit: AuditTrail, q: { from: string; to: string; actor?: string }): Promise<AuditReportData> {
  const from = isoBound('from', q.from);
  const to = isoBound('to', q.to);
  if (from > to) throw new TracegraphError('BAD_INPUT', `--from ${q.from} is after --to ${q.to}`);
  const verification = await audit.verify();
  const { entries } = await audit.query({ first: Infinity, from, to, actor: q.actor });
  return { from, to, actor: q.actor ?? null, verification, entries };
}

export function chainText(pdf: ReportPdf, v: VerifyResult): string {
  return v.ok ? pdf.t.chainOk(v.entries, v.lastHash) : pdf.t.chainBroken(v.brokenAt.seq, v.brokenAt.reason);
}

export function drawAudit(pdf: ReportPdf, d: AuditReportData): void {
  const t = pdf.t;
  pdf.fields([
    [t.period, `${d.from} – ${d.to}`],
    [t.actorFilter, d.actor ?? '-'],
    [t.entries, String(d.entries.length)],
  ]);
  pdf.heading(t.chain);
  pdf.paragraph(chainText(pdf, d.verification), { color: d.verification.ok ? 'black' : '#b00000' });
  pdf.heading(`${t.entries} (${d.entries.length})`);
  pdf.table(
    [
      { header: t.seq, width: 0.05, align: 'right' },
      { header: t.time, width: 0.23 },
      { header: t.actor, width: 0.12 },
      { header: t.action, width: 0.11 },
      { header: t.target, width: 0.13 },
      { header: t.details, width: 0.24 },
      { header: t.hash, width: 0.12 },
    ],
    d.entries.map((e) => [
      String(e.seq),
      e.time,
      e.actor,
      e.action,
      e.target ?? '',
      e.details === undefined ? '' : canonicalJson(e.details),
      `${e.hash.slice(0, 12)}…`,
    ]),
  );
}

export const AUDIT_CSV_HEADER = ['seq', 'time', 'actor', 'action', 'target', 'details', 'prevHash', 'hash'] as const;

export function writeAuditCsv(path: string, d: AuditReportData): Promise<void> {
  return writeCsv(
    path,
    AUDIT_CSV_HEADER,
    d.entries.map((e) => [
      e.seq,
      e.time,
      e.actor,
      e.action,
      e.target ?? null,
      e.details === undefined ? null : canonicalJson(e.details),
      e.prevHash,
      e.hash,
    ]),
  );
}
