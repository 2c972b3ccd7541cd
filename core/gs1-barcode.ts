/**
 * GS1 element strings as scanners deliver them, turned into the EPC URN the graph uses.
 *
 * Two spellings are read: the human-readable bracketed one, `(01)09506000134352(17)201225(21)123`,
 * and the raw one a scanner sends, optionally led by a symbology identifier (`]C1` GS1-128, `]d2`
 * DataMatrix, `]Q3` QR, `]e0` DataBar) with variable-length fields ended by FNC1, transmitted as
 * the GS character (\u001d). A GS1 Digital Link URI (a QR code's content) is accepted too.
 *
 * The URN is built through `digitalLinkToUrn`, so the company-prefix length is decided in one
 * place (core/ids.ts: learnt from URNs already seen, else 7 digits).
 */
import { TracegraphError } from './errors.ts';
import { digitalLinkToUrn } from './ids.ts';

export interface Gs1Element {
  ai: string;
  value: string;
}

export interface ParsedBarcode {
  elements: Gs1Element[];
  gtin?: string;
  serial?: string;
  lot?: string;
  /** AI 17 as an ISO date (YYYY-MM-DD); day 00 means the last day of the month. */
  expiry?: string;
  sscc?: string;
  /** The EPC URN: sgtin (01+21), lgtin (01+10), sscc (00). */
  id: string;
}

const GS = '\u001d';

/** Data length of fixed-length AIs by their first two digits (GS1 General Specifications, 7.8.4). */
const FIXED: Record<string, { aiLength: number; dataLength: number }> = {
  '00': { aiLength: 2, dataLength: 18 },
  '01': { aiLength: 2, dataLength: 14 },
  '02': { aiLength: 2, dataLength: 14 },
  '11': { aiLength: 2, dataLength: 6 },
  '12': { aiLength: 2, dataLength: 6 },
  '13': { aiLength: 2, dataLength: 6 },
  '15': { aiLength: 2, dataLength: 6 },
  '16': { aiLength: 2, dataLength: 6 },
  '17': { aiLength: 2, dataLength: 6 },
  '20': { aiLength: 2, dataLength: 2 },
  '31': { aiLength: 4, dataLength: 6 },
  '32': { aiLength: 4, dataLength: 6 },
  '33': { aiLength: 4, dataLength: 6 },
  '34': { aiLength: 4, dataLength: 6 },
  '35': { aiLength: 4, dataLength: 6 },
  '36': { aiLength: 4, dataLength: 6 },
  '41': { aiLength: 3, dataLength: 13 },
};

/** AI length of the variable-length AIs by their first two digits; the data runs to GS or the end. */
const VARIABLE_AI_LENGTH: Record<string, number> = {
  '10': 2,
  '21': 2,
  '22': 2,
  '30': 2,
  '37': 2,
  '24': 3,
  '25': 3,
  '40': 3,
  '42': 3,
  '70': 4,
  '71': 4,
  '72': 4,
  '80': 4,
  '81': 4,
  '82': 4,
  '90': 2,
  '91': 2,
  '92': 2,
  '93': 2,
  '94': 2,
  '95': 2,
  '96': 2,
  '97': 2,
  '98': 2,
  '99': 2,
};

const bad = (barcode: string, why: string) =>
  new TracegraphError('BAD_INPUT', `barcode ${JSON.stringify(barcode.slice(0, 80))}: ${why}`);

/** GS1 mod-10 check digit over every digit but the last. */
export function gs1CheckDigitOk(digits: string): boolean {
  let sum = 0;
  const body = digits.slice(0, -1);
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10 === Number(digits[digits.length - 1]);
}

function parseBracketed(s: string, barcode: string): Gs1Element[] {
  const out: Gs1Element[] = [];
  const re = /\((\d{2,4})\)([^(]*)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(s))) {
    out.push({ ai: m[1]!, value: m[2]! });
    at = re.lastIndex;
  }
  if (at !== s.length || out.length === 0) throw bad(barcode, `cannot read it as (AI)value pairs after character ${at}`);
  return out;
}

