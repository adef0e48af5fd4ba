import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { VolumeZYX } from '@seahorse/io';
import { describeWithSharedData, readNpy, runPythonReference, sharedDir } from '@seahorse/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEEPMIND_NEIGHBOUR_CODE_TO_NORMALS } from './deepmind-lookup-table.js';
import {
  averageSurfaceDistancesDeepMindMm, averageSymmetricSurfaceDistanceDeepMindMm, deepMindSurfelAreaTableMm2,
  averageSurfaceDistancesFromSurfelsMm, hausdorffPercentileDeepMindMm, robustHausdorffFromSurfelsMm, surfaceDistancesDeepMind,
} from './deepmind-surface-distance.js';
import { MetricsError } from './errors.js';
import { averageSymmetricSurfaceDistanceMonaiMm, hausdorffPercentileMonaiMm } from './monai-surface-distance.js';
import { computeExtendedStructureMetrics } from './structure-metrics.js';
import { overlapAndDistance } from './surface-distance.js';

type S3 = readonly [number, number, number];
type Num = number | 'nan' | 'inf' | '-inf';
const num = (v: Num): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);
const vol = (data: ArrayLike<number>, shapeZYX: S3, spacingZYX: S3 = [1, 1, 1]) =>
  ({ data: Uint8Array.from(data), shapeZYX, spacingZYX });

/** A 1×1×n row holding a 1 at each listed x. */
const row = (n: number, xs: number[], spacingZYX: S3) =>
  vol(Array.from({ length: n }, (_, x) => (xs.includes(x) ? 1 : 0)), [1, 1, n], spacingZYX);

describe("DeepMind's lookup table and surfels", () => {
  it('holds 256 codes; codes 0 and 255 have no area, every other code a positive one', () => {
    expect(DEEPMIND_NEIGHBOUR_CODE_TO_NORMALS).toHaveLength(256);
    const areas = deepMindSurfelAreaTableMm2([1, 1, 1]);
    expect(areas[0]).toBe(0);
    expect(areas[255]).toBe(0);
    expect(Array.from(areas.subarray(1, 255)).every((a) => a > 0)).toBe(true);
    // One corner cut off a unit cube: a triangle with legs 1/2 ... its normal (1/8, 1/8, 1/8) has length √3/8.
    expect(areas[1]).toBeCloseTo(Math.sqrt(3) / 8, 15);
  });
  it('a single voxel has 8 corner surfels of √3/8 each; spacing scales each normal component by the other two spacings', () => {
    const one = vol([1], [1, 1, 1]);
    const s = surfaceDistancesDeepMind(one, one);
    expect(s.areasAMm2).toHaveLength(8);
    expect(Array.from(s.aToBMm)).toEqual(new Array(8).fill(0));
    expect(Array.from(s.areasAMm2).reduce((a, b) => a + b)).toBeCloseTo(Math.sqrt(3), 14);
    const [sz, sy, sx] = [2, 0.5, 3];
    const a = deepMindSurfelAreaTableMm2([sz, sy, sx])[1]!;
    expect(a).toBeCloseTo(Math.hypot(sy * sx, sz * sx, sz * sy) / 8, 14);
  });
});

describe('the generated table against the installed surface-distance package', () => {
  it('has the same normals, and the same surfel areas per code at isotropic and anisotropic spacings (within 1e-15)', async () => {
    const spacings: S3[] = [[1, 1, 1], [2.5, 0.9, 1.3], [0.7, 3, 0.45]];
    const ref = await runPythonReference<{ normals: number[][][]; areas: Record<string, number[]> }>(
      'metrics_deepmind_table.py', ['--json', ...spacings.map((s) => s.join(','))]);
    // -0 + 0 is +0: DeepMind's table holds some -0.0 entries, which JSON may carry either way.
    const plain = (t: readonly (readonly (readonly number[])[])[]) => t.map((c) => c.map((n) => n.map((v) => v + 0)));
    expect(plain(DEEPMIND_NEIGHBOUR_CODE_TO_NORMALS)).toEqual(plain(ref.normals));
    expect(DEEPMIND_NEIGHBOUR_CODE_TO_NORMALS.flat().some((n) => n.some((v) => Object.is(v, -0)))).toBe(true);
    for (const sp of spacings) {
      const ours = deepMindSurfelAreaTableMm2(sp);
      const theirs = ref.areas[sp.join(',')]!;
      expect(theirs).toHaveLength(256);
      theirs.forEach((t, code) => expect(Math.abs(ours[code]! - t), `code ${code} at ${sp.join(',')}`).toBeLessThanOrEqual(1e-15 * t));
    }
  });
});

