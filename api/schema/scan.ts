/**
 * `resolveScan(input)`: the one box of the serial lookup page. Whatever customer service types or a
 * hand scanner sends (a plant serial, an EPC URN, a GS1 Digital Link URL, or a raw GS1 element
 * string with FNC1 / GS separators) becomes the id the graph knows, plus the item's public
 * Digital Link path when it has one (for the printable QR code).
 */
import { TracegraphError } from '../../core/errors.ts';
import { parseGs1Barcode } from '../../core/gs1-barcode.ts';
import { digitalLinkPath } from '../../core/ids.ts';
import { builder } from '../builder.ts';
import { parseItemId } from './history.ts';

interface Resolved {
  id: string;
  read: 'gs1' | 'digitalLink' | 'epc' | 'plain';
  found: boolean;
}

const ScanReadEnum = builder.enumType('ScanRead', {
  description: 'How the input was read: a GS1 element string, a Digital Link URL, an EPC URN, or a plant id as typed.',
  values: ['gs1', 'digitalLink', 'epc', 'plain'] as const,
});

const ScanResolution = builder.objectRef<Resolved>('ScanResolution').implement({
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The id the graph uses (an EPC URN, or the plant id verbatim)' }),
    read: t.field({ type: ScanReadEnum, resolve: (r) => r.read }),
    found: t.exposeBoolean('found', { description: 'Whether the graph holds a lot or unit with this id' }),
    digitalLink: t.string({
      nullable: true,
      description: 'The GS1 Digital Link path on this server (`/01/{gtin}/21/{serial}`), when the id is an SGTIN or LGTIN',
      resolve: (r) => digitalLinkPath(r.id) ?? null,
    }),
  }),
});

/** A raw element string starts with a symbology identifier, an AI in brackets, or AI 01/00 digits with a GS. */
function looksLikeGs1(s: string): boolean {
  return /^\]/.test(s) || s.startsWith('(') || s.includes('\u001d') || /^(01\d{14}|00\d{18})/.test(s);
}

builder.queryFields((t) => ({
  resolveScan: t.field({
    authScopes: { readHistory: true },
    type: ScanResolution,
    description:
      'Turns a serial, EPC URN, GS1 Digital Link URL or raw scanned GS1 element string (FNC1 as GS, \\u001d) into the id the graph uses.',
    args: { input: t.arg.string({ required: true }) },
    resolve: async (_r, args, ctx) => {
      const input = args.input.trim();
      if (input.length > 1024) throw new TracegraphError('BAD_INPUT', 'the scan is longer than 1024 characters');
      let r: Omit<Resolved, 'found'>;
      if (/^https?:\/\//i.test(input)) r = { id: parseGs1Barcode(input).id, read: 'digitalLink' };
      else if (input.startsWith('urn:epc:')) r = { id: parseItemId(input, 'input'), read: 'epc' };
      else if (looksLikeGs1(input)) r = { id: parseGs1Barcode(input).id, read: 'gs1' };
      else r = { id: parseItemId(input, 'input'), read: 'plain' };
      return { ...r, found: (await ctx.store.itemRecord(r.id)) !== null };
    },
  }),
}));
