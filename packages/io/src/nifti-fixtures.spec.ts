/**
 * Awkward but valid NIfTI files written by nibabel (tools/reference/io_make_fixtures.py) in this
 * run: every datatype, big-endian, NIfTI-2, 4-D, extensions, sform_code=1 with qform_code=2,
 * qfac = -1, a 180° quaternion, no transform, 2-D; plus files Seahorse must refuse.
 * Voxels must be identical to nibabel's (sha256), affines within 1e-6, axcodes equal.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runPythonReference } from '@seahorse/testkit';
import * as niftiReader from 'nifti-reader-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NiftiFormatError } from './errors.js';
import { orientationCodes } from './orientation.js';
import { readNifti } from './nifti-read.js';
import { writeNifti } from './nifti-write.js';
import { maxAbsDiff, sha256 } from './array-checks.test-helpers.js';

interface Fixture { name: string; file: string; valid: boolean }
interface NibabelRef {
  file: string;
  nibabel: {
    shape: number[]; rawDtype: string; affine: number[][]; axcodes: string; fdataSha256: string; rawSha256: string;
    volumeSha256?: string[]; volumeRawSha256?: string[];
  };
}

const VALID = [
  'dtype-uint8.nii', 'dtype-int8.nii', 'dtype-int16.nii', 'dtype-uint16.nii', 'dtype-int32.nii', 'dtype-uint32.nii',
  'dtype-int64.nii', 'dtype-uint64.nii', 'dtype-float32.nii.gz', 'dtype-float64.nii.gz', 'big-endian-int16-scaled.nii.gz',
  'uint8-inter-only.nii', 'uint8-slope-only.nii', 'nifti2-float32.nii.gz', 'nifti2-big-endian-int32.nii',
  'four-d-float32.nii.gz', 'four-d-single.nii.gz', 'extensions.nii', 'sform1-qform2.nii.gz',
  'qform-only-qfac-negative.nii.gz', 'qform-only-rotation-180.nii', 'no-xform-pixdim.nii', 'two-d.nii',
];

function codeOf(f: () => unknown): string {
  try { f(); } catch (e) { if (e instanceof NiftiFormatError) return e.code; throw e; }
  return 'no error';
}

describe('nibabel-written fixtures', () => {
  let dir = '';
  const fixtures = new Map<string, Fixture>();
  const refs = new Map<string, NibabelRef>();
  const file = (name: string) => fixtures.get(name)!.file;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'seahorse-io-fixtures-'));
    for (const f of await runPythonReference<Fixture[]>('io_make_fixtures.py', [dir])) fixtures.set(f.name, f);
    const list = path.join(dir, 'valid.txt');
    writeFileSync(list, VALID.map(file).join('\n'));
    const out = await runPythonReference<NibabelRef[]>('io_read_reference.py', [list, '--no-sitk']);
    out.forEach((r, i) => refs.set(VALID[i]!, r));
  }, 120_000);
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('made every fixture', () => {
    expect([...fixtures.keys()].sort()).toEqual(
      [...VALID, 'reject-rgb24.nii', 'reject-complex64.nii', 'reject-int64-beyond-2p53.nii'].sort());
  });

  it.each(VALID)('%s: voxels, affine and axcodes as nibabel', (name) => {
    const nb = refs.get(name)!.nibabel;
    const volumes = nb.volumeSha256?.length ?? 1;
    for (let v = 0; v < volumes; v++) {
      const opts = nb.volumeSha256 ? { volumeIndex: v } : {};
      const im = readNifti(file(name), opts);
      expect([...im.shapeXYZ]).toEqual([...nb.shape.slice(0, 3), 1, 1].slice(0, 3));
      expect(im.data).toBeInstanceOf(Float64Array);
      expect(sha256(im.data), `float64 voxels of volume ${v}`).toBe(nb.volumeSha256?.[v] ?? nb.fdataSha256);
      expect(maxAbsDiff(im.affine, nb.affine.flat())).toBeLessThanOrEqual(1e-6);
      expect(orientationCodes(im)).toBe(nb.axcodes);
      const kept = readNifti(file(name), { ...opts, keepStoredType: true });
      if (nb.rawDtype === 'float64' && kept.header.datatype !== 'float64') {
        expect(kept.header.scaled || /int64/.test(kept.header.datatype)).toBe(true);
        expect(kept.data).toBeInstanceOf(Float64Array);
      } else if (/int64/.test(nb.rawDtype)) {
        // int64 rule: float64, exact within ±2^53.
        expect(kept.data).toBeInstanceOf(Float64Array);
        expect(sha256(kept.data)).toBe(nb.fdataSha256);
      } else {
        expect(kept.header.datatype).toBe(nb.rawDtype);
        expect(sha256(kept.data), `stored voxels of volume ${v}`).toBe(nb.volumeRawSha256?.[v] ?? nb.rawSha256);
      }
    }
  });

  it('sform_code=1 with qform_code=2: the affine is the sform (nibabel), not the qform (nifti-reader-js)', () => {
    const im = readNifti(file('sform1-qform2.nii.gz'));
    expect(im.header.sformCode).toBe(1);
    expect(im.header.qformCode).toBe(2);
    expect(im.header.affineSource).toBe('sform');
    expect(Array.from(im.affine)).toEqual(Array.from(im.header.sform!));
    expect(maxAbsDiff(im.affine, im.header.qform!)).toBeGreaterThan(1);
    const bytes = new Uint8Array(readFileSync(file('sform1-qform2.nii.gz')));
    const theirs = niftiReader.readHeader(niftiReader.decompress(bytes.buffer as ArrayBuffer) as ArrayBuffer);
    expect(maxAbsDiff(theirs.affine.flat(), im.header.qform!)).toBeLessThan(1e-5);
  });

  it('keeps extensions and writes them back', () => {
    const im = readNifti(file('extensions.nii'));
    expect(im.header.extensions.map((e) => e.code)).toEqual([6, 4]);
    expect(Buffer.from(im.header.extensions[0]!.data).toString('latin1')).toMatch(/^Seahorse extension test\0*$/);
    const out = path.join(dir, 'extensions-roundtrip.nii');
    writeNifti(out, im);
    const back = readNifti(out);
    expect(back.header.extensions.map((e) => [e.code, Buffer.from(e.data).toString('latin1')]))
      .toEqual(im.header.extensions.map((e) => [e.code, Buffer.from(e.data).toString('latin1')]));
    expect(sha256(back.data)).toBe(sha256(im.data));
  });

  it('reports byte order, version, scaling and affine source', () => {
    const be = readNifti(file('big-endian-int16-scaled.nii.gz'));
    expect([be.header.littleEndian, be.header.scaled, be.header.sclSlope, be.header.sclInter]).toEqual([false, true, 2.5, -10]);
    const n2 = readNifti(file('nifti2-big-endian-int32.nii'));
    expect([n2.header.version, n2.header.littleEndian, n2.header.datatype]).toEqual([2, false, 'int32']);
    expect(readNifti(file('qform-only-qfac-negative.nii.gz')).header.affineSource).toBe('qform');
    expect(readNifti(file('no-xform-pixdim.nii')).header.affineSource).toBe('pixdim');
    expect(readNifti(file('two-d.nii')).shapeXYZ).toEqual([5, 6, 1]);
  });

  it('4-D files need a volumeIndex within range; a single-volume 4-D file does not', () => {
    expect(codeOf(() => readNifti(file('four-d-float32.nii.gz')))).toBe('VOLUME_INDEX');
    expect(() => readNifti(file('four-d-float32.nii.gz'))).toThrow(/dim\[4\]: 3 volumes: pass \{ volumeIndex \} \(0\.\.2\)/);
    expect(codeOf(() => readNifti(file('four-d-float32.nii.gz'), { volumeIndex: 3 }))).toBe('VOLUME_INDEX');
    expect(codeOf(() => readNifti(file('four-d-float32.nii.gz'), { volumeIndex: -1 }))).toBe('VOLUME_INDEX');
    expect(readNifti(file('four-d-single.nii.gz')).header.volumeCount).toBe(1);
    expect(readNifti(file('four-d-float32.nii.gz'), { volumeIndex: 2 }).header.volumeIndex).toBe(2);
  });

  it('refuses RGB, complex and int64 beyond 2^53 with typed errors naming the file and field', () => {
    expect(() => readNifti(file('reject-rgb24.nii'))).toThrow(/reject-rgb24\.nii: datatype: RGB24 \(128\) is not supported/);
    expect(codeOf(() => readNifti(file('reject-complex64.nii')))).toBe('UNSUPPORTED_DATATYPE');
    expect(() => readNifti(file('reject-complex64.nii'))).toThrow(/datatype: complex64 \(32\)/);
    expect(codeOf(() => readNifti(file('reject-int64-beyond-2p53.nii')))).toBe('INT64_PRECISION');
    expect(() => readNifti(file('reject-int64-beyond-2p53.nii'), { keepStoredType: true }))
      .toThrow(/voxel \(1, 2, 3\) holds 1152921504606846977, beyond ±2\^53/);
  });
});
