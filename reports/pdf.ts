/**
 * The frame every PDF report shares: a title block (report id, generation time with its zone,
 * generating user), and on every page a footer with "page N of M" and the SHA-256 of the report
 * data file, so that any one page can be checked against FILE.json on its own.
 *
 * Streamed: each page is written to the file when the next one begins, so a report of thousands of
 * rows holds one page at a time. The footer is stamped when a page starts; the "of M" of "page N
 * of M" is a form XObject that every footer draws and whose content is written once the page count
 * is known. Tables are drawn row by row (pdfkit's doc.table() grows more than linearly with rows:
 * 400 rows took 1.7 s).
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { finished } from 'node:stream/promises';
import PDFDocument from 'pdfkit';
import type { ReportMeta } from './document.ts';
import { labels, type Labels, type Lang } from './i18n.ts';
import type { ReportSigner, SignaturePlaceholder } from './sign.ts';
import { woffToSfnt } from './woff.ts';

const CJK_FONT = '@fontsource/noto-sans-sc/files/noto-sans-sc-chinese-simplified-400-normal.woff';
let cjkFont: Buffer | undefined;

/** The Noto Sans SC (Simplified Chinese subset, which also has Latin) font from npm, unwrapped once per process. */
function chineseFont(): Buffer {
  cjkFont ??= woffToSfnt(readFileSync(createRequire(import.meta.url).resolve(CJK_FONT)));
  return cjkFont;
}

const MARGIN = { top: 56, bottom: 64, left: 45, right: 45 };
const GREY = '#555555';
const RULE = '#bbbbbb';

export interface Column {
  header: string;
  /** Share of the table's width; the shares of a table add up to 1. */
  width: number;
  align?: 'left' | 'right';
}

export interface TableOptions {
  /** One line per cell, cut with an ellipsis: fixed row height, for long lists (thousands of rows). */
  singleLine?: boolean;
}

type Doc = InstanceType<typeof PDFDocument>;

/** Drawing helpers on one report; `t` holds the labels of its language. */
export class ReportPdf {
  readonly t: Labels;
  /** The body font's name in the document. */
  readonly regular: string;
  private readonly bold: string;

  constructor(
    readonly doc: Doc,
    lang: Lang,
  ) {
    this.t = labels(lang);
    if (lang === 'zh') {
      doc.registerFont('body', chineseFont());
      this.regular = 'body';
      this.bold = 'body';
    } else {
      this.regular = 'Helvetica';
      this.bold = 'Helvetica-Bold';
    }
    doc.font(this.regular);
  }

