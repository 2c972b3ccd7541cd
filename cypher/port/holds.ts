/** Holds on lots and units (api/schema/holds.ts). */

export type HoldStatus = 'active' | 'released';

/** A hold on lots and units: placed with a reason, released with a signature's meaning. */
export interface HoldRecord {
  id: string;
  reason: string;
  status: HoldStatus;
  placedBy: string;
  /** ISO 8601. */
  placedAt: string;
  releasedBy: string | null;
  releasedAt: string | null;
  releaseMeaning: string | null;
  /** The held lots and units, sorted. */
  items: string[];
}

export interface PlaceHold {
  /** Chosen by the caller (the API makes `H-...` ids), so a retry can be recognised. */
  id: string;
  items: readonly string[];
  reason: string;
  by: string;
  at: string;
  /** Also hold every lot and unit a forward trace reaches from `items`. */
  includeDownstream?: boolean;
}

export interface ReleaseHold {
  id: string;
  by: string;
  at: string;
  meaning: string;
}

export interface HoldFilter {
  status?: HoldStatus;
  /** Only holds on this lot or unit. */
  item?: string;
  id?: string;
}

export interface HoldStore {
  /** Creates an active hold on existing items; NOT_FOUND names the ids the graph does not hold. */
  placeHold(req: PlaceHold): Promise<HoldRecord>;
  /** Releases an active hold; NOT_FOUND for an unknown id, BAD_INPUT when it is already released. */
  releaseHold(req: ReleaseHold): Promise<HoldRecord>;
  /** Holds matching every given filter, newest first. */
  holds(filter?: HoldFilter): Promise<HoldRecord[]>;
}
