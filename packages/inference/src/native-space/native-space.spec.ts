import { describe, expect, it } from 'vitest';
import { gridOf, type GridXYZ, type VolumeXYZ } from '@seahorse/io';
import { gridWithSpacing, reorient } from '@seahorse/preprocess';
import { predictionOnScanGrid } from './native-space.js';

/** An LIA scan grid, 6 × 5 × 4 voxels of 1.5 mm with an offset origin. */
const scanGrid: GridXYZ = { shapeXYZ: [6, 5, 4], affine: Float64Array.from([-1.5, 0, 0, 10, 0, 0, 1.5, -20, 0, -1.5, 0, 30, 0, 0, 0, 1]) };
const N = 6 * 5 * 4;

/** Channel c of `[K, Z, Y, X]` posteriors as a volume on `grid`. */
const channel = (data: Float32Array, c: number, n: number, grid: GridXYZ): VolumeXYZ<Float32Array> =>
  ({ data: data.slice(c * n, (c + 1) * n), shapeXYZ: grid.shapeXYZ, affine: grid.affine, kind: 'intensity' });

/** Posteriors on the scan grid (3 classes) and the same posteriors in RAS model space. */
function reorientedCase(onScan: Float32Array) {
  const ras = [0, 1, 2].map((c) => reorient(channel(onScan, c, N, scanGrid), 'RAS'));
  const modelGrid = gridOf(ras[0]!);
  const inModel = new Float32Array(3 * N);
  ras.forEach((v, c) => inModel.set(v.data, c * N));
  return { modelGrid, inModel };
}

describe('predictionOnScanGrid (model space → the scan grid)', () => {
  it("'none' returns the prediction as it is", () => {
    const prediction = { posteriorsCZYX: new Float32Array(3 * N).fill(1 / 3), segmentationZYX: new Uint8Array(N).fill(2) };
    const out = predictionOnScanGrid(prediction, { modelGrid: scanGrid, scanGrid, relation: 'none', classes: 3 });
    expect(out.posteriorsCZYX).toBe(prediction.posteriorsCZYX);
    expect(out.segmentationZYX).toBe(prediction.segmentationZYX);
  });

  it("'reorient' maps posteriors back losslessly; the argmax is recomputed on the scan grid, ties to the lowest class", () => {
    const onScan = new Float32Array(3 * N);
    for (let i = 0; i < N; i++) {
      const p = [0.2 + (i % 5) / 10, 0.3, ((i * 7) % 11) / 11];
      if (i % 9 === 0) { p[1] = 0.45; p[2] = 0.45; p[0] = 0.1; } // tie between classes 1 and 2
      if (i % 13 === 0) { p[0] = 1 / 3; p[1] = 1 / 3; p[2] = 1 / 3; } // three-way tie
      for (let c = 0; c < 3; c++) onScan[c * N + i] = p[c]!;
    }
    const { modelGrid, inModel } = reorientedCase(onScan);
    expect(Array.from(inModel)).not.toEqual(Array.from(onScan)); // the model grid really is another voxel order
    const out = predictionOnScanGrid({ posteriorsCZYX: inModel, segmentationZYX: new Uint8Array(N) }, { modelGrid, scanGrid, relation: 'reorient', classes: 3 });
    expect(Array.from(out.posteriorsCZYX)).toEqual(Array.from(onScan));
    for (let i = 0; i < N; i++) {
      const p = [0, 1, 2].map((c) => onScan[c * N + i]!);
      const best = p.indexOf(Math.max(...p));
      expect(out.segmentationZYX[i], `voxel ${i}`).toBe(best);
      if (i % 13 === 0) expect(out.segmentationZYX[i]).toBe(0);
      else if (i % 9 === 0) expect(out.segmentationZYX[i]).toBe(p[0]! > 0.45 ? 0 : 1);
    }
  });

  it('re-applies the largest-component step on the scan grid', () => {
    // class 1 in two blobs on the scan grid: 4 voxels at x ∈ {0, 1}, 2 voxels at x = 5; class 0 elsewhere
    const onScan = new Float32Array(3 * N);
    const blob = new Set<number>();
    for (const [x, y, z] of [[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0], [5, 4, 3], [5, 3, 3]] as const) blob.add(x + 6 * (y + 5 * z));
    for (let i = 0; i < N; i++) {
      onScan[i] = blob.has(i) ? 0.1 : 0.8;
      onScan[N + i] = blob.has(i) ? 0.8 : 0.1;
      onScan[2 * N + i] = 0.1;
    }
    const { modelGrid, inModel } = reorientedCase(onScan);
    const base = { modelGrid, scanGrid, relation: 'reorient' as const, classes: 3 };
    const plain = predictionOnScanGrid({ posteriorsCZYX: inModel, segmentationZYX: new Uint8Array(N) }, base);
    expect(plain.segmentationZYX.reduce((s, v) => s + v, 0)).toBe(6);
    const lcc = predictionOnScanGrid({ posteriorsCZYX: inModel, segmentationZYX: new Uint8Array(N) }, { ...base, largestComponentClasses: [1] });
    const kept = [...lcc.segmentationZYX.keys()].filter((i) => lcc.segmentationZYX[i] === 1).sort((a, b) => a - b);
    expect(kept).toEqual([0, 1, 6, 7]);
    expect(Array.from(lcc.posteriorsCZYX)).toEqual(Array.from(plain.posteriorsCZYX)); // posteriors untouched
  });

  it("'resample' interpolates each class linearly onto the scan grid: constant posteriors stay constant", () => {
    const modelGrid = gridWithSpacing(scanGrid, [0.5, 0.75, 0.5]); // finer voxels over the same field of view
    const [mx, my, mz] = modelGrid.shapeXYZ;
    const n = mx * my * mz;
    expect(n).toBeGreaterThan(N * 10);
    const inModel = new Float32Array(3 * n);
    [0.25, 0.5, 0.25].forEach((v, c) => inModel.fill(v, c * n, (c + 1) * n));
    const out = predictionOnScanGrid({ posteriorsCZYX: inModel, segmentationZYX: new Uint8Array(n) }, { modelGrid, scanGrid, relation: 'resample', classes: 3 });
    expect(out.posteriorsCZYX.length).toBe(3 * N);
    expect(out.segmentationZYX.length).toBe(N);
    [0.25, 0.5, 0.25].forEach((v, c) => expect(Array.from(out.posteriorsCZYX.subarray(c * N, (c + 1) * N)).every((p) => p === v), `class ${c}`).toBe(true));
    expect(out.segmentationZYX.every((l) => l === 1)).toBe(true);
  });

  it('refuses posteriors that do not fit the model grid', () => {
    expect(() => predictionOnScanGrid({ posteriorsCZYX: new Float32Array(10), segmentationZYX: new Uint8Array(N) },
      { modelGrid: scanGrid, scanGrid, relation: 'none', classes: 3, scanName: 'sub-01' })).toThrow(/sub-01: model-space posteriors/);
  });
});
