/**
 * Every bad-input case of the issue gets a typed NiftiFormatError whose message names the file,
 * the field and the offending value. Inputs are built from a valid file by editing header fields.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { NiftiFormatError, type NiftiErrorCode } from './errors.js';
import { decodeNifti, readNifti } from './nifti-read.js';
import { encodeNifti } from './nifti-write.js';

const FILE = 'case.nii';

/** A valid 4×5×6 int16 NIfTI-1 file with an oblique sform and qform. */
function validBytes(): Uint8Array {
  const data = new Int16Array(4 * 5 * 6).map((_, i) => i - 60);
  const affine = Float64Array.from([0, -1, 0, 10, 2, 0, 0, -5, 0, 0, 3, 7, 0, 0, 0, 1]);
  return encodeNifti({ data, shapeXYZ: [4, 5, 6], affine, kind: 'intensity' });
}

/** Applies `edit` to a DataView of a fresh valid file. */
function edited(edit: (v: DataView, bytes: Uint8Array) => void): Uint8Array {
  const b = validBytes();
  edit(new DataView(b.buffer), b);
  return b;
}

function errorOf(bytes: Uint8Array, options = {}): NiftiFormatError {
  try {
    decodeNifti(bytes, FILE, options);
  } catch (e) {
    expect(e).toBeInstanceOf(NiftiFormatError);
    return e as NiftiFormatError;
  }
  throw new Error('expected a NiftiFormatError, but the file was read');
}

function expectError(bytes: Uint8Array, code: NiftiErrorCode, message: RegExp, options = {}) {
  const err = errorOf(bytes, options);
  expect(err.code).toBe(code);
  expect(err.file).toBe(FILE);
  expect(err.message).toMatch(new RegExp(`^${FILE}: `));
  expect(err.message).toMatch(message);
}

describe('the valid base file', () => {
  it('reads, so each case below fails for its one edit', () => {
    const im = decodeNifti(validBytes(), FILE);
    expect(im.shapeXYZ).toEqual([4, 5, 6]);
    expect(im.data[0]).toBe(-60);
  });

  it('a vox_offset inside the header is raised to 352, as nibabel does', () => {
    for (const offset of [0, 100, 348]) {
      const im = decodeNifti(edited((v) => v.setFloat32(108, offset, true)), FILE);
      expect(Array.from(im.data)).toEqual(Array.from(decodeNifti(validBytes(), FILE).data));
    }
  });
});

