/** Item records in batches: what reports read for hundreds of thousands of lots and units. */
import type { ItemRecord } from './history.ts';

export interface RecordStore {
  /**
   * The record of each id that names an item (as `itemRecord` answers it), in the order of `ids`;
   * unknown ids are left out. One query per statement for the whole batch, not one per id: callers
   * pass batches of a few hundred to a few thousand ids.
   */
  itemRecords(ids: readonly string[]): Promise<ItemRecord[]>;
  /** Ids of the items whose latest receive event is within [from, to] (ISO 8601, compared in UTC), sorted. */
  itemsReceived(from: string, to: string): Promise<string[]>;
}
