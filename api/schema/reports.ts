/**
 * `generateReport`: writes a report (reports/generate.ts, as `tracegraph report` does) under
 * `<dataDir>/reports/` and answers where to download it: `GET /reports/<file>` with the same key
 * (api/report-downloads.ts). Scope `reports`; the generation is a `report.generate` audit entry.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TracegraphError } from '../../core/errors.ts';
import { normaliseId } from '../../core/ids.ts';
import { REPORT_KINDS, type ReportFormat } from '../../reports/document.ts';
import { generateReport, type GeneratedReport, type ReportRequest } from '../../reports/generate.ts';
import { LANGS } from '../../reports/i18n.ts';
import { builder } from '../builder.ts';
import { PRIVATE_DIR_MODE } from '../../core/private-files.ts';

/** Where the API writes reports, and the URL path they are downloaded from. */
export const REPORTS_DIR = 'reports';
export const REPORTS_PATH = '/reports/';
const MAX_IDS = 1000;

const ReportKindEnum = builder.enumType('ReportKind', { values: REPORT_KINDS });
const ReportFormatEnum = builder.enumType('ReportFormat', { values: ['pdf', 'csv', 'xlsx'] as const });
const ReportLangEnum = builder.enumType('ReportLang', { values: LANGS });

const ReportInput = builder.inputType('ReportRequest', {
  description:
    'What to report on. recall: `recall` (a saved recall) or `from` (suspect lots); unit: `id`; audit: `auditFrom`, `auditTo`, optional `actor`; fsma: `from` or `since`, optional `location`.',
  fields: (t) => ({
    kind: t.field({ type: ReportKindEnum, required: true }),
    recall: t.id(),
    from: t.idList(),
    id: t.id({ description: 'the unit of a unit record' }),
    auditFrom: t.string({ description: 'ISO 8601' }),
    auditTo: t.string({ description: 'ISO 8601' }),
    actor: t.string(),
    since: t.string({ description: 'ISO 8601 (fsma)' }),
    location: t.string({ description: 'location description of this facility (fsma)' }),
  }),
});

type GeneratedWithUrl = GeneratedReport & { url: string; dataUrl: string };

const GeneratedReportType = builder.objectRef<GeneratedWithUrl>('GeneratedReport').implement({
  description: 'A written report: download `url` (and its data, `dataUrl`) with the same Authorization header.',
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.field({ type: ReportKindEnum, resolve: (r) => r.kind }),
    format: t.field({ type: ReportFormatEnum, resolve: (r) => r.format }),
    sha256: t.exposeString('sha256', { description: 'SHA-256 of the data file, printed on every PDF page' }),
    pages: t.exposeInt('pages', { nullable: true }),
    bytes: t.exposeInt('bytes'),
    url: t.exposeString('url', { description: 'path of the report on this server, e.g. /reports/<file>.pdf' }),
    dataUrl: t.exposeString('dataUrl', { description: 'path of its data file (canonical JSON)' }),
    auditSeq: t.exposeInt('auditSeq', { description: 'the report.generate audit entry' }),
    signedBy: t.exposeString('signedBy', {
      nullable: true,
      description: "the PAdES signer's name (certificate CN) when the PDF is signed",
    }),
  }),
});

interface RawRequest {
  kind: (typeof REPORT_KINDS)[number];
  recall?: string | null;
  from?: string[] | null;
  id?: string | null;
  auditFrom?: string | null;
  auditTo?: string | null;
  actor?: string | null;
  since?: string | null;
  location?: string | null;
}

/** GraphQL input -> a report request, checked here at the boundary. */
function requestOf(r: RawRequest): ReportRequest {
  const ids = (xs: string[] | null | undefined) => {
    if (!xs?.length) return undefined;
    if (xs.length > MAX_IDS) throw new TracegraphError('BAD_INPUT', `from: at most ${MAX_IDS} ids`);
    return xs.map(normaliseId);
  };
  switch (r.kind) {
    case 'recall': {
      const from = ids(r.from);
      if (!r.recall === !from) throw new TracegraphError('BAD_INPUT', 'a recall report needs either `recall` or `from`');
      return { kind: 'recall', target: r.recall ? { recall: r.recall } : { from: from! } };
    }
    case 'unit':
      if (!r.id) throw new TracegraphError('BAD_INPUT', 'a unit record needs `id`');
      return { kind: 'unit', id: normaliseId(r.id) };
    case 'audit':
      if (!r.auditFrom || !r.auditTo) throw new TracegraphError('BAD_INPUT', 'an audit extract needs `auditFrom` and `auditTo`');
      return { kind: 'audit', from: r.auditFrom, to: r.auditTo, actor: r.actor ?? undefined };
    case 'fsma': {
      const from = ids(r.from);
      if (!r.since === !from) throw new TracegraphError('BAD_INPUT', 'an FSMA report needs either `from` or `since`');
      return { kind: 'fsma', target: from ? { from } : { since: r.since! }, location: r.location ?? undefined };
    }
  }
}

const DEFAULT_FORMAT: Record<(typeof REPORT_KINDS)[number], ReportFormat> = {
  recall: 'pdf',
  unit: 'pdf',
  audit: 'pdf',
  fsma: 'xlsx',
};

builder.mutationFields((t) => ({
  generateReport: t.field({
    authScopes: { reports: true },
    type: GeneratedReportType,
    description: 'Writes a report and its data file on the server; download them from `url` and `dataUrl`.',
    args: {
      request: t.arg({ type: ReportInput, required: true }),
      format: t.arg({ type: ReportFormatEnum, description: 'default: pdf (fsma: xlsx)' }),
      lang: t.arg({ type: ReportLangEnum, description: 'default: en' }),
      timeZone: t.arg.string({ description: 'IANA zone of the generation time (default: the server zone)' }),
    },
    resolve: async (_root, args, ctx) => {
      const req = requestOf(args.request as RawRequest);
      const format = args.format ?? DEFAULT_FORMAT[req.kind];
      if (args.timeZone) {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: args.timeZone });
        } catch {
          throw new TracegraphError(
            'BAD_INPUT',
            `unknown time zone ${JSON.stringify(args.timeZone)}: use an IANA name such as Europe/Berlin`,
          );
        }
      }
      const dir = join(ctx.dataDir, REPORTS_DIR);
      // Reports hold what the data directory holds: owner-only like it (core/private-files.ts).
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      const name = `${req.kind}-${randomUUID()}`;
      const r = await generateReport(req, {
        store: ctx.store,
        audit: ctx.audit,
        out: join(dir, `${name}.${format}`),
        lang: args.lang ?? 'en',
        by: ctx.principal!.name,
        timeZone: args.timeZone ?? undefined,
        signing: ctx.reportSigner,
      });
      return { ...r, url: `${REPORTS_PATH}${name}.${format}`, dataUrl: `${REPORTS_PATH}${name}.json` };
    },
  }),
}));
