/**
 * Mass balance of a lot: what came in (received, or produced for an intermediate lot) against what
 * operations consumed. A lot that consumed more than it had, or consumed in another unit of
 * measure, is a data problem to show, never one to hide.
 */
import type { MassBalance } from './port.ts';

/** One lot as an adapter reads it: its receive and its flow edges. */
export interface LotFlows {
  id: string;
  /** Set when a receive event named the lot. */
  received: { qty: number; uom: string } | null;
  /** OUTPUT edges into the lot (it was made by these operations). */
  produced: { qty: number | null; uom: string | null; op: string }[];
  /** INPUT_TO edges out of the lot. */
  consumed: { qty: number | null; uom: string | null; op: string }[];
}

/** Quantities are summed in a fixed order and rounded to micro-units so that both backends agree. */
const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function balance(l: LotFlows): MassBalance {
  const reasons: string[] = [];
  let incoming: number | null = null;
  let uom: string | null = null;
  if (l.received) {
    incoming = l.received.qty;
    uom = l.received.uom;
  } else if (l.produced.length) {
    const quantified = l.produced.filter((p) => p.qty !== null);
    if (quantified.length) {
      uom = quantified[0]!.uom;
      incoming = 0;
      for (const p of quantified) {
        if ((p.uom ?? uom) !== uom) reasons.push(`produced in ${p.uom} by ${p.op} but in ${uom} elsewhere`);
        else incoming += p.qty!;
      }
    }
  }
  let consumed = 0;
  let unquantified = 0;
  for (const c of [...l.consumed].sort((a, b) => (a.op < b.op ? -1 : a.op > b.op ? 1 : 0))) {
    if (c.qty === null) {
      unquantified++;
      continue;
    }
    // An edge without a unit of measure is read in the lot's own.
    if (uom !== null && c.uom !== null && c.uom !== uom) {
      reasons.push(`consumed ${c.qty} ${c.uom} by ${c.op}, but the lot is counted in ${uom}`);
      continue;
    }
    consumed += c.qty;
  }
  consumed = round(consumed);
  if (incoming === null && consumed > 0) reasons.push(`consumed ${consumed} but never received or produced with a quantity`);
  if (incoming !== null && consumed > incoming + 1e-9)
    reasons.push(
      `consumed ${consumed} ${uom ?? ''} but only ${incoming} ${uom ?? ''} ${l.received ? 'received' : 'produced'}`.replace(
        / +/g,
        ' ',
      ),
    );
  return {
    lot: l.id,
    received: incoming === null ? null : round(incoming),
    source: incoming === null ? null : l.received ? 'received' : 'produced',
    uom,
    consumed,
    remaining: incoming === null ? null : round(incoming - consumed),
    unquantified,
    discrepancy: reasons.length > 0,
    reasons,
  };
}
