import { gzipSync } from 'node:zlib';
import { FileWriteError, writeFileAtomic } from '@seahorse/files';
import { NiftiWriteError } from './errors.js';
import { spacingXYZ } from './geometry.js';
import { columnLengths, det3, polarOrthogonal } from './matrix.js';
import type { NiftiExtension } from './nifti-header.js';
import type { NiftiHeaderInfo } from './nifti-read.js';
import type { Mat4, VolumeXYZ, VoxelArray } from './volume.js';

/** Voxel types Seahorse writes. */
export type NiftiWriteDatatype = 'uint8' | 'int16' | 'int32' | 'float32' | 'float64';

const WRITE_TYPES: Record<NiftiWriteDatatype, { code: number; bytes: number; min: number; max: number; integer: boolean }> = {
  uint8: { code: 2, bytes: 1, min: 0, max: 255, integer: true },
  int16: { code: 4, bytes: 2, min: -32768, max: 32767, integer: true },
  int32: { code: 8, bytes: 4, min: -(2 ** 31), max: 2 ** 31 - 1, integer: true },
  float32: { code: 16, bytes: 4, min: -Infinity, max: Infinity, integer: false },
  float64: { code: 64, bytes: 8, min: -Infinity, max: Infinity, integer: false },
};

/** NIfTI xform codes: 0 unknown, 1 scanner, 2 aligned, 3 Talairach, 4 MNI152 (5 template). */
export type XformCode = 0 | 1 | 2 | 3 | 4 | 5;

/** Options of {@link writeNifti}. */
export interface WriteNiftiOptions {
  /**
   * Voxel type on disk. Default: the data's own type when writable (Uint8Array → uint8, Int16Array →
   * int16, Int32Array → int32, Float32Array → float32, Float64Array → float64), else the smallest
   * that holds it exactly (Int8Array → int16, Uint16Array → int32, Uint32Array → float64).
   * Integer types refuse non-integer or out-of-range values (no silent rounding or clipping);
   * float32 rounds to nearest.
   */
  datatype?: NiftiWriteDatatype;
  /** Up to 79 ASCII characters. Default: the read header's description, else `''`. */
  description?: string;
  /** sform_code. Default: the read header's when > 0, else 1 (scanner, as SimpleITK writes). */
  sformCode?: XformCode;
  /**
   * qform_code; 0 omits the qform. Default: the read header's when > 0, else 1. A qform cannot hold
   * shear: for a sheared affine it is the nearest rigid-plus-scaling transform (as nibabel writes),
   * which SimpleITK then uses, while nibabel uses the exact sform.
   */
  qformCode?: XformCode;
  /** Raw xyzt_units byte. Default: the read header's, else 2 (mm). */
  xyztUnits?: number;
  /** gzip level 0–9 for `.nii.gz`. Default 6. */
  compressionLevel?: number;
}

/** What a volume may carry from a read: the NIfTI header it came with. */
type MaybeWithHeader = VolumeXYZ & { readonly header?: NiftiHeaderInfo };

function defaultDatatype(data: VoxelArray): NiftiWriteDatatype {
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int16Array || data instanceof Int8Array) return 'int16';
  if (data instanceof Int32Array || data instanceof Uint16Array) return 'int32';
  if (data instanceof Float32Array) return 'float32';
  return 'float64';
}

/** Quaternion `(w, x, y, z)` with `w >= 0` of a proper rotation (row-major 3×3), Shepperd's method. */
function rotationToQuaternion(r: number[]): [number, number, number, number] {
  const [r00, r01, r02, r10, r11, r12, r20, r21, r22] = r as [number, number, number, number, number, number, number, number, number];
  const tr = r00 + r11 + r22;
  let w: number, x: number, y: number, z: number;
  if (tr > 0) {
    const s = Math.sqrt(tr + 1) * 2;
    w = 0.25 * s; x = (r21 - r12) / s; y = (r02 - r20) / s; z = (r10 - r01) / s;
  } else if (r00 > r11 && r00 > r22) {
    const s = Math.sqrt(1 + r00 - r11 - r22) * 2;
    w = (r21 - r12) / s; x = 0.25 * s; y = (r01 + r10) / s; z = (r02 + r20) / s;
  } else if (r11 > r22) {
    const s = Math.sqrt(1 + r11 - r00 - r22) * 2;
    w = (r02 - r20) / s; x = (r01 + r10) / s; y = 0.25 * s; z = (r12 + r21) / s;
  } else {
    const s = Math.sqrt(1 + r22 - r00 - r11) * 2;
    w = (r10 - r01) / s; x = (r02 + r20) / s; y = (r12 + r21) / s; z = 0.25 * s;
  }
  return w < 0 ? [-w, -x, -y, -z] : [w, x, y, z];
}

