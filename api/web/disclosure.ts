/**
 * What the public Digital Link page may show, from one file: `<dataDir>/tracegraph.disclosure.json`.
 * Anything not switched on stays off; operators, equipment and customers are off unless the plant
 * writes them in. A malformed file stops the page with a message naming the file (never a guess).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { TracegraphError } from '../../core/errors.ts';

export const DISCLOSURE_FILE = 'tracegraph.disclosure.json';

export const DisclosureSchema = z
  .object({
    /** The brand or plant name shown in the page header. */
    brand: z.string().max(120).default('tracegraph'),
    /** Product names by GTIN-14 (the Digital Link's `01`). */
    products: z.record(z.string().regex(/^\d{14}$/), z.string().max(200)).default({}),
    show: z
      .object({
        product: z.boolean().default(true),
        productionDate: z.boolean().default(true),
        inspectionVerdict: z.boolean().default(true),
        materialOrigins: z.boolean().default(true),
        operators: z.boolean().default(false),
        equipment: z.boolean().default(false),
        customers: z.boolean().default(false),
      })
      .strict()
      .default({
        product: true,
        productionDate: true,
        inspectionVerdict: true,
        materialOrigins: true,
        operators: false,
        equipment: false,
        customers: false,
      }),
  })
  .strict();
export type Disclosure = z.infer<typeof DisclosureSchema>;

const cache = new Map<string, { mtimeMs: number; value: Disclosure }>();

/** The data directory's disclosure file, re-read when it changes; the defaults when there is none. */
export function loadDisclosure(dataDir: string): Disclosure {
  const file = join(dataDir, DISCLOSURE_FILE);
  const s = statSync(file, { throwIfNoEntry: false });
  if (!s) return DisclosureSchema.parse({});
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === s.mtimeMs) return hit.value;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new TracegraphError('CONFIG', `${file} is not valid JSON (${(e as Error).message}): fix it or remove it`);
  }
  const r = DisclosureSchema.safeParse(raw);
  if (!r.success)
    throw new TracegraphError(
      'CONFIG',
      `${file}: ${r.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`,
    );
  cache.set(file, { mtimeMs: s.mtimeMs, value: r.data });
  return r.data;
}
