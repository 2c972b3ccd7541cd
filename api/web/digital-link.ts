/**
 * The public GS1 Digital Link resolver: `/01/{gtin}/21/{serial}` and `/01/{gtin}/10/{lot}` (also
 * `/01/{gtin}/10/{lot}/21/{serial}`, the qualifier path the standard allows) answer without
 * sign-in with a small server-rendered page of what `tracegraph.disclosure.json` lets the plant
 * show; `?linkType=all` or `Accept: application/linkset+json` answers the GS1 link set (RFC 9264).
 * An id that is malformed or not recorded gets the same plain 404, so the page reveals nothing
 * about which serials exist beyond the one scanned.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import QRCode from 'qrcode';
import { gs1CheckDigitOk } from '../../core/gs1-barcode.ts';
import { digitalLinkPath, digitalLinkToUrn } from '../../core/ids.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { loadHistory, type ItemHistory } from '../../domain/analytics/history.ts';
import { loadDisclosure, type Disclosure } from './disclosure.ts';

/** `/01/<gtin>` then qualifiers (22 CPV, 10 lot, 21 serial), in the order GS1 Digital Link 1.2 allows. */
const DL_PATH = /^\/01\/(\d{8,14})(?:\/22\/[^/]+)?(?:\/10\/([^/]+))?(?:\/21\/([^/]+))?\/?$/;

export function isDigitalLinkPath(path: string): boolean {
  return path.startsWith('/01/');
}

type Lang = 'en' | 'zh';
const TEXT = {
  en: {
    title: 'Product information',
    product: 'Product',
    gtin: 'GTIN',
    serial: 'Serial number',
    lot: 'Lot',
    produced: 'Production date',
    verdict: 'Quality inspection',
    pass: 'Passed',
    fail: 'Did not pass',
    none: 'Not inspected',
    materials: 'Material origins',
    supplier: 'supplier',
    operators: 'Operators',
    equipment: 'Equipment',
    customers: 'Delivered to',
    qr: 'Digital Link of this item',
    notFound: 'Not found',
    notFoundText: 'No product information is available for this code.',
  },
  zh: {
    title: '产品信息',
    product: '产品',
    gtin: 'GTIN',
    serial: '序列号',
    lot: '批次',
    produced: '生产日期',
    verdict: '质量检验',
    pass: '合格',
    fail: '不合格',
    none: '未检验',
    materials: '物料来源',
    supplier: '供应商',
    operators: '操作员',
    equipment: '设备',
    customers: '交付至',
    qr: '本产品的数字链接',
    notFound: '未找到',
    notFoundText: '此代码没有可用的产品信息。',
  },
} as const;

