import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readNifti } from '@seahorse/io';
import { describeWithSharedData, readNpy, runPythonReference, sharedPath } from '@seahorse/testkit';
import { beforeAll, expect, it } from 'vitest';
import { readDicomSeries, type DicomSeriesRead } from './index.js';
import { compareInWorld } from './world-compare.test-helpers.js';

// Geometry and values of the four shared scanner series against dcm2niix v1.0.20220720's
// conversions (shared), the PyPI dcm2niix with `-p n`, and SimpleITK's ImageSeriesReader.
// Facts from data/dicom/README.md: shapes in RAS and the Philips rescale.
const SERIES = [
  { name: 'ge_ax_mprage', shape: [256, 256, 130], spacing: [0.9375, 0.9375, 1.2], dtype: 'Int16Array' },
  { name: 'philips_sag_mprage_jpegll', shape: [256, 256, 170], spacing: [1, 1, 1], dtype: 'Float64Array' },
  { name: 'siemens_sag_t1_2d_hfs', shape: [256, 256, 35], spacing: [1.015625, 1.015625, 4.8], dtype: 'Uint16Array' },
  { name: 'siemens_sag_tfl_enhanced', shape: [128, 128, 96], spacing: [2, 2, 2], dtype: 'Uint16Array' },
] as const;

const spacingOf = (a: ArrayLike<number>) => [0, 1, 2].map((c) => Math.hypot(a[c]!, a[4 + c]!, a[8 + c]!));

describeWithSharedData('readDicomSeries on the shared scanner series', ['data/dicom'], () => {
  const read = new Map<string, DicomSeriesRead>();
  beforeAll(async () => {
    for (const s of SERIES) read.set(s.name, await readDicomSeries(sharedPath('data/dicom', s.name)));
  }, 120_000);

  for (const s of SERIES) {
    it(`${s.name}: shape, spacing and type as its README states`, () => {
      const r = read.get(s.name)!;
      expect(r.volume.shapeXYZ).toEqual(s.shape);
      // From the positions: e.g. 0.9999992 mm (Philips) and 2.000001 mm (XA30), as SimpleITK finds.
      spacingOf(r.volume.affine).forEach((v, i) => expect(v).toBeCloseTo(s.spacing[i]!, 4));
      expect(r.volume.data.constructor.name).toBe(s.dtype);
      expect(r.series.slices).toHaveLength(s.shape[2]);
      expect(new Set(r.series.slices.map((x) => `${x.sopInstanceUid}/${x.frameNumber}`)).size).toBe(s.shape[2]);
    });

    it(`${s.name}: affine within 2e-4 mm of dcm2niix's (shared reference) in RAS`, () => {
      const r = read.get(s.name)!;
      const ref = readNifti(sharedPath('data/dicom', `${s.name}.nii.gz`));
      const cmp = compareInWorld(r.volume, ref, Infinity);
      // dcm2niix itself is 1.5e-4 mm (Siemens E11) and 1.04e-4 mm (XA30) from the first slice's
      // ImagePositionPatient, which Seahorse and SimpleITK reproduce exactly (next tests): its
      // float32 arithmetic, not a reading difference. 2e-4 is the README's dcm2niix–SimpleITK figure.
      expect(cmp.affineDiffMm).toBeLessThan(2e-4);
      expect(cmp.mismatches).toBe(0);
    });

    it(`${s.name}: affine within 1e-4 mm of SimpleITK's and identical voxels`, async () => {
      const r = read.get(s.name)!;
      const out = mkdtempSync(path.join(os.tmpdir(), 'seahorse-dicom-sitk-'));
      const ref = await runPythonReference<{ npy: string; affine: number[] }>('dicom_reference.py', ['sitk', sharedPath('data/dicom', s.name), out]);
      const npy = readNpy(ref.npy);
      const cmp = compareInWorld(r.volume, { shapeXYZ: [...npy.shape].reverse(), affine: ref.affine, data: npy.data as ArrayLike<number> });
      expect(cmp.affineDiffMm).toBeLessThan(1e-6);
      expect(cmp.mismatches).toBe(0);
    });
  }

  it('slices run along row × column: Siemens E11 (IOP 0\\1\\0\\0\\0\\-1, normal −x LPS = +x RAS) starts at the left-most slice', () => {
    const a = read.get('siemens_sag_t1_2d_hfs')!.volume.affine;
    // The normal is +x RAS, so slice 0 is the most negative RAS x: instance 35 at LPS x = +81.6.
    expect([a[2], a[6], a[10]].map((v) => Number(v!.toFixed(6)))).toEqual([4.8, 0, 0]);
    expect(a[3]).toBeCloseTo(-81.6, 4);
    expect([a[7], a[11]]).toEqual([130, 130]);
  });

  for (const s of SERIES.filter((x) => x.name !== 'philips_sag_mprage_jpegll')) {
    it(`${s.name}: voxels identical to dcm2niix's`, () => {
      const cmp = compareInWorld(read.get(s.name)!.volume, readNifti(sharedPath('data/dicom', `${s.name}.nii.gz`)));
      expect(cmp.mismatches).toBe(0);
    });
  }

  it('philips: display values (RescaleSlope 2.36166) equal dcm2niix -p n up to its float32 scl_slope', async () => {
    const r = read.get('philips_sag_mprage_jpegll')!;
    expect(r.series.rescale).toEqual({ slope: 2.36166056166056, intercept: 0 });
    const out = mkdtempSync(path.join(os.tmpdir(), 'seahorse-dicom-d2n-'));
    const ref = await runPythonReference<{ nifti: string }>('dicom_reference.py', ['dcm2niix', sharedPath('data/dicom/philips_sag_mprage_jpegll'), out, 'n']);
    const nii = readNifti(ref.nifti);
    // The NIfTI header holds the slope as float32: relative difference below 1e-7 of the value.
    const cmp = compareInWorld(r.volume, nii, 2803 * 1e-7);
    expect(cmp.affineDiffMm).toBeLessThan(1e-4);
    expect(cmp.mismatches).toBe(0);
    let max = 0;
    for (const v of r.volume.data) max = Math.max(max, v);
    expect(max).toBeCloseTo(2803, 0);
  });

  it("philips: dcm2niix's default (-p y, shared) is the same stored values times another positive constant", () => {
    const r = read.get('philips_sag_mprage_jpegll')!;
    const ref = readNifti(sharedPath('data/dicom/philips_sag_mprage_jpegll.nii.gz'));
    const cmp = compareInWorld(r.volume, ref, Infinity);
    const p = cmp.indexMap;
    const [X, Y] = r.volume.shapeXYZ;
    const [RX, RY] = ref.shapeXYZ;
    let ratio: number | undefined;
    let worst = 0;
    for (let i = 0; i < r.volume.data.length; i += 997) {
      const v = r.volume.data[i]!;
      if (v === 0) continue;
      const x = i % X, y = Math.floor(i / X) % Y, z = Math.floor(i / (X * Y));
      const idx = (p[0]! * x + p[1]! * y + p[2]! * z + p[3]!) + RX * ((p[4]! * x + p[5]! * y + p[6]! * z + p[7]!) + RY * (p[8]! * x + p[9]! * y + p[10]! * z + p[11]!));
      const q = ref.data[idx]! / v;
      ratio ??= q;
      worst = Math.max(worst, Math.abs(q / ratio - 1));
    }
    // stored × 133.88 (precise) against stored × 2.36166 (display): one linear factor.
    expect(ratio! * 2.36166056166056).toBeCloseTo(133.88, 1);
    expect(worst).toBeLessThan(1e-5);
  });
});
