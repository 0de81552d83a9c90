/**
 * The dense linear algebra the Gaussian process needs, on row-major
 * Float64Array matrices. n is at most a few hundred to a thousand, so plain
 * loops over contiguous rows are fast enough and keep every step visible.
 */

/**
 * Replaces the lower triangle of the symmetric matrix `a` (n×n) by its
 * Cholesky factor L (a = L·Lᵀ), row by row. The upper triangle is zeroed.
 * Rows before `from` must already hold the factor's rows (each row depends
 * only on the rows above it), which extends a factorisation exactly.
 * Returns false, leaving `a` partly overwritten, when `a` is not positive definite.
 */
export function choleskyInPlace(a: Float64Array, n: number, from = 0): boolean {
  for (let i = from; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j] as number;
      for (let k = 0; k < j; k++) s -= (a[ri + k] as number) * (a[rj + k] as number);
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return false;
        a[ri + i] = Math.sqrt(s);
      } else {
        a[ri + j] = s / (a[rj + j] as number);
      }
    }
    for (let j = i + 1; j < n; j++) a[ri + j] = 0;
  }
  return true;
}

/** Solves L·x = b in place (forward substitution). */
export function solveLowerInPlace(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (l[ri + k] as number) * (b[k] as number);
    b[i] = s / (l[ri + i] as number);
  }
  return b;
}

/** Solves Lᵀ·x = b in place (back substitution). */
export function solveUpperTransposedInPlace(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i] as number;
    for (let k = i + 1; k < n; k++) s -= (l[k * n + i] as number) * (b[k] as number);
    b[i] = s / (l[i * n + i] as number);
  }
  return b;
}

/** Solves (L·Lᵀ)·x = b, returning a new vector. */
export function choleskySolve(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  return solveUpperTransposedInPlace(l, n, solveLowerInPlace(l, n, Float64Array.from(b)));
}

/** (L·Lᵀ)⁻¹ as a full symmetric matrix, through L⁻¹ (needed for the marginal likelihood's gradient). */
export function inverseFromCholesky(l: Float64Array, n: number): Float64Array {
  // t holds L⁻¹ transposed, so that both loops below walk contiguous rows: t[c·n + i] = L⁻¹[i, c].
  const t = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const rc = c * n;
    t[rc + c] = 1 / (l[rc + c] as number);
    for (let i = c + 1; i < n; i++) {
      const ri = i * n;
      let s = 0;
      for (let k = c; k < i; k++) s -= (l[ri + k] as number) * (t[rc + k] as number);
      t[rc + i] = s / (l[ri + i] as number);
    }
  }
  // A⁻¹ = L⁻ᵀ·L⁻¹: entry (i, j), i >= j, is the sum over k >= i of L⁻¹[k, i]·L⁻¹[k, j].
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = 0;
      for (let k = i; k < n; k++) s += (t[ri + k] as number) * (t[rj + k] as number);
      inv[ri + j] = s;
      inv[rj + i] = s;
    }
  }
  return inv;
}
