import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { orientationCodes, type VolumeXYZ, type VoxelArray } from '@seahorse/io';
import { describeWithSharedData, readNpy, runPythonReference, sharedPath } from '@seahorse/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reorient } from './reorient.js';

const affineOf = (rows: number[][]) => Float64Array.from(rows.flat());

describe('reorient (unit)', () => {
  it('flips and permutes a tiny LIA volume to RAS keeping every voxel at its world position', () => {
    // LIA: x -> -R, y -> -S, z -> +A
    const affine = affineOf([[-1, 0, 0, 10], [0, 0, 1, -5], [0, -1, 0, 7], [0, 0, 0, 1]]);
    const shapeXYZ = [2, 3, 4] as const;
    const data = new Int16Array(24).map((_, i) => i);
    const vol: VolumeXYZ<Int16Array> = { data, shapeXYZ, affine, kind: 'label' };
    expect(orientationCodes(affine)).toBe('LIA');
    const ras = reorient(vol, 'RAS');
    expect(orientationCodes(ras.affine)).toBe('RAS');
    expect(ras.shapeXYZ).toEqual([2, 4, 3]);
    expect(ras.kind).toBe('label');
    expect(ras.data).toBeInstanceOf(Int16Array);
    const world = (a: Float64Array, v: number[]) => [0, 1, 2].map((r) => a[4 * r]! * v[0]! + a[4 * r + 1]! * v[1]! + a[4 * r + 2]! * v[2]! + a[4 * r + 3]!);
    const [nx, ny] = ras.shapeXYZ;
    for (let z = 0; z < ras.shapeXYZ[2]; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
      const value = ras.data[x + nx * (y + ny * z)]!;
      const ox = value % 2, oy = Math.floor(value / 2) % 3, oz = Math.floor(value / 6);
      expect(world(ras.affine, [x, y, z])).toEqual(world(affine, [ox, oy, oz]));
    }
  });

  it('rejects bad codes and singular affines, naming the scan', () => {
    const ras: VolumeXYZ = { data: new Uint8Array(8), shapeXYZ: [2, 2, 2], affine: affineOf([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]), kind: 'intensity' };
    expect(() => reorient(ras, 'RAR', { scan: 'scan-1' })).toThrow(/scan-1: orientation 'RAR' is invalid/);
    const vol: VolumeXYZ = { data: new Uint8Array(8), shapeXYZ: [2, 2, 2], affine: affineOf([[1, 0, 0, 0], [0, 1, 0, 0], [1, 1, 0, 0], [0, 0, 0, 1]]), kind: 'intensity' };
    expect(() => reorient(vol, 'RAS', { scan: 'flat.nii' })).toThrow(/flat\.nii: affine is singular or nearly so/);
  });
});

interface RefEntry { path: string; input: string; dtype: string; affine: number[][]; codes: string;
  outputs: Record<string, { data: string; affine: number[][]; codes: string }> }

const FILES = [
  'data/headers/oblique-sform-int16-t1.nii.gz', 'data/headers/qform-only-1.75mm-t1.nii.gz',
  'data/headers/chris-t1-0.88mm.nii.gz', 'data/headers/sheared-anisotropic.nii.gz', 'data/headers/mni152-2009-int16.nii.gz',
  'data/headers/flair.nii.gz', 'data/niivue-subject/norm.nii.gz', 'data/niivue-subject/hippocampus_L.nii.gz',
  'data/colin27-aal/aal.nii.gz', 'data/msd-hippocampus/imagesTr/hippocampus_003.nii.gz',
];
const TARGETS = ['RAS', 'LPS', 'LIA', 'PIR'];

describeWithSharedData('reorientation parity with nibabel', FILES, () => {
  let dir: string;
  let ref: RefEntry[];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'seahorse-reorient-'));
    const jobs = path.join(dir, 'jobs.json');
    writeFileSync(jobs, JSON.stringify(FILES.map((f) => ({ path: sharedPath(f), targets: TARGETS }))));
    ref = await runPythonReference<RefEntry[]>('preprocess_reorient.py', [dir, jobs]);
  });
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('gives identical arrays, affines and axis codes for RAS, LPS, LIA and PIR on 10 real files', () => {
    expect(ref.length).toBe(FILES.length);
    for (const r of ref) {
      const npy = readNpy(r.input);
      const vol: VolumeXYZ = {
        data: npy.data as VoxelArray, shapeXYZ: [npy.shape[2]!, npy.shape[1]!, npy.shape[0]!],
        affine: Float64Array.from(r.affine.flat()), kind: 'intensity',
      };
      expect(orientationCodes(vol.affine), r.path).toBe(r.codes);
      for (const target of TARGETS) {
        const want = r.outputs[target]!;
        const ours = reorient(vol, target, { scan: r.path });
        const wantNpy = readNpy(want.data);
        expect(ours.shapeXYZ, `${r.path} ${target}`).toEqual([...wantNpy.shape].reverse());
        expect(Buffer.from(ours.data.buffer).equals(Buffer.from(wantNpy.data.buffer)), `${r.path} ${target} data`).toBe(true);
        const wantAffine = want.affine.flat();
        const mismatch = wantAffine.map((v, i) => (v === ours.affine[i] ? null : [i, v, ours.affine[i]])).filter((x) => x);
        expect(mismatch, `${r.path} ${target} affine`).toEqual([]);
        expect(orientationCodes(ours.affine)).toBe(want.codes);
      }
    }
  });

  it('round-trips losslessly: to LPS and back to the original codes gives the same voxels and affine', () => {
    for (const r of ref) {
      const npy = readNpy(r.input);
      const vol: VolumeXYZ = { data: npy.data as VoxelArray, shapeXYZ: [npy.shape[2]!, npy.shape[1]!, npy.shape[0]!],
        affine: Float64Array.from(r.affine.flat()), kind: 'intensity' };
      const back = reorient(reorient(vol, 'LPS'), r.codes);
      expect(back.shapeXYZ).toEqual(vol.shapeXYZ);
      expect(Buffer.from(back.data.buffer).equals(Buffer.from(vol.data.buffer))).toBe(true);
      for (let i = 0; i < 16; i++) expect(Math.abs(back.affine[i]! - vol.affine[i]!)).toBeLessThanOrEqual(1e-9);
    }
  });
});
