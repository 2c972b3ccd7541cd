/**
 * `tracegraph report recall|unit|fsma` beside a running server: the server generates the report
 * (GraphQL `generateReport`, api/schema/reports.ts) from the graph it holds, signed when it signs,
 * and the CLI downloads the document and its data file (GET /reports/<file>) to `--out` and
 * FILE.json beside it, as the local path writes them.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { TracegraphError } from '../core/errors.ts';
import { dataFileOf, localTimeZone, type ReportFormat, type ReportKind } from '../reports/document.ts';
import { formatOf, type GeneratedReport, type ReportRequest } from '../reports/generate.ts';
import type { Lang } from '../reports/i18n.ts';
import type { RemoteServer } from './remote.ts';

const GENERATE = `mutation ($request: ReportRequest!, $format: ReportFormat, $lang: ReportLang, $timeZone: String) {
  generateReport(request: $request, format: $format, lang: $lang, timeZone: $timeZone) {
    id kind format sha256 pages bytes url dataUrl auditSeq signedBy
  }
}`;

interface Generated {
  id: string;
  kind: ReportKind;
  format: ReportFormat;
  sha256: string;
  pages: number | null;
  bytes: number;
  url: string;
  dataUrl: string;
  auditSeq: number;
  signedBy: string | null;
}

/** The GraphQL input of a report request (api/schema/reports.ts, `ReportRequest`). */
function requestInput(req: Exclude<ReportRequest, { kind: 'audit' }>): Record<string, unknown> {
  switch (req.kind) {
    case 'recall':
      return { kind: 'recall', ...req.target };
    case 'unit':
      return { kind: 'unit', id: req.id };
    case 'fsma':
      return { kind: 'fsma', ...req.target, location: req.location };
  }
}

async function download(server: RemoteServer, path: string, file: string): Promise<void> {
  const res = await server.request(path);
  if (!res.ok || !res.body) {
    const text = await res.text().catch(() => '');
    throw new TracegraphError('STORE_UNAVAILABLE', `downloading ${path} from ${server.url}: HTTP ${res.status} ${text}`.trim());
  }
  await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), createWriteStream(file));
}

export async function generateOnServer(
  server: RemoteServer,
  req: ReportRequest,
  opts: { out: string; lang: Lang; tz?: string },
): Promise<GeneratedReport> {
  if (req.kind === 'audit') throw new TracegraphError('INTERNAL', 'an audit extract is written here, not by the server');
  // Checked here as the local path checks them, before the server writes anything.
  const format = formatOf(req.kind, opts.out);
  const dataFile = dataFileOf(opts.out);
  if (dataFile === opts.out) throw new TracegraphError('BAD_INPUT', `--out ${opts.out}: the report data file would overwrite it`);
  const { generateReport: r } = await server.query<{ generateReport: Generated }>(GENERATE, {
    request: requestInput(req),
    format,
    lang: opts.lang,
    // The CLI's zone, as when it writes the report itself (the server's may differ).
    timeZone: opts.tz ?? localTimeZone(),
  });
  await download(server, r.dataUrl, dataFile);
  await download(server, r.url, opts.out);
  return {
    id: r.id,
    kind: r.kind,
    out: opts.out,
    dataFile,
    sha256: r.sha256,
    format: r.format,
    bytes: r.bytes,
    pages: r.pages,
    auditSeq: r.auditSeq,
    signedBy: r.signedBy,
  };
}
