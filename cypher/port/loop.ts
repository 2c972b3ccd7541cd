/** What the interlock asks of the graph about one item, in one call (domain/loop/interlock.ts). */

export interface ItemProgress {
  /** Operations the item went into or came out of. */
  operations: { id: string; step: string; endTime: string; result: string | null }[];
  inspections: { result: string; defects: string[]; eventTime: string }[];
  /** Active holds on the item itself. */
  holds: { id: string; reason: string }[];
}

export interface LoopStore {
  /** Where an item is in its routing: its operations, inspections and active holds (empty when unknown). */
  itemProgress(id: string): Promise<ItemProgress>;
}
