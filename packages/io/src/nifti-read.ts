import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { totalmem } from 'node:os';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { niftiAffine, qformAffine, sformAffine, spatialPixdims, type AffineSource } from './affine.js';
import { NiftiFormatError } from './errors.js';
import {
  NIFTI1_HEADER_BYTES, NIFTI2_HEADER_BYTES, niftiDatatype, parseNiftiHeader,
  type NiftiDatatype, type NiftiExtension, type NiftiHeader,
} from './nifti-header.js';
import type { Mat4, ShapeXYZ, VolumeKind, VolumeXYZ, VoxelArray } from './volume.js';

/** Spatial units of `xyzt_units & 7`. Seahorse, like nibabel, never rescales the affine by them. */
export type SpatialUnits = 'unknown' | 'meter' | 'mm' | 'micron';
/** Temporal units of `xyzt_units & 56`. */
export type TemporalUnits = 'unknown' | 'sec' | 'msec' | 'usec' | 'hz' | 'ppm' | 'rads';

const SPATIAL_UNITS: Record<number, SpatialUnits> = { 0: 'unknown', 1: 'meter', 2: 'mm', 3: 'micron' };
const TEMPORAL_UNITS: Record<number, TemporalUnits> = {
  0: 'unknown', 8: 'sec', 16: 'msec', 24: 'usec', 32: 'hz', 40: 'ppm', 48: 'rads',
};

/** What a NIfTI file's header said, next to the volume read from it. */
export interface NiftiHeaderInfo {
  /** 1 or 2. */
  readonly version: 1 | 2;
  /** The stored voxel type (before scaling). */
  readonly datatype: NiftiDatatype;
  readonly datatypeCode: number;
  readonly littleEndian: boolean;
  /** `dim[0..7]` as stored. */
  readonly dim: readonly number[];
  /** `pixdim[0..7]` as stored (`pixdim[0]` is qfac). */
  readonly pixdim: readonly number[];
  /** Which volume of a 4-D file this is (0 for 3-D files). */
  readonly volumeIndex: number;
  /** Number of volumes along dim[4] (1 for 3-D files). */
  readonly volumeCount: number;
  readonly sclSlope: number;
  readonly sclInter: number;
  /** True when `data = stored · scl_slope + scl_inter` was applied (slope finite, non-zero, and not the identity). */
  readonly scaled: boolean;
  /** Where `affine` came from: sform if `sform_code > 0`, else qform if `qform_code > 0`, else pixdim. */
  readonly affineSource: AffineSource;
  readonly qformCode: number;
  readonly sformCode: number;
  /** The qform as a 4×4, or `null` when its fields are unusable (NaN, non-unit quaternion). */
  readonly qform: Mat4 | null;
  /** The sform rows as a 4×4, or `null` when they are not finite. */
  readonly sform: Mat4 | null;
  /** Raw quaternion `[b, c, d]`, offsets and qfac, kept so that writing back reproduces them bit for bit. */
  readonly quaternBCD: readonly [number, number, number];
  readonly qoffsetXYZ: readonly [number, number, number];
  readonly xyztUnits: number;
  readonly spatialUnits: SpatialUnits;
  readonly temporalUnits: TemporalUnits;
  readonly description: string;
  readonly auxFile: string;
  readonly intentCode: number;
  readonly intentName: string;
  readonly calMin: number;
  readonly calMax: number;
  readonly extensions: readonly NiftiExtension[];
}

/** A volume read from a NIfTI file, with what its header said. */
export interface NiftiImage<T extends VoxelArray = VoxelArray> extends VolumeXYZ<T> {
  /** The file it was read from (`'<buffer>'` for {@link decodeNifti} without a name). */
  readonly file: string;
  readonly header: NiftiHeaderInfo;
}

/** Options of {@link readNifti}. */
export interface ReadNiftiOptions {
  /**
   * For 4-D files: which volume along `dim[4]` to read, 0-based. Required when `dim[4] > 1`;
   * must be 0 or absent for 3-D files.
   */
  volumeIndex?: number;
  /** What the voxels mean. Default `'intensity'`. */
  kind?: VolumeKind;
  /**
   * Keep the stored voxel type (nibabel's raw `dataobj`) instead of float64, when no scaling applies
   * (slope absent, 0, non-finite, or exactly 1 with intercept 0). With scaling the result is float64
   * regardless. int64/uint64 are always float64 (see {@link readNifti}). Default `false`.
   */
  keepStoredType?: boolean;
  /**
   * Refuse files whose voxels would need more than this many bytes once read (float64 unless kept).
   * Default: this machine's total memory.
   */
  maxBytes?: number;
}

