/**
 * PAdES signatures on report PDFs (ETSI EN 319 142-1 baseline B-B, SubFilter ETSI.CAdES.detached):
 * with a PKCS#12 certificate configured (`reportSigning.p12`), every PDF carries a CMS signature
 * over its whole file except the signature's own /Contents, with the signed attributes PAdES asks
 * for (content-type, message-digest, signing-certificate-v2; the signing time is the signature
 * dictionary's /M). A PDF reader shows it as valid, and as broken after any change to the file.
 *
 * The placeholder is written by pdfkit while the report is drawn (a signature dictionary with a
 * zero-filled /Contents, a signature field on the last page, /SigFlags 3); the signing itself streams:
 * the digest is taken over the file's two byte ranges read in chunks, and /ByteRange and /Contents
 * are written in place, so the PDF is never read into memory whole.
 *
 * `verifyPdfSignature` checks such a signature independently of the signing code's state: it
 * parses /ByteRange and the CMS, recomputes the digest over the covered bytes, and checks the
 * signature over the signed attributes with the certificate's public key (node:crypto).
 */
import { createHash, createSign, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import forge from 'node-forge';
import type PDFDocument from 'pdfkit';
import { TracegraphError } from '../core/errors.ts';

type Doc = InstanceType<typeof PDFDocument>;

/** Bytes reserved for the DER signature (hex-encoded in the file: twice as many characters). */
const SIGNATURE_BYTES = 12_288;
const BYTE_RANGE_PLACEHOLDER = '[0 /********** /********** /**********]';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
} as const;

/** The signing configuration (core/config.ts `reportSigning`). */
export interface SigningConfig {
  /** A PKCS#12 file (.p12 / .pfx) with the private key and its certificate (and chain). */
  p12: string;
  password?: string;
}

/** A loaded signing identity. */
export interface ReportSigner {
  /** The signer's name: the certificate subject's common name. */
  name: string;
  keyPem: string;
  /** DER of the signer's certificate, then the rest of the chain the PKCS#12 holds. */
  certificates: Buffer[];
}

const der = (node: forge.asn1.Asn1): Buffer => Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary');
const { create, Class, Type } = forge.asn1;
const seq = (v: forge.asn1.Asn1[]) => create(Class.UNIVERSAL, Type.SEQUENCE, true, v);
const set = (v: forge.asn1.Asn1[]) => create(Class.UNIVERSAL, Type.SET, true, v);
const oid = (o: string) => create(Class.UNIVERSAL, Type.OID, false, forge.asn1.oidToDer(o).getBytes());
const octets = (b: Buffer) => create(Class.UNIVERSAL, Type.OCTETSTRING, false, b.toString('binary'));
const int = (n: number) => create(Class.UNIVERSAL, Type.INTEGER, false, forge.asn1.integerToDer(n).getBytes());
const nul = () => create(Class.UNIVERSAL, Type.NULL, false, '');
const fromDer = (b: Buffer) => forge.asn1.fromDer(forge.util.createBuffer(b.toString('binary')));

/** Reads the PKCS#12 file: its private key and the certificate that matches it, first in the chain. */
export function loadSigner(cfg: SigningConfig): ReportSigner {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const bytes = readFileSync(cfg.p12);
    p12 = forge.pkcs12.pkcs12FromAsn1(fromDer(bytes), false, cfg.password ?? '');
  } catch (e) {
    throw new TracegraphError(
      'CONFIG',
      `reportSigning.p12 ${cfg.p12}: cannot read the PKCS#12 certificate (${(e as Error).message}); check the file and TRACEGRAPH_REPORT_SIGNING_PASSWORD`,
    );
  }
  const keyBag = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag!] ?? []),
  ][0];
  const key = keyBag?.key as forge.pki.rsa.PrivateKey | undefined;
  const certs = (p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag!] ?? [])
    .map((b) => b.cert)
    .filter((c): c is forge.pki.Certificate => !!c);
  if (!key) throw new TracegraphError('CONFIG', `reportSigning.p12 ${cfg.p12}: holds no private key`);
  const mine = certs.find((c) => {
    const pub = c.publicKey as forge.pki.rsa.PublicKey;
    return pub.n?.compareTo(key.n) === 0 && pub.e?.compareTo(key.e) === 0;
  });
  if (!mine)
    throw new TracegraphError(
      'CONFIG',
      `reportSigning.p12 ${cfg.p12}: no certificate in it matches its private key (RSA keys only)`,
    );
  const toDer = (c: forge.pki.Certificate) => der(forge.pki.certificateToAsn1(c));
  return {
    name: String(mine.subject.getField('CN')?.value ?? 'unknown signer'),
    keyPem: forge.pki.privateKeyToPem(key),
    certificates: [toDer(mine), ...certs.filter((c) => c !== mine).map(toDer)],
  };
}

