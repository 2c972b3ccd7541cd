/**
 * Which live events name each item (the graph's `(Event)-[:MENTIONS]->(Item)`), in memory, so that
 * the embedded store lists a trace's events without a Kuzu query per item (a supplier lot's forward
 * trace names thousands of items; Kuzu answers a set of ids only by one primary-key query each).
 *
 * Built at open next to the trace index (items are its vertex numbers), updated only after a batch
 * has committed, like it. Mentions are typed-array linked lists (8 bytes each); the one string kept
 * per event is the id a trace reports it by.
 */
import { eventHash } from './flow-index.ts';

/** `a`, or a copy at least twice as long when index `n` is past its end (new slots hold `fill`). */
export function grow(a: Int32Array<ArrayBuffer>, n: number, fill = 0): Int32Array<ArrayBuffer> {
  if (n < a.length) return a;
  const b = new Int32Array(Math.max(n + 1, a.length * 2)).fill(fill, a.length);
  b.set(a);
  return b;
}

export class MentionIndex {
  /** Per event number: the id a trace reports it by (its EPCIS eventID, else its eventId); undefined once voided. */
  private readonly names: (string | undefined)[] = [];
  /** Per event number: eventHash of its eventId, to find it again when it is declared in error. */
  private hashes = new Int32Array(1024);
  /** Per item vertex: its latest mention, -1 for none. Per mention: the item's previous one, and the event. */
  private head = new Int32Array(1024).fill(-1);
  private prev = new Int32Array(1024);
  private event = new Int32Array(1024);
  private mentions = 0;

  /** Records a live event; returns its number (dense, from 0: the names stay a packed array). */
  addEvent(eventId: string, name: string): number {
    const n = this.names.length;
    this.hashes = grow(this.hashes, n);
    this.hashes[n] = eventHash(eventId);
    this.names.push(name);
    return n;
  }

  /** Sets the id a live event is reported by (at open, an EPCIS event's eventID is read after its eventId). */
  rename(n: number, name: string): void {
    if (this.names[n] !== undefined) this.names[n] = name;
  }

  mention(item: number, event: number): void {
    const m = this.mentions++;
    this.prev = grow(this.prev, m);
    this.event = grow(this.event, m);
    this.head = grow(this.head, item, -1);
    this.prev[m] = this.head[item]!;
    this.event[m] = event;
    this.head[item] = m;
  }

  /** Drops the spare room of the growable arrays (after the load at open). */
  compact(): void {
    this.hashes = this.hashes.slice(0, this.names.length);
    this.prev = this.prev.slice(0, this.mentions);
    this.event = this.event.slice(0, this.mentions);
  }

  /** An error declaration: the event stops counting. It is found through the items it named. */
  void(items: Iterable<number>, eventId: string): void {
    const h = eventHash(eventId);
    for (const v of items)
      for (let m = v < this.head.length ? this.head[v]! : -1; m >= 0; m = this.prev[m]!) {
        const e = this.event[m]!;
        if (this.hashes[e] === h) this.names[e] = undefined;
      }
  }

  /** The ids of the live events that name any of the items, sorted, each once. */
  namesOf(items: Iterable<number>): string[] {
    const out = new Set<string>();
    for (const v of items)
      for (let m = v < this.head.length ? this.head[v]! : -1; m >= 0; m = this.prev[m]!) {
        const name = this.names[this.event[m]!];
        if (name !== undefined) out.add(name);
      }
    return [...out].sort();
  }
}
