import { NIFTI1, NIFTI2 } from 'nifti-reader-js';
import { NiftiFormatError } from './errors.js';

/** Voxel types Seahorse reads. `int64`/`uint64` are returned as float64 (see `readNifti`). */
export type NiftiDatatype =
  | 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float32' | 'float64';

/** NIfTI `datatype` code → Seahorse name and bytes per voxel. */
export const NIFTI_DATATYPES: Readonly<Record<number, { name: NiftiDatatype; bytes: number }>> = {
  2: { name: 'uint8', bytes: 1 },
  4: { name: 'int16', bytes: 2 },
  8: { name: 'int32', bytes: 4 },
  16: { name: 'float32', bytes: 4 },
  64: { name: 'float64', bytes: 8 },
  256: { name: 'int8', bytes: 1 },
  512: { name: 'uint16', bytes: 2 },
  768: { name: 'uint32', bytes: 4 },
  1024: { name: 'int64', bytes: 8 },
  1280: { name: 'uint64', bytes: 8 },
};

/** NIfTI datatype codes that exist but that Seahorse refuses, with their names for error messages. */
const UNSUPPORTED_DATATYPES: Readonly<Record<number, string>> = {
  0: 'unknown (0)', 1: 'binary (1)', 32: 'complex64 (32)', 128: 'RGB24 (128)', 1536: 'float128 (1536)',
  1792: 'complex128 (1792)', 2048: 'complex256 (2048)', 2304: 'RGBA32 (2304)',
};

/** A NIfTI header extension, kept verbatim. */
export interface NiftiExtension {
  /** `ecode`, e.g. 4 = AFNI, 6 = comment, 44 = MIND… */
  readonly code: number;
  /** The extension's content, without its 8-byte `esize`/`ecode` prefix (length `esize - 8`). */
  readonly data: Uint8Array;
}

/** The fields of a NIfTI-1 or NIfTI-2 header, decoded, in the file's meaning (no fixes applied). */
export interface NiftiHeader {
  /** 1 for NIfTI-1 (348-byte header), 2 for NIfTI-2 (540-byte header). */
  readonly version: 1 | 2;
  /** Byte order of the header and the voxels. */
  readonly littleEndian: boolean;
  /** `dim[0..7]`: `dim[0]` is the number of dimensions, `dim[1..3]` are X, Y, Z. */
  readonly dim: readonly number[];
  /** NIfTI `datatype` code. */
  readonly datatypeCode: number;
  /** `bitpix` as stored (not used: the datatype decides, as in nibabel). */
  readonly bitpix: number;
  /** `pixdim[0..7]`: `pixdim[0]` is qfac, `pixdim[1..3]` voxel sizes in `xyzt_units`. */
  readonly pixdim: readonly number[];
  /** Byte offset of the voxels in the (decompressed) file. */
  readonly voxOffset: number;
  readonly sclSlope: number;
  readonly sclInter: number;
  /** Raw `xyzt_units` byte: spatial units `& 7`, temporal units `& 56`. */
  readonly xyztUnits: number;
  readonly calMin: number;
  readonly calMax: number;
  readonly description: string;
  readonly auxFile: string;
  readonly intentCode: number;
  readonly intentName: string;
  readonly qformCode: number;
  readonly sformCode: number;
  /** Quaternion `[b, c, d]` of the qform rotation. */
  readonly quaternBCD: readonly [number, number, number];
  /** `[qoffset_x, qoffset_y, qoffset_z]` in mm. */
  readonly qoffsetXYZ: readonly [number, number, number];
  /** `srow_x`, `srow_y`, `srow_z`: the sform's first three rows. */
  readonly srow: readonly [readonly number[], readonly number[], readonly number[]];
  /** The magic string, e.g. `'n+1'`. */
  readonly magic: string;
  readonly extensions: readonly NiftiExtension[];
}

/** Size of the fixed header, without the 4-byte extension flag. */
export const NIFTI1_HEADER_BYTES = 348;
export const NIFTI2_HEADER_BYTES = 540;