const TWO53 = 2 ** 53;
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type TypedArrayCtor = new (buffer: ArrayBuffer, byteOffset?: number, length?: number) => VoxelArray | BigInt64Array | BigUint64Array;
const CTORS: Record<NiftiDatatype, TypedArrayCtor> = {
  uint8: Uint8Array, int8: Int8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array,
  uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array, float32: Float32Array, float64: Float64Array,
};

/**
 * Decompresses gzip when the first bytes say so. The output buffer is sized from the gzip trailer's
 * ISIZE (uncompressed size mod 2^32, capped at 1 GiB and at deflate's maximum ratio) so that zlib writes one chunk instead of
 * growing and concatenating many; a wrong ISIZE only costs extra chunks, never correctness.
 * @throws NiftiFormatError `TRUNCATED_GZIP`.
 */
function gunzipIfNeeded(raw: Uint8Array, file: string): Uint8Array {
  if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  const isize = raw.length >= 18
    ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getUint32(raw.length - 4, true) : 0;
  // deflate expands at most ~1032:1, so a garbage ISIZE cannot ask for more than that.
  const chunkSize = Math.max(Math.min(isize + 1024, raw.length * 1032 + 1024, 2 ** 30), 64 * 1024);
  try {
    return gunzipSync(raw, { chunkSize });
  } catch (err) {
    throw new NiftiFormatError('TRUNCATED_GZIP', file, 'gzip stream',
      `cannot be decompressed (${(err as Error).message}); the file is truncated or corrupt`);
  }
}

/** Shape, volume count and voxel count, validated. */
function validateDims(header: NiftiHeader, file: string, bytesPerVoxel: number, outBytesPerVoxel: number, maxBytes: number) {
  const ndim = header.dim[0]!;
  if (!Number.isInteger(ndim) || ndim < 1 || ndim > 7) {
    throw new NiftiFormatError('BAD_DIM', file, 'dim[0]', `${ndim} is not a number of dimensions in 1..7`);
  }
  for (let i = 1; i <= ndim; i++) {
    const d = header.dim[i]!;
    if (!Number.isSafeInteger(d) || d <= 0) {
      throw new NiftiFormatError('BAD_DIM', file, `dim[${i}]`, `${d} is not a positive size (dim = [${header.dim.join(', ')}])`);
    }
  }
  for (let i = 5; i <= ndim; i++) {
    if (header.dim[i] !== 1) {
      throw new NiftiFormatError('UNSUPPORTED_DIMS', file, `dim[${i}]`,
        `${header.dim[i]}: Seahorse reads 3-D volumes and single volumes of 4-D series, not ${ndim}-D data`);
    }
  }
  const shape = [1, 2, 3].map((i) => (i <= ndim ? header.dim[i]! : 1)) as [number, number, number];
  const volumeCount = ndim >= 4 ? header.dim[4]! : 1;
  const voxels = shape[0] * shape[1] * shape[2];
  const totalVoxels = voxels * volumeCount;
  const limit = Math.min(maxBytes, Number.MAX_SAFE_INTEGER);
  if (!Number.isSafeInteger(totalVoxels) || !Number.isSafeInteger(totalVoxels * bytesPerVoxel)) {
    throw new NiftiFormatError('TOO_LARGE', file, 'dim', `[${header.dim.join(', ')}]: the voxel count overflows`);
  }
  const need = voxels * (bytesPerVoxel + outBytesPerVoxel);
  if (voxels > 2 ** 32 - 1 || need > limit) {
    throw new NiftiFormatError('TOO_LARGE', file, 'dim',
      `[${header.dim.join(', ')}] needs ${(need / 2 ** 30).toFixed(2)} GiB for one volume, more than the limit of ${(limit / 2 ** 30).toFixed(2)} GiB`);
  }
  return { shape, volumeCount, voxels, totalVoxels };
}

/**
 * A typed array over `bytes[start, start + count·size)` in host byte order. Zero-copy when the
 * bytes own their whole buffer (never a slice of a shared pool) and are mostly these voxels, are
 * aligned and need no byte swap
 * (or when `temporary`, i.e. the caller only reads it once); otherwise an aligned copy.
 */