function langOf(req: IncomingMessage, url: URL): Lang {
  const q = url.searchParams.get('lang');
  if (q === 'zh' || q === 'en') return q;
  return /^zh\b/i.test(req.headers['accept-language'] ?? '') ? 'zh' : 'en';
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#f6f7f9}
main{max-width:32rem;margin:0 auto;padding:1rem}header{background:#123;color:#fff;padding:.75rem 1rem;font-weight:600}
h1{font-size:1.4rem;margin:.5rem 0 1rem}dl{background:#fff;border-radius:8px;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 2px #0002}
dt{font-size:.85rem;color:#555;margin-top:.5rem}dd{margin:0;font-weight:500;word-break:break-word}
.pass{color:#106b21}.fail{color:#a11}figure{text-align:center;margin:1rem 0}figure svg{width:10rem;height:10rem}
figcaption{font-size:.8rem;color:#555;word-break:break-all}@media print{header{background:none;color:#000}}`;

function page(lang: Lang, title: string, brand: string, body: string): string {
  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">
<title>${esc(title)}</title><style>${STYLE}</style></head><body><header>${esc(brand)}</header><main>${body}</main></body></html>`;
}

function send(res: ServerResponse, status: number, type: string, body: string, head: boolean): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-cache',
    vary: 'Accept, Accept-Language',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
  });
  res.end(head ? undefined : body);
}

function notFound(res: ServerResponse, lang: Lang, head: boolean): void {
  const t = TEXT[lang];
  send(
    res,
    404,
    'text/html; charset=utf-8',
    page(lang, t.notFound, t.notFound, `<h1>${t.notFound}</h1><p>${t.notFoundText}</p>`),
    head,
  );
}

interface Facts {
  gtin: string;
  serial?: string;
  lot?: string;
  history: ItemHistory;
  materials: { material: string; supplier: string | null }[];
}

/** What the page shows, chosen field by field from the disclosure file (nothing else is read into it). */
function render(f: Facts, d: Disclosure, lang: Lang, origin: string, qr: string): string {
  const t = TEXT[lang];
  const rows: string[] = [];
  const row = (k: string, v: string, cls = '') => rows.push(`<dt>${esc(k)}</dt><dd${cls ? ` class="${cls}"` : ''}>${v}</dd>`);
  if (d.show.product) {
    const name = d.products[f.gtin];
    if (name) row(t.product, esc(name));
    row(t.gtin, esc(f.gtin));
  }
  if (f.serial !== undefined) row(t.serial, esc(f.serial));
  if (f.lot !== undefined) row(t.lot, esc(f.lot));
  const h = f.history;
  if (d.show.productionDate) {
    const made = h.operations.find((o) => o.role === 'produced');
    if (made)
      row(t.produced, esc(new Date(made.endTime).toLocaleDateString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'UTC' })));
  }
  if (d.show.inspectionVerdict) {
    const last = h.inspections.at(-1);
    row(
      t.verdict,
      last ? (last.result === 'pass' ? t.pass : t.fail) : t.none,
      last ? (last.result === 'pass' ? 'pass' : 'fail') : '',
    );
  }
  if (d.show.materialOrigins && f.materials.length)
    row(t.materials, f.materials.map((m) => esc(m.material + (m.supplier ? ` (${t.supplier} ${m.supplier})` : ''))).join('<br>'));
  if (d.show.operators) {
    const ops = [...new Set(h.operations.map((o) => o.operator).filter((x): x is string => !!x))];
    if (ops.length) row(t.operators, esc(ops.join(', ')));
  }
  if (d.show.equipment) {
    const eq = [...new Set(h.operations.map((o) => o.equipment).filter((x): x is string => !!x))];
    if (eq.length) row(t.equipment, esc(eq.join(', ')));
  }
  if (d.show.customers) {
    const cs = [...new Set(h.shipments.map((s) => s.customer).filter((x): x is string => !!x))];
    if (cs.length) row(t.customers, esc(cs.join(', ')));
  }
  return page(
    lang,
    t.title,
    d.brand,
    `<h1>${esc((d.show.product && d.products[f.gtin]) || t.title)}</h1><dl>${rows.join('')}</dl>` +
      `<figure>${qr}<figcaption>${esc(t.qr)}<br>${esc(origin)}</figcaption></figure>`,
  );
}

/** RFC 9264 link set in the GS1 resolver's shape: the anchor and its link types. */
function linkset(anchor: string, lang: Lang): unknown {
  const self = [{ href: anchor, title: TEXT[lang].title, type: 'text/html', hreflang: ['en', 'zh'] }];
  return {
    linkset: [
      {
        anchor,
        'https://gs1.org/voc/defaultLink': self,
        'https://gs1.org/voc/pip': self,
      },
    ],
  };
}

export async function serveDigitalLink(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  opts: { store: GraphStore; dataDir: string },
): Promise<void> {
  const lang = langOf(req, url);
  const head = req.method === 'HEAD';
  const m = DL_PATH.exec(url.pathname);
  const gtin = m?.[1]?.padStart(14, '0');
  if (!m || !gtin || !gs1CheckDigitOk(gtin)) return notFound(res, lang, head);
  const decode = (s: string | undefined) => {
    if (s === undefined) return undefined;
    try {
      return decodeURIComponent(s);
    } catch {
      return undefined;
    }
  };
  const lot = decode(m[2]);
  const serial = decode(m[3]);
  if (lot === undefined && serial === undefined) return notFound(res, lang, head);
  // The serial names the item when both are given; the lot then only qualifies it.
  const canonical =
    serial !== undefined ? `/01/${gtin}/21/${encodeURIComponent(serial)}` : `/01/${gtin}/10/${encodeURIComponent(lot!)}`;
  const id = digitalLinkToUrn(`https://resolver${canonical}`);
  if (!id || digitalLinkPath(id) !== canonical) return notFound(res, lang, head);
  const record = await opts.store.itemRecord(id);
  if (!record) return notFound(res, lang, head);
  const anchor = `${url.protocol}//${req.headers.host ?? 'localhost'}${canonical}`;
  const accept = req.headers.accept ?? '';
  if (url.searchParams.get('linkType') === 'all' || accept.includes('application/linkset+json')) {
    return send(res, 200, 'application/linkset+json', JSON.stringify(linkset(anchor, lang)), head);
  }
  const disclosure = loadDisclosure(opts.dataDir);
  const history = await loadHistory(opts.store, id);
  const materials: Facts['materials'] = [];
  if (disclosure.show.materialOrigins) {
    const trace = await opts.store.traceBackward([id]);
    for (const l of trace.lots.slice(0, 20)) {
      const r = await opts.store.itemRecord(l);
      if (r?.item.material) materials.push({ material: r.item.material, supplier: r.item.supplier });
    }
  }
  const qr = await QRCode.toString(anchor, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  send(
    res,
    200,
    'text/html; charset=utf-8',
    render({ gtin, serial, lot, history, materials }, disclosure, lang, anchor, qr),
    head,
  );
}
