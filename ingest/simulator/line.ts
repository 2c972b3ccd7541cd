/**
 * One simulated electronics line: a PLC (an OPC UA tag server) for the printer and the reflow oven,
 * and MQTT devices for the rest. Each takt every station works on the unit in front of it, so a
 * board printed now reaches the tester a few takts later, as on a real line:
 *
 *   print (OPC UA: cycle counter + serial + paste/PCB lot + operator) -> reflow (OPC UA: counter,
 *   zone temperatures) -> AOI (OPC UA scan tag + MQTT inspection) -> PSU sub-assembly and final
 *   assembly (MQTT operations, with a housing lot) -> functional test (MQTT inspection) -> case ->
 *   pallet (MQTT pack) -> ship (MQTT).
 *
 * Defects follow the process: a board reflowed while an oven zone was out of spec, or printed with
 * the printer out of spec, fails AOI far more often, so an injected fault shows up in inspections.
 */
import type { CanonicalEventInput } from '../../core/events.ts';
import type { OpcuaMappingInput } from '../opcua/config.ts';
import { SimulatedParameter, type FaultKind } from './faults.ts';
import type { StationPublisher } from './publishers.ts';
import { gs1, lineTags, type LineSpec, type Routing } from './routing.ts';
import { startTagServer, tagNodeId, type TagServer, type TagSpec } from './tag-server.ts';

interface Board {
  id: string;
  serial: string;
  printerOutOfSpec: boolean;
  ovenOutOfSpec?: boolean;
}

interface Lots {
  paste: { id: string; left: number; n: number };
  pcb: { id: string; left: number; n: number };
  housing: { id: string; left: number; n: number };
  psuComponents: { id: string; left: number; n: number };
}

export interface LineOptions {
  spec: LineSpec;
  routing: Routing;
  port: number;
  pkiDir: string;
  publisher: StationPublisher;
  random: () => number;
  /** Makes serials and lots unique per run, so a restarted demo never reuses an id. */
  runId: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** An event as a station composes it: the line adds the id and the time. */
type Draft = CanonicalEventInput extends infer E ? (E extends unknown ? Omit<E, 'eventId' | 'eventTime'> : never) : never;

export class SimulatedLine {
  readonly spec: LineSpec;
  private readonly tags: ReturnType<typeof lineTags>;
  private readonly params: { equipment: 'Printer' | 'Reflow'; equipmentId: string; p: SimulatedParameter }[] = [];
  private server: TagServer | undefined;
  private seq = 0;
  private units = 0;
  private printCount = 0;
  private reflowCount = 0;
  private cases = 0;
  private pallets = 0;
  private shipments = 0;
  private lots: Lots | undefined;
  private toReflow: Board[] = [];
  private toAoi: Board[] = [];
  private toAssembly: Board[] = [];
  private toTest: string[] = [];
  private openCase: string[] = [];
  private openPallet: string[] = [];
  /** The last finished unit that passed its functional test. */
  lastPassed: string | undefined;

  constructor(private readonly o: LineOptions) {
    this.spec = o.spec;
    this.tags = lineTags(o.spec.id);
    for (const p of o.spec.printer.parameters)
      this.params.push({ equipment: 'Printer', equipmentId: o.spec.printer.id, p: new SimulatedParameter(p, o.random) });
    for (const p of o.spec.oven.parameters)
      this.params.push({ equipment: 'Reflow', equipmentId: o.spec.oven.id, p: new SimulatedParameter(p, o.random) });
  }

  get endpoint(): string {
    return `opc.tcp://127.0.0.1:${this.o.port}`;
  }

  private tagSpecs(): TagSpec[] {
    const t = this.tags;
    const strings = [t.printSerial, t.printPasteLot, t.printPcbLot, t.printOperator, t.reflowSerial, t.aoiCode];
    return [
      ...this.params.map(({ equipment, p }) => ({
        name: t.parameter(equipment, p.spec.name),
        type: 'Double' as const,
        initial: p.spec.nominal,
        description: p.spec.uom,
      })),
      { name: t.printCount, type: 'UInt32' as const, initial: 0 },
      { name: t.reflowCount, type: 'UInt32' as const, initial: 0 },
      ...strings.map((name) => ({ name, type: 'String' as const })),
    ];
  }

