import { describe, expect, it } from 'vitest';
import type { ShapeZYX } from '@seahorse/io';
import { gaussianImportanceMap } from './importance-map.js';
import { cropPaddingCZYX, padCZYX, padToMultipleZYX, paddedShapeZYX } from './pad.js';
import { largestTileWithinBudget, planTiling } from './plan.js';
import { innereyeStarts, overlapStarts } from './scan-interval.js';
import { slidingWindowInference } from './sliding-window.js';
import { InferenceRuntimeError } from '../errors.js';

function ramp(n: number, seed = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 0.37 * seed) * 3 + (i % 7);
  return a;
}
const count = (s: ShapeZYX) => s[0] * s[1] * s[2];

describe('padToMultipleZYX', () => {
  it('puts the odd extra voxel at the start (torchio EnsureShapeMultiple)', () => {
    const p = padToMultipleZYX([37, 40, 33], 16);
    expect(p.beforeZYX).toEqual([6, 4, 8]);
    expect(p.afterZYX).toEqual([5, 4, 7]);
    expect(paddedShapeZYX([37, 40, 33], p)).toEqual([48, 48, 48]);
  });
  it("puts everything at the end with placement 'end', and nothing when already a multiple", () => {
    expect(padToMultipleZYX([37, 40, 33], 16, 'split')).toEqual(padToMultipleZYX([37, 40, 33], 16));
    expect(padToMultipleZYX([37, 40, 32], 8, 'end')).toEqual({ beforeZYX: [0, 0, 0], afterZYX: [3, 0, 0] });
  });
  it('rejects a non-positive multiple with a typed error', () => {
    expect(() => padToMultipleZYX([4, 4, 4], 0)).toThrow(/padMultiple must be a positive integer, got 0/);
  });
  it('crop undoes pad for every channel', () => {
    const shape: ShapeZYX = [5, 7, 3];
    const data = ramp(2 * count(shape));
    const pad = padToMultipleZYX(shape, 4);
    const padded = padCZYX(data, 2, shape, pad, 0);
    expect(padded.length).toBe(2 * 8 * 8 * 4);
    // voxel (c=1, z=0, y=0, x=0) lands at (1, 2, 1, 1) after padding (before = [2, 1, 1]... z: p=3 → 2)
    expect(pad.beforeZYX).toEqual([2, 1, 1]);
    expect(padded[((1 * 8 + 2) * 8 + 1) * 4 + 1]).toBe(data[count(shape)]);
    expect(Array.from(cropPaddingCZYX(padded, 2, shape, pad))).toEqual(Array.from(data));
  });
});

describe('scan intervals', () => {
  it('innereye: stride = patch, plus a last start at S − P', () => {
    expect(innereyeStarts(144, 128)).toEqual([0, 16]);
    expect(innereyeStarts(256, 128)).toEqual([0, 128]);
    expect(innereyeStarts(48, 48)).toEqual([0]);
    expect(innereyeStarts(50, 16)).toEqual([0, 16, 32, 34]);
  });
  it('overlap: MONAI interval floor(P·(1−overlap)) with the last window moved to the border', () => {
    expect(overlapStarts(10, 4, 0.5)).toEqual([0, 2, 4, 6]);
    expect(overlapStarts(11, 4, 0.5)).toEqual([0, 2, 4, 6, 7]);
    expect(overlapStarts(8, 8, 0.5)).toEqual([0]);
    expect(overlapStarts(9, 4, 0)).toEqual([0, 4, 5]);
  });
  it('rejects a patch longer than the axis and an overlap of 1', () => {
    expect(() => innereyeStarts(8, 9)).toThrow(InferenceRuntimeError);
    expect(() => overlapStarts(8, 4, 1)).toThrow(/overlap must be in \[0, 1\), got 1/);
  });
});

describe('gaussianImportanceMap', () => {
  it('peaks at 1 at floor(P/2), is separable, and never drops below the floor', () => {
    const w = gaussianImportanceMap([16, 8, 4]);
    expect(w[(8 * 8 + 4) * 4 + 2]).toBe(1);
    const sigmaZ = 0.125 * 16;
    expect(w[(0 * 8 + 4) * 4 + 2]).toBeCloseTo(Math.max(1e-3, Math.exp(-64 / (2 * sigmaZ * sigmaZ))), 6);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(1e-3 * (1 - 1e-7));
  });
});