function storedArray(bytes: Uint8Array, start: number, count: number, datatype: NiftiDatatype, size: number, littleEndian: boolean, temporary: boolean) {
  const Ctor = CTORS[datatype];
  const length = count * size;
  const swap = size > 1 && littleEndian !== HOST_LITTLE_ENDIAN;
  const offset = bytes.byteOffset + start;
  // Keep a view only when it is most of its buffer (not one volume of a large 4-D file).
  // (Buffers of 4 KiB or more are never carved from Node's shared pool.)
  const owned = bytes.byteOffset === 0 && bytes.byteLength >= 4096 && bytes.buffer.byteLength - bytes.byteLength <= 65536
    && 2 * length >= bytes.byteLength;
  if (!swap && offset % size === 0 && (temporary || owned)) return new Ctor(bytes.buffer as ArrayBuffer, offset, count);
  const copy = new Uint8Array(length);
  copy.set(bytes.subarray(start, start + length));
  if (swap) {
    for (let i = 0; i < length; i += size) {
      for (let a = i, b = i + size - 1; a < b; a++, b--) {
        const t = copy[a]!;
        copy[a] = copy[b]!;
        copy[b] = t;
      }
    }
  }
  return new Ctor(copy.buffer, 0, count);
}

/** The header fields a caller keeps alongside the voxels. */
function headerInfo(header: NiftiHeader, file: string, extra: {
  datatype: NiftiDatatype; volumeIndex: number; volumeCount: number; scaled: boolean; affineSource: AffineSource;
}): NiftiHeaderInfo {
  const tryOr = <T>(f: () => T): T | null => { try { return f(); } catch { return null; } };
  return {
    version: header.version,
    datatype: extra.datatype,
    datatypeCode: header.datatypeCode,
    littleEndian: header.littleEndian,
    dim: header.dim,
    pixdim: header.pixdim,
    volumeIndex: extra.volumeIndex,
    volumeCount: extra.volumeCount,
    sclSlope: header.sclSlope,
    sclInter: header.sclInter,
    scaled: extra.scaled,
    affineSource: extra.affineSource,
    qformCode: header.qformCode,
    sformCode: header.sformCode,
    qform: tryOr(() => qformAffine(header, file)),
    sform: tryOr(() => sformAffine(header, file)),
    quaternBCD: header.quaternBCD,
    qoffsetXYZ: header.qoffsetXYZ,
    xyztUnits: header.xyztUnits,
    spatialUnits: SPATIAL_UNITS[header.xyztUnits & 7] ?? 'unknown',
    temporalUnits: TEMPORAL_UNITS[header.xyztUnits & 56] ?? 'unknown',
    description: header.description,
    auxFile: header.auxFile,
    intentCode: header.intentCode,
    intentName: header.intentName,
    calMin: header.calMin,
    calMax: header.calMax,
    extensions: header.extensions,
  };
}

/**
 * Decodes a NIfTI-1/2 file already in memory (`.nii` bytes, or `.nii.gz` bytes: gzip is detected by
 * its magic number). The pure core of {@link readNifti}; see there for the rules.
 * @param bytes - The file's bytes.
 * @param file - Name used in errors and kept as `image.file`. Default `'<buffer>'`.
 * @throws NiftiFormatError (see {@link readNifti}).
 */
