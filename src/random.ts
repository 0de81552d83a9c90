/**
 * Seeded randomness. Nothing in tunekit calls Math.random(): every draw comes
 * from an Rng derived from the user's seed and the identity of what is being
 * drawn (for example the trial index), so a resumed or distributed run draws
 * exactly what an uninterrupted one would have drawn.
 */
export interface Rng {
  /** Uniform in [0, 1), 53 bits of resolution. */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform unsigned 32-bit integer. */
  uint32(): number;
  /** Standard normal draw (Box-Muller). */
  normal(): number;
}

/** Mixes a 32-bit state into a well-distributed 32-bit value (the murmur3 finaliser). */
export function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function hashKey(state: number, key: number | string): number {
  if (typeof key === "number") {
    // Integers up to 2^53 are folded in as two 32-bit halves so that large seeds stay distinct.
    const lo = key >>> 0;
    const hi = Math.floor(key / 0x100000000) >>> 0;
    return mix32(mix32(state ^ lo) + 0x9e3779b9 + (hi ^ 0x7f4a7c15));
  }
  let h = state ^ 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/** sfc32: small, fast, passes PractRand; four 32-bit words of state. */
class Sfc32 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | undefined;

  constructor(seedWords: [number, number, number, number]) {
    [this.a, this.b, this.c, this.d] = seedWords;
    for (let i = 0; i < 15; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    const hi = this.uint32() >>> 5;
    const lo = this.uint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/**
 * An independent stream for (seed, ...keys). Different key paths give
 * statistically independent streams; the same path always gives the same one.
 */
export function createRng(seed: number, ...keys: (number | string)[]): Rng {
  let state = hashKey(0x6a09e667, seed);
  for (const key of keys) state = hashKey(state, key);
  return new Sfc32([state, hashKey(state, 1), hashKey(state, 2), hashKey(state, 3)]);
}

/** A seed for when the user gave none, drawn from the OS's entropy. */
export function freshSeed(): number {
  const buf = new Uint32Array(1);
  globalThis.crypto.getRandomValues(buf);
  return (buf[0] as number) % 2147483647;
}
