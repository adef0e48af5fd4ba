import { describe, expect, it } from 'vitest';
import { contourMask } from './contour.js';
import { distanceTransformMm, squaredDistanceTransformMm } from './distance-transform.js';
import { MetricsError } from './errors.js';
import { averageSymmetricSurfaceDistanceMonaiMm, hausdorffPercentileMonaiMm, volumeMm3 } from './monai-surface-distance.js';
import { quantileLinear } from './numpy-sum.js';
import { diceNumeric, hausdorffDistanceMm, meanDistanceMm, overlapAndDistance } from './surface-distance.js';

type S3 = readonly [number, number, number];
const vol = (data: ArrayLike<number>, shapeZYX: S3, spacingZYX: S3 = [1, 1, 1]) =>
  ({ data: Uint8Array.from(data), shapeZYX, spacingZYX });

/** Deterministic pseudo-random masks (xorshift), so failures reproduce. */
function randomMask(n: number, density: number, seed: number): Uint8Array {
  let s = seed >>> 0 || 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = s / 2 ** 32 < density ? 1 : 0;
  }
  return out;
}

describe("InnerEye's own test vectors (Tests/ML/test_metrics.py)", () => {
  const column = (x: number) => vol(Array.from({ length: 9 }, (_, i) => (i % 3 === x ? 1 : 0)), [1, 3, 3], [1, 2, 3]);
  it('prediction in column x=2, ground truth in x=0, spacing (1, 2, 3): HD = 6 and MeanDistance = 6', () => {
    expect(hausdorffDistanceMm(column(2), column(0))).toBe(6);
    expect(meanDistanceMm(column(2), column(0))).toBe(6);
  });
  it('prediction [1,0,1] against ground truth [0,0,1] (repeated along y) gives Dice 2/3', () => {
    const p = vol([1, 0, 1, 1, 0, 1], [1, 2, 3]);
    const g = vol([0, 0, 1, 0, 0, 1], [1, 2, 3]);
    expect(diceNumeric(p, g)).toBe((2 * 0.5) / 1.5);
    expect(diceNumeric(p, g)).toBeCloseTo(2 / 3, 15);
  });
  it('empty masks: both empty is NaN everywhere, exactly one empty is Dice 0 and infinite distances', () => {
    const e = vol([0, 0, 0], [1, 1, 3]);
    const m = vol([0, 1, 0], [1, 1, 3]);
    const both = overlapAndDistance(e, e);
    expect([both.DiceNumeric, both.HausdorffDistance_mm, both.MeanDistance_mm]).toEqual([NaN, NaN, NaN]);
    for (const [a, b] of [[e, m], [m, e]] as const) {
      expect(overlapAndDistance(a, b)).toEqual({ DiceNumeric: 0, HausdorffDistance_mm: Infinity, MeanDistance_mm: Infinity });
      expect(hausdorffPercentileMonaiMm(a, b)).toBe(Infinity);
      expect(averageSymmetricSurfaceDistanceMonaiMm(a, b)).toBe(Infinity);
    }
  });
});

describe('a mask that fills the whole image has no contour', () => {
  it("'simpleitk' gives SimpleITK's sqrt(FLT_MAX), 'float64' gives Infinity", () => {
    const full = vol(new Array(27).fill(1), [3, 3, 3]);
    const part = vol(Array.from({ length: 27 }, (_, i) => (i === 13 ? 1 : 0)), [3, 3, 3]);
    expect(meanDistanceMm(part, full)).toBe(Math.fround(Math.sqrt(3.4028234663852886e38)));
    expect(meanDistanceMm(part, full, 'float64')).toBe(Infinity);
    expect(hausdorffDistanceMm(part, full)).toBe(Math.sqrt(3));
    expect(meanDistanceMm(full, full)).toBeNaN();
  });
});

describe('exact Euclidean distance transform', () => {
  it('equals brute force on random anisotropic volumes, to the last bit of rounding', () => {
    const shapes: S3[] = [[5, 7, 6], [1, 9, 4], [8, 1, 1], [6, 6, 6]];
    const spacings: S3[] = [[1, 1, 1], [2.5, 0.9, 1.3], [0.7, 3, 0.45]];
    let checked = 0;
    shapes.forEach((shape, k) => spacings.forEach((sp, j) => {
      const [nz, ny, nx] = shape;
      const sites = randomMask(nz * ny * nx, 0.08, 17 + k * 31 + j);
      const d2 = squaredDistanceTransformMm(sites, shape, sp);
      for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
        let best = Infinity;
        for (let zz = 0; zz < nz; zz++) for (let yy = 0; yy < ny; yy++) for (let xx = 0; xx < nx; xx++) {
          if (!sites[(zz * ny + yy) * nx + xx]) continue;
          const d = (sp[0] * (z - zz)) ** 2 + (sp[1] * (y - yy)) ** 2 + (sp[2] * (x - xx)) ** 2;
          if (d < best) best = d;
        }
        const got = d2[(z * ny + y) * nx + x]!;
        if (best === Infinity) expect(got).toBe(Infinity);
        else expect(Math.abs(got - best)).toBeLessThanOrEqual(1e-12 * best);
        checked++;
      }
    }));
    expect(checked).toBeGreaterThan(1000);
  });
  it('distanceTransformMm is 0 on the mask and the mm distance elsewhere', () => {
    expect(Array.from(distanceTransformMm(vol([1, 0, 0, 0], [1, 1, 4], [1, 1, 2.5])))).toEqual([0, 2.5, 5, 7.5]);
  });
});

