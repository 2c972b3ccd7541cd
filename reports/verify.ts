/**
 * `report verify FILE`: recompute the SHA-256 of FILE.json and compare it with the hash the
 * report carries: printed on every page of a PDF (read back with poppler's pdftotext), or in the
 * "Report" sheet of an XLSX. Every page must carry the same, matching hash. A signed PDF's PAdES
 * signature must also verify over the file as it is (reports/sign.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { TracegraphError } from '../core/errors.ts';
import { dataFileOf, sha256 } from './document.ts';
import { verifyPdfSignature, type SignatureCheck } from './sign.ts';

export interface VerifyReport {
  ok: boolean;
  file: string;
  dataFile: string;
  /** SHA-256 of the data file's bytes now. */
  computed: string;
  /** The hashes the report carries: one per PDF page, one for an XLSX. */
  printed: string[];
  /** The PDF's PAdES signature checked (null: the report is not signed). */
  signature: SignatureCheck | null;
  reason: string | null;
}

const HASH_LINE = /SHA-256[^0-9a-f\n]*([0-9a-f]{64})/g;

/** The data hash printed in the footer of each page, in page order (null: a page without one). */
export function pdfPageHashes(pdf: string): (string | null)[] {
  const r = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error || r.status !== 0)
    throw new TracegraphError(
      'INTERNAL',
      r.error
        ? `cannot run pdftotext (${r.error.message}): install poppler-utils`
        : `pdftotext could not read ${pdf}: ${r.stderr.trim()}`,
    );
  const pages = r.stdout.split('\f');
  if (pages.length > 1 && pages.at(-1)!.trim() === '') pages.pop();
  // The footer is the last hash on a page (the title block of page 1 prints it too).
  return pages.map((text) => [...text.matchAll(HASH_LINE)].at(-1)?.[1] ?? null);
}

async function xlsxHash(file: string): Promise<string[]> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const sheet = wb.getWorksheet('Report');
  const found: string[] = [];
  sheet?.eachRow((row) => {
    const [, key, value] = row.values as unknown[];
    if (key === 'Data SHA-256' && typeof value === 'string') found.push(value);
  });
  return found;
}

export async function verifyReport(file: string): Promise<VerifyReport> {
  if (!existsSync(file)) throw new TracegraphError('NOT_FOUND', `no report file ${file}`);
  const ext = extname(file).toLowerCase();
  const dataFile = dataFileOf(file);
  if (ext === '.json')
    throw new TracegraphError('BAD_INPUT', `${file} is the data file: give the report (FILE.pdf or FILE.xlsx) beside it`);
  if (!existsSync(dataFile))
    throw new TracegraphError('NOT_FOUND', `no data file ${dataFile} beside ${file}: a report is verified against its data`);
  const computed = sha256(await readFile(dataFile));
  let printed: string[];
  let missing = 0;
  let signature: SignatureCheck | null = null;
  if (ext === '.pdf') {
    signature = await verifyPdfSignature(file);
    const pages = pdfPageHashes(file);
    missing = pages.filter((h) => h === null).length;
    printed = pages.filter((h): h is string => h !== null);
  } else if (ext === '.xlsx') printed = await xlsxHash(file);
  else
    throw new TracegraphError(
      'BAD_INPUT',
      `${file}: a ${ext || 'file without extension'} carries no printed hash; verify the PDF or XLSX, or compare FILE.json's SHA-256 with its report.generate audit entry`,
    );
  const base = { file, dataFile, computed, printed, signature };
  if (printed.length === 0) return { ...base, ok: false, reason: 'the report carries no data hash' };
  if (missing > 0) return { ...base, ok: false, reason: `${missing} page(s) carry no data hash` };
  const wrong = printed.filter((h) => h !== computed).length;
  if (wrong > 0)
    return {
      ...base,
      ok: false,
      reason: `the data file's SHA-256 is ${computed}, the report prints ${printed.find((h) => h !== computed)} (${wrong} of ${printed.length})`,
    };
  if (signature && !signature.ok) return { ...base, ok: false, reason: `the PAdES signature is broken: ${signature.reason}` };
  return { ...base, ok: true, reason: null };
}