function parseRaw(s: string, barcode: string): Gs1Element[] {
  const out: Gs1Element[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === GS) {
      i++;
      continue;
    }
    const head = s.slice(i, i + 2);
    const fixed = FIXED[head];
    if (fixed) {
      const ai = s.slice(i, i + fixed.aiLength);
      const value = s.slice(i + fixed.aiLength, i + fixed.aiLength + fixed.dataLength);
      if (value.length !== fixed.dataLength || value.includes(GS))
        throw bad(barcode, `AI (${ai}) needs ${fixed.dataLength} characters, found ${JSON.stringify(value)}`);
      out.push({ ai, value });
      i += fixed.aiLength + fixed.dataLength;
      continue;
    }
    const aiLength = VARIABLE_AI_LENGTH[head];
    if (!aiLength) throw bad(barcode, `unknown application identifier starting ${JSON.stringify(head)} at character ${i}`);
    const ai = s.slice(i, i + aiLength);
    const end = s.indexOf(GS, i + aiLength);
    const value = s.slice(i + aiLength, end < 0 ? s.length : end);
    out.push({ ai, value });
    i = end < 0 ? s.length : end + 1;
  }
  if (out.length === 0) throw bad(barcode, 'it holds no element string');
  return out;
}

function expiryDate(v: string): string {
  const yy = Number(v.slice(0, 2));
  const mm = Number(v.slice(2, 4));
  let dd = Number(v.slice(4, 6));
  // GS1: a two-digit year lies within -49..+50 years of today; this century covers any plant now.
  const year = 2000 + yy;
  if (dd === 0) dd = new Date(Date.UTC(year, mm, 0)).getUTCDate();
  return `${year}-${String(mm).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
}

/** Reads a scanned GS1 barcode (bracketed, raw with GS separators, or a Digital Link) into its EPC URN. */
export function parseGs1Barcode(barcode: string): ParsedBarcode {
  let s = barcode.trim();
  if (s === '') throw bad(barcode, 'it is empty: scan or type a GS1 barcode');
  if (/^https?:\/\//i.test(s)) {
    const id = digitalLinkToUrn(s);
    if (!id || id.startsWith('urn:epc:idpat:'))
      throw bad(barcode, 'this Digital Link names no serial (21), lot (10) or SSCC (00)');
    return { elements: [], id };
  }
  // Symbology identifier (ISO/IEC 15424): `]` + code character + modifier.
  s = s.replace(/^\][A-Za-z][0-9A-Za-z]/, '');
  // FNC1 written out by some keyboard-wedge scanners.
  s = s.replace(/<GS>|\{GS\}|\\u001d/gi, GS);
  const elements = s.startsWith('(') ? parseBracketed(s, barcode) : parseRaw(s, barcode);
  const get = (ai: string) => elements.find((e) => e.ai === ai)?.value;
  const out: Omit<ParsedBarcode, 'id'> = { elements };
  const gtin = get('01');
  if (gtin !== undefined) {
    if (!/^\d{14}$/.test(gtin)) throw bad(barcode, `GTIN (01) must be 14 digits, got ${JSON.stringify(gtin)}`);
    if (!gs1CheckDigitOk(gtin)) throw bad(barcode, `GTIN (01) ${gtin} has a wrong check digit (misread? scan again)`);
    out.gtin = gtin;
  }
  const sscc = get('00');
  if (sscc !== undefined) {
    if (!/^\d{18}$/.test(sscc)) throw bad(barcode, `SSCC (00) must be 18 digits, got ${JSON.stringify(sscc)}`);
    if (!gs1CheckDigitOk(sscc)) throw bad(barcode, `SSCC (00) ${sscc} has a wrong check digit (misread? scan again)`);
    out.sscc = sscc;
  }
  for (const [ai, key] of [
    ['21', 'serial'],
    ['10', 'lot'],
  ] as const) {
    const v = get(ai);
    if (v === undefined) continue;
    if (v.length < 1 || v.length > 20) throw bad(barcode, `AI (${ai}) must be 1 to 20 characters, got ${v.length}`);
    out[key] = v;
  }
  const exp = get('17');
  if (exp !== undefined) {
    const m = /^(\d{2})(\d{2})(\d{2})$/.exec(exp);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 12 || Number(m[3]) > 31)
      throw bad(barcode, `expiry (17) must be YYMMDD, got ${JSON.stringify(exp)}`);
    out.expiry = expiryDate(exp);
  }
  const dl = (path: string) => digitalLinkToUrn(`https://id.gs1.org${path}`)!;
  let id: string;
  if (out.gtin && out.serial !== undefined) id = dl(`/01/${out.gtin}/21/${encodeURIComponent(out.serial)}`);
  else if (out.gtin && out.lot !== undefined) id = dl(`/01/${out.gtin}/10/${encodeURIComponent(out.lot)}`);
  else if (out.sscc) id = dl(`/00/${out.sscc}`);
  else throw bad(barcode, 'it names no unit or lot: it needs (01) with (21) or (10), or an SSCC (00)');
  return { ...out, id };
}
