/**
 * The writer: plain volumes (no header to copy) read back by nibabel and SimpleITK; datatype
 * rules; header fields kept; atomic replacement. Files written by Seahorse from read images are
 * covered for every shared file in nifti-parity.spec.ts.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeWithSharedData, runPythonReference, sharedPath } from '@seahorse/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NiftiWriteError, type NiftiWriteErrorCode } from './errors.js';
import { directionMatrix, originXYZ, spacingXYZ } from './geometry.js';
import { orientationCodes } from './orientation.js';
import { readNifti } from './nifti-read.js';
import { affineToQform, encodeNifti, writeNifti, type WriteNiftiOptions } from './nifti-write.js';
import { sitkChosenTransform } from './sitk-rule.test-helpers.js';
import type { VolumeXYZ, VoxelArray } from './volume.js';
import { maxAbsDiff, sha256 } from './array-checks.test-helpers.js';

interface Reference {
  file: string;
  nibabel: { shape: number[]; dtype: string; affine: number[][]; axcodes: string; fdataSha256: string };
  sitk: { spacing: number[]; origin: number[]; direction: number[]; arrayDtype: string; float64Sha256: string; error?: string };
}

/** A volume with only the VolumeXYZ fields: nothing from a header to copy. */
function plain<T extends VoxelArray>(v: VolumeXYZ<T>): VolumeXYZ<T> {
  return { data: v.data, shapeXYZ: v.shapeXYZ, affine: v.affine, kind: v.kind };
}
function writeErrorCode(f: () => unknown): NiftiWriteErrorCode | 'none' {
  try { f(); } catch (e) { if (e instanceof NiftiWriteError) return e.code; throw e; }
  return 'none';
}

const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-io-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Oblique, non-float32 affine: a 0.3 rad rotation, spacing 0.7/1.1/2.3, origin 1/3, -2/7, 5/9. */
function syntheticAffine(): Float64Array {
  const c = Math.cos(0.3), s = Math.sin(0.3);
  return Float64Array.from([c * 0.7, -s * 1.1, 0, 1 / 3, s * 0.7, c * 1.1, 0, -2 / 7, 0, 0, 2.3, 5 / 9, 0, 0, 0, 1]);
}