describe('bad input gives typed errors naming file, field and value', () => {
  it('truncated gzip', () => {
    const gz = gzipSync(validBytes());
    expectError(gz.subarray(0, gz.length >> 1), 'TRUNCATED_GZIP', /gzip stream: cannot be decompressed \(unexpected end of file\)/);
    const corrupt = Uint8Array.from(gz);
    corrupt.fill(0xff, 10, 40);
    expectError(corrupt, 'TRUNCATED_GZIP', /gzip stream/);
  });

  it('wrong magic, wrong sizeof_hdr, .hdr/.img pair, too short', () => {
    expectError(edited((_, b) => b.set([0x6e, 0x2b, 0x39, 0], 344)), 'BAD_MAGIC', /magic: "n\+9" is not 'n\+1'/);
    expectError(edited((v) => v.setInt32(0, 350, true)), 'BAD_MAGIC', /sizeof_hdr: 350 \(little-endian\).*not a NIfTI file/);
    expectError(edited((_, b) => b.set([0x6e, 0x69, 0x31, 0], 344)), 'BAD_MAGIC', /'ni1' marks a \.hdr\/\.img pair/);
    expectError(validBytes().subarray(0, 200), 'TOO_SHORT', /sizeof_hdr: 200 bytes/);
    expectError(new Uint8Array(0), 'TOO_SHORT', /0 bytes/);
  });

  it('vox_offset past the end of the file', () => {
    expectError(edited((v) => v.setFloat32(108, 1e6, true)), 'BAD_VOX_OFFSET', /vox_offset: 1000000 is past the end of the 592-byte/);
    expectError(edited((v) => v.setFloat32(108, -16, true)), 'BAD_VOX_OFFSET', /vox_offset: -16 is not a non-negative integer/);
    expectError(edited((v) => v.setFloat32(108, NaN, true)), 'BAD_VOX_OFFSET', /vox_offset: NaN/);
  });

  it('zero, negative or absurd dimensions', () => {
    expectError(edited((v) => v.setInt16(42, 0, true)), 'BAD_DIM', /dim\[1\]: 0 is not a positive size \(dim = \[3, 0, 5, 6/);
    expectError(edited((v) => v.setInt16(44, -5, true)), 'BAD_DIM', /dim\[2\]: -5 is not a positive size/);
    expectError(edited((v) => v.setInt16(40, 0, true)), 'BAD_DIM', /dim\[0\]: 0 is not a number of dimensions in 1\.\.7/);
    expectError(edited((v) => v.setInt16(40, 9, true)), 'BAD_DIM', /dim\[0\]: 9/);
    expectError(edited((v) => { v.setInt16(40, 5, true); v.setInt16(48, 1, true); v.setInt16(50, 2, true); }),
      'UNSUPPORTED_DIMS', /dim\[5\]: 2: Seahorse reads 3-D volumes/);
  });

  it('a dimension product that overflows or exceeds the available memory', () => {
    // 32767³ int16 = 35 T voxels: more than any typed array and than this machine's memory.
    expectError(edited((v) => { v.setInt16(42, 32767, true); v.setInt16(44, 32767, true); v.setInt16(46, 32767, true); }),
      'TOO_LARGE', /dim: \[3, 32767, 32767, 32767, 1, 1, 1, 1\] needs \d+\.\d+ GiB for one volume, more than the limit/);
    // The same file within a 1 KiB budget.
    expectError(validBytes(), 'TOO_LARGE', /needs 0\.00 GiB.*limit of 0\.00 GiB/, { maxBytes: 1024 });
    // 4-D: 32767⁴ voxels overflow 2^53 bytes.
    expectError(edited((v) => { v.setInt16(40, 4, true); for (let i = 1; i <= 4; i++) v.setInt16(40 + 2 * i, 32767, true); }),
      'TOO_LARGE', /the voxel count overflows|more than the limit/);
  });

  it('data shorter than the dimensions need', () => {
    const b = validBytes();
    expectError(b.subarray(0, b.length - 1), 'TRUNCATED_DATA', /dim: \[3, 4, 5, 6.*of int16 needs 240 bytes from vox_offset 352, but the file has only 239/);
  });

  it('unsupported data types', () => {
    expectError(edited((v) => v.setInt16(70, 128, true)), 'UNSUPPORTED_DATATYPE', /datatype: RGB24 \(128\) is not supported/);
    expectError(edited((v) => v.setInt16(70, 1792, true)), 'UNSUPPORTED_DATATYPE', /complex128 \(1792\)/);
    expectError(edited((v) => v.setInt16(70, 1536, true)), 'UNSUPPORTED_DATATYPE', /float128/);
    expectError(edited((v) => v.setInt16(70, 3, true)), 'UNSUPPORTED_DATATYPE', /datatype: 3 is not a NIfTI datatype code/);
  });

  it('NaN in pixdim or the affine', () => {
    expectError(edited((v) => v.setFloat32(80, NaN, true)), 'NAN_PIXDIM', /pixdim\[1\]: NaN is not a finite voxel size/);
    expectError(edited((v) => v.setFloat32(88, Infinity, true)), 'NAN_PIXDIM', /pixdim\[3\]: Infinity/);
    expectError(edited((v) => v.setFloat32(280 + 4 * 5, NaN, true)), 'NAN_AFFINE', /srow_y\[1\]: NaN is not finite/);
    // qform used (sform_code 0): NaN quaternion or offset.
    expectError(edited((v) => { v.setInt16(254, 0, true); v.setFloat32(260, NaN, true); }), 'NAN_AFFINE', /quatern_c: NaN/);
    expectError(edited((v) => { v.setInt16(254, 0, true); v.setFloat32(276, -Infinity, true); }), 'NAN_AFFINE', /qoffset_z: -Infinity/);
    expectError(edited((v) => { v.setInt16(254, 0, true); v.setFloat32(256, 0.9, true); v.setFloat32(260, 0.9, true); v.setFloat32(264, 0, true); }),
      'BAD_QUATERNION', /quatern_b\/c\/d: b²\+c²\+d² = 1\.6\d* exceeds 1/);
  });

  it('a valid scl_slope with a non-finite scl_inter', () => {
    expectError(edited((v) => { v.setFloat32(112, 2, true); v.setFloat32(116, NaN, true); }), 'BAD_SCALING', /scl_inter: NaN is not finite while scl_slope is 2/);
  });

  it('extensions whose esize is inconsistent', () => {
    const b = edited((v, bytes) => { bytes[348] = 1; v.setFloat32(108, 368, true); });
    const grown = new Uint8Array(b.length + 16);
    grown.set(b.subarray(0, 352));
    grown.set(b.subarray(352), 368);
    const v = new DataView(grown.buffer);
    v.setInt32(352, 24, true); // not a multiple of 16
    expectError(grown, 'BAD_EXTENSION', /extension\[0\]\.esize: 24 at byte 352 must be a positive multiple of 16/);
    v.setInt32(352, -16, true);
    expectError(grown, 'BAD_EXTENSION', /esize: -16/);
    v.setInt32(352, 16, true);
    expect(decodeNifti(grown, FILE).header.extensions).toHaveLength(1);
  });

  describe('on disk', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-io-errors-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('a missing file, a folder and a dangling link are READ_FAILED naming the path', () => {
      const missing = path.join(dir, 'missing.nii.gz');
      expect(() => readNifti(missing)).toThrow(new RegExp(`^${missing}: file: ENOENT`));
      expect(() => readNifti(dir)).toThrow(NiftiFormatError);
      const link = path.join(dir, 'dangling.nii');
      symlinkSync(path.join(dir, 'nowhere.nii'), link);
      expect(() => readNifti(link)).toThrow(/ENOENT/);
    });

    it('a truncated .nii.gz on disk', () => {
      const f = path.join(dir, 'cut.nii.gz');
      const gz = gzipSync(validBytes());
      writeFileSync(f, gz.subarray(0, gz.length - 9));
      expect(() => readNifti(f)).toThrow(new RegExp(`^${f}: gzip stream: cannot be decompressed`));
    });
  });
});
