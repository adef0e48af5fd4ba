import type { Mat4, ShapeXYZ, VolumeXYZ, VoxelArray } from '@seahorse/io';
import { z } from 'zod';
import { PreprocessError } from './errors.js';
import { parseOptions } from './options.js';
import { assertShapeMatchesData, scanName } from './validate.js';

/**
 * Where the padding goes along each axis when `p` voxels are added:
 * - `'centre-extra-at-start'`: `ceil(p/2)` before, `floor(p/2)` after. InnerEye's rule (torchio
 *   `EnsureShapeMultiple` → `CropOrPad`): an odd extra voxel goes at the start. The default.
 * - `'centre-extra-at-end'`: `floor(p/2)` before, `ceil(p/2)` after (nnU-Net's, MONAI's `SpatialPad`).
 * - `'end'`: all `p` after (the `msd-reference` model's rule).
 * - `'start'`: all `p` before.
 */
export type PadPlacement = 'centre-extra-at-start' | 'centre-extra-at-end' | 'end' | 'start';

/** Voxels added before (low index side) and after (high index side) each axis, `[x, y, z]`. */
export interface PaddingXYZ {
  beforeXYZ: [number, number, number];
  afterXYZ: [number, number, number];
  /** Shape before padding. */
  originalShapeXYZ: [number, number, number];
  /** Affine before padding: {@link cropPadding} restores it bit for bit. */
  originalAffine: Mat4;
}

/** Splits `p` padding voxels into `[before, after]` by the placement rule. */
export function splitPadding(p: number, placement: PadPlacement): [number, number] {
  switch (placement) {
    case 'centre-extra-at-start': return [Math.ceil(p / 2), Math.floor(p / 2)];
    case 'centre-extra-at-end': return [Math.floor(p / 2), Math.ceil(p / 2)];
    case 'end': return [0, p];
    case 'start': return [p, 0];
  }
}

const padOptionsSchema = z.object({
  placement: z.enum(['centre-extra-at-start', 'centre-extra-at-end', 'end', 'start']).default('centre-extra-at-start'),
  value: z.number().finite().default(0),
  scan: z.string().optional(),
}).strict();

/** Options of {@link padToMultiple} and {@link pad}. */
export interface PadOptions {
  /** {@link PadPlacement}. Default `'centre-extra-at-start'` (InnerEye). */
  placement?: PadPlacement;
  /** Fill value (cast to the volume's array type). Default 0. */
  value?: number;
  /** Scan name for error messages. */
  scan?: string;
}

/**
 * Pads a volume with a constant so that each extent becomes a multiple of `multipleXYZ`
 * (`ceil(n/m)*m`), moving the affine's origin so every original voxel keeps its world position.
 *
 * @param multipleXYZ - One positive integer for all axes, or `[x, y, z]`. InnerEye's Hippocampus uses 16.
 * @returns The padded volume and the {@link PaddingXYZ} that {@link cropPadding} undoes.
 * @throws PreprocessError `INVALID_OPTION` for a non-positive or non-integer multiple or bad options.
 * @example
 * ```ts
 * const { volume: padded, padding } = padToMultiple(normalised, 16);          // InnerEye: extra voxel at the start
 * const { volume: msd } = padToMultiple(normalised, 8, { placement: 'end' }); // msd-reference
 * const back = cropPadding(padded, padding);                                  // original shape and affine
 * ```
 */
export function padToMultiple<T extends VoxelArray>(volume: VolumeXYZ<T>, multipleXYZ: number | readonly [number, number, number],
  options: PadOptions = {}): { volume: VolumeXYZ<T>; padding: PaddingXYZ } {
  const scan = scanName(options.scan);
  const m = typeof multipleXYZ === 'number' ? [multipleXYZ, multipleXYZ, multipleXYZ] : [...multipleXYZ];
  if (m.length !== 3 || !m.every((v) => Number.isInteger(v) && v > 0)) {
    throw new PreprocessError('INVALID_OPTION', scan, `padToMultiple option 'multipleXYZ' = ${JSON.stringify(multipleXYZ)} is invalid: use positive integers`);
  }
  const opts = parseOptions(padOptionsSchema, options, scan, 'padToMultiple');
  const before: [number, number, number] = [0, 0, 0];
  const after: [number, number, number] = [0, 0, 0];
  for (let d = 0; d < 3; d++) {
    const n = volume.shapeXYZ[d]!;
    const p = Math.ceil(n / m[d]!) * m[d]! - n;
    [before[d], after[d]] = splitPadding(p, opts.placement);
  }
  return pad(volume, before, after, { value: opts.value, scan });
}

/**
 * Pads a volume by explicit amounts per side, `[x, y, z]` each, with a constant.
 * @throws PreprocessError `INVALID_OPTION` for negative or non-integer amounts.
 * @example
 * ```ts
 * const { volume, padding } = pad(vol, [1, 0, 0], [0, 2, 0]);
 * ```
 */