describeWithSharedData('plain volumes written by Seahorse, read by nibabel and SimpleITK', ['data/headers', 'data/colin27-aal/ch2.nii.gz'], () => {
  const SOURCES = [
    ...['oblique-sform-int16-t1', 'qform-only-1.75mm-t1', 'chris-t1-0.88mm', 'sheared-anisotropic', 'mni152-2009-int16', 'flair']
      .map((n) => `data/headers/${n}.nii.gz`),
    'data/colin27-aal/ch2.nii.gz', 'data/colin27-aal/aal.nii.gz',
    'data/msd-hippocampus/imagesTr/hippocampus_003.nii.gz', 'data/msd-hippocampus/labelsTr/hippocampus_003.nii.gz',
  ];
  const cases: { name: string; out: string; volume: VolumeXYZ; options: WriteNiftiOptions }[] = [];
  const refs = new Map<string, Reference>();

  beforeAll(async () => {
    for (const rel of SOURCES) {
      const im = readNifti(sharedPath(rel), { keepStoredType: true });
      const base = rel.replace(/^data\//, '').replace(/[\\/]/g, '__').replace(/\.nii\.gz$/, '');
      cases.push({ name: `${base} as stored`, out: path.join(dir, `${base}.nii.gz`), volume: plain(im), options: { compressionLevel: 1 } });
      if (rel.includes('msd-hippocampus') || rel.includes('qform-only')) {
        cases.push({ name: `${base} as float64 .nii`, out: path.join(dir, `${base}-f64.nii`), volume: plain(readNifti(sharedPath(rel))), options: {} });
      }
    }
    const shape = [9, 8, 7] as const;
    const data = new Int32Array(9 * 8 * 7).map((_, i) => (i * 7919) % 100000 - 50000);
    cases.push({ name: 'synthetic int32, non-float32 affine', out: path.join(dir, 'synthetic.nii.gz'),
      volume: { data, shapeXYZ: shape, affine: syntheticAffine(), kind: 'intensity' }, options: {} });
    for (const c of cases) writeNifti(c.out, c.volume, c.options);
    const list = path.join(dir, 'list.txt');
    writeFileSync(list, cases.map((c) => c.out).join('\n'));
    const out = await runPythonReference<Reference[]>('io_read_reference.py', [list]);
    out.forEach((r, i) => refs.set(cases[i]!.name, r));
  }, 180_000);

  it('wrote every case', () => {
    expect(refs.size).toBe(SOURCES.length + 3 + 1);
  });

  it.each(SOURCES.flatMap((rel) => {
    const base = rel.replace(/^data\//, '').replace(/[\\/]/g, '__').replace(/\.nii\.gz$/, '');
    return rel.includes('msd-hippocampus') || rel.includes('qform-only') ? [`${base} as stored`, `${base} as float64 .nii`] : [`${base} as stored`];
  }).concat(['synthetic int32, non-float32 affine']))('%s', (name) => {
    const c = cases.find((x) => x.name === name)!;
    const r = refs.get(name)!;
    const v = c.volume;
    // nibabel: same voxels, same affine up to float32 storage (relative 6e-8), same axcodes.
    expect(r.nibabel.fdataSha256).toBe(sha256(Float64Array.from(v.data)));
    const aff = r.nibabel.affine.flat();
    for (let i = 0; i < 16; i++) expect(Math.abs(aff[i]! - v.affine[i]!)).toBeLessThanOrEqual(1e-6 + 6e-8 * Math.abs(v.affine[i]!));
    expect(r.nibabel.axcodes).toBe(orientationCodes(v));
    // SimpleITK: same voxels and spacing; origin and direction from the form it takes (sform_code 1
    // and rigid: the sform, i.e. the affine; sheared: the nearest-rigid qform Seahorse wrote).
    expect(r.sitk.error).toBeUndefined();
    const back = readNifti(c.out);
    expect(back.header.qformCode).toBe(1);
    expect(back.header.sformCode).toBe(1);
    const data = Float64Array.from(v.data);
    if (r.sitk.arrayDtype === 'float32') for (let i = 0; i < data.length; i++) data[i] = Math.fround(data[i]!);
    expect(r.sitk.float64Sha256).toBe(sha256(data));
    expect(maxAbsDiff(r.sitk.spacing, spacingXYZ(v))).toBeLessThanOrEqual(1e-6 * Math.max(...spacingXYZ(v)));
    expect(maxAbsDiff(r.sitk.origin, originXYZ(v, 'LPS'))).toBeLessThanOrEqual(1e-6 + 6e-8 * Math.max(...originXYZ(v).map(Math.abs)));
    expect(maxAbsDiff(r.sitk.direction, directionMatrix(sitkChosenTransform(back.header, back.affine), 'LPS'))).toBeLessThanOrEqual(1e-6);
    if (affineToQform(v.affine)!.exact) expect(maxAbsDiff(r.sitk.direction, directionMatrix(v, 'LPS'))).toBeLessThanOrEqual(1e-6);
    else expect(maxAbsDiff(r.sitk.direction, directionMatrix(back.header.qform!, 'LPS'))).toBeLessThanOrEqual(1e-6);
  });
});

describe('writeNifti', () => {
  const affine = Float64Array.from([-1, 0, 0, 10, 0, 0, 2, -20, 0, -3, 0, 30, 0, 0, 0, 1]);
  const vol = (data: VoxelArray, shapeXYZ: [number, number, number] = [2, 3, 4]): VolumeXYZ =>
    ({ data, shapeXYZ, affine, kind: 'intensity' });

  it('round-trips every writable datatype exactly, in .nii and .nii.gz', () => {
    const n = 24;
    const arrays: [string, VoxelArray][] = [
      ['uint8', new Uint8Array(n).map((_, i) => i * 10)],
      ['int16', new Int16Array(n).map((_, i) => i * 1000 - 12000)],
      ['int32', new Int32Array(n).map((_, i) => i * 90000000 - 1e9)],
      ['float32', new Float32Array(n).map((_, i) => Math.fround(i / 3 - 1))],
      ['float64', new Float64Array(n).map((_, i) => i / 7 - Math.PI)],
    ];
    for (const [dtype, data] of arrays) {
      for (const ext of ['.nii', '.nii.gz']) {
        const f = path.join(dir, `rt-${dtype}${ext}`);
        writeNifti(f, vol(data));
        const back = readNifti(f, { keepStoredType: true });
        expect(back.header.datatype).toBe(dtype);
        expect(back.data.constructor).toBe(data.constructor);
        expect(Array.from(back.data)).toEqual(Array.from(data));
        expect(Array.from(back.affine)).toEqual(Array.from(affine));
        expect(back.header.spatialUnits).toBe('mm');
      }
    }
  });

  it('picks a type that holds int8, uint16 and uint32 exactly, and converts on request', () => {
    const cases: [VoxelArray, string][] = [
      [new Int8Array(24).fill(-100), 'int16'], [new Uint16Array(24).fill(65535), 'int32'], [new Uint32Array(24).fill(2 ** 32 - 1), 'float64'],
    ];
    for (const [data, dtype] of cases) {
      const f = path.join(dir, `pick-${dtype}.nii`);
      writeNifti(f, vol(data));
      const back = readNifti(f);
      expect(back.header.datatype).toBe(dtype);
      expect(back.data[0]).toBe(data[0]);
    }
    const f = path.join(dir, 'f64-to-u8.nii');
    writeNifti(f, vol(new Float64Array(24).fill(7)), { datatype: 'uint8' });
    expect(readNifti(f, { keepStoredType: true }).data).toEqual(new Uint8Array(24).fill(7));
    writeNifti(f, vol(new Float64Array(24).fill(0.1)), { datatype: 'float32' });
    expect(readNifti(f).data[0]).toBe(Math.fround(0.1));
  });

  it('refuses values the integer type cannot hold, naming the voxel', () => {
    const data = new Float64Array(24);
    data[1 + 2 * (2 + 3 * 3)] = 2.5;
    expect(() => writeNifti(path.join(dir, 'x.nii'), vol(data), { datatype: 'int16' }))
      .toThrow(/x\.nii: data: voxel \(1, 2, 3\) = 2\.5 is not an integer in int16's range \[-32768, 32767\]/);
    expect(writeErrorCode(() => writeNifti(path.join(dir, 'x.nii'), vol(new Int16Array(24).fill(300)), { datatype: 'uint8' }))).toBe('VALUE_RANGE');
    expect(writeErrorCode(() => writeNifti(path.join(dir, 'x.nii'), vol(new Float32Array(24).fill(NaN)), { datatype: 'int32' }))).toBe('VALUE_RANGE');
  });

  it('rejects bad volumes, options and names', () => {
    const f = path.join(dir, 'bad.nii');
    expect(() => writeNifti(path.join(dir, 'bad.img'), vol(new Uint8Array(24)))).toThrow(/bad\.img: file: the name must end in \.nii or \.nii\.gz/);
    expect(() => writeNifti(f, vol(new Uint8Array(23)))).toThrow(/data: length 23 != X·Y·Z = 24/);
    expect(writeErrorCode(() => writeNifti(f, vol(new Uint8Array(0), [0, 3, 4])))).toBe('BAD_VOLUME');
    expect(writeErrorCode(() => writeNifti(f, vol(new Uint8Array(40000 * 2), [40000, 2, 1])))).toBe('BAD_VOLUME');
    expect(() => writeNifti(f, { ...vol(new Uint8Array(24)), affine: new Float64Array(16).fill(NaN) })).toThrow(/affine: must be 16 numbers with a finite top 3×4/);
    expect(() => writeNifti(f, vol(new Uint8Array(24)), { description: 'x'.repeat(80) })).toThrow(/description: .* at most 79 printable ASCII/);
    expect(writeErrorCode(() => writeNifti(f, vol(new Uint8Array(24)), { description: 'café' }))).toBe('BAD_OPTIONS');
    expect(() => writeNifti(f, vol(new Uint8Array(24)), { compressionLevel: 10 })).toThrow(/compressionLevel: 10 is not an integer in 0\.\.9/);
    expect(() => writeNifti(f, vol(new Uint8Array(24)), { sformCode: 7 as 1 })).toThrow(/sformCode: 7 is not an xform code/);
    expect(() => writeNifti(f, vol(new Uint8Array(24)), { datatype: 'int8' as 'uint8' })).toThrow(/datatype: "int8" is not one of uint8, int16, int32, float32, float64/);
  });

  it('keeps qform, sform, units, description and pixdim of a read image; derives them when the affine changed', () => {
    const bytes = encodeNifti(vol(new Int16Array(24)), { description: 'original', xyztUnits: 10, sformCode: 4, qformCode: 2 });
    const src = path.join(dir, 'src.nii');
    writeFileSync(src, bytes);
    const im = readNifti(src, { keepStoredType: true });
    expect([im.header.description, im.header.xyztUnits, im.header.sformCode, im.header.qformCode]).toEqual(['original', 10, 4, 2]);
    const copy = path.join(dir, 'copy.nii');
    writeNifti(copy, im);
    const a = readFileSync(src);
    const b = readFileSync(copy);
    expect(b.subarray(0, 352).equals(a.subarray(0, 352))).toBe(true);
    writeNifti(copy, im, { description: 'relabelled' });
    expect(readNifti(copy).header.description).toBe('relabelled');
    // A moved affine: codes kept from the header, geometry derived from the new affine.
    const moved = im.affine.slice();
    moved[3] = 99;
    writeNifti(copy, { ...im, affine: moved });
    const back = readNifti(copy);
    expect([back.header.sformCode, back.header.qformCode, back.header.description]).toEqual([4, 2, 'original']);
    expect(Array.from(back.affine)).toEqual(Array.from(moved));
    expect(maxAbsDiff(back.header.qform!, moved)).toBeLessThan(1e-6);
  });

  it('derives a qform that reproduces the affine for rotations, flips and 180° turns', () => {
    const cases = [
      affine, syntheticAffine(),
      Float64Array.from([1, 0, 0, 0, 0, -1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1]),
      Float64Array.from([-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]),
      Float64Array.from([0, 0, 1.5, 0, 1.5, 0, 0, 0, 0, 1.5, 0, 0, 0, 0, 0, 1]),
    ];
    for (const a of cases) {
      const f = path.join(dir, 'q.nii');
      writeNifti(f, { ...vol(new Uint8Array(24)), affine: a });
      const q = readNifti(f).header.qform!;
      expect(maxAbsDiff(q, a)).toBeLessThan(1e-6);
    }
    expect(affineToQform(Float64Array.from([1, 0.5, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]))!.exact).toBe(false);
    expect(affineToQform(new Float64Array(16))).toBeNull();
  });

  it('is atomic: replaces the file whole, leaves no temp file, and leaves the old file on failure', () => {
    const sub = mkdtempSync(path.join(dir, 'atomic-'));
    const f = path.join(sub, 'out.nii.gz');
    writeNifti(f, vol(new Uint8Array(24).fill(1)));
    writeNifti(f, vol(new Uint8Array(24).fill(2)));
    expect(readNifti(f).data[0]).toBe(2);
    expect(readdirSync(sub)).toEqual(['out.nii.gz']);
    const before = readFileSync(f);
    expect(writeErrorCode(() => writeNifti(f, vol(new Float64Array(24).fill(0.5)), { datatype: 'uint8' }))).toBe('VALUE_RANGE');
    expect(readFileSync(f).equals(before)).toBe(true);
    const missingDir = path.join(sub, 'no', 'such', 'dir', 'x.nii');
    expect(() => writeNifti(missingDir, vol(new Uint8Array(24)))).toThrow(/x\.nii: file: ENOENT/);
    expect(readdirSync(sub)).toEqual(['out.nii.gz']);
  });
});
