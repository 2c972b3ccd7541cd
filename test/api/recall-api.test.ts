/** Recall scope, saved recalls, mass balance, and trace quantities and events over real HTTP, on every backend. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { UserStore } from '../../domain/auth/users.ts';
import { createApiServer, type ApiServer } from '../../api/server.ts';
import { backends, tempDir } from '../helpers/stores.ts';
import { DEV_KEY, gql } from './client.ts';
import { at } from '../helpers/events.ts';
import { recallPlant } from '../store/recall-fixtures.ts';

const SCOPE = `query($c: RecallCriteria!, $first: Int, $after: String) {
  recallScope(criteria: $c) {
    criteria
    counts { units lots shipments customers inStock shipped }
    units(first: $first, after: $after) { total nodes { id } endCursor hasNextPage }
    lots { nodes { id } }
    shipments { nodes { shipment { id } customer { id } units } }
    customers { id }
    naive { units description }
    precision
    spared
  }
}`;

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`recall API on ${backend.name}`, () => {
    let server: ApiServer;
    const dataDir = tempDir();
    beforeAll(async () => {
      const store = await backend.open();
      await store.applyEvents(recallPlant());
      server = await createApiServer({ store, port: 0, dataDir, devKey: DEV_KEY });
    });
    afterAll(async () => {
      await server?.close();
      await backend.release();
    });

    it('recallScope answers counts, paged units, shipments per customer and the naive scope', async () => {
      const r = await gql(server.url, SCOPE, { c: { supplierLots: ['L1'] }, first: 2 });
      expect(r.errors).toBeUndefined();
      const s = r.data!.recallScope as Record<string, unknown>;
      expect(s.counts).toEqual({ units: 3, lots: 3, shipments: 2, customers: 2, inStock: 1, shipped: 2 });
      expect(s.units).toEqual({ total: 3, nodes: [{ id: 'U1' }, { id: 'U2' }], endCursor: 'U2', hasNextPage: true });
      expect(s.shipments).toEqual({
        nodes: [
          { shipment: { id: 'SHP1' }, customer: { id: 'CUST-A' }, units: 1 },
          { shipment: { id: 'SHP2' }, customer: { id: 'CUST-B' }, units: 1 },
        ],
      });
      expect(s).toMatchObject({ precision: 0.6, spared: 2, naive: { units: 5 } });
      expect(JSON.parse(s.criteria as string)).toEqual({ supplierLots: ['L1'] });
      const next = await gql(server.url, SCOPE, { c: { supplierLots: ['L1'] }, first: 2, after: 'U2' });
      expect((next.data!.recallScope as { units: unknown }).units).toEqual({
        total: 3,
        nodes: [{ id: 'U5' }],
        endCursor: 'U5',
        hasNextPage: false,
      });
    });

    it('recallScope takes equipment windows, parameters and defect codes, and says what is wrong with bad criteria', async () => {
      const q = `query($c: RecallCriteria!) { recallScope(criteria: $c) { units { nodes { id } } } }`;
      const unitsOf = async (c: Record<string, unknown>) =>
        ((await gql(server.url, q, { c })).data?.recallScope as { units: { nodes: { id: string }[] } }).units.nodes.map(
          (n) => n.id,
        );
      expect(await unitsOf({ equipment: { id: 'MIXER-1', from: at(18), to: at(30) } })).toEqual(['U3', 'U4']);
      expect(await unitsOf({ parameter: { equipmentId: 'MIXER-1', name: 'temperature', min: 55, max: 70 } })).toEqual([
        'U3',
        'U4',
      ]);
      expect(await unitsOf({ defectCode: 'D-SEAL', operator: 'OPR-3' })).toEqual(['U3']);
      const none = await gql(server.url, q, { c: { from: at(0) } });
      expect(none.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/at least one/),
        extensions: { code: 'BAD_INPUT' },
      });
      const badDate = await gql(server.url, q, { c: { operator: 'OPR-2', to: 'tomorrow' } });
      expect(badDate.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
    });

    it('createRecall saves the scope with its criteria and counts, and recalls lists it', async () => {
      const r = await gql(
        server.url,
        `mutation($c: RecallCriteria!) { createRecall(criteria: $c, name: "Hardener lot L3") { id name criteria counts { units } createdAt createdBy } }`,
        { c: { supplierLots: ['L3'] } },
      );
      expect(r.errors).toBeUndefined();
      const saved = r.data!.createRecall as { id: string; counts: { units: number } };
      expect(saved).toMatchObject({ name: 'Hardener lot L3', counts: { units: 5 }, createdBy: 'dev' });
      const list = await gql(server.url, `{ recalls { id name criteria } }`);
      expect(list.data?.recalls).toEqual([{ id: saved.id, name: 'Hardener lot L3', criteria: '{"supplierLots":["L3"]}' }]);
    });

    it('approveRecall needs the approver to re-enter the password; the signed approval is listed on the recall', async () => {
      const users = new UserStore(dataDir, new AuditTrail(dataDir));
      const qa = await users.add({ name: 'qa-lead', role: 'quality', password: 'correct horse battery', by: 'test' });
      const cs = await users.add({ name: 'cs-agent', role: 'service', by: 'test' });
      const created = await gql<{ createRecall: { id: string } }>(
        server.url,
        `mutation { createRecall(criteria: { supplierLots: ["L1"] }, name: "Resin L1") { id } }`,
        {},
        qa,
      );
      const id = created.data!.createRecall.id;
      const approve = (password: string, key: string) =>
        gql<{ approveRecall: { signer: string; meaning: string } }>(
          server.url,
          `mutation($id: ID!, $p: String!) { approveRecall(id: $id, password: $p, meaning: "approved for customer notice") { signer meaning } }`,
          { id, p: password },
          key,
        );
      expect((await approve('wrong', qa)).errors?.[0]?.extensions?.code).toBe('SIGNATURE_INVALID');
      expect((await approve('correct horse battery', cs)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const ok = await approve('correct horse battery', qa);
      expect(ok.data?.approveRecall).toEqual({ signer: 'qa-lead', meaning: 'approved for customer notice' });
      const unknown = await gql(server.url, `mutation { approveRecall(id: "no-such-recall", password: "x") { signer } }`, {}, qa);
      expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const list = await gql<{ recalls: { id: string; approvals: { signer: string }[] }[] }>(
        server.url,
        '{ recalls { id approvals { signer } } }',
        {},
        qa,
      );
      expect(list.data!.recalls.find((r) => r.id === id)!.approvals).toEqual([{ signer: 'qa-lead' }]);
    });

    it('massBalance flags a lot that consumed more than it received', async () => {
      const r = await gql(
        server.url,
        `{ massBalance(lots: ["L3", "L2"]) { lot { id } received consumed remaining uom discrepancy reasons } }`,
      );
      expect(r.data?.massBalance).toEqual([
        {
          lot: { id: 'L3' },
          received: 50,
          consumed: 55,
          remaining: -5,
          uom: 'kg',
          discrepancy: true,
          reasons: ['consumed 55 kg but only 50 kg received'],
        },
        { lot: { id: 'L2' }, received: 100, consumed: 80, remaining: 20, uom: 'kg', discrepancy: false, reasons: [] },
      ]);
    });

    it('a trace carries its quantities, units per shipment and the ids of its events', async () => {
      const r = await gql(
        server.url,
        `{ f: traceForward(from: ["L1"]) { units { id } flows { from { id } to { id } qty uom } shipmentUnits { shipment { id } customer { id } units } }
           b: traceBackward(from: ["U3"]) { events { id } } }`,
      );
      expect(r.errors).toBeUndefined();
      const f = r.data!.f as { flows: unknown[]; shipmentUnits: unknown[] };
      expect(f.flows[0]).toEqual({ from: { id: 'L1' }, to: { id: 'M1' }, qty: 60, uom: 'kg' });
      expect(f.flows).toHaveLength(5);
      expect(f.shipmentUnits).toEqual([
        { shipment: { id: 'SHP1' }, customer: { id: 'CUST-A' }, units: 1 },
        { shipment: { id: 'SHP2' }, customer: { id: 'CUST-B' }, units: 1 },
      ]);
      expect((r.data!.b as { events: { id: string }[] }).events.map((e) => e.id)).toEqual([
        'asm2',
        'i3',
        'mix1',
        'mix2',
        'p1',
        'r2',
        'r3',
        's1',
      ]);
    });
  });
}