/**
 * The qform fields for an affine, as nibabel's `set_qform(strip_shears=True)`: spacing from the
 * column norms, `qfac = -1` for a left-handed affine, and the rotation's quaternion. For a sheared
 * affine the rotation is the closest orthogonal matrix (`exact: false`): the qform then only
 * approximates the affine, which the sform still holds exactly.
 * @returns `null` when a column is zero or the 3×3 part is singular.
 */
export function affineToQform(affine: Mat4): {
  quaternBCD: [number, number, number]; qfac: 1 | -1; pixdimXYZ: [number, number, number]; qoffsetXYZ: [number, number, number]; exact: boolean;
} | null {
  const zooms = columnLengths(affine);
  if (zooms.some((z) => !(z > 0))) return null;
  const r = Float64Array.from([0, 1, 2].flatMap((row) => [0, 1, 2].map((c) => affine[4 * row + c]! / zooms[c]!)));
  const det = det3(r);
  if (!(Math.abs(det) > 1e-12)) return null;
  const qfac = det < 0 ? -1 : 1;
  if (qfac < 0) for (let row = 0; row < 3; row++) r[3 * row + 2] = -r[3 * row + 2]!;
  let exact = true;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const dot = r[i]! * r[j]! + r[3 + i]! * r[3 + j]! + r[6 + i]! * r[6 + j]!;
      if (Math.abs(dot - (i === j ? 1 : 0)) > 1e-6) exact = false;
    }
  }
  const rot = exact ? Array.from(r) : Array.from(polarOrthogonal(r));
  const [, b, c, d] = rotationToQuaternion(rot);
  return { quaternBCD: [b, c, d], qfac, pixdimXYZ: zooms, qoffsetXYZ: [affine[3]!, affine[7]!, affine[11]!], exact };
}

/** True when the volume's affine is still the one its header describes (so raw header fields can be reused). */
function headerStillMatches(vol: MaybeWithHeader): vol is MaybeWithHeader & { header: NiftiHeaderInfo } {
  const h = vol.header;
  if (!h) return false;
  const from = h.affineSource === 'sform' ? h.sform : h.affineSource === 'qform' ? h.qform : null;
  if (!from) return false;
  for (let i = 0; i < 16; i++) if (from[i] !== vol.affine[i]) return false;
  return true;
}

