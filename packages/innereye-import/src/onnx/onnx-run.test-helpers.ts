import * as ort from 'onnxruntime-node';

/**
 * Runs a one-input ONNX model on one volume: input float32 [1, C, Z, Y, X] from a [C, Z, Y, X]
 * (or [Z, Y, X] for C = 1) row-major array. Returns the first output and its dims.
 */
export async function runOnnxOnVolume(
  model: string | Uint8Array, dataCZYX: Float32Array, shapeCZYX: readonly number[],
): Promise<{ data: Float32Array; dims: number[] }> {
  const session = typeof model === 'string'
    ? await ort.InferenceSession.create(model, { intraOpNumThreads: 2 })
    : await ort.InferenceSession.create(model, { intraOpNumThreads: 2 });
  try {
    const input = new ort.Tensor('float32', dataCZYX, [1, ...shapeCZYX]);
    const out = await session.run({ [session.inputNames[0]!]: input });
    const t = out[session.outputNames[0]!]!;
    return { data: t.data as Float32Array, dims: [...t.dims] };
  } finally {
    await session.release();
  }
}

/** Largest absolute difference between two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Argmax over the leading (class) axis of a [C, N] row-major array; ties go to the lowest class. */
export function argmaxClasses(posteriors: ArrayLike<number>, classes: number): Uint8Array {
  const n = posteriors.length / classes;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestValue = posteriors[i]!;
    for (let c = 1; c < classes; c++) {
      const v = posteriors[c * n + i]!;
      if (v > bestValue) { best = c; bestValue = v; }
    }
    out[i] = best;
  }
  return out;
}

/** Number of positions where two label arrays differ. */
export function countDifferences(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let d = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) d++;
  return d;
}