  async start(): Promise<void> {
    this.server = await startTagServer({
      port: this.o.port,
      pkiDir: this.o.pkiDir,
      tags: this.tagSpecs(),
      productName: `tracegraph simulated ${this.spec.id}`,
      minimumSamplingIntervalMs: 100,
    });
  }

  /** The mapping the OPC UA worker needs for this line's PLC. */
  mapping(): OpcuaMappingInput['endpoints'][number] {
    const t = this.tags;
    const { spec } = this;
    return {
      url: this.endpoint,
      name: `${this.o.routing.site}/${spec.id}`,
      publishingIntervalMs: 100,
      readings: this.params.map(({ equipment, equipmentId, p }) => ({
        nodeId: tagNodeId(t.parameter(equipment, p.spec.name)),
        equipmentId,
        parameter: p.spec.name,
        uom: p.spec.uom,
        samplingIntervalMs: 500,
        deadband: p.spec.deadband,
      })),
      operations: [
        {
          counterNodeId: tagNodeId(t.printCount),
          serialNodeId: tagNodeId(t.printSerial),
          operatorNodeId: tagNodeId(t.printOperator),
          step: 'print',
          station: `${spec.id}-PRINT`,
          // A board is printed and reflowed within one takt (simulated time, as the tags' timestamps).
          cycleTimeMs: this.o.routing.taktMs,
          equipmentId: spec.printer.id,
          recipeId: 'PASTE-PRINT-R3',
          inputs: [
            { nodeId: tagNodeId(t.printPasteLot), qty: 0.004, uom: 'kg' },
            { nodeId: tagNodeId(t.printPcbLot), qty: 1, uom: 'ea' },
          ],
        },
        {
          counterNodeId: tagNodeId(t.reflowCount),
          serialNodeId: tagNodeId(t.reflowSerial),
          serialRole: 'input',
          step: 'reflow',
          station: `${spec.id}-REFLOW`,
          // The board entered the oven when the next one was printed, one takt before it came out.
          cycleTimeMs: this.o.routing.taktMs,
          equipmentId: spec.oven.id,
          recipeId: 'SAC305-PROFILE-2',
        },
      ],
      scans: [{ nodeId: tagNodeId(t.aoiCode), station: `${spec.id}-AOI`, step: 'aoi' }],
    };
  }

  /** Starts a fault on one of this line's parameters; false when the line has no such parameter. */
  inject(equipmentId: string, parameter: string, kind: FaultKind, nowMs: number, durationMs: number): boolean {
    const hit = this.params.find((x) => x.equipmentId === equipmentId && x.p.spec.name === parameter);
    hit?.p.inject(kind, nowMs, durationMs);
    return hit !== undefined;
  }

  /** Samples every process parameter and writes it to its tag. */
  sample(nowMs: number): void {
    for (const { equipment, p } of this.params)
      this.server?.set(this.tags.parameter(equipment, p.spec.name), p.sample(nowMs), { sourceTimestamp: new Date(nowMs) });
  }

  private send(station: string, event: Draft, nowMs: number): void {
    const e = { ...event, eventId: `sim:${this.o.runId}:${this.spec.id}:${++this.seq}`, eventTime: iso(nowMs) };
    this.o.publisher.publish(station, e as CanonicalEventInput);
  }

  private operator(nowMs: number, station: number): string {
    const { shifts, shiftMinutes } = this.o.routing;
    const crew = shifts[Math.floor(nowMs / (shiftMinutes * 60_000)) % shifts.length] ?? ['OP-1'];
    return crew[station % crew.length] ?? 'OP-1';
  }

