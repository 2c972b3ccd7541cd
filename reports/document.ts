/**
 * What every report is: its metadata and the data it was drawn from. The data file (FILE.json,
 * beside FILE.pdf/.xlsx/.csv) is the canonical JSON of { meta, data } (keys sorted, no spaces);
 * its SHA-256 is printed on every page, so the file is the evidence and the PDF its rendering.
 */
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { canonicalJson } from '../domain/audit/trail.ts';
import type { Lang } from './i18n.ts';

export const REPORT_KINDS = ['recall', 'unit', 'audit', 'fsma'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export type ReportFormat = 'pdf' | 'csv' | 'xlsx';

export const SOFTWARE = 'tracegraph 0.1.0';

export interface ReportMeta {
  id: string;
  kind: ReportKind;
  title: string;
  /** What the report is about: a recall id, a serial, a period, the trace's start ids. */
  target: string;
  /** ISO 8601 with the offset of `timeZone`. */
  generatedAt: string;
  /** IANA zone name, e.g. Europe/Berlin. */
  timeZone: string;
  generatedBy: string;
  lang: Lang;
  format: ReportFormat;
  software: string;
}

/** A report id: kind, UTC time to the second, and 4 random hex digits (two in the same second differ). */
export function newReportId(kind: ReportKind, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `RPT-${kind.toUpperCase()}-${stamp}-${randomBytes(2).toString('hex').toUpperCase()}`;
}

/** The process's time zone (TZ), or UTC when Node cannot tell. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** `date` as ISO 8601 with the offset it has in `timeZone`, to the second: 2026-12-05T12:30:00+01:00. */
export function isoInZone(date: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  const offsetMin = Math.round((local - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

/** The data file of a report: FILE.pdf -> FILE.json (any extension is replaced). */
export function dataFileOf(out: string): string {
  const ext = extname(out);
  return (ext ? out.slice(0, -ext.length) : out) + '.json';
}

export function sha256(bytes: string | Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes FILE.json (canonical JSON of { meta, data }) and returns the SHA-256 of its bytes. */
export async function writeDataFile(path: string, meta: ReportMeta, data: unknown): Promise<string> {
  const text = canonicalJson({ meta, data });
  await writeFile(path, text);
  return sha256(text);
}
