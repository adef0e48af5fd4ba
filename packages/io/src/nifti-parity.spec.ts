/**
 * Parity with nibabel and SimpleITK on every NIfTI file in ../shared/data, computed in the same run
 * by tools/reference/io_read_reference.py (one Python call per batch of files).
 *
 * Tolerances: arrays identical (sha256 of the float64 / stored bytes, x fastest); affines within
 * 1e-6 absolute per entry; orientation codes equal; spacing within 1e-6 mm.
 *
 * Spacing has two definitions here. SimpleITK's `GetSpacing()` is the header's `pixdim[1..3]`
 * (exactly so on all 417 shared files); Seahorse's, like nibabel's affine, is the length of the
 * affine's columns. They agree within 1e-6 mm except where a stored sform's columns are not
 * `pixdim` long: dcm2niix's float32 oblique sforms in `data/dicom/` differ by up to 7.1e-6 mm.
 * So the test checks SimpleITK's rule exactly (its spacing is our `pixdim`), and Seahorse's
 * spacing against SimpleITK's within 1e-6 mm where the affine's columns are `pixdim` long, and
 * within SFORM_ROUNDING_ATOL (float32 rounding of the sform rows) where they are not.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeWithSharedData, runPythonReference, sharedPath } from '@seahorse/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { directionMatrix, originXYZ, spacingXYZ, toZYX } from './geometry.js';
import { orientationCodes } from './orientation.js';
import { readNifti, type NiftiImage } from './nifti-read.js';
import { writeNifti, type NiftiWriteDatatype } from './nifti-write.js';
import { sitkChosenTransform } from './sitk-rule.test-helpers.js';
import type { Mat4, VoxelArray } from './volume.js';
import { maxAbsDiff, sha256 } from './array-checks.test-helpers.js';

interface Reference {
  file: string;
  nibabel: { shape: number[]; dtype: string; rawDtype: string; affine: number[][]; axcodes: string; fdataSha256: string; rawSha256: string };
  sitk: { size: number[]; spacing: number[]; origin: number[]; direction: number[]; arrayShape: number[]; arrayDtype: string; float64Sha256: string };
}

const AFFINE_ATOL = 1e-6;
const SPACING_ATOL = 1e-6;
/** float32 rounding of an sform row entry of a few hundred mm: a few 1e-5 mm at most. */
const SFORM_ROUNDING_ATOL = 1e-5;

