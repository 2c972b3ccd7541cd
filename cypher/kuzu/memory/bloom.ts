/**
 * A Bloom filter over event ids: "have we applied this eventId?" without keeping millions of ids
 * in memory. A miss is certain (the event is new); a hit is checked against the store.
 */
export class BloomFilter {
  private bits: Uint32Array;
  private readonly m: number;
  private readonly k: number;
  count = 0;

  /** Sized for `capacity` ids at about 1% false positives; `grow` rebuilds when it fills up. */
  constructor(readonly capacity: number) {
    this.m = Math.max(1024, Math.ceil(capacity * 9.6));
    this.k = 7;
    this.bits = new Uint32Array(Math.ceil(this.m / 32));
  }

  private hashes(s: string): [number, number] {
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

  add(s: string): void {
    const [a, b] = this.hashes(s);
    for (let i = 0; i < this.k; i++) {
      const bit = (a + Math.imul(i, b)) >>> 0;
      const j = bit % this.m;
      this.bits[j >>> 5]! |= 1 << (j & 31);
    }
    this.count++;
  }

  mightHave(s: string): boolean {
    const [a, b] = this.hashes(s);
    for (let i = 0; i < this.k; i++) {
      const j = ((a + Math.imul(i, b)) >>> 0) % this.m;
      if ((this.bits[j >>> 5]! & (1 << (j & 31))) === 0) return false;
    }
    return true;
  }

  get full(): boolean {
    return this.count > this.capacity;
  }
}