export function decodeNifti(bytes: Uint8Array, file = '<buffer>', options: ReadNiftiOptions = {}): NiftiImage {
  const raw = gunzipIfNeeded(bytes, file);
  const header = parseNiftiHeader(raw, file);
  const { name: datatype, bytes: size } = niftiDatatype(header.datatypeCode, file);

  // Scaling as nibabel's get_slope_inter: applied when the slope is finite and non-zero.
  const slope = header.sclSlope;
  const inter = header.sclInter;
  const slopeValid = Number.isFinite(slope) && slope !== 0;
  if (slopeValid && !Number.isFinite(inter)) {
    throw new NiftiFormatError('BAD_SCALING', file, 'scl_inter', `${inter} is not finite while scl_slope is ${slope}`);
  }
  const scaled = slopeValid && !(slope === 1 && inter === 0);
  const is64Int = datatype === 'int64' || datatype === 'uint64';
  const keep = options.keepStoredType === true && !scaled && !is64Int;
  const outBytes = keep ? 0 : 8;

  const { shape, volumeCount, voxels, totalVoxels } = validateDims(header, file, size, outBytes, options.maxBytes ?? totalmem());
  // Voxel sizes must be finite even when the sform is used: SimpleITK takes its spacing from them.
  spatialPixdims(header, file);
  const volumeIndex = options.volumeIndex ?? 0;
  if (options.volumeIndex === undefined && volumeCount > 1) {
    throw new NiftiFormatError('VOLUME_INDEX', file, 'dim[4]',
      `${volumeCount} volumes: pass { volumeIndex } (0..${volumeCount - 1}) to choose one`);
  }
  if (!Number.isInteger(volumeIndex) || volumeIndex < 0 || volumeIndex >= volumeCount) {
    throw new NiftiFormatError('VOLUME_INDEX', file, 'dim[4]',
      `volumeIndex ${volumeIndex} is outside 0..${volumeCount - 1}`);
  }

  // vox_offset: nibabel raises values below the header (+ extension flag) to that minimum.
  const minOffset = (header.version === 1 ? NIFTI1_HEADER_BYTES : NIFTI2_HEADER_BYTES) + 4;
  const voxOffset = Math.max(header.voxOffset, minOffset);
  if (voxOffset > raw.length) {
    throw new NiftiFormatError('BAD_VOX_OFFSET', file, 'vox_offset',
      `${header.voxOffset} is past the end of the ${raw.length}-byte (decompressed) file`);
  }
  const dataBytes = totalVoxels * size;
  if (voxOffset + dataBytes > raw.length) {
    throw new NiftiFormatError('TRUNCATED_DATA', file, 'dim',
      `[${header.dim.join(', ')}] of ${datatype} needs ${dataBytes} bytes from vox_offset ${voxOffset}, but the file has only ${raw.length - voxOffset}`);
  }

  const stored = storedArray(raw, voxOffset + volumeIndex * voxels * size, voxels, datatype, size, header.littleEndian, !keep);
  let data: VoxelArray;
  if (keep) {
    data = stored as VoxelArray;
  } else if (is64Int) {
    const big = stored as BigInt64Array | BigUint64Array;
    const out = new Float64Array(voxels);
    for (let i = 0; i < voxels; i++) {
      const v = Number(big[i]!);
      if (v > TWO53 || v < -TWO53) {
        const [x, y, z] = [i % shape[0], Math.floor(i / shape[0]) % shape[1], Math.floor(i / (shape[0] * shape[1]))];
        throw new NiftiFormatError('INT64_PRECISION', file, 'data',
          `voxel (${x}, ${y}, ${z}) holds ${big[i]}, beyond ±2^53: float64 cannot represent it exactly`);
      }
      out[i] = v;
    }
    data = out;
  } else {
    const out = new Float64Array(voxels);
    out.set(stored as VoxelArray);
    data = out;
  }
  if (scaled) {
    const out = data as Float64Array;
    if (inter === 0) for (let i = 0; i < voxels; i++) out[i] = out[i]! * slope;
    else for (let i = 0; i < voxels; i++) out[i] = out[i]! * slope + inter;
  }

  const { affine, source } = niftiAffine(header, file);
  return {
    data,
    shapeXYZ: shape as ShapeXYZ,
    affine,
    kind: options.kind ?? 'intensity',
    file,
    header: headerInfo(header, file, { datatype, volumeIndex, volumeCount, scaled, affineSource: source }),
  };
}

/**
 * Reads a NIfTI-1 or NIfTI-2 file (`.nii` or `.nii.gz`), synchronously, as nibabel does.
 *
 * - **Voxels**: float64 after `scl_slope`/`scl_inter` by default, equal to nibabel's
 *   `get_fdata(dtype=float64)`. Scaling applies when the slope is finite and non-zero.
 *   With `keepStoredType`, and no scaling, the stored type is kept (nibabel's `dataobj`).
 * - **int64 rule**: int64/uint64 voxels are always returned as float64 (the volume type has no
 *   64-bit integer arrays); a value beyond ±2^53, which float64 cannot hold exactly, is an error
 *   (`INT64_PRECISION`) rather than a silent rounding.
 * - **Affine**: sform if `sform_code > 0`, else qform if `qform_code > 0`, else pixdim (see
 *   `niftiAffine`). No rescaling by `xyzt_units`.
 * - **Byte order**: either; **vox_offset**: honoured (values below the header are raised to it, as
 *   nibabel does); **extensions**: kept in `header.extensions`.
 * - **4-D**: one volume, chosen by `volumeIndex`.
 *
 * @param file - Path to a `.nii` or `.nii.gz` file (gzip is detected from the content).
 * @param options - `volumeIndex` (4-D), `kind` (default `'intensity'`), `keepStoredType` (default
 *   false), `maxBytes` (default: total memory).
 * @throws NiftiFormatError with `code`:
 *   `READ_FAILED` (no such file…), `TRUNCATED_GZIP`, `TOO_SHORT`, `BAD_MAGIC`, `BAD_DIM` (dim[0] not
 *   in 1..7, a size <= 0), `TOO_LARGE` (overflow or over `maxBytes`), `UNSUPPORTED_DATATYPE` (RGB,
 *   complex…), `BAD_VOX_OFFSET` (past the end), `TRUNCATED_DATA`, `BAD_EXTENSION`, `NAN_PIXDIM`,
 *   `NAN_AFFINE`, `BAD_QUATERNION`, `BAD_SCALING`, `VOLUME_INDEX`, `UNSUPPORTED_DIMS`, `INT64_PRECISION`.
 * @example
 * const t1 = readNifti('sub-01_T1w.nii.gz');
 * t1.shapeXYZ;           // [X, Y, Z]
 * t1.header.datatype;    // 'int16'
 * const seg = readNifti('seg.nii.gz', { kind: 'label', keepStoredType: true }); // Uint8Array data
 */