/** Every .nii/.nii.gz under shared data/, relative to it, sorted. */
function sharedNiftiFiles(): string[] {
  const root = sharedPath('data');
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.nii(\.gz)?$/.test(e.name)) out.push(path.relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

/** Our voxels as SimpleITK's array dtype would hold them, then as float64 (the reference hashes that). */
function asSitkFloat64(data: VoxelArray, sitkDtype: string): Float64Array {
  const out = Float64Array.from(data);
  if (sitkDtype === 'float32') for (let i = 0; i < out.length; i++) out[i] = Math.fround(out[i]!);
  return out;
}

/** The transform SimpleITK takes (see sitkChosenTransform). */
function sitkAffine(im: NiftiImage): Mat4 {
  return sitkChosenTransform(im.header, im.affine);
}

const FILES = sharedNiftiFiles();
const WRITABLE: Record<string, NiftiWriteDatatype> = { uint8: 'uint8', int16: 'int16', int32: 'int32', float32: 'float32', float64: 'float64' };

describeWithSharedData(`every shared NIfTI file (${FILES.length}) against nibabel and SimpleITK`, ['data'], () => {
  let refs = new Map<string, Reference>();
  let written = new Map<string, Reference>();
  /** Each file read once with keepStoredType in beforeAll (to write it), handed to its test. */
  const keptImages = new Map<string, NiftiImage>();
  let tmp = '';

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), 'seahorse-io-parity-'));
    const list = path.join(tmp, 'files.txt');
    writeFileSync(list, FILES.map((f) => sharedPath('data', f)).join('\n'));
    // The reference reads the originals while this process writes them back (separate processes).
    const refPending = runPythonReference<Reference[]>('io_read_reference.py', [list]);

    // Write every file back (stored type, or float64 when scaled), then read those with both tools.
    const outList: string[] = [];
    for (const rel of FILES) {
      const im = readNifti(sharedPath('data', rel), { keepStoredType: true });
      keptImages.set(rel, im);
      const out = path.join(tmp, rel.replace(/[\\/]/g, '__'));
      writeNifti(out, im, { datatype: WRITABLE[im.header.scaled ? 'float64' : im.header.datatype] ?? 'float64', compressionLevel: 1 });
      outList.push(out);
    }
    const ref = await refPending;
    refs = new Map(ref.map((r) => [path.relative(sharedPath('data'), r.file), r]));
    const outListFile = path.join(tmp, 'written.txt');
    writeFileSync(outListFile, outList.join('\n'));
    const back = await runPythonReference<Reference[]>('io_read_reference.py', [outListFile]);
    written = new Map(back.map((r, i) => [FILES[i]!, r]));
  }, 300_000);

  afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

  it('found the shared files and a reference for each', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(400);
    expect(refs.size).toBe(FILES.length);
    expect(written.size).toBe(FILES.length);
  });

  it.each(FILES)('%s: reads like nibabel and SimpleITK, and writes back identically', (rel) => {
    const ref = refs.get(rel)!;
    const im = readNifti(sharedPath('data', rel));
    const nb = ref.nibabel;

    // nibabel: float64 voxels after scaling, byte for byte; stored type byte for byte.
    expect([...im.shapeXYZ]).toEqual(nb.shape.slice(0, 3));
    const fdataHash = sha256(im.data);
    expect(fdataHash, 'get_fdata(dtype=float64)').toBe(nb.fdataSha256);
    // Our voxels as SimpleITK's array type holds them: a float32 cast only changes scaled or float64 data.
    const sitkHash = (dtype: string) =>
      dtype === 'float32' && (im.header.scaled || im.header.datatype === 'float64') ? sha256(asSitkFloat64(im.data, dtype)) : fdataHash;
    const kept = keptImages.get(rel)!;
    keptImages.delete(rel);
    if (!kept.header.scaled) {
      expect(kept.header.datatype).toBe(nb.rawDtype);
      expect(sha256(kept.data), 'raw dataobj').toBe(nb.rawSha256);
    } else {
      expect(kept.data).toBeInstanceOf(Float64Array);
    }
    expect(maxAbsDiff(im.affine, nb.affine.flat())).toBeLessThanOrEqual(AFFINE_ATOL);
    expect(orientationCodes(im)).toBe(nb.axcodes);

    // SimpleITK: the [Z,Y,X] view is GetArrayFromImage, spacing is reversed(GetSpacing()).
    const sk = ref.sitk;
    const zyx = toZYX(im);
    expect([...zyx.shapeZYX]).toEqual(sk.arrayShape);
    expect(zyx.data).toBe(im.data);
    expect(sitkHash(sk.arrayDtype), 'GetArrayFromImage').toBe(sk.float64Sha256);
    const pixdimXYZ = [1, 2, 3].slice(0, sk.spacing.length).map((i) => Math.abs(im.header.pixdim[i] ?? 1) || 1);
    expect(maxAbsDiff(pixdimXYZ, sk.spacing), "SimpleITK's spacing is the header's pixdim").toBeLessThanOrEqual(SPACING_ATOL);
    const columnsArePixdimLong = maxAbsDiff(spacingXYZ(im).slice(0, pixdimXYZ.length), pixdimXYZ) <= SPACING_ATOL;
    expect(maxAbsDiff(zyx.spacingZYX, [...sk.spacing].reverse())).toBeLessThanOrEqual(columnsArePixdimLong ? SPACING_ATOL : SFORM_ROUNDING_ATOL);
    const itk = sitkAffine(im);
    expect(maxAbsDiff(originXYZ(itk, 'LPS'), sk.origin)).toBeLessThanOrEqual(AFFINE_ATOL);
    expect(maxAbsDiff(directionMatrix(itk, 'LPS'), sk.direction)).toBeLessThanOrEqual(AFFINE_ATOL);

    // Written by Seahorse: nibabel and SimpleITK read back what they read from the original.
    const w = written.get(rel)!;
    expect(w.nibabel.fdataSha256, 'nibabel get_fdata of the written file').toBe(nb.fdataSha256);
    expect(maxAbsDiff(w.nibabel.affine.flat(), nb.affine.flat())).toBeLessThanOrEqual(AFFINE_ATOL);
    expect(w.nibabel.axcodes).toBe(nb.axcodes);
    expect(sitkHash(w.sitk.arrayDtype), 'SimpleITK array of the written file').toBe(w.sitk.float64Sha256);
    expect(maxAbsDiff(w.sitk.spacing, sk.spacing)).toBeLessThanOrEqual(columnsArePixdimLong ? SPACING_ATOL : SFORM_ROUNDING_ATOL);
    expect(maxAbsDiff(w.sitk.origin, sk.origin)).toBeLessThanOrEqual(AFFINE_ATOL);
    expect(maxAbsDiff(w.sitk.direction, sk.direction)).toBeLessThanOrEqual(AFFINE_ATOL);
    expect(spacingXYZ(im).every((s) => s > 0)).toBe(true);
  });
});