describe('contours', () => {
  it('a voxel at the image border is not a contour voxel unless an in-image neighbour is background', () => {
    // 1×3×3 slab, the left two columns filled: only column x=1 borders background (x=2).
    const m = [1, 1, 0, 1, 1, 0, 1, 1, 0];
    expect(Array.from(contourMask(m, [1, 3, 3], 6))).toEqual([0, 1, 0, 0, 1, 0, 0, 1, 0]);
    // MONAI's convention: the image border is background, so every mask voxel is an edge here.
    expect(Array.from(contourMask(m, [1, 3, 3], 6, 'background'))).toEqual(m);
  });
  it('26-contour adds voxels whose only background neighbour is diagonal', () => {
    const m = [1, 1, 1, 1, 1, 1, 1, 1, 0];
    expect(Array.from(contourMask(m, [1, 3, 3], 6))).toEqual([0, 0, 0, 0, 0, 1, 0, 1, 0]);
    expect(Array.from(contourMask(m, [1, 3, 3], 26))).toEqual([0, 0, 0, 0, 1, 1, 0, 1, 0]);
  });
});

describe('analytic distances', () => {
  it('concentric cubes: HD is the corner gap, MONAI HD95 and ASSD the face gap', () => {
    const n = 11;
    const cube = (r: number) => {
      const d = new Uint8Array(n * n * n);
      for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
        if (Math.max(Math.abs(z - 5), Math.abs(y - 5), Math.abs(x - 5)) <= r) d[(z * n + y) * n + x] = 1;
      }
      return vol(d, [n, n, n], [2, 2, 2]);
    };
    // outer cube half-width 4, inner 2: farthest outer voxel (corner) is 2 voxels away on each axis.
    expect(hausdorffDistanceMm(cube(4), cube(2))).toBe(Math.sqrt(3 * 16));
    expect(hausdorffPercentileMonaiMm(cube(4), cube(2), 0)).toBe(4);
    expect(volumeMm3(cube(2))).toBe(125 * 8);
    expect(diceNumeric(cube(4), cube(2))).toBe((2 * (125 / 729)) / (1 + 125 / 729));
  });
  it('quantileLinear interpolates like numpy', () => {
    expect(quantileLinear(Float64Array.of(1, 2, 3, 4), 0.5)).toBe(2.5);
    expect(quantileLinear(Float64Array.of(0, 10), 0.95)).toBe(9.5);
    expect(quantileLinear(new Float64Array(0), 0.5)).toBeNaN();
  });
});

describe('the word-at-a-time zero skipping', () => {
  it('gives the same results on aligned byte arrays as on unaligned ones, and still finds a stray value', () => {
    const shape: S3 = [6, 5, 8];
    const n = 6 * 5 * 8;
    const a = randomMask(n, 0.05, 3);
    const b = randomMask(n, 0.05, 4);
    const unaligned = (m: Uint8Array) => { const buf = new Uint8Array(n + 1); buf.set(m, 1); return buf.subarray(1); };
    const sp: S3 = [1.2, 0.9, 1.1];
    const aligned = overlapAndDistance({ data: a, shapeZYX: shape, spacingZYX: sp }, { data: b, shapeZYX: shape, spacingZYX: sp });
    const shifted = overlapAndDistance({ data: unaligned(a), shapeZYX: shape, spacingZYX: sp },
      { data: unaligned(b), shapeZYX: shape, spacingZYX: sp });
    expect(aligned).toEqual(shifted);
    expect(aligned.DiceNumeric).toBeGreaterThan(0);
    const bad = new Uint8Array(n);
    bad[n - 3] = 7;
    expect(() => diceNumeric({ data: a, shapeZYX: shape, spacingZYX: sp }, { data: bad, shapeZYX: shape, spacingZYX: sp }))
      .toThrow(/found 7 at voxel \(z=5, y=4, x=5\)/);
  });
});

describe('bad input', () => {
  it('a non-binary mask, another shape, or a bad spacing is a MetricsError with a code', () => {
    const ok = vol([0, 1, 0], [1, 1, 3]);
    const codeOf = (f: () => unknown) => { try { f(); } catch (e) { return (e as MetricsError).code; } return 'none'; };
    expect(codeOf(() => diceNumeric(ok, vol([0, 2, 0], [1, 1, 3])))).toBe('NOT_BINARY');
    expect(codeOf(() => hausdorffDistanceMm(ok, vol([0, 1, 0], [1, 3, 1])))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => meanDistanceMm(ok, vol([0, 1, 0], [1, 1, 3], [1, 1, 2])))).toBe('SPACING_MISMATCH');
    expect(codeOf(() => volumeMm3(vol([0, 1, 0], [1, 1, 3], [1, 0, 1])))).toBe('BAD_SPACING');
    expect(codeOf(() => volumeMm3(vol([0, 1, 0], [1, 1, 4])))).toBe('BAD_SHAPE');
    expect(() => diceNumeric(ok, vol([0, 2, 0], [1, 1, 3]))).toThrow(/found 2 at voxel \(z=0, y=0, x=1\)/);
  });
});
