/**
 * PAdES signatures on report PDFs, with a certificate made here: the signature is checked
 * independently of the signing code (ByteRange parsed from the file, the CMS message digest
 * recomputed over the covered bytes, the RSA signature over the signed attributes checked with
 * node:crypto), by poppler's pdfsig (what a PDF reader does), and one changed byte in the covered
 * range breaks all of them and `tracegraph report verify`.
 */
import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, verify, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../api/server.ts';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { DEV_KEY, gql } from '../api/client.ts';
import { generateReport } from '../../reports/generate.ts';
import { loadSigner, verifyPdfSignature } from '../../reports/sign.ts';
import { verifyReport } from '../../reports/verify.ts';
import { tempDir } from '../helpers/stores.ts';
import { pdfPages, seededStore } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const PASSWORD = 'report-signing-test';

/** A self-signed RSA certificate and its key in a PKCS#12 file. */
function makeP12(dir: string, cn: string): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = '0a1b2c3d';
  cert.validity.notBefore = new Date('2026-01-01T00:00:00Z');
  cert.validity.notAfter = new Date('2036-01-01T00:00:00Z');
  const name = [
    { name: 'commonName', value: cn },
    { name: 'organizationName', value: 'tracegraph test' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(key, [cert], PASSWORD, { algorithm: '3des' });
  const file = join(dir, 'signer.p12');
  writeFileSync(file, Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'));
  return file;
}

/** The signature checked from the bytes alone, with none of reports/sign.ts. */
function independentCheck(file: string): { digestMatches: boolean; signatureVerifies: boolean; subFilter: string } {
  const pdf = readFileSync(file);
  const text = pdf.toString('latin1');
  const m = [...text.matchAll(/\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\s*\]/g)].at(-1)!;
  const [a, b, c, d] = m.slice(1, 5).map(Number) as [number, number, number, number];
  expect(a).toBe(0);
  expect(c + d).toBe(pdf.length);
  const covered = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
  const cms = Buffer.from(text.slice(b + 1, c - 1), 'hex');
  // The CMS is padded with zeros to its reserved size: read its DER length from its header.
  const n = cms[1]! & 0x7f;
  const length = cms[1]! < 0x80 ? cms[1]! : [...cms.subarray(2, 2 + n)].reduce((x, y) => x * 256 + y, 0);
  const der = cms.subarray(0, 2 + (cms[1]! < 0x80 ? 0 : n) + length);
  const msg = forge.pkcs7.messageFromAsn1(
    forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary'))),
  ) as forge.pkcs7.PkcsSignedData & { rawCapture: { signerInfos: forge.asn1.Asn1[] } };
  const signerInfo = msg.rawCapture.signerInfos[0]!.value as forge.asn1.Asn1[];
  const attrsNode = signerInfo.find((n) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === 0)!;
  const attrs = attrsNode.value as forge.asn1.Asn1[];
  const attrOf = (oid: string) =>
    attrs.find((x) => forge.asn1.derToOid((x.value as forge.asn1.Asn1[])[0]!.value as string) === oid)!;
  const md = ((attrOf(forge.pki.oids.messageDigest!).value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!
    .value as string;
  // PAdES baseline: the signing certificate is bound by signing-certificate-v2.
  expect(attrOf('1.2.840.113549.1.9.16.2.47')).toBeTruthy();
  const attrsDer = Buffer.from(forge.asn1.toDer(attrsNode).getBytes(), 'binary');
  attrsDer[0] = 0x31; // signed as a SET OF
  const certPem = forge.pki.certificateToPem(msg.certificates[0]!);
  const signature = Buffer.from(signerInfo.at(-1)!.value as string, 'binary');
  return {
    digestMatches: createHash('sha256').update(covered).digest().equals(Buffer.from(md, 'binary')),
    signatureVerifies: verify('sha256', attrsDer, new X509Certificate(certPem).publicKey, signature),
    subFilter: /\/SubFilter \/([\w.]+)/.exec(text)![1]!,
  };
}

function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/tracegraph.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, TRACEGRAPH_NEO4J_URI: '', ...env },
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Changes one byte inside the signed range (a letter of the document's Creator entry), keeping the text readable. */
function tamper(file: string, from: string, to: string): void {
  const pdf = readFileSync(file);
  const at = pdf.indexOf(from, 0, 'latin1');
  expect(at).toBeGreaterThan(0);
  pdf.write(to, at, 'latin1');
  writeFileSync(file, pdf);
}

describe('PAdES-signed report PDFs', () => {
  const dir = tempDir('tracegraph-report-sign-');
  let p12: string;
  let audit: AuditTrail;

  beforeAll(async () => {
    p12 = makeP12(dir, 'Quality Signer');
    audit = new AuditTrail(dir);
    for (let i = 0; i < 5; i++) await audit.append({ actor: 'qe.alice', action: 'recall.create', target: `recall:R-${i}` });
  });

  it('signs every PDF with a PAdES (ETSI.CAdES.detached) signature that verifies independently and in poppler', async () => {
    const out = join(dir, 'audit.pdf');
    const r = await generateReport(
      { kind: 'audit', from: '2000-01-01', to: '2100-01-01' },
      { audit, out, lang: 'en', by: 'qe.alice', signing: { p12, password: PASSWORD } },
    );
    expect(r.signedBy).toBe('Quality Signer');
    const check = independentCheck(out);
    expect(check).toEqual({ digestMatches: true, signatureVerifies: true, subFilter: 'ETSI.CAdES.detached' });
    expect(await verifyPdfSignature(out)).toMatchObject({ ok: true, signer: 'Quality Signer', subFilter: 'ETSI.CAdES.detached' });
    const sig = spawnSync('pdfsig', [out], { encoding: 'utf8' });
    expect(sig.stdout).toContain('Signature Validation: Signature is Valid.');
    expect(sig.stdout).toMatch(/Signer Certificate Common Name: Quality Signer/);
    expect(sig.stdout).toMatch(/Signature Type: ETSI.CAdES.detached/);
    expect(sig.stdout).toMatch(/Total document signed/);
    // Still a readable report with its hash on every page.
    expect(pdfPages(out).length).toBe(r.pages);
    expect(await verifyReport(out)).toMatchObject({ ok: true, signature: { ok: true } });
    const entry = (await audit.query({ first: 1000, action: 'report.generate' })).entries.find((e) => e.seq === r.auditSeq)!;
    expect(entry.details).toMatchObject({ signedBy: 'Quality Signer' });
  });

  it('one changed byte in the signed range breaks the signature, pdfsig and `report verify`', async () => {
    const out = join(dir, 'tampered.pdf');
    await generateReport(
      { kind: 'audit', from: '2000-01-01', to: '2100-01-01' },
      { audit, out, lang: 'en', by: 'qe.alice', signing: { p12, password: PASSWORD } },
    );
    tamper(out, '(tracegraph 0.1.0)', '(tracegraph 0.1.1)');
    expect(independentCheck(out)).toMatchObject({ digestMatches: false });
    const mine = await verifyPdfSignature(out);
    expect(mine).toMatchObject({ ok: false });
    expect(mine!.reason).toMatch(/signed bytes changed/);
    expect(spawnSync('pdfsig', [out], { encoding: 'utf8' }).stdout).not.toContain('Signature is Valid.');
    // The printed hash still matches the data file: it is the signature that catches the edit.
    const v = await verifyReport(out);
    expect(v.printed.every((h) => h === v.computed)).toBe(true);
    expect(v).toMatchObject({ ok: false });
    const c = cli(['report', 'verify', out], {});
    expect(c.code).toBe(1);
    expect(c.out).toMatch(/^mismatch: .*PAdES signature is broken/);
  });

  it('the CLI signs with the certificate of TRACEGRAPH_REPORT_SIGNING_P12, and unsigned reports verify as before', async () => {
    const env = { TRACEGRAPH_DATA: dir, TRACEGRAPH_REPORT_SIGNING_P12: p12, TRACEGRAPH_REPORT_SIGNING_PASSWORD: PASSWORD };
    const out = join(dir, 'cli.pdf');
    const g = cli(['report', 'audit', '--from', '2000-01-01', '--to', '2100-01-01', '--out', out], env);
    expect(g.code, g.err).toBe(0);
    expect(g.out).toContain('signed (PAdES) by Quality Signer');
    const v = cli(['report', 'verify', out], {});
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/PAdES signature by Quality Signer is intact/);

    const wrong = cli(['report', 'audit', '--from', '2000-01-01', '--to', '2100-01-01', '--out', join(dir, 'x.pdf')], {
      ...env,
      TRACEGRAPH_REPORT_SIGNING_PASSWORD: 'not-it',
    });
    expect(wrong.code).not.toBe(0);
    expect(wrong.err).toMatch(/cannot read the PKCS#12 certificate/);

    const plain = join(dir, 'plain.pdf');
    await generateReport({ kind: 'audit', from: '2000-01-01', to: '2100-01-01' }, { audit, out: plain, lang: 'en', by: 'x' });
    expect(await verifyPdfSignature(plain)).toBeNull();
    expect(await verifyReport(plain)).toMatchObject({ ok: true, signature: null });
    expect(loadSigner({ p12, password: PASSWORD }).name).toBe('Quality Signer');
  });

  it('a server given the certificate signs what generateReport writes', async () => {
    const seeded = await seededStore(50);
    const server = await createApiServer({
      store: seeded.store,
      port: 0,
      dataDir: seeded.dataDir,
      devKey: DEV_KEY,
      reportSigning: { p12, password: PASSWORD },
    });
    try {
      const r = await gql<{ generateReport: { url: string } }>(
        server.url,
        'mutation { generateReport(request: { kind: audit, auditFrom: "2000-01-01", auditTo: "2100-01-01" }) { url } }',
      );
      expect(r.errors).toBeUndefined();
      const res = await fetch(server.url.replace(/\/graphql$/, '') + r.data!.generateReport.url, {
        headers: { authorization: `Bearer ${DEV_KEY}` },
      });
      expect(res.status).toBe(200);
      const out = join(dir, 'api.pdf');
      writeFileSync(out, Buffer.from(await res.arrayBuffer()));
      expect(await verifyPdfSignature(out)).toMatchObject({ ok: true, signer: 'Quality Signer' });
      // A certificate that cannot be read stops the server's start, not a report hours later.
      await expect(
        createApiServer({ store: seeded.store, port: 0, dataDir: seeded.dataDir, reportSigning: { p12, password: 'wrong' } }),
      ).rejects.toThrow(/cannot read the PKCS#12 certificate/);
    } finally {
      await server.close();
      await seeded.store.close();
    }
  });
});
