/**
 * InnerEye's `LinearTransform.transform(data, inputRange, outputRange)` on float32 data, with numpy
 * 1.19's casting: the gain `g = (out1 - out0) / (in1 - in0)` and offset `c = out1 - g * in1` are
 * float64, then each voxel becomes `clip(float32(float32(x * float32(g)) + float32(c)), out0, out1)`.
 *
 * @param data - Float32 voxels. Not modified.
 * @param inputRange - `[in0, in1]`, `in1 > in0` (the caller checks).
 * @param outputRange - `[out0, out1]`, `out1 > out0`.
 * @param zeroBelow - Voxels strictly below this value are replaced by 0 before mapping (MriWindow's
 *   Otsu step). Default `-Infinity` (nothing replaced).
 * @returns A new Float32Array of the same length.
 * @example
 * ```ts
 * linearWindowFloat32(Float32Array.of(0, 5, 10, 20), [0, 10], [-1, 1]); // [-1, 0, 1, 1]
 * ```
 */
export function linearWindowFloat32(
  data: Float32Array,
  inputRange: readonly [number, number],
  outputRange: readonly [number, number],
  zeroBelow = -Infinity,
): Float32Array {
  const [in0, in1] = inputRange;
  const [out0, out1] = outputRange;
  const g = (out1 - out0) / (in1 - in0);
  const c = out1 - g * in1;
  const gf = Math.fround(g);
  const cf = Math.fround(c);
  const lo = Math.fround(out0);
  const hi = Math.fround(out1);
  const n = data.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let x = data[i]!;
    if (x < zeroBelow) x = 0;
    const y = Math.fround(Math.fround(x * gf) + cf);
    out[i] = y < lo ? lo : y > hi ? hi : y;
  }
  return out;
}
