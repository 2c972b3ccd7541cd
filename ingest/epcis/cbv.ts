/**
 * GS1 Core Business Vocabulary (CBV 2.0): one value has up to four spellings
 * (`receiving`, `cbv:BizStep-receiving`, `https://ref.gs1.org/cbv/BizStep-receiving`,
 * `urn:epcglobal:cbv:bizstep:receiving`). The graph and queries compare the short word, so
 * every spelling is reduced to it; values outside the CBV stay as written.
 */

/** CBV 2.0 §7.1 business steps. */
// prettier-ignore
export const CBV_BIZ_STEPS: ReadonlySet<string> = new Set([
  'accepting', 'arriving', 'assembling', 'collecting', 'commissioning', 'consigning',
  'creating_class_instance', 'cycle_counting', 'decommissioning', 'departing', 'destroying',
  'disassembling', 'dispensing', 'encoding', 'entering_exiting', 'holding', 'inspecting',
  'installing', 'killing', 'loading', 'other', 'packing', 'picking', 'receiving', 'removing',
  'repackaging', 'repairing', 'replacing', 'reserving', 'retail_selling', 'sampling',
  'sensor_reporting', 'shipping', 'staging_outbound', 'stock_taking', 'stocking', 'storing',
  'transporting', 'unloading', 'unpacking', 'void_shipping',
]);

/** CBV 2.0 §7.2 dispositions. */
// prettier-ignore
export const CBV_DISPOSITIONS: ReadonlySet<string> = new Set([
  'active', 'available', 'completeness_inferred', 'completeness_verified', 'conformant',
  'container_closed', 'container_open', 'damaged', 'destroyed', 'dispensed', 'disposed', 'encoded',
  'expired', 'in_progress', 'in_transit', 'inactive', 'mismatch_class', 'mismatch_instance',
  'mismatch_quantity', 'needs_replacement', 'no_pedigree_match', 'non_conformant',
  'non_sellable_other', 'partially_dispensed', 'recalled', 'reserved', 'retail_sold', 'returned',
  'sellable_accessible', 'sellable_not_accessible', 'stolen', 'unavailable', 'unknown',
]);

// Vocabulary names as they appear in the URN and in the Web URI / CURIE forms.
const URN = /^urn:epcglobal:cbv:(?:bizstep|disp|btt|sdt|er|comp):(.+)$/i;
const WEB = /^(?:https?:\/\/ref\.gs1\.org\/cbv\/|cbv:)(?:BizStep|Disp|BTT|SDT|ER|Comp)-(.+)$/i;
// Sensor measurement types and alert types live in the GS1 Web Vocabulary, not the CBV,
// but are spelt the same three ways (`Temperature`, `gs1:MT-Temperature`, full URI).
const GS1_VOC = /^(?:gs1:|https?:\/\/(?:ref\.)?gs1\.org\/voc\/)(?:MT-)?(.+)$/i;

/** The short CBV word for any spelling of a CBV value; anything else is returned unchanged. */
export function shortCbv(value: string): string {
  const s = value.trim();
  const m = URN.exec(s) ?? WEB.exec(s) ?? GS1_VOC.exec(s);
  return m?.[1] ?? s;
}

export type CbvVocabulary = 'bizStep' | 'disposition';

const WORDS: Record<CbvVocabulary, ReadonlySet<string>> = {
  bizStep: CBV_BIZ_STEPS,
  disposition: CBV_DISPOSITIONS,
};

/**
 * Why a bizStep/disposition is not acceptable, or undefined when it is. A bare word must be a
 * CBV word (EPCIS 2.0 JSON reads bare words as CBV terms); a value in a CBV namespace must name
 * a real CBV word; any other URI or CURIE is a private vocabulary and allowed.
 */
export function cbvProblem(value: string, vocabulary: CbvVocabulary): string | undefined {
  const words = WORDS[vocabulary];
  const inCbvNamespace = URN.test(value) || WEB.test(value);
  if (inCbvNamespace || !value.includes(':')) {
    const word = shortCbv(value);
    if (!words.has(word)) {
      const examples = [...words].slice(0, 3).join(', ');
      return `"${value}" is not a CBV ${vocabulary}; use a CBV word (${examples}, ...) or a URI of your own vocabulary`;
    }
  }
  return undefined;
}