describe('analytic distances on the voxel-corner grid', () => {
  // A at x=0, B at x=3 (spacing x = 1.5 mm): A's corners at x=1 are 2 voxels from B's nearest corners
  // (x=3), those at x=0 are 3 voxels away; all eight surfels of a voxel have the same area.
  const a = row(5, [0], [1, 1, 1.5]);
  const b = row(5, [3], [1, 1, 1.5]);
  it('HD at a percent is the first distance whose cumulative area fraction reaches it (no interpolation)', () => {
    expect(hausdorffPercentileDeepMindMm(a, b)).toBe(4.5);
    expect(hausdorffPercentileDeepMindMm(a, b, 50)).toBe(3);
    expect(hausdorffPercentileDeepMindMm(a, b, 50.1)).toBe(4.5);
    expect(hausdorffPercentileDeepMindMm(a, b, 0)).toBe(3);
    // MONAI (voxel centres, linear interpolation) measures 3 voxels = 4.5 mm at every percentile here.
    expect(hausdorffPercentileMonaiMm(a, b, 50)).toBe(4.5);
  });
  it('each directed average is area-weighted; the symmetric value is their mean', () => {
    const ab = averageSurfaceDistancesDeepMindMm(a, b);
    expect(ab.predToGtMm).toBeCloseTo(3.75, 14); // (4·3 + 4·4.5)/8, summed as numpy does
    expect(ab.gtToPredMm).toBe(ab.predToGtMm);
    expect(averageSymmetricSurfaceDistanceDeepMindMm(a, b)).toBe(ab.predToGtMm);
    // Two voxels against one: the directions differ, and the symmetric value is their plain mean.
    const two = row(6, [0, 1], [1, 1, 1]);
    const far = row(6, [4], [1, 1, 1]);
    const d = averageSurfaceDistancesDeepMindMm(two, far);
    expect(d.gtToPredMm).toBe(2.5); // far's corners at x=4 and x=5 to two's at x=2: 2 and 3
    // two's corner planes x=2, 1, 0 lie 2, 3, 4 voxels from far's; the middle plane's surfels (two
    // voxels per 2×2×2 code) have area √2/2 each, the outer ones √3/8: (2·a1·2 + a2·3 + a1·4)/(2·a1 + a2)·... = 3.
    expect(d.predToGtMm).toBeCloseTo(3, 13);
    const areas = deepMindSurfelAreaTableMm2([1, 1, 1]);
    expect(areas[3]).toBeCloseTo(Math.SQRT2 / 2, 15);
    expect(averageSymmetricSurfaceDistanceDeepMindMm(two, far)).toBe((d.predToGtMm + d.gtToPredMm) / 2);
  });
  it('identical masks give 0 for every metric', () => {
    expect(hausdorffPercentileDeepMindMm(a, a, 100)).toBe(0);
    expect(averageSymmetricSurfaceDistanceDeepMindMm(a, a)).toBe(0);
  });
});

describe("DeepMind's empty-mask semantics (pinned; InnerEye and MONAI variants differ)", () => {
  const e = vol([0, 0, 0], [1, 1, 3]);
  const m = vol([0, 1, 0], [1, 1, 3]);
  it('both empty: HD Infinity (not NaN), both directed averages NaN, ASSD NaN', () => {
    expect(hausdorffPercentileDeepMindMm(e, e)).toBe(Infinity);
    expect(averageSurfaceDistancesDeepMindMm(e, e)).toEqual({ predToGtMm: NaN, gtToPredMm: NaN });
    expect(averageSymmetricSurfaceDistanceDeepMindMm(e, e)).toBeNaN();
    expect(overlapAndDistance(e, e).HausdorffDistance_mm).toBeNaN();
  });
  it('one empty: HD Infinity; the direction from the empty mask NaN, towards it Infinity; ASSD NaN', () => {
    expect(hausdorffPercentileDeepMindMm(e, m)).toBe(Infinity);
    expect(hausdorffPercentileDeepMindMm(m, e)).toBe(Infinity);
    expect(averageSurfaceDistancesDeepMindMm(e, m)).toEqual({ predToGtMm: NaN, gtToPredMm: Infinity });
    expect(averageSurfaceDistancesDeepMindMm(m, e)).toEqual({ predToGtMm: Infinity, gtToPredMm: NaN });
    expect(averageSymmetricSurfaceDistanceDeepMindMm(m, e)).toBeNaN();
    expect(averageSymmetricSurfaceDistanceMonaiMm(m, e)).toBe(Infinity);
  });
});

describe('bad input', () => {
  const m = vol([0, 1, 0], [1, 1, 3]);
  const codeOf = (f: () => unknown) => { try { f(); } catch (e) { return (e as MetricsError).code; } return 'none'; };
  it('a percent outside [0, 100] is BAD_OPTIONS naming the value; bad masks are typed errors', () => {
    for (const p of [101, -1, NaN]) expect(codeOf(() => hausdorffPercentileDeepMindMm(m, m, p))).toBe('BAD_OPTIONS');
    expect(() => hausdorffPercentileDeepMindMm(m, m, 101)).toThrow(/percent must be a number in \[0, 100\], got 101/);
    expect(codeOf(() => hausdorffPercentileDeepMindMm(m, vol([0, 2, 0], [1, 1, 3])))).toBe('NOT_BINARY');
    expect(codeOf(() => averageSymmetricSurfaceDistanceDeepMindMm(m, vol([0, 1, 0], [1, 3, 1])))).toBe('SHAPE_MISMATCH');
    expect(() => surfaceDistancesDeepMind(m, vol([0, 1, 0], [1, 1, 3], [1, 1, 2]))).toThrow(MetricsError);
  });
});

