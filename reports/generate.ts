/**
 * One entry point for every report: gather its data, write FILE.json and its hash, render the
 * document (PDF, CSV or XLSX) and record the generation in the audit trail (`report.generate`
 * with kind, target and hash), so that every report handed out can be traced back to its data.
 */
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { TracegraphError } from '../core/errors.ts';
import type { AuditTrail } from '../domain/audit/trail.ts';
import type { GraphStore } from '../cypher/port.ts';
import {
  dataFileOf,
  isoInZone,
  localTimeZone,
  newReportId,
  SOFTWARE,
  writeDataFile,
  type ReportFormat,
  type ReportKind,
  type ReportMeta,
} from './document.ts';
import { labels, type Lang } from './i18n.ts';
import { writeReportPdf, type ReportPdf } from './pdf.ts';
import { drawAudit, gatherAudit, writeAuditCsv } from './audit.ts';
import { gatherFsma, writeFsmaCsv, writeFsmaXlsx, type FsmaTarget } from './fsma.ts';
import { drawRecall, gatherRecall, type RecallTarget } from './recall.ts';
import { drawUnit, gatherUnit } from './unit.ts';
import { loadSigner, type ReportSigner, type SigningConfig } from './sign.ts';

export type ReportRequest =
  | { kind: 'recall'; target: RecallTarget }
  | { kind: 'unit'; id: string }
  | { kind: 'audit'; from: string; to: string; actor?: string }
  | { kind: 'fsma'; target: FsmaTarget; location?: string };

/** Where an FSMA report says the food was received, made and shipped when no --location is given. */
export const DEFAULT_LOCATION = 'this facility';

export interface GenerateOptions {
  /** The graph; an audit trail extract does not need it. */
  store?: GraphStore;
  audit: AuditTrail;
  /** The output file; its extension picks the format where a kind has several. */
  out: string;
  lang: Lang;
  /** Who generates it: a user name, or `cli:<os user>`. */
  by: string;
  /** IANA zone for the generation time (default: the process's zone). */
  timeZone?: string;
  /** The generation time (default: now). */
  now?: Date;
  /** Sign PDFs (PAdES) with this PKCS#12 certificate (config `reportSigning`), or a signer already loaded. */
  signing?: SigningConfig | ReportSigner;
}

export interface GeneratedReport {
  id: string;
  kind: ReportKind;
  out: string;
  dataFile: string;
  sha256: string;
  format: ReportFormat;
  bytes: number;
  pages: number | null;
  auditSeq: number;
  /** The PAdES signer's name (certificate CN) when the PDF was signed. */
  signedBy: string | null;
}

const FORMATS: Record<ReportKind, readonly ReportFormat[]> = {
  recall: ['pdf'],
  unit: ['pdf'],
  audit: ['pdf', 'csv'],
  fsma: ['xlsx', 'csv'],
};

/** The format `out` asks for, refused when the kind has no such format. */
export function formatOf(kind: ReportKind, out: string): ReportFormat {
  const ext = extname(out).slice(1).toLowerCase();
  const allowed = FORMATS[kind];
  if (!(allowed as readonly string[]).includes(ext))
    throw new TracegraphError(
      'BAD_INPUT',
      `--out ${JSON.stringify(out)}: a ${kind} report is written as ${allowed.map((f) => `.${f}`).join(' or ')}`,
    );
  return ext as ReportFormat;
}

interface Prepared {
  title: string;
  target: string;
  data: unknown;
  draw?: (pdf: ReportPdf) => void;
  /** Writes a non-PDF format. */
  write?: (format: ReportFormat, meta: ReportMeta, hash: string) => Promise<void>;
}

function needStore(opts: GenerateOptions): GraphStore {
  if (!opts.store) throw new TracegraphError('INTERNAL', 'this report needs the graph store');
  return opts.store;
}

async function prepare(req: ReportRequest, opts: GenerateOptions): Promise<Prepared> {
  const t = labels(opts.lang);
  switch (req.kind) {
    case 'recall': {
      const data = await gatherRecall(needStore(opts), opts.audit, req.target);
      const target = 'recall' in req.target ? `recall:${req.target.recall}` : `lots:${req.target.from.join(',')}`;
      return { title: t.recallTitle, target, data, draw: (pdf) => drawRecall(pdf, data) };
    }
    case 'unit': {
      const data = await gatherUnit(needStore(opts), req.id);
      return { title: t.unitTitle, target: `unit:${req.id}`, data, draw: (pdf) => drawUnit(pdf, data) };
    }
    case 'audit': {
      const data = await gatherAudit(opts.audit, req);
      return {
        title: t.auditTitle,
        target: `audit:${data.from}..${data.to}${data.actor ? `:${data.actor}` : ''}`,
        data,
        draw: (pdf) => drawAudit(pdf, data),
        write: () => writeAuditCsv(opts.out, data),
      };
    }
    case 'fsma': {
      const data = await gatherFsma(needStore(opts), req.target, req.location ?? DEFAULT_LOCATION);
      return {
        title: 'FSMA 204 traceability records',
        target: 'from' in req.target ? `fsma:${req.target.from.join(',')}` : `fsma:since:${req.target.since}`,
        data,
        write: (format, meta, hash) =>
          format === 'xlsx' ? writeFsmaXlsx(opts.out, data, meta, hash) : writeFsmaCsv(opts.out, data),
      };
    }
  }
}

export async function generateReport(req: ReportRequest, opts: GenerateOptions): Promise<GeneratedReport> {
  const format = formatOf(req.kind, opts.out);
  const prepared = await prepare(req, opts);
  const now = opts.now ?? new Date();
  const timeZone = opts.timeZone ?? localTimeZone();
  const meta: ReportMeta = {
    id: newReportId(req.kind, now),
    kind: req.kind,
    title: prepared.title,
    target: prepared.target,
    generatedAt: isoInZone(now, timeZone),
    timeZone,
    generatedBy: opts.by,
    lang: opts.lang,
    format,
    software: SOFTWARE,
  };
  const dataFile = dataFileOf(opts.out);
  if (dataFile === opts.out) throw new TracegraphError('BAD_INPUT', `--out ${opts.out}: the report data file would overwrite it`);
  const hash = await writeDataFile(dataFile, meta, prepared.data);
  let pages: number | null = null;
  let signer: ReportSigner | undefined;
  if (format === 'pdf') {
    const draw = prepared.draw;
    if (!draw) throw new TracegraphError('INTERNAL', `no PDF drawing for a ${req.kind} report`);
    signer = opts.signing && ('keyPem' in opts.signing ? opts.signing : loadSigner(opts.signing));
    pages = (await writeReportPdf(opts.out, meta, hash, draw, signer)).pages;
  } else {
    if (!prepared.write) throw new TracegraphError('INTERNAL', `no ${format} writer for a ${req.kind} report`);
    await prepared.write(format, meta, hash);
  }
  const bytes = (await stat(opts.out)).size;
  const entry = await opts.audit.append({
    actor: opts.by,
    action: 'report.generate',
    target: meta.target,
    details: {
      kind: req.kind,
      reportId: meta.id,
      sha256: hash,
      format,
      file: basename(opts.out),
      lang: opts.lang,
      ...(signer ? { signedBy: signer.name } : {}),
    },
  });
  return {
    id: meta.id,
    kind: req.kind,
    out: opts.out,
    dataFile,
    sha256: hash,
    format,
    bytes,
    pages,
    auditSeq: entry.seq,
    signedBy: signer?.name ?? null,
  };
}