describe('planTiling', () => {
  it('innereye: pad to 16, patch = min(crop, padded), windows in lexicographic z, y, x order', () => {
    const plan = planTiling([140, 190, 40], { mode: 'innereye' });
    expect(plan.paddedShapeZYX).toEqual([144, 192, 48]);
    expect(plan.patchZYX).toEqual([128, 176, 48]);
    expect(plan.windows.map((w) => w.startZYX)).toEqual([[0, 0, 0], [0, 16, 0], [16, 0, 0], [16, 16, 0]]);
    expect(plan.blend).toBe('overwrite');
  });
  it('whole: one window over the padded volume when it fits the budget', () => {
    const plan = planTiling([40, 50, 60], { mode: 'whole' });
    expect(plan.windows).toHaveLength(1);
    expect(plan.patchZYX).toEqual([48, 64, 64]);
    expect(plan.wholeFellBack).toBe(false);
  });
  it('whole: falls back to the largest tiles that fit the memory budget', () => {
    const plan = planTiling([176, 256, 256], { mode: 'whole', memoryBudgetBytes: 6e9, bytesPerVoxel: 1400 });
    expect(plan.wholeFellBack).toBe(true);
    expect(count(plan.patchZYX) * 1400).toBeLessThanOrEqual(6e9);
    expect(plan.patchZYX.every((p) => p % 16 === 0)).toBe(true);
    expect(plan.blend).toBe('gaussian');
  });
  it('largestTileWithinBudget minimises the total work and refuses an impossible budget', () => {
    // a budget of exactly half the volume along x, no overlap: two half tiles
    expect(largestTileWithinBudget([32, 32, 64], 16, 0, 32 * 32 * 32)).toEqual([32, 32, 32]);
    expect(() => largestTileWithinBudget([32, 32, 32], 16, 0, 100)).toThrow(/fewer than one 16³ tile/);
  });
  it('names the bad option and value', () => {
    expect(() => planTiling([8, 8, 8], { overlap: 1.5 })).toThrow(/tiling option 'overlap'.*1\.5/);
    expect(() => planTiling([8, 0, 8])).toThrow(/got \[8, 0, 8\]/);
  });
});

describe('slidingWindowInference invariance (predictor x => x + 1)', () => {
  const plusOne = (p: Float32Array) => p.map((v) => v + 1);
  const cases: [string, ShapeZYX, Parameters<typeof planTiling>[1]][] = [
    ['innereye, several patches with a shifted last one', [37, 21, 50], { mode: 'innereye', patchZYX: [16, 16, 16] }],
    ['innereye, patch larger than the image', [10, 11, 12], { mode: 'innereye' }],
    ['gaussian, overlap 0.5', [37, 21, 50], { mode: 'gaussian', patchZYX: [16, 16, 32] }],
    ['gaussian, overlap 0.25', [33, 40, 17], { mode: 'gaussian', patchZYX: [16, 32, 16], overlap: 0.25 }],
    ['gaussian, overlap 0', [33, 40, 17], { mode: 'gaussian', patchZYX: [16, 16, 16], overlap: 0 }],
    ['gaussian, patch larger than the image', [9, 9, 9], { mode: 'gaussian' }],
    ['whole', [30, 20, 10], { mode: 'whole' }],
    ['whole with fallback', [30, 40, 50], { mode: 'whole', memoryBudgetBytes: 16 * 32 * 32 * 100, bytesPerVoxel: 100 }],
    ["placement 'end', multiple 8", [13, 9, 17], { mode: 'innereye', padMultiple: 8, padPlacement: 'end', patchZYX: [8, 8, 8] }],
    ['pad value 5 (the predictor never sees it in the output)', [13, 9, 17], { mode: 'gaussian', padValue: 5, patchZYX: [16, 16, 16] }],
  ];
  for (const [name, shape, options] of cases) {
    it(name, async () => {
      const input = ramp(count(shape));
      const plan = planTiling(shape, options);
      let calls = 0;
      const out = await slidingWindowInference(input, 1, 1, plan, plusOne, () => { calls++; });
      expect(calls).toBe(plan.windows.length);
      let maxErr = 0;
      for (let i = 0; i < input.length; i++) maxErr = Math.max(maxErr, Math.abs(out[i]! - Math.fround(input[i]! + 1)));
      // overwrite copies the predictor's float32 values exactly; blending divides float32 sums
      if (plan.blend === 'gaussian') expect(maxErr).toBeLessThan(1e-5);
      else expect(maxErr).toBe(0);
    });
  }
});

describe('innereye overwrite rule', () => {
  it('each voxel takes the LAST patch covering it: start S−P if v ≥ S−P, else floor(v/P)·P per axis', async () => {
    const shape: ShapeZYX = [40, 20, 50]; // padded 48, 32, 64
    const plan = planTiling(shape, { mode: 'innereye', patchZYX: [32, 16, 16] });
    const [Zp, Yp, Xp] = plan.paddedShapeZYX;
    expect(plan.paddedShapeZYX).toEqual([48, 32, 64]);
    // the predictor writes the window's start coordinates into three channels
    let k = 0;
    const out = await slidingWindowInference(new Float32Array(count(shape)), 1, 3, plan, (_p, s) => {
      const w = plan.windows[k++]!;
      const n = count(s);
      const r = new Float32Array(3 * n);
      r.fill(w.startZYX[0], 0, n); r.fill(w.startZYX[1], n, 2 * n); r.fill(w.startZYX[2], 2 * n, 3 * n);
      return r;
    });
    const rule = (v: number, S: number, P: number) => (v >= S - P ? S - P : Math.floor(v / P) * P);
    const [bz, by, bx] = plan.padding.beforeZYX;
    const n = count(shape);
    let wrong = 0;
    for (let z = 0; z < shape[0]; z++) for (let y = 0; y < shape[1]; y++) for (let x = 0; x < shape[2]; x++) {
      const i = (z * shape[1] + y) * shape[2] + x;
      if (out[i] !== rule(z + bz, Zp, 32) || out[n + i] !== rule(y + by, Yp, 16) || out[2 * n + i] !== rule(x + bx, Xp, 16)) wrong++;
    }
    expect(wrong).toBe(0);
    expect(plan.windows.map((w) => w.startZYX[0])).toContain(16); // the shifted last z patch
  });
});
