/** Small 3×3 matrix helpers (row-major `m[3 * row + col]`). */

/** det of a row-major 3×3. */
export function det3(a: ArrayLike<number>): number {
  return a[0]! * (a[4]! * a[8]! - a[5]! * a[7]!) - a[1]! * (a[3]! * a[8]! - a[5]! * a[6]!) + a[2]! * (a[3]! * a[7]! - a[4]! * a[6]!);
}

/**
 * The orthogonal factor `U` of the polar decomposition `A = U P` of a non-singular 3×3 (the closest
 * orthogonal matrix to `A`, which is what nibabel's SVD `P · Qs` gives), by Newton's iteration
 * `U ← (U + U⁻ᵀ) / 2`.
 */
export function polarOrthogonal(a: Float64Array): Float64Array {
  let u = Float64Array.from(a);
  for (let iter = 0; iter < 100; iter++) {
    const d = det3(u);
    // inverse-transpose = cofactor matrix / det
    const cof = new Float64Array([
      u[4]! * u[8]! - u[5]! * u[7]!, -(u[3]! * u[8]! - u[5]! * u[6]!), u[3]! * u[7]! - u[4]! * u[6]!,
      -(u[1]! * u[8]! - u[2]! * u[7]!), u[0]! * u[8]! - u[2]! * u[6]!, -(u[0]! * u[7]! - u[1]! * u[6]!),
      u[1]! * u[5]! - u[2]! * u[4]!, -(u[0]! * u[5]! - u[2]! * u[3]!), u[0]! * u[4]! - u[1]! * u[3]!,
    ]);
    const next = new Float64Array(9);
    let change = 0;
    for (let i = 0; i < 9; i++) {
      next[i] = 0.5 * (u[i]! + cof[i]! / d);
      change = Math.max(change, Math.abs(next[i]! - u[i]!));
    }
    u = next;
    if (change < 1e-15) break;
  }
  return u;
}

