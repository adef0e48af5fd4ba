/**
 * Softmax over the channel axis of a `[1, C, Z, Y, X]` float32 block, in place, for members whose
 * output is logits (`outputKind: 'logits'`). Per voxel: subtract the channel maximum, `exp` rounded
 * to float32, divide by the float32 sum.
 * @param data - `C * Z * Y * X` values, channel-major (x fastest).
 * @param channels - C.
 * @example
 * const p = Float32Array.from([0, 0]); softmaxChannelsInPlace(p, 2); // [0.5, 0.5]
 */
export function softmaxChannelsInPlace(data: Float32Array, channels: number): void {
  const n = data.length / channels;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < channels; c++) {
      const v = data[c * n + i]!;
      if (v > max) max = v;
    }
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      const e = Math.fround(Math.exp(data[c * n + i]! - max));
      data[c * n + i] = e;
      sum += e;
    }
    const s = Math.fround(sum);
    for (let c = 0; c < channels; c++) data[c * n + i] = data[c * n + i]! / s;
  }
}
