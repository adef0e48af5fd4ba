import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gridOf, type GridXYZ, type Mat4, type ShapeXYZ, type VolumeXYZ, type VoxelArray } from '@seahorse/io';
import { describeWithSharedData, readNpy, runPythonReference, sharedPath } from '@seahorse/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreprocessError } from './errors.js';
import { gridWithSpacing } from './grid.js';
import { nativeLabelsViaResample } from './native-labels.test-helpers.js';
import { resampleToGrid, resampleToSpacing, voxelToVoxel, type Interpolation } from './resample.js';

const eye = () => Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);

describe('resampling (unit)', () => {
  const vol: VolumeXYZ<Float32Array> = { data: new Float32Array(4 * 3 * 2).map((_, i) => i * i), shapeXYZ: [4, 3, 2], affine: eye(), kind: 'intensity' };

  it('is the identity on the input grid for every image interpolation', () => {
    for (const interpolation of ['linear', 'nearest', 'bspline'] as const) {
      const out = resampleToGrid(vol, gridOf(vol), { interpolation });
      for (let i = 0; i < vol.data.length; i++) expect(out.data[i]).toBeCloseTo(vol.data[i]!, interpolation === 'bspline' ? 3 : 12);
    }
  });

  it('interpolates linearly half-way and fills outside with the fill value', () => {
    const shifted = Float64Array.from(eye());
    shifted[3] = 0.5; // output voxel x sits at input x + 0.5
    const out = resampleToGrid(vol, { shapeXYZ: [4, 3, 2], affine: shifted }, { fill: -7 });
    expect(out.data[0]).toBeCloseTo((0 + 1) / 2, 12);
    expect(out.data[3]).toBe(-7); // x = 3.5 is outside [-0.5, 3.5)
  });

  it('keeps label values with nearest and per-label linear, and refuses blending interpolations on labels', () => {
    const seg: VolumeXYZ<Uint8Array> = { data: Uint8Array.of(0, 0, 2, 2, 0, 1, 1, 2), shapeXYZ: [8, 1, 1], affine: eye(), kind: 'label' };
    const fine = gridWithSpacing(gridOf(seg), [0.25, 1, 1]);
    for (const interpolation of ['nearest', 'label-linear'] as const) {
      const out = resampleToGrid(seg, fine, { interpolation });
      expect(out.data).toBeInstanceOf(Uint8Array);
      expect(new Set(out.data)).toEqual(new Set([0, 1, 2]));
    }
    expect(() => resampleToGrid(seg, fine, { interpolation: 'linear', scan: 'seg.nii' })).toThrow(/seg\.nii: interpolation 'linear' would blend label values/);
    expect(() => resampleToGrid(vol, fine, { interpolation: 'label-linear' })).toThrow(PreprocessError);
  });

  it('refuses a target grid too large for memory, naming the scan, shape and size', () => {
    try {
      resampleToSpacing(vol, [0.001, 0.001, 0.001], { scan: 'tiny.nii.gz' });
      expect.unreachable();
    } catch (e) {
      expect((e as PreprocessError).code).toBe('GRID_TOO_LARGE');
      expect((e as Error).message).toMatch(/tiny\.nii\.gz: target grid \[4000 × 3000 × 2000\] at 0\.001000 × 0\.001000 × 0\.001000 mm has 24000000000 voxels/);
    }
  });

  it('refuses degenerate affines and NaN voxels, naming the scan', () => {
    const flat = Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    expect(() => resampleToGrid({ ...vol, affine: flat }, gridOf(vol), { scan: 'bad-header.nii' })).toThrow(/bad-header\.nii: affine is singular/);
    expect(() => resampleToGrid(vol, { shapeXYZ: [2, 2, 2], affine: flat }, { scan: 's' })).toThrow(/s: target grid affine is singular/);
    const nan = { ...vol, data: Float32Array.from(vol.data) };
    nan.data[5] = NaN;
    expect(() => resampleToGrid(nan, gridOf(vol), { scan: 'nan.nii' })).toThrow(/nan\.nii: voxel data holds 1 NaN\/Inf/);
  });

  it('maps posteriors back to the exact native grid with first-index argmax, background outside the model grid', () => {
    const native = { shapeXYZ: [4, 1, 1] as ShapeXYZ, affine: Float64Array.of(2, 0, 0, -0.25, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1) };
    // model grid: 6 voxels of 1 mm, voxel 0 at world x = -0.25, so native voxel x sits at model index 2x
    const model = Float64Array.of(1, 0, 0, -0.25, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
    const c0 = [1, 1, 0, 0, 0, 0.2];
    const c1 = [0, 0, 0.5, 1, 0, 0.8];
    const c2 = [0, 0, 0.5, 0, 1, 0];
    const seg = nativeLabelsViaResample(Float32Array.from([...c0, ...c1, ...c2]), 3, { shapeXYZ: [6, 1, 1], affine: model }, native);
    // model 0 -> class 0; model 2 -> tie of classes 1 and 2 -> 1 (first); model 4 -> 2; model 6 is outside [-0.5, 5.5) -> 0
    expect(Array.from(seg.data)).toEqual([0, 1, 2, 0]);
    expect(seg.affine).toEqual(native.affine);
    expect(seg.shapeXYZ).toEqual([4, 1, 1]);
  });
});

interface Target { shapeXYZ: [number, number, number]; affine: number[][]; grid: { type: string; spacing: number[] | number };
  outputs: Record<string, { data: string; back?: string; nearTies?: number }> }
interface RefVolume { path: string; input: string; affine: number[][]; targets: Target[] }
interface RefPosteriors { posteriors: string; segmentation: string; nearTie: string; labels: string;
  shapeXYZ: [number, number, number]; affine: number[][]; modelShapeXYZ: [number, number, number]; modelAffine: number[][] }
interface Ref { volumes: RefVolume[]; posteriors: RefPosteriors[] }

const mat = (rows: number[][]): Mat4 => Float64Array.from(rows.flat());

interface JobTarget { grid: { type: 'spacing'; spacing: number[] } | { type: 'rotated'; spacing: number; angleDeg: number }; interpolations: string[]; roundTrip?: boolean }
const JOBS: { volumes: { path: string; kind: string; cropXYZ?: number[][]; targets: JobTarget[] }[]; posteriors: { labels: string[]; grid: JobTarget['grid'] }[] } = {
  volumes: [
    { path: 'data/headers/oblique-sform-int16-t1.nii.gz', kind: 'intensity', targets: [
      { grid: { type: 'spacing', spacing: [1.25, 1.25, 1.25] }, interpolations: ['linear', 'nearest'], roundTrip: true },
      { grid: { type: 'spacing', spacing: [1.25, 1.25, 1.25] }, interpolations: ['bspline'] }] },
    { path: 'data/headers/sheared-anisotropic.nii.gz', kind: 'intensity', targets: [
      { grid: { type: 'spacing', spacing: [1, 1, 1] }, interpolations: ['linear', 'nearest', 'bspline'], roundTrip: true }] },
    { path: 'data/headers/qform-only-1.75mm-t1.nii.gz', kind: 'intensity', targets: [
      { grid: { type: 'spacing', spacing: [1, 1, 1] }, interpolations: ['linear'] }] },
    { path: 'data/headers/chris-t1-0.88mm.nii.gz', kind: 'intensity', targets: [
      { grid: { type: 'spacing', spacing: [1, 1, 1] }, interpolations: ['linear'] }] },
    { path: 'data/headers/flair.nii.gz', kind: 'intensity', targets: [
      { grid: { type: 'rotated', spacing: 1.2, angleDeg: 20 }, interpolations: ['linear', 'nearest', 'bspline'] }] },
    // a 100×90×60 block around the hippocampi keeps the per-label reference (one SimpleITK run per label) quick
    { path: 'data/colin27-aal/aal.nii.gz', kind: 'label', cropXYZ: [[40, 60, 30], [100, 90, 60]], targets: [
      { grid: { type: 'rotated', spacing: 1.5, angleDeg: 10 }, interpolations: ['nearest', 'label-linear'] }] },
    { path: 'data/msd-hippocampus/labelsTr/hippocampus_003.nii.gz', kind: 'label', targets: [
      { grid: { type: 'spacing', spacing: [1 / 3, 1 / 3, 1 / 3] }, interpolations: ['nearest', 'label-linear'], roundTrip: true }] },
  ],
  posteriors: [{ labels: ['data/colin27-aal/hippocampus_L.nii.gz', 'data/colin27-aal/hippocampus_R.nii.gz'],
    grid: { type: 'rotated', spacing: 1.25, angleDeg: 15 } }],
};

/** Why a voxel may legitimately differ: its input coordinate sits (within 1e-6) on a rounding tie or the inside/outside boundary. */
function tieKind(map: Mat4, outShape: readonly number[], inShape: readonly number[], i: number, nearestTies: boolean): string | null {
  const x = i % outShape[0]!, y = Math.floor(i / outShape[0]!) % outShape[1]!, z = Math.floor(i / (outShape[0]! * outShape[1]!));
  for (let r = 0; r < 3; r++) {
    const c = map[4 * r]! * x + map[4 * r + 1]! * y + map[4 * r + 2]! * z + map[4 * r + 3]!;
    if (Math.abs(c + 0.5) < 1e-6 || Math.abs(c - (inShape[r]! - 0.5)) < 1e-6) return 'boundary';
    if (nearestTies && Math.abs(c - Math.floor(c) - 0.5) < 1e-6) return 'half-voxel';
  }
  return null;
}

interface Comparison { maxRel: number; boundary: number; halfVoxel: number; bad: number; firstBad?: string }

function compare(ours: ArrayLike<number>, ref: ArrayLike<number>, rtol: number, map: Mat4, outShape: readonly number[],
  inShape: readonly number[], exact: boolean): Comparison {
  const r: Comparison = { maxRel: 0, boundary: 0, halfVoxel: 0, bad: 0 };
  for (let i = 0; i < ref.length; i++) {
    const a = ours[i]!, b = ref[i]!;
    const rel = Math.abs(a - b) / Math.max(Math.abs(b), 1);
    const ok = exact ? a === b : rel <= rtol;
    if (ok) { r.maxRel = Math.max(r.maxRel, rel); continue; }
    const kind = tieKind(map, outShape, inShape, i, exact);
    if (kind === 'boundary') r.boundary++;
    else if (kind === 'half-voxel') r.halfVoxel++;
    else { r.bad++; r.firstBad ??= `index ${i}: ours ${a}, SimpleITK ${b}`; }
  }
  return r;
}

describeWithSharedData('resampling parity with SimpleITK ResampleImageFilter', [
  ...JOBS.volumes.map((v) => v.path), 'data/colin27-aal/hippocampus_L.nii.gz', 'data/colin27-aal/hippocampus_R.nii.gz',
], () => {
  let dir: string;
  let ref: Ref;
  const report: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'seahorse-resample-'));
    const jobs = path.join(dir, 'jobs.json');
    writeFileSync(jobs, JSON.stringify({
      volumes: JOBS.volumes.map((v) => ({ ...v, path: sharedPath(v.path) })),
      posteriors: JOBS.posteriors.map((p) => ({ ...p, labels: p.labels.map((l) => sharedPath(l)) })),
    }));
    ref = await runPythonReference<Ref>('preprocess_resample.py', [dir, jobs]);
  });
  afterAll(() => {
    console.info(`resampling parity vs SimpleITK:\n${report.join('\n')}`);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function load(i: number): VolumeXYZ {
    const r = ref.volumes[i]!;
    const npy = readNpy(r.input);
    return { data: npy.data as VoxelArray, shapeXYZ: [npy.shape[2]!, npy.shape[1]!, npy.shape[0]!],
      affine: mat(r.affine), kind: JOBS.volumes[i]!.kind as 'intensity' | 'label' };
  }

  it('builds the same target grids as the reference (gridWithSpacing: same shape, affine within 1e-12)', () => {
    for (let i = 0; i < JOBS.volumes.length; i++) {
      const vol = load(i);
      for (const t of ref.volumes[i]!.targets) {
        if (t.grid.type !== 'spacing') continue;
        const g = gridWithSpacing(gridOf(vol), t.grid.spacing as [number, number, number]);
        expect(g.shapeXYZ).toEqual(t.shapeXYZ);
        mat(t.affine).forEach((v, k) => expect(Math.abs(g.affine[k]! - v)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v))));
      }
    }
  });

  for (let i = 0; i < JOBS.volumes.length; i++) {
    const job = JOBS.volumes[i]!;
    const what = job.targets.map((t) => `${t.interpolations.join(', ')}${t.roundTrip ? ' (and round trip)' : ''}`).join('; ');
    it(`${path.basename(job.path)} (${job.kind}): ${what}`, () => {
      const vol = load(i);
      if (job.kind === 'label') report.push(`  ${path.basename(job.path)}: ${new Set(vol.data).size} distinct labels in the input`);
      for (const t of ref.volumes[i]!.targets) {
        const grid: GridXYZ = { shapeXYZ: t.shapeXYZ, affine: mat(t.affine) };
        const map = voxelToVoxel(vol.affine, grid.affine, job.path);
        const back = voxelToVoxel(grid.affine, vol.affine, job.path);
        for (const interp of Object.keys(t.outputs) as Interpolation[]) {
          const o = t.outputs[interp]!;
          const ours = resampleToGrid(vol, grid, { interpolation: interp, scan: job.path });
          expect(ours.shapeXYZ).toEqual(t.shapeXYZ);
          const exact = interp === 'nearest' || interp === 'label-linear';
          const rtol = 1e-6; // stricter than the 1e-4: both sides compute in float64 and store float32
          const cmp = compare(ours.data, readNpy(o.data).data as ArrayLike<number>, rtol, map, t.shapeXYZ, vol.shapeXYZ, exact);
          report.push(`  ${path.basename(job.path)} ${interp} -> [${t.shapeXYZ.join('x')}]: max rel diff ${cmp.maxRel.toExponential(2)}, ` +
            `boundary ties ${cmp.boundary}, half-voxel ties ${cmp.halfVoxel}, other mismatches ${cmp.bad}` +
            (o.nearTies !== undefined ? ` (reference indicator values within 1e-9 of 0.5: ${o.nearTies})` : ''));
          if (interp === 'label-linear') expect(cmp.bad + cmp.halfVoxel + cmp.boundary, job.path).toBeLessThanOrEqual(o.nearTies!);
          else expect(cmp.bad, `${job.path} ${interp}: ${cmp.firstBad}`).toBe(0);
          if (o.back) {
            const ourBack = resampleToGrid(ours, gridOf(vol), { interpolation: interp, scan: job.path });
            expect(ourBack.shapeXYZ).toEqual(vol.shapeXYZ);
            expect(Array.from(ourBack.affine)).toEqual(Array.from(vol.affine));
            const cb = compare(ourBack.data, readNpy(o.back).data as ArrayLike<number>, rtol, back, vol.shapeXYZ, t.shapeXYZ, exact);
            report.push(`  ${path.basename(job.path)} ${interp} round trip: max rel diff ${cb.maxRel.toExponential(2)}, ` +
              `boundary ${cb.boundary}, half-voxel ${cb.halfVoxel}, other ${cb.bad}`);
            expect(cb.bad, `${job.path} ${interp} back: ${cb.firstBad}`).toBe(0);
          }
        }
        if (job.kind === 'label' && t.outputs.nearest?.back) {
          // 1 mm -> 1/3 mm -> 1 mm with nearest hits no tie and must give the labels back exactly
          const there = resampleToGrid(vol, grid, { interpolation: 'nearest' });
          const again = resampleToGrid(there, gridOf(vol), { interpolation: 'nearest' });
          expect(Buffer.from(again.data.buffer).equals(Buffer.from(vol.data.buffer))).toBe(true);
        }
      }
    });
  }

  it('maps model-space posteriors back to the native grid like SimpleITK linear + argmax, with the exact native geometry', () => {
    const r = ref.posteriors[0]!;
    const post = readNpy(r.posteriors);
    const nativeGrid: GridXYZ = { shapeXYZ: r.shapeXYZ, affine: mat(r.affine) };
    const seg = nativeLabelsViaResample(post.data as Float32Array, post.shape[0]!, { shapeXYZ: r.modelShapeXYZ, affine: mat(r.modelAffine) },
      nativeGrid, 'colin27 hippocampus');
    expect(seg.shapeXYZ).toEqual(r.shapeXYZ);
    expect(Array.from(seg.affine)).toEqual(Array.from(nativeGrid.affine));
    expect(seg.kind).toBe('label');
    const want = readNpy(r.segmentation).data as Uint8Array;
    const tie = readNpy(r.nearTie).data as Uint8Array;
    let diff = 0, diffNotTie = 0;
    for (let i = 0; i < want.length; i++) if (seg.data[i] !== want[i]) { diff++; if (!tie[i]) diffNotTie++; }
    // agreement with the original native labels (round trip through a rotated 1.25 mm grid)
    const labels = readNpy(r.labels).data as Uint8Array;
    const dice = [1, 2].map((c) => {
      let a = 0, b = 0, ab = 0;
      for (let i = 0; i < labels.length; i++) { const x = labels[i] === c, y = seg.data[i] === c; if (x) a++; if (y) b++; if (x && y) ab++; }
      return (2 * ab) / (a + b);
    });
    report.push(`  posteriors -> native: ${diff} voxels differ from SimpleITK+argmax (${diffNotTie} not near-ties); ` +
      `round-trip Dice L ${dice[0]!.toFixed(4)}, R ${dice[1]!.toFixed(4)}`);
    expect(diffNotTie).toBe(0);
    for (const d of dice) expect(d).toBeGreaterThan(0.9);
  });
});