  private get left(): number {
    return this.doc.page.margins.left;
  }
  private get width(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }
  private get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  /** Starts a new page when less than `height` points are left on this one. */
  ensureSpace(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  title(text: string): void {
    this.doc.font(this.bold).fontSize(18).fillColor('black').text(text, this.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3);
  }

  heading(text: string): void {
    this.ensureSpace(60);
    this.doc.moveDown(0.6);
    this.doc.font(this.bold).fontSize(12).fillColor('black').text(text, this.left, this.doc.y, { width: this.width });
    const y = this.doc.y + 1;
    this.doc
      .moveTo(this.left, y)
      .lineTo(this.left + this.width, y)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
    this.doc.moveDown(0.4);
  }

  subheading(text: string): void {
    this.ensureSpace(40);
    this.doc.moveDown(0.3);
    this.doc.font(this.bold).fontSize(10).fillColor('black').text(text, this.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.2);
  }

  paragraph(text: string, opts: { size?: number; color?: string } = {}): void {
    this.doc
      .font(this.regular)
      .fontSize(opts.size ?? 9)
      .fillColor(opts.color ?? 'black')
      .text(text, this.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3);
  }

  /** Label: value lines, labels in a column of their own. */
  fields(rows: readonly (readonly [string, string])[]): void {
    const labelWidth = this.width * 0.3;
    this.doc.fontSize(9);
    for (const [label, value] of rows) {
      const h = Math.max(
        this.doc.font(this.bold).heightOfString(label, { width: labelWidth - 6 }),
        this.doc.font(this.regular).heightOfString(value || '-', { width: this.width - labelWidth }),
      );
      this.ensureSpace(h + 2);
      const y = this.doc.y;
      this.doc
        .font(this.bold)
        .fillColor(GREY)
        .text(label, this.left, y, { width: labelWidth - 6 });
      this.doc
        .font(this.regular)
        .fillColor('black')
        .text(value || '-', this.left + labelWidth, y, { width: this.width - labelWidth });
      this.doc.y = y + h + 2;
    }
    this.doc.x = this.left;
    this.doc.moveDown(0.2);
  }

  /** A table with its header repeated on every page it runs onto. */
  table(columns: readonly Column[], rows: readonly (readonly string[])[], opts: TableOptions = {}): void {
    if (rows.length === 0) {
      this.paragraph(this.t.none, { color: GREY });
      return;
    }
    const doc = this.doc;
    const pad = 2.5;
    const size = 8;
    const widths = columns.map((c) => c.width * this.width);
    const lineHeight = doc.font(this.regular).fontSize(size).currentLineHeight(true);
    const header = () => {
      doc.font(this.bold).fontSize(size);
      const h = Math.max(...columns.map((c, i) => doc.heightOfString(c.header, { width: widths[i]! - 2 * pad }))) + 2 * pad;
      const y = doc.y;
      doc.rect(this.left, y, this.width, h).fillColor('#eeeeee').fill();
      let x = this.left;
      columns.forEach((c, i) => {
        doc.fillColor('black').text(c.header, x + pad, y + pad, { width: widths[i]! - 2 * pad, align: c.align ?? 'left' });
        x += widths[i]!;
      });
      doc.y = y + h;
    };
    this.ensureSpace(lineHeight * 3 + 4 * pad);
    header();
    doc.font(this.regular).fontSize(size).fillColor('black');
    for (const row of rows) {
      const h = opts.singleLine
        ? lineHeight + 2 * pad
        : Math.max(lineHeight, ...row.map((cell, i) => doc.heightOfString(cell, { width: widths[i]! - 2 * pad }))) + 2 * pad;
      if (doc.y + h > this.bottom) {
        doc.addPage();
        header();
        doc.font(this.regular).fontSize(size).fillColor('black');
      }
      const y = doc.y;
      let x = this.left;
      row.forEach((cell, i) => {
        const width = widths[i]! - 2 * pad;
        const align = columns[i]?.align ?? 'left';
        if (opts.singleLine) {
          // Text that fits is placed directly: the line wrapper (needed for the ellipsis) is the slow part.
          const w = doc.widthOfString(cell);
          if (w <= width) doc.text(cell, align === 'right' ? x + pad + width - w : x + pad, y + pad, { lineBreak: false });
          else doc.text(cell, x + pad, y + pad, { width, align, lineBreak: false, ellipsis: true, height: lineHeight });
        } else doc.text(cell, x + pad, y + pad, { width, align });
        x += widths[i]!;
      });
      doc
        .moveTo(this.left, y + h)
        .lineTo(this.left + this.width, y + h)
        .lineWidth(0.3)
        .strokeColor(RULE)
        .stroke();
      doc.y = y + h;
    }
    doc.x = this.left;
    doc.moveDown(0.4);
  }

  /** Ids laid out in `columns` columns, row by row (a list of thousands of serials on few pages). */
  idGrid(ids: readonly string[], columns = 4): void {
    const rows: string[][] = [];
    for (let i = 0; i < ids.length; i += columns) rows.push(Array.from({ length: columns }, (_, j) => ids[i + j] ?? ''));
    const cols = Array.from({ length: columns }, () => ({ header: '', width: 1 / columns }));
    if (rows.length === 0) this.paragraph(this.t.none, { color: GREY });
    else this.table(cols, rows, { singleLine: true });
  }
}

export interface PdfResult {
  pages: number;
  bytes: number;
}

/** The parts of pdfkit a streamed footer needs that its types do not declare. */
interface DocInternals {
  _font: { id: string; ref(): unknown; encode(text: string): [string[], unknown[]]; ascender: number };
  _fontSize: number;
  ref(data: object): { write(chunk: string): void; end(): void };
  page: { xobjects: Record<string, unknown>; fonts: Record<string, unknown> };
  addContent(data: string): Doc;
  /** pdfkit's fonts by name; an embedded one (the Chinese font) caches the glyph run of every word. */
  _fontFamilies: Record<string, { layoutCache?: Record<string, unknown> }>;
}

/**
 * Writes a report PDF to `path`: the title block, then `draw`, then the footer of every page.
 * `hash` is the SHA-256 of the report data file, printed on every page. With a `signer`, the PDF
 * carries a PAdES signature (reports/sign.ts).
 *
 * Streamed: each page is written out when the next begins. Its footer is stamped when it starts;
 * the "of M" of "page N of M" is one form XObject that every footer draws and whose content (the
 * page count) is written once the last page is done.
 */
export async function writeReportPdf(
  path: string,
  meta: ReportMeta,
  hash: string,
  draw: (pdf: ReportPdf) => void | Promise<void>,
  signer?: ReportSigner,
): Promise<PdfResult> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    autoFirstPage: false,
    info: {
      Title: `${meta.title} ${meta.id}`,
      Author: meta.generatedBy,
      Subject: `SHA-256 of the report data: ${hash}`,
      Creator: meta.software,
    },
  });
  const out = createWriteStream(path);
  doc.pipe(out);
  const pdf = new ReportPdf(doc, meta.lang);
  const t = pdf.t;
  const internals = doc as unknown as DocInternals;
  const FOOTER_SIZE = 7;
  const footerFont = internals._font;
  // The page count: a form XObject in the footer's font, filled in at the end.
  const total = internals.ref({
    Type: 'XObject',
    Subtype: 'Form',
    BBox: [-1000, -1000, 1000, 1000],
    Resources: { Font: { [footerFont.id]: footerFont.ref() } },
  });
  // Room for the count: as wide as the widest it can be (up to 99,999 pages).
  doc.font(pdf.regular).fontSize(FOOTER_SIZE);
  const totalWidth = doc.widthOfString(t.pageTotal(99999));
  let pages = 0;

  const stampFooter = () => {
    pages++;
    // The layout cache of an embedded font keeps every word it ever laid out (~20 MB for the
    // thousands of serials and lot codes of a 10,000-unit recall in Chinese); a page's worth is
    // enough to reuse its labels (turned off, the Chinese report took ~2x as long; bounded at
    // 5,000 words it peaked 12 MB higher in the same time).
    for (const f of Object.values(internals._fontFamilies)) if (f.layoutCache) f.layoutCache = Object.create(null);
    const d = internals;
    const font = d._font;
    const size = d._fontSize;
    const { x, y: bodyY } = doc;
    const { left, right, bottom, top } = doc.page.margins;
    const width = doc.page.width - left - right;
    // Writing inside the bottom margin would start a new page: lift it while stamping.
    doc.page.margins.bottom = 0;
    doc.page.margins.top = 0;
    doc.save();
    const y = doc.page.height - bottom + 14;
    doc
      .moveTo(left, y - 4)
      .lineTo(left + width, y - 4)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
    doc.font(pdf.regular).fontSize(FOOTER_SIZE).fillColor(GREY);
    doc.text(`${meta.title} · ${t.reportId} ${meta.id}`, left, top - 24, { width, lineBreak: false });
    doc.text(`${t.generatedAt} ${meta.generatedAt} (${meta.timeZone}) · ${t.generatedBy} ${meta.generatedBy}`, left, y, {
      width: width * 0.72,
      lineBreak: false,
    });
    const of = t.pageOf(pages);
    const ofX = left + width - totalWidth - doc.widthOfString(of);
    doc.text(of, ofX, y, { lineBreak: false });
    // The count's baseline where the text's would be (pdfkit places text by its top).
    const baseline = y + (footerFont.ascender / 1000) * FOOTER_SIZE;
    d.page.xobjects.TGPageTotal = total;
    d.page.fonts[footerFont.id] = footerFont.ref();
    d.addContent(`q 1 0 0 1 ${(left + width - totalWidth).toFixed(2)} ${baseline.toFixed(2)} cm /TGPageTotal Do Q`);
    doc.text(`${t.dataHash}: ${hash}`, left, y + 10, { width, lineBreak: false });
    doc.restore();
    doc.page.margins.bottom = bottom;
    doc.page.margins.top = top;
    d._font = font;
    d._fontSize = size;
    doc.x = x;
    doc.y = bodyY;
  };
  doc.on('pageAdded', stampFooter);
  doc.addPage();

  pdf.title(meta.title);
  pdf.fields([
    [t.reportId, meta.id],
    [t.generatedAt, `${meta.generatedAt} (${meta.timeZone})`],
    [t.generatedBy, meta.generatedBy],
    [t.dataHash, hash],
  ]);
  await draw(pdf);

  // The count, in the footer's colour and font; the page's flipped y axis flipped back for the glyphs.
  const [glyphs] = footerFont.encode(t.pageTotal(pages));
  total.write(`0.333 0.333 0.333 rg BT 1 0 0 -1 0 0 Tm /${footerFont.id} ${FOOTER_SIZE} Tf <${glyphs.join('')}> Tj ET`);
  total.end();
  let placeholder: SignaturePlaceholder | undefined;
  // node-forge (~9 MB of code) is loaded only to sign.
  const sign = signer && (await import('./sign.ts'));
  if (signer && sign)
    placeholder = sign.addSignaturePlaceholder(doc, signer, {
      reason: `${meta.title} ${meta.id}; data SHA-256 ${hash}`,
      signedAt: new Date(),
    });
  doc.end();
  await finished(out);
  if (signer && sign && placeholder) await sign.signPdfFile(path, placeholder, signer);
  return { pages, bytes: out.bytesWritten };
}