/** A value pdfkit writes as it is (pdfkit writes objects of an unknown kind with `${value}`). */
class RawPdf {
  readonly [Symbol.toStringTag] = 'RawPdf';
  constructor(private readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Where the placeholder was written: the offset of the signature dictionary's object in the file. */
export interface SignaturePlaceholder {
  offset: number;
}

/**
 * Adds the signature dictionary (zero-filled /Contents), a signature field on the current (last) page and
 * the AcroForm with /SigFlags 3. Call after the last page is drawn and before `doc.end()`.
 */
export function addSignaturePlaceholder(
  doc: Doc,
  signer: ReportSigner,
  opts: { reason: string; signedAt: Date },
): SignaturePlaceholder {
  const d = doc as unknown as {
    ref(data: object): { end(): void; offset: number };
    page: { dictionary: unknown; annotations: unknown[] };
    _root: { data: { AcroForm?: { data: { Fields: unknown[]; SigFlags?: number } } } };
    initForm(): void;
  };
  const sig = d.ref({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: 'ETSI.CAdES.detached',
    ByteRange: new RawPdf(BYTE_RANGE_PLACEHOLDER),
    Contents: Buffer.alloc(SIGNATURE_BYTES),
    M: opts.signedAt,
    Name: new String(signer.name),
    Reason: new String(opts.reason),
  });
  sig.end();
  const offset = sig.offset;
  const widget = d.ref({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    Rect: [0, 0, 0, 0],
    V: sig,
    T: new String('Signature1'),
    F: 4,
    P: d.page.dictionary,
  });
  d.page.annotations.push(widget);
  widget.end();
  d.initForm();
  d._root.data.AcroForm!.data.Fields.push(widget);
  d._root.data.AcroForm!.data.SigFlags = 3;
  return { offset };
}

/** The signed attributes of a PAdES B-B signature, as the [0] IMPLICIT node of the SignerInfo. */
function signedAttributes(digest: Buffer, signerCert: Buffer): forge.asn1.Asn1[] {
  const certHash = createHash('sha256').update(signerCert).digest();
  const attr = (type: string, value: forge.asn1.Asn1) => seq([oid(type), set([value])]);
  // ESSCertIDv2 with the default hash algorithm (SHA-256) left out, as DER requires.
  const signingCertificateV2 = seq([seq([seq([octets(certHash)])])]);
  // In DER order of a SET OF (their encodings grow in length in this order).
  return [
    attr(OID.contentType, oid(OID.data)),
    attr(OID.messageDigest, octets(digest)),
    attr(OID.signingCertificateV2, signingCertificateV2),
  ];
}

/** The CMS SignedData (detached) over `digest`. */
function cmsSignature(signer: ReportSigner, digest: Buffer): Buffer {
  const signerCert = signer.certificates[0]!;
  const attrs = signedAttributes(digest, signerCert);
  // The signature is over the attributes encoded as a SET (tag 0x31), not as the [0] they are stored in.
  const signature = createSign('sha256')
    .update(der(set(attrs)))
    .sign(signer.keyPem);
  const cert = fromDer(signerCert);
  // TBSCertificate: [0] version, serialNumber, signature, issuer, ...
  const tbs = cert.value[0] as forge.asn1.Asn1;
  const tbsParts = tbs.value as forge.asn1.Asn1[];
  const hasVersion = tbsParts[0]!.tagClass === Class.CONTEXT_SPECIFIC;
  const serial = tbsParts[hasVersion ? 1 : 0]!;
  const issuer = tbsParts[hasVersion ? 3 : 2]!;
  const sha256 = seq([oid(OID.sha256), nul()]);
  const signerInfo = seq([
    int(1),
    seq([issuer, serial]),
    sha256,
    create(Class.CONTEXT_SPECIFIC, 0, true, attrs),
    seq([oid(OID.rsaEncryption), nul()]),
    octets(signature),
  ]);
  const signedData = seq([
    int(1),
    set([sha256]),
    seq([oid(OID.data)]),
    create(
      Class.CONTEXT_SPECIFIC,
      0,
      true,
      signer.certificates.map((c) => fromDer(c)),
    ),
    set([signerInfo]),
  ]);
  return der(seq([oid(OID.signedData), create(Class.CONTEXT_SPECIFIC, 0, true, [signedData])]));
}

/** SHA-256 over byte ranges of an open file, read in chunks. */
async function digestRanges(file: string, ranges: readonly (readonly [number, number])[]): Promise<Buffer> {
  const h = createHash('sha256');
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    for (const [start, length] of ranges) {
      let done = 0;
      while (done < length) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, length - done), start + done);
        if (bytesRead === 0) throw new TracegraphError('INTERNAL', `${file} ended inside its signed byte range`);
        h.update(buf.subarray(0, bytesRead));
        done += bytesRead;
      }
    }
  } finally {
    await fh.close();
  }
  return h.digest();
}