  /** Takes the next lot when the current one is used up, receiving it first (as goods-in would). */
  private lot(kind: keyof Lots, nowMs: number): string {
    const r = this.o.routing;
    const lots = (this.lots ??= {
      paste: { id: '', left: 0, n: 0 },
      pcb: { id: '', left: 0, n: 0 },
      housing: { id: '', left: 0, n: 0 },
      psuComponents: { id: '', left: 0, n: 0 },
    });
    const l = lots[kind];
    if (l.left > 0) {
      l.left--;
      return l.id;
    }
    l.n++;
    const tag = `${this.o.runId}${this.spec.id.replace(/\D/g, '')}${String(l.n).padStart(3, '0')}`;
    const def = {
      paste: {
        id: gs1.pasteLot(`SP${tag}`),
        size: r.pasteLotSize,
        material: 'solder paste SAC305',
        qty: 0.5,
        uom: 'kg',
        supplier: 'Kester',
      },
      pcb: {
        id: gs1.pcbLot(`PCB${tag}`),
        size: r.pasteLotSize * 2,
        material: 'bare PCB rev C',
        qty: r.pasteLotSize * 2,
        uom: 'ea',
        supplier: 'Unimicron',
      },
      housing: {
        id: gs1.housingLot(`H${tag}`),
        size: r.housingLotSize,
        material: 'housing PC/ABS',
        qty: r.housingLotSize,
        uom: 'ea',
        supplier: 'Jabil Plastics',
      },
      psuComponents: {
        id: gs1.psuComponentLot(`C${tag}`),
        size: r.psuComponentLotSize,
        material: 'PSU component kit',
        qty: r.psuComponentLotSize,
        uom: 'ea',
        supplier: 'Mean Well',
      },
    }[kind];
    l.id = def.id;
    l.left = def.size - 1;
    this.send(
      'RECEIVING',
      {
        kind: 'receive',
        lot: def.id,
        material: def.material,
        qty: def.qty,
        uom: def.uom,
        supplier: def.supplier,
        supplierLot: `SL-${tag}`,
      },
      nowMs - 1000,
    );
    return l.id;
  }

