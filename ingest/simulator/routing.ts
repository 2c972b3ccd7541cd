/**
 * What the simulated plant makes and how: lines, the process parameters their PLC exposes, lot and
 * pack sizes, failure rates, operators. The default is an electronics line (solder paste print ->
 * reflow -> AOI -> final assembly with a power-supply sub-assembly and a housing lot -> functional
 * test -> case -> pallet -> ship). Identifiers are GS1 EPC URNs so traces look like a real plant's.
 */

export interface ParameterSpec {
  /** Tag name suffix and the reading's parameter name, e.g. `zone1_temp`. */
  name: string;
  uom: string;
  nominal: number;
  /** Standard deviation of the measurement noise. */
  noise: number;
  /** Specification limits (a drift fault walks past these). */
  lsl: number;
  usl: number;
  /** Changes smaller than this are not reported by the OPC UA subscription. */
  deadband: number;
}

export interface EquipmentSpec {
  id: string;
  parameters: ParameterSpec[];
}

export interface LineSpec {
  id: string;
  printer: EquipmentSpec;
  oven: EquipmentSpec;
  aoi: { id: string; failRate: number };
  assembly: { id: string };
  subAssembly: { id: string };
  tester: { id: string; failRate: number };
  /** Finished units per case and cases per pallet; a full pallet is shipped. */
  caseSize: number;
  palletSize: number;
}

export interface Routing {
  site: string;
  /** Simulated milliseconds between two units leaving the printer, at speed 1. */
  taktMs: number;
  /** Boards printed from one solder paste jar before it is changed (a new lot). */
  pasteLotSize: number;
  housingLotSize: number;
  psuComponentLotSize: number;
  /** Simulated minutes per shift; operators rotate with the shift. */
  shiftMinutes: number;
  /** Operator badges, per shift (cycled). */
  shifts: string[][];
  customers: string[];
  /** Every this many units, the oven is calibrated and the printer maintained. */
  maintenanceEvery: number;
  lines: LineSpec[];
}

const temp = (name: string, nominal: number): ParameterSpec => ({
  name,
  uom: 'Cel',
  nominal,
  noise: 0.4,
  lsl: nominal - 5,
  usl: nominal + 5,
  deadband: 0.5,
});

/** One electronics line; `n` numbers the line and its equipment. */
export function electronicsLine(n: number): LineSpec {
  return {
    id: `line${n}`,
    printer: {
      id: `PRINTER-${n}`,
      parameters: [
        { name: 'squeegee_pressure', uom: 'N', nominal: 60, noise: 0.8, lsl: 50, usl: 70, deadband: 1 },
        { name: 'print_speed', uom: 'mm/s', nominal: 40, noise: 0.3, lsl: 30, usl: 50, deadband: 0.5 },
      ],
    },
    oven: {
      id: `REFLOW-${n}`,
      parameters: [
        temp('zone1_temp', 150),
        temp('zone2_temp', 180),
        temp('zone3_temp', 220),
        temp('zone4_temp', 245),
        { name: 'conveyor_speed', uom: 'cm/min', nominal: 80, noise: 0.2, lsl: 75, usl: 85, deadband: 0.5 },
      ],
    },
    aoi: { id: `AOI-${n}`, failRate: 0.03 },
    assembly: { id: `ASSY-${n}` },
    subAssembly: { id: `PSU-${n}` },
    tester: { id: `FCT-${n}`, failRate: 0.02 },
    caseSize: 5,
    palletSize: 4,
  };
}

export function defaultRouting(site = 'site1'): Routing {
  return {
    site,
    taktMs: 2000,
    pasteLotSize: 40,
    housingLotSize: 60,
    psuComponentLotSize: 80,
    shiftMinutes: 480,
    shifts: [
      ['OP-ANNA', 'OP-BEN', 'OP-CHEN'],
      ['OP-DIEGO', 'OP-EMMA', 'OP-FATIMA'],
      ['OP-GUS', 'OP-HANA', 'OP-IVAN'],
    ],
    customers: ['Contoso Medical', 'Fabrikam Industrial', 'Northwind Devices'],
    maintenanceEvery: 100,
    lines: [electronicsLine(1)],
  };
}

/** GS1 EPC identifiers of the simulated plant (company prefix 4012345; suppliers have theirs). */
export const gs1 = {
  product: (serial: string) => `urn:epc:id:sgtin:4012345.011111.${serial}`,
  board: (serial: string) => `urn:epc:id:sgtin:4012345.022222.${serial}`,
  psu: (serial: string) => `urn:epc:id:sgtin:4012345.033333.${serial}`,
  pasteLot: (lot: string) => `urn:epc:class:lgtin:4098765.055555.${lot}`,
  pcbLot: (lot: string) => `urn:epc:class:lgtin:4098765.066666.${lot}`,
  housingLot: (lot: string) => `urn:epc:class:lgtin:4055555.077777.${lot}`,
  psuComponentLot: (lot: string) => `urn:epc:class:lgtin:4066666.088888.${lot}`,
  /** SSCC: company prefix (7 digits) + extension digit + serial reference, 17 digits in all. */
  sscc: (extension: 0 | 1, n: number) => `urn:epc:id:sscc:4012345.${extension}${String(n % 1e9).padStart(9, '0')}`,
};

/** The OPC UA tag names a line's PLC exposes (`ns=1;s=<name>`). */
export const lineTags = (line: string) => ({
  printCount: `${line}.Printer.CycleCount`,
  printSerial: `${line}.Printer.Serial`,
  printPasteLot: `${line}.Printer.PasteLot`,
  printPcbLot: `${line}.Printer.PcbLot`,
  printOperator: `${line}.Printer.Operator`,
  reflowCount: `${line}.Reflow.CycleCount`,
  reflowSerial: `${line}.Reflow.Serial`,
  aoiCode: `${line}.AOI.Code`,
  parameter: (equipment: 'Printer' | 'Reflow', name: string) => `${line}.${equipment}.${name}`,
});
