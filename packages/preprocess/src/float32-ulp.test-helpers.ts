/** Test helpers (excluded from the build). */

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** Ordered integer key of a float32 value: adjacent floats differ by 1. */
function key(v: number): number {
  f32[0] = v;
  const b = i32[0]!;
  return b < 0 ? -2147483648 - b : b;
}

/** Largest distance in float32 ulps between two equal-length float32 arrays, with its index. */
export function maxUlpDistance(a: Float32Array, b: Float32Array): { ulps: number; index: number } {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let ulps = 0;
  let index = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(key(a[i]!) - key(b[i]!));
    if (d > ulps) { ulps = d; index = i; }
  }
  return { ulps, index };
}