  /** One takt: every station works on the unit in front of it, downstream first. */
  takt(nowMs: number): void {
    const s = this.spec;
    const station = (name: string) => `${s.id}-${name}`;
    const random = this.o.random;

    // Functional test, then case, pallet and shipment.
    const product = this.toTest.shift();
    if (product) {
      const fail = random() < s.tester.failRate;
      this.send(
        station('FCT'),
        {
          kind: 'inspection',
          id: product,
          result: fail ? 'fail' : 'pass',
          station: station('FCT'),
          inspectorId: this.operator(nowMs, 2),
          measurements: [
            { name: 'supply_voltage', value: Math.round((5 + (random() - 0.5) * (fail ? 0.6 : 0.1)) * 1000) / 1000, uom: 'V' },
            { name: 'idle_current', value: Math.round(120 + (random() - 0.5) * 10), uom: 'mA' },
          ],
          defects: fail ? ['FCT_VOLTAGE_OUT_OF_RANGE'] : undefined,
        },
        nowMs,
      );
      if (!fail) {
        this.openCase.push(product);
        this.lastPassed = product;
      }
    }
    if (this.openCase.length >= s.caseSize) {
      const c = gs1.sscc(0, Number(`${this.o.runId.slice(-4)}${String(++this.cases).padStart(5, '0')}`));
      this.send(station('PACK'), { kind: 'pack', parent: c, children: this.openCase.splice(0) }, nowMs);
      this.openPallet.push(c);
    }
    if (this.openPallet.length >= s.palletSize) {
      const p = gs1.sscc(1, Number(`${this.o.runId.slice(-4)}${String(++this.pallets).padStart(5, '0')}`));
      this.send(station('PALLETIZE'), { kind: 'pack', parent: p, children: this.openPallet.splice(0) }, nowMs);
      const customers = this.o.routing.customers;
      this.send(
        'SHIPPING',
        {
          kind: 'ship',
          shipmentId: `SHP-${this.o.runId}-${s.id}-${++this.shipments}`,
          items: [p],
          customer: customers[this.shipments % customers.length] ?? 'Customer',
          qty: s.caseSize * s.palletSize,
        },
        nowMs,
      );
    }

    // PSU sub-assembly and final assembly.
    const board = this.toAssembly.shift();
    if (board) {
      const psu = gs1.psu(board.serial);
      this.send(
        station('PSU'),
        {
          kind: 'operation',
          operationId: `${station('PSU')}:${board.serial}`,
          step: 'psu-subassembly',
          station: station('PSU'),
          equipmentId: s.subAssembly.id,
          operatorId: this.operator(nowMs, 1),
          inputs: [{ id: this.lot('psuComponents', nowMs), qty: 1, uom: 'ea' }],
          outputs: [{ id: psu, type: 'unit' }],
        },
        nowMs - 500,
      );
      const finished = gs1.product(board.serial);
      this.send(
        station('ASSY'),
        {
          kind: 'operation',
          operationId: `${station('ASSY')}:${board.serial}`,
          step: 'final-assembly',
          station: station('ASSY'),
          equipmentId: s.assembly.id,
          operatorId: this.operator(nowMs, 1),
          workOrder: `WO-${this.o.runId}-${s.id}`,
          inputs: [{ id: board.id }, { id: psu }, { id: this.lot('housing', nowMs), qty: 1, uom: 'ea' }],
          outputs: [{ id: finished, type: 'unit' }],
        },
        nowMs,
      );
      this.toTest.push(finished);
    }

    // AOI: the scanner reads the board's code (an OPC UA tag), the AOI machine reports by MQTT.
    const inspected = this.toAoi.shift();
    if (inspected) {
      this.server?.set(this.tags.aoiCode, inspected.id, { sourceTimestamp: new Date(nowMs) });
      const defects: string[] = [];
      if (inspected.ovenOutOfSpec && random() < 0.5) defects.push('COLD_SOLDER_JOINT');
      if (inspected.printerOutOfSpec && random() < 0.5) defects.push('INSUFFICIENT_PASTE');
      if (!defects.length && random() < s.aoi.failRate) defects.push(random() < 0.5 ? 'SOLDER_BRIDGE' : 'TOMBSTONE');
      this.send(
        station('AOI'),
        {
          kind: 'inspection',
          id: inspected.id,
          result: defects.length ? 'fail' : 'pass',
          station: station('AOI'),
          measurements: [{ name: 'solder_joints_checked', value: 412 }],
          defects: defects.length ? defects : undefined,
        },
        nowMs,
      );
      if (!defects.length) this.toAssembly.push(inspected);
    }

    // Reflow (OPC UA): the oven's PLC counts the board through.
    const reflowed = this.toReflow.shift();
    if (reflowed) {
      reflowed.ovenOutOfSpec = this.params.some((x) => x.equipment === 'Reflow' && x.p.outOfSpec);
      this.server?.set(this.tags.reflowSerial, reflowed.id, { sourceTimestamp: new Date(nowMs) });
      this.server?.set(this.tags.reflowCount, ++this.reflowCount, { sourceTimestamp: new Date(nowMs) });
      this.toAoi.push(reflowed);
    }

    // Print (OPC UA): a new board; the PLC holds its serial, the lots in the feeders and the operator.
    const serial = `${this.o.runId}${String(++this.units).padStart(6, '0')}`;
    const printed: Board = {
      id: gs1.board(serial),
      serial,
      printerOutOfSpec: this.params.some((x) => x.equipment === 'Printer' && x.p.outOfSpec),
    };
    const when = { sourceTimestamp: new Date(nowMs) };
    this.server?.set(this.tags.printPasteLot, this.lot('paste', nowMs), when);
    this.server?.set(this.tags.printPcbLot, this.lot('pcb', nowMs), when);
    this.server?.set(this.tags.printOperator, this.operator(nowMs, 0), when);
    this.server?.set(this.tags.printSerial, printed.id, when);
    this.server?.set(this.tags.printCount, ++this.printCount, when);
    this.toReflow.push(printed);

    // Calibrated and maintained again every `maintenanceEvery` units (openRun did it for the first):
    // done before the board printed now started (its print and the oven's current board began a
    // takt ago), so the work after it is dated from it and none is charged to "never calibrated".
    if (this.units > 1 && this.units % this.o.routing.maintenanceEvery === 1) this.maintain(nowMs - this.o.routing.taktMs);
  }

  /**
   * A run starts on equipment just calibrated and maintained: recorded at once, before the first
   * board, so that the equipment's due dates are never judged without them.
   */
  openRun(nowMs: number): void {
    this.maintain(nowMs - this.o.routing.taktMs);
  }

  /** The printer's maintenance and the oven's calibration, finished at `done`. */
  private maintain(done: number): void {
    const s = this.spec;
    this.send(
      'MAINTENANCE',
      {
        kind: 'maintenance',
        equipmentId: s.printer.id,
        type: 'maintenance',
        startTime: iso(done - 60_000),
        endTime: iso(done),
        result: 'stencil cleaned',
      },
      done,
    );
    this.send(
      'MAINTENANCE',
      {
        kind: 'maintenance',
        equipmentId: s.oven.id,
        type: 'calibration',
        startTime: iso(done - 120_000),
        endTime: iso(done),
        result: 'thermocouples within 0.5 Cel',
      },
      done,
    );
  }

  get produced(): number {
    return this.units;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }
}
