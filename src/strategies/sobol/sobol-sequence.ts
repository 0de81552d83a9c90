import type { Rng } from "../../random.js";
import { JOE_KUO_DIRECTIONS, MAX_SOBOL_DIMENSION } from "./direction-numbers.js";

const BITS = 32;
const TWO_POW_32 = 2 ** 32;

/** The 32 direction numbers of one dimension, each a 32-bit integer with its first bit at the top. */
function directionNumbers(dim: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dim === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 2 ** (BITS - 1 - k);
    return v;
  }
  const [s, a, ...m] = JOE_KUO_DIRECTIONS[dim - 1] as number[];
  const degree = s as number;
  const coeffs = a as number;
  for (let k = 0; k < BITS; k++) {
    if (k < degree) {
      v[k] = ((m[k] as number) * 2 ** (BITS - 1 - k)) >>> 0;
      continue;
    }
    let x = (v[k - degree] as number) ^ ((v[k - degree] as number) >>> degree);
    for (let l = 1; l < degree; l++) {
      if ((coeffs >>> (degree - 1 - l)) & 1) x ^= v[k - l] as number;
    }
    v[k] = x >>> 0;
  }
  return v;
}

function parity32(x: number): number {
  let y = x ^ (x >>> 16);
  y ^= y >>> 8;
  y ^= y >>> 4;
  y ^= y >>> 2;
  y ^= y >>> 1;
  return y & 1;
}

/**
 * Linear matrix scrambling: multiply each direction number by a random lower
 * triangular bit matrix with a unit diagonal. The map is invertible, so
 * distinct indices still give distinct points, and the net properties of the
 * sequence survive while its regular lattice structure does not.
 */
function scramble(v: Uint32Array, rng: Rng): Uint32Array {
  const rows = new Uint32Array(BITS);
  for (let i = 0; i < BITS; i++) {
    const diagonal = 2 ** (BITS - 1 - i);
    const above = (TWO_POW_32 - 2 * diagonal) >>> 0;
    rows[i] = (diagonal | (rng.uint32() & above)) >>> 0;
  }
  return v.map((x) => {
    let out = 0;
    for (let i = 0; i < BITS; i++) {
      if (parity32((rows[i] as number) & x)) out |= 2 ** (BITS - 1 - i);
    }
    return out >>> 0;
  });
}

/**
 * A scrambled Sobol sequence with random access by index: point(n) needs no
 * earlier point, so a counter in the store is all the state it has.
 */
export class SobolSequence {
  private readonly directions: Uint32Array[];
  private readonly shifts: Uint32Array;

  constructor(
    readonly dimension: number,
    rng?: Rng,
  ) {
    if (!Number.isInteger(dimension) || dimension < 1 || dimension > MAX_SOBOL_DIMENSION) {
      throw new RangeError(`Sobol dimension must be an integer in [1, ${MAX_SOBOL_DIMENSION}], got ${dimension}`);
    }
    this.directions = Array.from({ length: dimension }, (_, d) =>
      rng ? scramble(directionNumbers(d), rng) : directionNumbers(d),
    );
    this.shifts = Uint32Array.from({ length: dimension }, () => (rng ? rng.uint32() : 0));
  }

  /** The n-th point (n from 0 to 2^32 - 1) in [0, 1)^d. */
  point(n: number): Float64Array {
    if (!Number.isInteger(n) || n < 0 || n >= TWO_POW_32) {
      throw new RangeError(`Sobol index must be an integer in [0, 2^32), got ${n}`);
    }
    const gray = (n ^ (n >>> 1)) >>> 0;
    const out = new Float64Array(this.dimension);
    for (let d = 0; d < this.dimension; d++) {
      const v = this.directions[d] as Uint32Array;
      let x = this.shifts[d] as number;
      for (let k = 0, g = gray; g !== 0; k++, g >>>= 1) {
        if (g & 1) x ^= v[k] as number;
      }
      out[d] = (x >>> 0) / TWO_POW_32;
    }
    return out;
  }
}
