/** The schema's names and nullability are a contract with clients (DESIGN.md): pinned here. */
// graphql/index.js, not graphql: under vitest a bare `graphql` in project code resolves to the ESM
// build while Pothos and yoga load the CommonJS one, and graphql refuses to mix the two.
import { printSchema } from 'graphql/index.js';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../api/schema/index.ts';

describe('GraphQL schema', () => {
  it('declares the trace queries and Trace as DESIGN.md names them, non-null throughout', () => {
    const sdl = printSchema(buildSchema()).replace(/"""[\s\S]*?"""\s*/g, '');
    expect(sdl).toMatch(/traceForward\(\s*from: \[ID!\]!\s*\): Trace!/);
    expect(sdl).toMatch(/traceBackward\(\s*from: \[ID!\]!\s*\): Trace!/);
    expect(sdl).toContain(
      'type Trace {\n  lots: [Item!]!\n  units: [Item!]!\n  containers: [Item!]!\n  shipments: [Shipment!]!\n  customers: [Party!]!\n',
    );
    for (const t of ['Item', 'Shipment', 'Party']) expect(sdl).toContain(`type ${t} {\n  id: ID!\n}`);
  });

  it('declares recallScope, events on Trace, createRecall and massBalance', () => {
    const sdl = printSchema(buildSchema()).replace(/"""[\s\S]*?"""\s*/g, '');
    expect(sdl).toMatch(/recallScope\(\s*criteria: RecallCriteria!\s*\): RecallScope!/);
    expect(sdl).toMatch(/type Trace \{[^}]*events: \[TraceEvent!\]!/);
    expect(sdl).toContain('type TraceEvent {\n  id: ID!\n}');
    expect(sdl).toMatch(/createRecall\(\s*criteria: RecallCriteria!,?\s*name: String!\s*\): Recall!/);
    expect(sdl).toMatch(/massBalance\(\s*lots: \[ID!\]!\s*\): \[MassBalance!\]!/);
  });
});