/** Reads one NUL-terminated latin1 string field. */
function stringAt(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/**
 * Detects version and byte order from `sizeof_hdr` (348 → NIfTI-1, 540 → NIfTI-2), and checks the magic.
 * @throws NiftiFormatError `TOO_SHORT` when fewer than 348 bytes, `BAD_MAGIC` otherwise.
 */
function detectVersion(bytes: Uint8Array, file: string): { version: 1 | 2; littleEndian: boolean } {
  if (bytes.length < NIFTI1_HEADER_BYTES) {
    throw new NiftiFormatError('TOO_SHORT', file, 'sizeof_hdr',
      `${bytes.length} bytes is shorter than a NIfTI header (348 bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = view.getInt32(0, true);
  const be = view.getInt32(0, false);
  let version: 1 | 2;
  let littleEndian: boolean;
  if (le === 348 || be === 348) { version = 1; littleEndian = le === 348; }
  else if (le === 540 || be === 540) { version = 2; littleEndian = le === 540; }
  else {
    throw new NiftiFormatError('BAD_MAGIC', file, 'sizeof_hdr',
      `${le} (little-endian) / ${be} (big-endian) is neither 348 (NIfTI-1) nor 540 (NIfTI-2): not a NIfTI file`);
  }
  if (version === 2 && bytes.length < NIFTI2_HEADER_BYTES) {
    throw new NiftiFormatError('TOO_SHORT', file, 'sizeof_hdr',
      `${bytes.length} bytes is shorter than a NIfTI-2 header (540 bytes)`);
  }
  const magic = version === 1 ? stringAt(bytes, 344, 348) : stringAt(bytes, 4, 8);
  const want = version === 1 ? 'n+1' : 'n+2';
  if (magic !== want) {
    const pair = version === 1 ? 'ni1' : 'ni2';
    throw new NiftiFormatError('BAD_MAGIC', file, 'magic', magic === pair
      ? `'${magic}' marks a .hdr/.img pair, which Seahorse does not read; convert it to a single .nii file`
      : `${JSON.stringify(magic)} is not '${want}'`);
  }
  return { version, littleEndian };
}

/**
 * Reads the extensions between the header and `vox_offset` (NIfTI-1 §extensions).
 * @throws NiftiFormatError `BAD_EXTENSION` when an `esize` is below 16, not a multiple of 16 or runs
 *   past `vox_offset`.
 */
function readExtensions(bytes: Uint8Array, start: number, voxOffset: number, littleEndian: boolean, file: string): NiftiExtension[] {
  const extensions: NiftiExtension[] = [];
  if (bytes.length < start || (bytes[start - 4] ?? 0) === 0) return extensions;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = Math.min(voxOffset, bytes.length);
  let pos = start;
  while (pos + 8 <= end) {
    const esize = view.getInt32(pos, littleEndian);
    const ecode = view.getInt32(pos + 4, littleEndian);
    if (esize === 0) break;
    if (esize < 16 || esize % 16 !== 0 || pos + esize > end) {
      throw new NiftiFormatError('BAD_EXTENSION', file, `extension[${extensions.length}].esize`,
        `${esize} at byte ${pos} must be a positive multiple of 16 that ends by vox_offset (${voxOffset})`);
    }
    extensions.push({ code: ecode, data: bytes.slice(pos + 8, pos + esize) });
    pos += esize;
  }
  return extensions;
}

/**
 * Decodes a NIfTI-1 or NIfTI-2 header from the start of an uncompressed file.
 *
 * Scalar fields come from nifti-reader-js's synchronous parser (given only the fixed header, so that
 * its extension walker never runs); the sform rows, NIfTI-2's 64-bit integers and the extensions are
 * read here with `DataView`.
 *
 * @param bytes - The (decompressed) file, at least the header.
 * @param file - Name used in error messages.
 * @throws NiftiFormatError `TOO_SHORT`, `BAD_MAGIC`, `BAD_VOX_OFFSET`, `BAD_EXTENSION`.
 * @example
 * const header = parseNiftiHeader(gunzipSync(readFileSync('t1.nii.gz')), 't1.nii.gz');
 * header.dim.slice(1, 4); // [X, Y, Z]
 */
export function parseNiftiHeader(bytes: Uint8Array, file = '<buffer>'): NiftiHeader {
  const { version, littleEndian } = detectVersion(bytes, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = version === 1 ? NIFTI1_HEADER_BYTES : NIFTI2_HEADER_BYTES;
  const fixed = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + headerBytes) as ArrayBuffer;
  const parsed = version === 1 ? new NIFTI1() : new NIFTI2();
  try {
    parsed.readHeader(fixed);
  } catch (err) {
    throw new NiftiFormatError('BAD_MAGIC', file, 'header', `nifti-reader-js could not parse it: ${(err as Error).message}`);
  }

  let dim: number[];
  let voxOffset: number;
  let srow: [number[], number[], number[]];
  if (version === 1) {
    dim = parsed.dims.slice(0, 8);
    // A float in NIfTI-1; nibabel truncates it to an integer.
    voxOffset = Number.isFinite(parsed.vox_offset) ? Math.trunc(parsed.vox_offset) : parsed.vox_offset;
    srow = [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => view.getFloat32(280 + (4 * r + c) * 4, littleEndian))) as
      [number[], number[], number[]];
  } else {
    // nifti-reader-js's 64-bit reader mis-orders big-endian words; read int64s here.
    dim = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => Number(view.getBigInt64(16 + 8 * i, littleEndian)));
    voxOffset = Number(view.getBigInt64(168, littleEndian));
    srow = [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => view.getFloat64(400 + (4 * r + c) * 8, littleEndian))) as
      [number[], number[], number[]];
  }
  if (!Number.isFinite(voxOffset) || voxOffset < 0 || !Number.isInteger(voxOffset)) {
    throw new NiftiFormatError('BAD_VOX_OFFSET', file, 'vox_offset', `${voxOffset} is not a non-negative integer`);
  }
  const extensions = readExtensions(bytes, headerBytes + 4, voxOffset, littleEndian, file);

  return {
    version,
    littleEndian,
    dim,
    datatypeCode: parsed.datatypeCode,
    bitpix: parsed.numBitsPerVoxel,
    pixdim: parsed.pixDims.slice(0, 8),
    voxOffset,
    sclSlope: parsed.scl_slope,
    sclInter: parsed.scl_inter,
    xyztUnits: parsed.xyzt_units,
    calMin: parsed.cal_min,
    calMax: parsed.cal_max,
    description: parsed.description,
    auxFile: parsed.aux_file,
    intentCode: parsed.intent_code,
    intentName: parsed.intent_name,
    qformCode: parsed.qform_code,
    sformCode: parsed.sform_code,
    quaternBCD: [parsed.quatern_b, parsed.quatern_c, parsed.quatern_d],
    qoffsetXYZ: [parsed.qoffset_x, parsed.qoffset_y, parsed.qoffset_z],
    srow,
    magic: parsed.magic,
    extensions,
  };
}

/**
 * The datatype name and size for a header's `datatype` code.
 * @throws NiftiFormatError `UNSUPPORTED_DATATYPE` for RGB, complex, binary, float128 and unknown codes.
 */
export function niftiDatatype(code: number, file = '<buffer>'): { name: NiftiDatatype; bytes: number } {
  const known = NIFTI_DATATYPES[code];
  if (known) return known;
  const what = UNSUPPORTED_DATATYPES[code];
  throw new NiftiFormatError('UNSUPPORTED_DATATYPE', file, 'datatype', what
    ? `${what} is not supported: Seahorse reads scalar uint8, int8, int16, uint16, int32, uint32, int64, uint64, float32 and float64 volumes`
    : `${code} is not a NIfTI datatype code`);
}
