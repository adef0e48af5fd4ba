import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy, runPythonReference } from '@seahorse/testkit';
import type { ShapeZYX } from '@seahorse/io';
import { normalisedEntropy, posteriorToByte, posteriorsToBytes } from '../outputs/posterior-bytes.js';
import { argmaxClasses, meanPosteriors } from './aggregate.js';
import { keepLargestComponent } from './largest-component.js';

interface PostprocessReference {
  members: string[]; mean: string; segmentation: string; lcc: string;
  posterior_bytes: string; uncertainty: string; uncertainty_bytes: string; components: Record<string, number>;
}

function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

describe('ensemble, post-processing and output scaling against numpy/scipy (InnerEye semantics)', () => {
  it('matches bit for bit: float32 mean in order, argmax ties to the lowest class, LCC, uint8 posteriors and entropy', async () => {
    const shape: ShapeZYX = [12, 20, 24];
    const out = mkdtempSync(path.join(tmpdir(), 'seahorse-ensemble-'));
    const ref = await runPythonReference<PostprocessReference>('inference_runtime_postprocess.py', [out, '3', '5', ...shape.map(String)]);
    const members = ref.members.map((f) => readNpy(f).data as Float32Array);
    const mean = meanPosteriors(members);
    expect(mismatches(mean, readNpy(ref.mean).data as Float32Array)).toBe(0);
    const seg = argmaxClasses(mean, 3, shape);
    expect(mismatches(seg, readNpy(ref.segmentation).data as Uint8Array)).toBe(0);
    // the fixture really has several components per class, so the LCC step has work to do
    expect(ref.components['1']).toBeGreaterThan(1);
    const lcc = Uint8Array.from(seg);
    const removed = keepLargestComponent(lcc, shape, 1) + keepLargestComponent(lcc, shape, 2);
    expect(removed).toBeGreaterThan(0);
    expect(mismatches(lcc, readNpy(ref.lcc).data as Uint8Array)).toBe(0);
    expect(mismatches(posteriorsToBytes(mean), readNpy(ref.posterior_bytes).data as Uint8Array)).toBe(0);
    const entropy = normalisedEntropy(mean, 3, shape);
    const refEntropy = readNpy(ref.uncertainty).data as Float32Array;
    let maxDiff = 0;
    for (let i = 0; i < entropy.length; i++) maxDiff = Math.max(maxDiff, Math.abs(entropy[i]! - refEntropy[i]!));
    expect(maxDiff).toBeLessThan(1e-6); // libm log2f vs Math.log2 may differ by an ulp
    const bytesDiff = mismatches(posteriorsToBytes(entropy), readNpy(ref.uncertainty_bytes).data as Uint8Array);
    expect(bytesDiff).toBeLessThanOrEqual(2);
  });
});

describe('argmaxClasses', () => {
  it('gives ties to the lowest class index', () => {
    const p = Float32Array.from([0.4, 0.2, 0.5, /* c1 */ 0.4, 0.4, 0.25, /* c2 */ 0.2, 0.4, 0.25]);
    expect(Array.from(argmaxClasses(p, 3, [1, 1, 3]))).toEqual([0, 1, 0]);
  });
});

describe('keepLargestComponent', () => {
  it('uses 6-connectivity: diagonal neighbours are separate components', () => {
    // 1×3×3 plane: a diagonal pair (two 1-voxel components) and an L of three voxels
    const seg = Uint8Array.from([1, 0, 1, 0, 1, 1, 0, 0, 0]);
    // components in scan order: {0}, {2, 4, 5} (4–5 and 2–5 face-connected), so {0} is removed
    expect(keepLargestComponent(seg, [1, 3, 3], 1)).toBe(1);
    expect(Array.from(seg)).toEqual([0, 0, 1, 0, 1, 1, 0, 0, 0]);
  });
  it('keeps the first component in scan order on a size tie and leaves other classes alone', () => {
    const seg = Uint8Array.from([1, 0, 1, 2, 0, 2]);
    expect(keepLargestComponent(seg, [1, 1, 6], 1)).toBe(1);
    expect(Array.from(seg)).toEqual([1, 0, 0, 2, 0, 2]);
  });
  it('rejects class 0', () => {
    expect(() => keepLargestComponent(new Uint8Array(1), [1, 1, 1], 0)).toThrow(/class index must be an integer in \[1, 255\], got 0/);
  });
});

describe('posteriorToByte', () => {
  it('maps [0, 1] to [0, 255] by float32 multiply and truncation', () => {
    expect([0, 0.5, 1, 0.999, 1 / 255, 2, -1].map(posteriorToByte)).toEqual([0, 127, 255, 254, 1, 255, 0]);
  });
});