export function pad<T extends VoxelArray>(volume: VolumeXYZ<T>, beforeXYZ: readonly number[], afterXYZ: readonly number[],
  options: { value?: number; scan?: string } = {}): { volume: VolumeXYZ<T>; padding: PaddingXYZ } {
  const scan = scanName(options.scan);
  assertShapeMatchesData(volume.shapeXYZ, volume.data, scan);
  const ok = (a: readonly number[]) => a.length === 3 && a.every((v) => Number.isInteger(v) && v >= 0);
  if (!ok(beforeXYZ) || !ok(afterXYZ)) {
    throw new PreprocessError('INVALID_OPTION', scan, `pad amounts must be three non-negative integers, got before [${beforeXYZ.join(', ')}] after [${afterXYZ.join(', ')}]`);
  }
  const [bx, by, bz] = beforeXYZ as [number, number, number];
  const [nx, ny, nz] = volume.shapeXYZ;
  const shape: [number, number, number] = [nx + bx + afterXYZ[0]!, ny + by + afterXYZ[1]!, nz + bz + afterXYZ[2]!];
  const Ctor = volume.data.constructor as new (n: number) => T;
  const out = new Ctor(shape[0] * shape[1] * shape[2]);
  const value = options.value ?? 0;
  if (value !== 0) out.fill(value);
  const src = volume.data;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const s = nx * (y + ny * z);
      const d = bx + shape[0] * (y + by + shape[1] * (z + bz));
      out.set(src.subarray(s, s + nx) as never, d);
    }
  }
  return {
    volume: { data: out, shapeXYZ: shape, affine: shiftOrigin(volume.affine, [-bx, -by, -bz]), kind: volume.kind },
    padding: { beforeXYZ: [bx, by, bz], afterXYZ: [afterXYZ[0]!, afterXYZ[1]!, afterXYZ[2]!],
      originalShapeXYZ: [nx, ny, nz], originalAffine: Float64Array.from(volume.affine) },
  };
}

/** The affine of a grid whose voxel (0,0,0) is the old grid's voxel `startXYZ`. */
function shiftOrigin(affine: Mat4, startXYZ: readonly number[]): Mat4 {
  const out = Float64Array.from(affine);
  for (let r = 0; r < 3; r++) {
    out[4 * r + 3] = affine[4 * r]! * startXYZ[0]! + affine[4 * r + 1]! * startXYZ[1]! + affine[4 * r + 2]! * startXYZ[2]! + affine[4 * r + 3]!;
  }
  return out;
}

/**
 * Crops a box out of a volume: voxels `startXYZ .. startXYZ + shapeXYZ - 1` along each axis; the
 * affine's origin moves to the box's first voxel.
 * @throws PreprocessError `INVALID_OPTION` when the box is not inside the volume.
 * @example
 * ```ts
 * const box = crop(vol, [10, 20, 5], [64, 64, 32]);
 * ```
 */
export function crop<T extends VoxelArray>(volume: VolumeXYZ<T>, startXYZ: readonly number[], shapeXYZ: readonly number[],
  options: { scan?: string } = {}): VolumeXYZ<T> {
  const scan = scanName(options.scan);
  assertShapeMatchesData(volume.shapeXYZ, volume.data, scan);
  const [nx, ny] = volume.shapeXYZ;
  const inside = startXYZ.length === 3 && shapeXYZ.length === 3 && [0, 1, 2].every((d) =>
    Number.isInteger(startXYZ[d]) && Number.isInteger(shapeXYZ[d]) && startXYZ[d]! >= 0 && shapeXYZ[d]! > 0 &&
    startXYZ[d]! + shapeXYZ[d]! <= volume.shapeXYZ[d]!);
  if (!inside) {
    throw new PreprocessError('INVALID_OPTION', scan,
      `crop box start [${startXYZ.join(', ')}] shape [${shapeXYZ.join(', ')}] is not inside the volume of shapeXYZ [${volume.shapeXYZ.join(', ')}]`);
  }
  const [sx, sy, sz] = startXYZ as [number, number, number];
  const [cx, cy, cz] = shapeXYZ as [number, number, number];
  const Ctor = volume.data.constructor as new (n: number) => T;
  const out = new Ctor(cx * cy * cz);
  for (let z = 0; z < cz; z++) {
    for (let y = 0; y < cy; y++) {
      const s = sx + nx * (sy + y + ny * (sz + z));
      out.set(volume.data.subarray(s, s + cx) as never, cx * (y + cy * z));
    }
  }
  return { data: out, shapeXYZ: [cx, cy, cz] as ShapeXYZ, affine: shiftOrigin(volume.affine, [sx, sy, sz]), kind: volume.kind };
}

/**
 * Undoes {@link pad} / {@link padToMultiple}: crops the padding away and restores the original
 * affine exactly (a copy of the one stored in `padding`).
 * @throws PreprocessError `SHAPE_MISMATCH` when the volume's shape is not the padded shape.
 * @example
 * ```ts
 * const segNative = cropPadding(segPadded, padding);
 * ```
 */
export function cropPadding<T extends VoxelArray>(volume: VolumeXYZ<T>, padding: PaddingXYZ, options: { scan?: string } = {}): VolumeXYZ<T> {
  const scan = scanName(options.scan);
  const expected = [0, 1, 2].map((d) => padding.originalShapeXYZ[d]! + padding.beforeXYZ[d]! + padding.afterXYZ[d]!);
  if (expected.some((n, d) => n !== volume.shapeXYZ[d])) {
    throw new PreprocessError('SHAPE_MISMATCH', scan,
      `cropPadding expects the padded shapeXYZ [${expected.join(', ')}], got [${volume.shapeXYZ.join(', ')}]`);
  }
  const out = crop(volume, padding.beforeXYZ, padding.originalShapeXYZ, { scan });
  return { ...out, affine: Float64Array.from(padding.originalAffine) };
}