/** Reads `length` bytes at `position`. */
async function readAt(file: string, position: number, length: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, position);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Signs a PDF written with a placeholder: fills /ByteRange, digests the covered bytes, writes /Contents. */
export async function signPdfFile(file: string, placeholder: SignaturePlaceholder, signer: ReportSigner): Promise<void> {
  const size = (await stat(file)).size;
  const window = await readAt(file, placeholder.offset, SIGNATURE_BYTES * 2 + 4096);
  const text = window.toString('latin1');
  const br = text.indexOf(`/ByteRange ${BYTE_RANGE_PLACEHOLDER}`);
  const contents = text.indexOf('/Contents <');
  if (br < 0 || contents < 0) throw new TracegraphError('INTERNAL', `${file}: no signature placeholder at ${placeholder.offset}`);
  const lt = placeholder.offset + contents + '/Contents '.length;
  const gt = lt + 1 + SIGNATURE_BYTES * 2;
  if (text[contents + '/Contents '.length + 1 + SIGNATURE_BYTES * 2] !== '>')
    throw new TracegraphError('INTERNAL', `${file}: the signature placeholder has an unexpected size`);
  const ranges = [
    [0, lt],
    [gt + 1, size - gt - 1],
  ] as const;
  const byteRange = `[${ranges.flat().join(' ')}]`.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' ');
  if (byteRange.length > BYTE_RANGE_PLACEHOLDER.length) throw new TracegraphError('INTERNAL', `${file}: too large to sign`);
  const fh = await open(file, 'r+');
  try {
    await fh.write(Buffer.from(byteRange, 'latin1'), 0, byteRange.length, placeholder.offset + br + '/ByteRange '.length);
  } finally {
    await fh.close();
  }
  const cms = cmsSignature(signer, await digestRanges(file, ranges));
  if (cms.length > SIGNATURE_BYTES)
    throw new TracegraphError('INTERNAL', `the signature (${cms.length} bytes) exceeds its reserved ${SIGNATURE_BYTES} bytes`);
  const hex = cms.toString('hex').padEnd(SIGNATURE_BYTES * 2, '0');
  const out = await open(file, 'r+');
  try {
    await out.write(Buffer.from(hex, 'latin1'), 0, hex.length, lt + 1);
  } finally {
    await out.close();
  }
}

export interface SignatureCheck {
  ok: boolean;
  /** The signer's certificate subject (CN) and SubFilter, when a signature was found. */
  signer: string | null;
  subFilter: string | null;
  byteRange: number[] | null;
  reason: string | null;
}

/**
 * Checks the last signature of a PDF: /ByteRange covers the whole file but /Contents, the CMS
 * message-digest equals the SHA-256 of the covered bytes, and the signature over the signed
 * attributes verifies with the certificate's key. Null when the PDF carries no signature.
 */