export function readNifti(file: string, options: ReadNiftiOptions = {}): NiftiImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new NiftiFormatError('READ_FAILED', file, 'file', (err as Error).message);
  }
  return decodeNifti(bytes, file, options);
}

/** A NIfTI file's header and geometry, without its voxels. */
export interface NiftiGeometry {
  readonly file: string;
  /** `[X, Y, Z]` (missing dimensions count as 1). */
  readonly shapeXYZ: ShapeXYZ;
  /** Number of volumes along `dim[4]` (1 for 3-D). */
  readonly volumeCount: number;
  /** Voxel-to-world affine by the sform → qform → pixdim rule. */
  readonly affine: Mat4;
  readonly affineSource: AffineSource;
  readonly datatype: NiftiDatatype;
  readonly header: NiftiHeader;
}

/** Reads the first `n` bytes of a file. */
function readPrefix(file: string, n: number): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const buf = new Uint8Array(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads only the header of a NIfTI file and returns its geometry: for a `.nii.gz`, only the first
 * compressed bytes are inflated, so this is cheap even for large volumes. Validates what
 * {@link readNifti} validates about the header (magic, dims, datatype, pixdim, affine), but not the
 * voxel data's length.
 * @param file - `.nii` or `.nii.gz` path.
 * @throws NiftiFormatError as {@link readNifti} for header faults; `READ_FAILED` when unreadable.
 * @example
 * const g = readNiftiGeometry('big.nii.gz');
 * g.shapeXYZ; // [256, 256, 256]
 */
export function readNiftiGeometry(file: string): NiftiGeometry {
  let header: NiftiHeader | undefined;
  try {
    for (let n = 1 << 16; header === undefined; n *= 8) {
      const prefix = readPrefix(file, n);
      const complete = prefix.length < n;
      let raw = prefix;
      if (prefix.length >= 2 && prefix[0] === 0x1f && prefix[1] === 0x8b) {
        try {
          raw = gunzipSync(prefix, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
        } catch (err) {
          throw new NiftiFormatError('TRUNCATED_GZIP', file, 'gzip stream',
            `cannot be decompressed (${(err as Error).message}); the file is truncated or corrupt`);
        }
      }
      // Enough bytes for the header and its extensions, or the whole file: parse.
      const view = raw.length >= 4 ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : undefined;
      const isV2 = view !== undefined && (view.getInt32(0, true) === 540 || view.getInt32(0, false) === 540);
      const need = isV2 ? 544 : 352;
      if (complete || raw.length >= need) {
        const h = parseNiftiHeader(raw, file);
        if (complete || raw.length >= h.voxOffset) header = h;
      }
    }
  } catch (err) {
    if (err instanceof NiftiFormatError) throw err;
    throw new NiftiFormatError('READ_FAILED', file, 'file', (err as Error).message);
  }
  const { name: datatype, bytes } = niftiDatatype(header.datatypeCode, file);
  const { shape, volumeCount } = validateDims(header, file, bytes, 0, Number.MAX_SAFE_INTEGER);
  spatialPixdims(header, file);
  const { affine, source } = niftiAffine(header, file);
  return { file, shapeXYZ: shape as ShapeXYZ, volumeCount, affine, affineSource: source, datatype, header };
}
