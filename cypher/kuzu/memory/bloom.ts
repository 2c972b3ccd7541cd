/**
 * A Bloom filter over event ids: "have we applied this eventId?" without keeping millions of ids
 * in memory. A miss is certain (the event is new); a hit is checked against the store.
 *
 * It grows without reading the ids again (a scalable Bloom filter): once its newest segment holds
 * what it was sized for, new ids go to a fresh segment twice as large with half the error rate, so
 * the false-positive rate stays under 2% (1% + 0.5% + ...) however many ids come. Rebuilding a
 * larger filter from the store's ids instead held the event loop for a third of a second at
 * 200,000 events, and for seconds at millions, in the middle of a capture or an ingest.
 */

/** One segment: `capacity` ids at false-positive rate `errorRate`. */
class Segment {
  private readonly bits: Uint32Array;
  private readonly m: number;
  private readonly k: number;
  count = 0;

  constructor(
    readonly capacity: number,
    readonly errorRate: number,
  ) {
    const bitsPerId = -Math.log(errorRate) / Math.LN2 ** 2;
    this.m = Math.max(1024, Math.ceil(capacity * bitsPerId));
    this.k = Math.max(1, Math.round(bitsPerId * Math.LN2));
    this.bits = new Uint32Array(Math.ceil(this.m / 32));
  }

  add(a: number, b: number): void {
    for (let i = 0; i < this.k; i++) {
      const j = ((a + Math.imul(i, b)) >>> 0) % this.m;
      this.bits[j >>> 5]! |= 1 << (j & 31);
    }
    this.count++;
  }

  has(a: number, b: number): boolean {
    for (let i = 0; i < this.k; i++) {
      const j = ((a + Math.imul(i, b)) >>> 0) % this.m;
      if ((this.bits[j >>> 5]! & (1 << (j & 31))) === 0) return false;
    }
    return true;
  }
}

/** Two 32-bit hashes of a string (FNV-1a and a murmur-like mix), for double hashing. */
function hashes(s: string): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return [h1 >>> 0, (h2 >>> 0) | 1];
}

export class BloomFilter {
  private readonly segments: Segment[];

  /** Sized for `capacity` ids at about 1% false positives before it adds a segment. */
  constructor(capacity: number) {
    this.segments = [new Segment(capacity, 0.01)];
  }

  add(s: string): void {
    let last = this.segments.at(-1)!;
    if (last.count >= last.capacity) this.segments.push((last = new Segment(last.capacity * 2, last.errorRate / 2)));
    const [a, b] = hashes(s);
    last.add(a, b);
  }

  mightHave(s: string): boolean {
    const [a, b] = hashes(s);
    return this.segments.some((seg) => seg.has(a, b));
  }

  /** Ids added. */
  get count(): number {
    return this.segments.reduce((n, seg) => n + seg.count, 0);
  }

  /** Segments so far (one until the first fills up). */
  get size(): number {
    return this.segments.length;
  }
}
