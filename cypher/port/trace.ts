/** Traces: reachability over the material flow, with the quantities and the events along it. */

/** A trace answer. `units` never holds containers (SSCCs, anything packed into): they are in `containers`. */
export interface TraceResult {
  lots: string[];
  units: string[];
  containers: string[];
  shipments: string[];
  customers: string[];
}

/** One input -> output pair of an operation in a trace: how much of `from` went into the step that made `to`. */
export interface FlowQuantity {
  from: string;
  operation: string;
  to: string;
  /** The quantity of `from` the operation consumed (its INPUT_TO edge), when the event gave one. */
  qty: number | null;
  uom: string | null;
  /** The quantity of `to` the operation produced (its OUTPUT edge). */
  outQty: number | null;
  outUom: string | null;
}

/** Units of a trace in one shipment (counted through the cases and pallets that carried them). */
export interface ShipmentUnits {
  shipment: string;
  customer: string | null;
  units: number;
}

export interface TraceQuantities {
  flows: FlowQuantity[];
  shipments: ShipmentUnits[];
}

export interface TraceStore {
  traceForward(ids: readonly string[]): Promise<TraceResult>;
  traceBackward(ids: readonly string[]): Promise<TraceResult>;
  /** Input -> output quantities of every operation a trace passes through, and units per shipment. */
  traceQuantities(ids: readonly string[], direction: 'forward' | 'backward'): Promise<TraceQuantities>;
  /** The ids (EPCIS eventID where there is one) of the live events that make up a trace. */
  traceEvents(ids: readonly string[], direction: 'forward' | 'backward'): Promise<string[]>;
}