export async function verifyPdfSignature(file: string): Promise<SignatureCheck | null> {
  const size = (await stat(file)).size;
  // The signature dictionary is near the end of a report (written after the pages' content).
  const tailLength = Math.min(size, 1 << 20);
  const tail = (await readAt(file, size - tailLength, tailLength)).toString('latin1');
  const m = [...tail.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].at(-1);
  if (!m)
    return tail.includes('/ByteRange') || tail.includes('/FT /Sig')
      ? fail(null, 'a signature field without a filled /ByteRange')
      : null;
  const br = m.slice(1, 5).map(Number);
  const [a, b, c, d] = br as [number, number, number, number];
  const subFilter = /\/SubFilter\s*\/([\w.]+)/.exec(tail.slice(Math.max(0, m.index - 2000), m.index + 2000))?.[1] ?? null;
  if (a !== 0 || c + d !== size || b >= c)
    return fail(
      br,
      `the signature covers bytes 0..${b} and ${c}..${c + d} of ${size}: the file was changed or appended to after signing`,
      subFilter,
    );
  const hex = (await readAt(file, b, c - b)).toString('latin1');
  if (!/^<[0-9a-fA-F]+>$/.test(hex)) return fail(br, 'the /Contents between the byte ranges is not a hex string', subFilter);
  let signedAttrs: forge.asn1.Asn1;
  let signature: Buffer;
  let certs: X509Certificate[];
  try {
    const ci = fromDer(derPrefix(Buffer.from(hex.slice(1, -1), 'hex')));
    const sd = ((ci.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[];
    const certNode = sd.find((n) => n.tagClass === Class.CONTEXT_SPECIFIC && n.type === 0);
    certs = ((certNode?.value ?? []) as forge.asn1.Asn1[]).map((n) => new X509Certificate(der(n)));
    const si = ((sd.at(-1)!.value as forge.asn1.Asn1[])[0]!.value ?? []) as forge.asn1.Asn1[];
    signedAttrs = si.find((n) => n.tagClass === Class.CONTEXT_SPECIFIC && n.type === 0)!;
    signature = Buffer.from(si.at(-1)!.value as string, 'binary');
    if (!signedAttrs) throw new Error('no signed attributes');
  } catch (e) {
    return fail(br, `the CMS signature cannot be read (${(e as Error).message})`, subFilter);
  }
  const attrs = signedAttrs.value as forge.asn1.Asn1[];
  const md = attrs.find((x) => forge.asn1.derToOid((x.value as forge.asn1.Asn1[])[0]!.value as string) === OID.messageDigest);
  const mdValue = md && ((((md.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!.value as string) ?? '');
  if (!mdValue) return fail(br, 'the CMS signature has no message-digest attribute', subFilter);
  const digest = await digestRanges(file, [
    [a, b],
    [c, d],
  ]);
  const setDer = der(signedAttrs);
  setDer[0] = 0x31;
  const signerCert = certs.find((x) => cryptoVerify('sha256', setDer, x.publicKey, signature));
  const name = signerCert ? (/CN=([^\n]+)/.exec(signerCert.subject)?.[1] ?? signerCert.subject) : null;
  if (!digest.equals(Buffer.from(mdValue, 'binary')))
    return {
      ok: false,
      signer: name,
      subFilter,
      byteRange: br,
      reason: "the signed bytes changed: their SHA-256 differs from the signature's message digest",
    };
  if (!signerCert)
    return {
      ok: false,
      signer: null,
      subFilter,
      byteRange: br,
      reason: 'the signature does not verify with any certificate the PDF carries',
    };
  return { ok: true, signer: name, subFilter, byteRange: br, reason: null };
}

/** The DER value at the start of `b` (a signature padded with zeros to its reserved size). */
export function derPrefix(b: Buffer): Buffer {
  if (b.length < 2) return b;
  const first = b[1]!;
  if (first < 0x80) return b.subarray(0, 2 + first);
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[2 + i]!;
  return b.subarray(0, 2 + n + len);
}

function fail(byteRange: number[] | null, reason: string, subFilter: string | null = null): SignatureCheck {
  return { ok: false, signer: null, subFilter, byteRange, reason };
}
