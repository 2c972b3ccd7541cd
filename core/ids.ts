/**
 * Identifiers. GS1 EPC URNs are canonical; a GS1 Digital Link URI for the same item is turned
 * into its URN so that both spellings land on one node; plant-local strings are kept verbatim.
 *
 * A Digital Link carries a GTIN/SSCC/GLN without saying how many digits are the company prefix,
 * which the URN needs. We learn prefix lengths from URNs we have seen (`learnCompanyPrefix`) and
 * otherwise assume 7 digits, the most common length (and the one in the GS1 examples).
 */

const DEFAULT_GCP_LENGTH = 7;
/** Known company prefixes (digits) -> kept as a set per length, longest match wins. */
const knownPrefixes = new Map<number, Set<string>>();

export function learnCompanyPrefix(urn: string): void {
  const m = /^urn:epc:(?:id|class|idpat):(?:sgtin|lgtin|sscc|sgln|grai|giai|gsrn|gdti):(\d+)\./.exec(urn);
  if (!m?.[1]) return;
  const p = m[1];
  let set = knownPrefixes.get(p.length);
  if (!set) knownPrefixes.set(p.length, (set = new Set()));
  set.add(p);
}

/** Company prefix length for a key whose company prefix starts at digit 0 of `digits`. */
function gcpLength(digits: string): number {
  const lengths = [...knownPrefixes.keys()].sort((a, b) => b - a);
  for (const len of lengths) if (knownPrefixes.get(len)?.has(digits.slice(0, len))) return len;
  return DEFAULT_GCP_LENGTH;
}

/** EPC URN escaping of a serial or lot: characters outside the URN-safe set are %-encoded. */
function epcEscape(s: string): string {
  return s.replace(/[^A-Za-z0-9\-._:!'()*+,;=]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join(''),
  );
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** GTIN-14 -> `<gcp>.<indicator+itemref>` as an EPC needs it. */
function gtinParts(gtin: string): string {
  const g = gtin.padStart(14, '0');
  const indicator = g[0] ?? '0';
  const body = g.slice(1, 13);
  const len = gcpLength(body);
  return `${body.slice(0, len)}.${indicator}${body.slice(len)}`;
}

const DL = /^https?:\/\/[^/?#]+(?:\/[^?#]*)?$/i;

/** Converts a GS1 Digital Link URI to its EPC URN; returns undefined when it is not one. */
export function digitalLinkToUrn(uri: string): string | undefined {
  if (!DL.test(uri)) return undefined;
  const path = uri.replace(/^https?:\/\/[^/]+/i, '').split(/[?#]/)[0] ?? '';
  const seg = path.split('/').filter(Boolean);
  const at = (ai: string): string | undefined => {
    const i = seg.lastIndexOf(ai);
    return i >= 0 && i + 1 < seg.length ? safeDecode(seg[i + 1]!) : undefined;
  };
  const gtin = at('01');
  if (gtin && /^\d{8,14}$/.test(gtin)) {
    const serial = at('21');
    const lot = at('10');
    if (serial !== undefined) return `urn:epc:id:sgtin:${gtinParts(gtin)}.${epcEscape(serial)}`;
    if (lot !== undefined) return `urn:epc:class:lgtin:${gtinParts(gtin)}.${epcEscape(lot)}`;
    return `urn:epc:idpat:sgtin:${gtinParts(gtin)}.*`;
  }
  const sscc = at('00');
  if (sscc && /^\d{18}$/.test(sscc)) {
    const body = sscc.slice(1, 17);
    const len = gcpLength(body);
    return `urn:epc:id:sscc:${body.slice(0, len)}.${sscc[0]}${body.slice(len)}`;
  }
  const gln = at('414');
  if (gln && /^\d{13}$/.test(gln)) {
    const body = gln.slice(0, 12);
    const len = gcpLength(body);
    return `urn:epc:id:sgln:${body.slice(0, len)}.${body.slice(len)}.${epcEscape(at('254') ?? '0')}`;
  }
  const giai = at('8004');
  if (giai && /^\d{4,}/.test(giai)) {
    const len = gcpLength(giai);
    return `urn:epc:id:giai:${giai.slice(0, len)}.${epcEscape(giai.slice(len))}`;
  }
  const grai = at('8003');
  if (grai && /^\d{14,}/.test(grai)) {
    const body = grai.slice(1, 13);
    const len = gcpLength(body);
    return `urn:epc:id:grai:${body.slice(0, len)}.${body.slice(len)}.${epcEscape(grai.slice(14))}`;
  }
  return undefined;
}

/** The one spelling of an identifier that the graph uses. */
export function normaliseId(raw: string): string {
  const s = raw.trim();
  if (s.startsWith('urn:epc:')) {
    learnCompanyPrefix(s);
    return s;
  }
  return digitalLinkToUrn(s) ?? s;
}

export type ItemKind = 'lot' | 'unit';

/** What the identifier itself says about the item, when it says anything. */
export function kindFromId(id: string): ItemKind | undefined {
  if (id.startsWith('urn:epc:class:') || id.startsWith('urn:epc:idpat:')) return 'lot';
  if (id.startsWith('urn:epc:id:')) return 'unit';
  return undefined;
}

/** An SSCC is a logistic unit: a container by definition. */
export function isContainerId(id: string): boolean {
  return id.startsWith('urn:epc:id:sscc:');
}

/** GS1 mod-10 check digit for the digits given (without it). */
function checkDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return String((10 - (sum % 10)) % 10);
}

/**
 * The GS1 Digital Link path (`/01/{gtin}/21/{serial}` or `/01/{gtin}/10/{lot}`) of an SGTIN or
 * LGTIN URN; undefined for anything else (plant-local ids have no public link).
 */
export function digitalLinkPath(urn: string): string | undefined {
  const m = /^urn:epc:(id:sgtin|class:lgtin):(\d+)\.(\d+)\.(.+)$/.exec(urn);
  if (!m) return undefined;
  const [, kind, gcp, ref, rest] = m as unknown as [string, string, string, string, string];
  if (gcp.length + ref.length !== 13) return undefined;
  const body = `${ref[0]}${gcp}${ref.slice(1)}`;
  const key = encodeURIComponent(safeDecode(rest));
  return `/01/${body}${checkDigit(body)}/${kind === 'id:sgtin' ? '21' : '10'}/${key}`;
}