interface DeepMindCase {
  name: string; pred: string; gt: string; spacingZYX: [number, number, number];
  hd: Record<'95' | '100' | '50' | '0', Num>; predToGt: Num; gtToPred: Num; nSurfelsPred: number; nSurfelsGt: number;
}

function volume(file: string, spacingZYX: [number, number, number]): VolumeZYX<Uint8Array> {
  const a = readNpy(file);
  return { data: a.data as Uint8Array, shapeZYX: [a.shape[0]!, a.shape[1]!, a.shape[2]!], spacingZYX };
}

/** Relative difference, 0 when both are the same non-finite value, Infinity when only one is finite. */
function relDiff(ours: number, ref: number): number {
  if (!Number.isFinite(ref) || !Number.isFinite(ours)) return Object.is(ours, ref) ? 0 : Infinity;
  const scale = Math.max(Math.abs(ours), Math.abs(ref));
  return scale === 0 ? 0 : Math.abs(ours - ref) / scale;
}

const RTOL = 1e-9;

describeWithSharedData("parity with DeepMind's surface-distance 0.1 on real pairs from the shared data",
  ['data/msd-hippocampus/labelsTr', 'data/colin27-aal/hippocampus_L.nii.gz'], () => {
    let dir = '';
    let cases: { ref: DeepMindCase; pred: VolumeZYX<Uint8Array>; gt: VolumeZYX<Uint8Array> }[] = [];
    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'seahorse-metrics-deepmind-'));
      const out = await runPythonReference<{ cases: DeepMindCase[] }>('metrics_deepmind.py', [dir, sharedDir()]);
      cases = out.cases.map((ref) => ({ ref, pred: volume(ref.pred, ref.spacingZYX), gt: volume(ref.gt, ref.spacingZYX) }));
    });
    afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

    it('covers anisotropic spacings, border-touching masks and the three empty cases', () => {
      expect(cases.length).toBeGreaterThanOrEqual(100);
      expect(cases.some((c) => new Set(c.ref.spacingZYX).size > 1)).toBe(true);
      for (const kind of ['/border/', 'colin27/', 'empty/both', 'empty/prediction', 'empty/ground-truth', 'full-volume']) {
        expect(cases.some((c) => c.ref.name.includes(kind)), kind).toBe(true);
      }
    });

    it(`surfel counts are identical; HD at 95/100/50/0 % and both directed averages within ${RTOL} relative`, () => {
      const bad: string[] = [];
      let worst = 0;
      for (const { ref, pred, gt } of cases) {
        const s = surfaceDistancesDeepMind(pred, gt);
        if (s.aToBMm.length !== ref.nSurfelsPred || s.bToAMm.length !== ref.nSurfelsGt) {
          bad.push(`${ref.name} surfels ${s.aToBMm.length}/${s.bToAMm.length} vs ${ref.nSurfelsPred}/${ref.nSurfelsGt}`);
        }
        const ours: [string, number, Num][] = (['95', '100', '50', '0'] as const)
          .map((p) => [`HD${p}`, robustHausdorffFromSurfelsMm(s, Number(p)), ref.hd[p]]);
        const avg = averageSurfaceDistancesFromSurfelsMm(s);
        ours.push(['predToGt', avg.predToGtMm, ref.predToGt], ['gtToPred', avg.gtToPredMm, ref.gtToPred]);
        for (const [what, v, r] of ours) {
          const d = relDiff(v, num(r));
          if (d > RTOL) bad.push(`${ref.name} ${what}: ${v} vs ${num(r)}`);
          else if (Number.isFinite(d)) worst = Math.max(worst, d);
        }
      }
      expect(bad).toEqual([]);
      // The achieved agreement (README: "within 1e-15"): only the last bits of the EDT and the areas' norms differ.
      expect(worst).toBeLessThan(1e-14);
    });

    it('computeExtendedStructureMetrics adds HD95_DeepMind_mm and ASSD_DeepMind_mm, equal to the pure functions', () => {
      for (const { ref, pred, gt } of cases.filter((_, i) => i % 9 === 0 || i >= cases.length - 3)) {
        const [r] = computeExtendedStructureMetrics(pred, [gt], { structures: ['s'], subject: ref.name });
        expect(Object.is(r!.HD95_DeepMind_mm, hausdorffPercentileDeepMindMm(pred, gt)), ref.name).toBe(true);
        expect(Object.is(r!.ASSD_DeepMind_mm, averageSymmetricSurfaceDistanceDeepMindMm(pred, gt)), ref.name).toBe(true);
        expect(relDiff(r!.HD95_DeepMind_mm, num(ref.hd['95']))).toBeLessThanOrEqual(RTOL);
        expect(relDiff(r!.ASSD_DeepMind_mm, (num(ref.predToGt) + num(ref.gtToPred)) / 2)).toBeLessThanOrEqual(RTOL);
      }
    });
  });