/** Converts voxels to the on-disk type, little-endian. @throws NiftiWriteError `VALUE_RANGE`. */
function encodeVoxels(data: VoxelArray, datatype: NiftiWriteDatatype, shape: readonly number[], file: string): Uint8Array {
  const t = WRITE_TYPES[datatype];
  const n = data.length;
  const Ctor = { uint8: Uint8Array, int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[datatype];
  const out = new Ctor(n);
  if (t.integer && !(data instanceof Ctor)) {
    for (let i = 0; i < n; i++) {
      const v = data[i]!;
      if (!(v >= t.min && v <= t.max) || !Number.isInteger(v)) {
        const x = i % shape[0]!, y = Math.floor(i / shape[0]!) % shape[1]!, z = Math.floor(i / (shape[0]! * shape[1]!));
        throw new NiftiWriteError('VALUE_RANGE', file, 'data',
          `voxel (${x}, ${y}, ${z}) = ${v} is not an integer in ${datatype}'s range [${t.min}, ${t.max}]; round or choose another datatype`);
      }
    }
  }
  out.set(data);
  const bytes = new Uint8Array(out.buffer, 0, n * t.bytes);
  const hostLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (!hostLE && t.bytes > 1) {
    for (let i = 0; i < bytes.length; i += t.bytes) bytes.subarray(i, i + t.bytes).reverse();
  }
  return bytes;
}

/**
 * Encodes a volume as NIfTI-1 bytes (uncompressed `.nii` layout). The pure core of {@link writeNifti}.
 * @param file - Used in error messages only.
 * @throws NiftiWriteError `BAD_VOLUME`, `BAD_OPTIONS`, `VALUE_RANGE`.
 */
export function encodeNifti(volume: VolumeXYZ, options: WriteNiftiOptions = {}, file = '<buffer>'): Uint8Array {
  const vol = volume as MaybeWithHeader;
  const [X, Y, Z] = vol.shapeXYZ;
  for (const [i, s] of vol.shapeXYZ.entries()) {
    if (!Number.isInteger(s) || s < 1 || s > 32767) {
      throw new NiftiWriteError('BAD_VOLUME', file, `shapeXYZ[${i}]`, `${s} is not a size in 1..32767 (NIfTI-1 dim is int16)`);
    }
  }
  if (vol.data.length !== X * Y * Z) {
    throw new NiftiWriteError('BAD_VOLUME', file, 'data', `length ${vol.data.length} != X·Y·Z = ${X * Y * Z}`);
  }
  if (vol.affine.length !== 16 || Array.from(vol.affine.subarray(0, 12)).some((v) => !Number.isFinite(v))) {
    throw new NiftiWriteError('BAD_VOLUME', file, 'affine', `must be 16 numbers with a finite top 3×4, got [${Array.from(vol.affine).join(', ')}]`);
  }
  const datatype = options.datatype ?? defaultDatatype(vol.data);
  if (!(datatype in WRITE_TYPES)) {
    throw new NiftiWriteError('BAD_OPTIONS', file, 'datatype', `${JSON.stringify(datatype)} is not one of ${Object.keys(WRITE_TYPES).join(', ')}`);
  }
  const h = vol.header;
  const description = options.description ?? h?.description ?? '';
  if (!/^[\x20-\x7e]*$/.test(description) || description.length > 79) {
    throw new NiftiWriteError('BAD_OPTIONS', file, 'description', `${JSON.stringify(description)} must be at most 79 printable ASCII characters`);
  }
  const level = options.compressionLevel ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new NiftiWriteError('BAD_OPTIONS', file, 'compressionLevel', `${level} is not an integer in 0..9`);
  }
  for (const key of ['sformCode', 'qformCode'] as const) {
    const v = options[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= 5)) {
      throw new NiftiWriteError('BAD_OPTIONS', file, key, `${v} is not an xform code in 0..5`);
    }
  }
  const xyztUnits = options.xyztUnits ?? h?.xyztUnits ?? 2;
  if (!Number.isInteger(xyztUnits) || xyztUnits < 0 || xyztUnits > 255) {
    throw new NiftiWriteError('BAD_OPTIONS', file, 'xyztUnits', `${xyztUnits} is not a byte`);
  }

  // Geometry: reuse the read header's fields verbatim while the affine is unchanged; else derive.
  let sformCode: number, qformCode: number, srow: number[], quat: [number, number, number], qoffset: [number, number, number];
  const pixdim = [1, 1, 1, 1, 1, 1, 1, 1];
  if (headerStillMatches(vol)) {
    sformCode = options.sformCode ?? h!.sformCode;
    qformCode = options.qformCode ?? h!.qformCode;
    srow = h!.sform ? Array.from(h!.sform.subarray(0, 12)) : Array.from(vol.affine.subarray(0, 12));
    quat = [...h!.quaternBCD];
    qoffset = [...h!.qoffsetXYZ];
    for (let i = 0; i < 8; i++) {
      const p = h!.pixdim[i];
      if (p !== undefined && Number.isFinite(p)) pixdim[i] = p;
    }
  } else {
    const q = affineToQform(vol.affine);
    sformCode = options.sformCode ?? (h && h.sformCode > 0 ? h.sformCode : 1);
    qformCode = q ? options.qformCode ?? (h && h.qformCode > 0 ? h.qformCode : 1) : 0;
    srow = Array.from(vol.affine.subarray(0, 12));
    quat = q ? q.quaternBCD : [0, 0, 0];
    qoffset = q ? q.qoffsetXYZ : [vol.affine[3]!, vol.affine[7]!, vol.affine[11]!];
    const zooms = spacingXYZ(vol.affine);
    pixdim[0] = q ? q.qfac : 1;
    pixdim[1] = zooms[0]!; pixdim[2] = zooms[1]!; pixdim[3] = zooms[2]!;
  }

  const extensions: readonly NiftiExtension[] = h?.extensions ?? [];
  const extBytes = extensions.reduce((s, e) => s + Math.ceil((e.data.length + 8) / 16) * 16, 0);
  const voxOffset = 352 + extBytes;
  const t = WRITE_TYPES[datatype];
  const voxels = encodeVoxels(vol.data, datatype, vol.shapeXYZ, file);
  const out = new Uint8Array(voxOffset + voxels.length);
  const dv = new DataView(out.buffer);
  const LE = true;
  dv.setInt32(0, 348, LE);
  const dim = [3, X, Y, Z, 1, 1, 1, 1];
  dim.forEach((d, i) => dv.setInt16(40 + 2 * i, d, LE));
  dv.setFloat32(56, 0, LE); dv.setFloat32(60, 0, LE); dv.setFloat32(64, 0, LE);
  dv.setInt16(68, h?.intentCode ?? 0, LE);
  dv.setInt16(70, t.code, LE);
  dv.setInt16(72, t.bytes * 8, LE);
  pixdim.forEach((p, i) => dv.setFloat32(76 + 4 * i, p, LE));
  dv.setFloat32(108, voxOffset, LE);
  dv.setFloat32(112, 1, LE); // scl_slope: identity
  dv.setFloat32(116, 0, LE); // scl_inter
  out[123] = xyztUnits;
  const writeString = (s: string, at: number, max: number) => {
    for (let i = 0; i < Math.min(s.length, max); i++) out[at + i] = s.charCodeAt(i) & 0x7f;
  };
  writeString(description, 148, 79);
  writeString((h?.auxFile ?? '').replace(/[^\x20-\x7e]/g, ''), 228, 23);
  dv.setInt16(252, qformCode, LE);
  dv.setInt16(254, sformCode, LE);
  quat.forEach((v, i) => dv.setFloat32(256 + 4 * i, v, LE));
  qoffset.forEach((v, i) => dv.setFloat32(268 + 4 * i, v, LE));
  srow.forEach((v, i) => dv.setFloat32(280 + 4 * i, v, LE));
  writeString((h?.intentName ?? '').replace(/[^\x20-\x7e]/g, ''), 328, 15);
  writeString('n+1', 344, 3);
  out[348] = extensions.length > 0 ? 1 : 0;
  let pos = 352;
  for (const e of extensions) {
    const esize = Math.ceil((e.data.length + 8) / 16) * 16;
    dv.setInt32(pos, esize, LE);
    dv.setInt32(pos + 4, e.code, LE);
    out.set(e.data, pos + 8);
    pos += esize;
  }
  out.set(voxels, voxOffset);
  return out;
}

