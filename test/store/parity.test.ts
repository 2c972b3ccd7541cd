/**
 * Kuzu and Neo4j answer alike: the same documents and plant imported into both give the same
 * trace from every item, forward and backward.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CanonicalEvent } from '../../core/events.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { parseEpcisJson } from '../../ingest/epcis/parse-json.ts';
import { generatePlant } from '../../ingest/seed/plant.ts';
import { backends } from '../helpers/stores.ts';
import { readFileSync } from 'node:fs';
import { fixture } from '../helpers/fixtures.ts';

const GS1 = fixture('gs1-epcis');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? jsonFiles(p) : /\.jsonld?$/.test(f) ? [p] : [];
  });
}

/** Every lot or unit id an event names. */
function itemIds(events: CanonicalEvent[]): string[] {
  const ids = new Set<string>();
  for (const e of events) {
    if (e.kind === 'receive') ids.add(e.lot);
    else if (e.kind === 'operation') [...e.inputs, ...e.outputs].forEach((x) => ids.add(x.id));
    else if (e.kind === 'scan' || e.kind === 'inspection') ids.add(e.id);
    else if (e.kind === 'pack') [e.parent, ...e.children].forEach((x) => ids.add(x));
    else if (e.kind === 'ship') e.items.forEach((x) => ids.add(x));
  }
  return [...ids].sort();
}

const [kuzu, neo4j] = backends();

describe.skipIf(neo4j!.skip)('Kuzu and Neo4j give the same answers', () => {
  afterAll(async () => {
    await kuzu!.release();
    await neo4j!.release();
  });

  async function both(events: CanonicalEvent[]): Promise<[GraphStore, GraphStore]> {
    const a = await kuzu!.open();
    const b = await neo4j!.open();
    for (let i = 0; i < events.length; i += 400) {
      await a.applyEvents(events.slice(i, i + 400));
      await b.applyEvents(events.slice(i, i + 400));
    }
    return [a, b];
  }

  async function compare(a: GraphStore, b: GraphStore, ids: string[]) {
    for (const id of ids) {
      expect(await b.traceForward([id]), `forward ${id}`).toEqual(await a.traceForward([id]));
      expect(await b.traceBackward([id]), `backward ${id}`).toEqual(await a.traceBackward([id]));
    }
    const [sa, sb] = [await a.stats(), await b.stats()];
    expect(sb.events).toBe(sa.events);
    expect(sb.nodes).toEqual(sa.nodes);
  }

  it('on every GS1 EPCIS example', async () => {
    const events = jsonFiles(GS1).flatMap((f) => parseEpcisJson(readFileSync(f, 'utf8'), { file: f }).events);
    const [a, b] = await both(events);
    await compare(a, b, itemIds(events));
  });

  it('on a 300-unit synthetic plant', async () => {
    const events = [...generatePlant({ units: 300, seed: 5 })].map((e) => CanonicalEvent.parse(e));
    const [a, b] = await both(events);
    const ids = itemIds(events);
    await compare(
      a,
      b,
      ids.filter((_, i) => i % 7 === 0),
    );
  });
});
