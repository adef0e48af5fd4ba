// Comparisons shared by io's spec files (not part of the package's build).
import { createHash } from 'node:crypto';

/** sha256 (hex) of a typed array's bytes, as numpy's `hashlib.sha256(a.tobytes())`. */
export function sha256(a: ArrayBufferView): string {
  return createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
}

/** Largest absolute element-wise difference of two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