/**
 * Writes a volume as a NIfTI-1 file, `.nii` or `.nii.gz` (gzip chosen by the name), atomically
 * with `@seahorse/files`' `writeFileAtomic` (temp file in the same folder, fsync, rename, fsync of
 * the folder; the folder is created when missing).
 *
 * Geometry: when the volume came from {@link readNifti} and its affine is unchanged, the header's
 * qform and sform (codes, quaternion, offsets, pixdim, srow), units, description, intent and
 * extensions are written back as read. Otherwise the sform is the affine and the qform is derived
 * from it (the nearest orthogonal one when the affine is sheared); pixdim holds the spacing. Scaling is
 * never written (`scl_slope = 1`, `scl_inter = 0`): voxels are stored as given.
 *
 * @param file - Destination, ending in `.nii` or `.nii.gz`.
 * @param volume - Any {@link VolumeXYZ}; a {@link NiftiImage} keeps its header fields.
 * @param options - `datatype`, `description`, `sformCode`, `qformCode`, `xyztUnits`, `compressionLevel`.
 * @throws NiftiWriteError `BAD_EXTENSION` (name), `BAD_VOLUME` (shape, length, affine), `BAD_OPTIONS`,
 *   `VALUE_RANGE` (a value that the integer datatype cannot hold), `WRITE_FAILED` (file system).
 * @example
 * const seg = { data: labels, shapeXYZ: t1.shapeXYZ, affine: t1.affine, kind: 'label' } as const;
 * writeNifti('out/seg.nii.gz', seg, { datatype: 'uint8', description: 'Seahorse segmentation' });
 */
export function writeNifti(file: string, volume: VolumeXYZ, options: WriteNiftiOptions = {}): void {
  const gz = file.endsWith('.nii.gz');
  if (!gz && !file.endsWith('.nii')) {
    throw new NiftiWriteError('BAD_EXTENSION', file, 'file', 'the name must end in .nii or .nii.gz');
  }
  const raw = encodeNifti(volume, options, file);
  const bytes = gz ? gzipSync(raw, { level: options.compressionLevel ?? 6 }) : raw;
  try {
    writeFileAtomic(file, bytes);
  } catch (err) {
    throw new NiftiWriteError('WRITE_FAILED', file, 'file', err instanceof FileWriteError ? err.reason : (err as Error).message);
  }
}
