import type { ShapeZYX, SpacingZYX, VolumeZYX, VoxelArray } from '@seahorse/io';
import { MetricsError } from './errors.js';
import { assertSameGrid } from './grid.js';

/**
 * Where one of the two masks of a pair comes from.
 * - `label: undefined`: `data` is a binary mask; every value must be 0 or 1.
 * - `label: n`: the mask is `data === n` (a class of a multi-label segmentation).
 */
export interface MaskSource {
  readonly data: VoxelArray;
  readonly label: number | undefined;
  /** Names the mask in error messages, e.g. `"ground truth 'hippocampus_L' of subject 7"`. */
  readonly name: string;
}

/**
 * Two binary masks cropped to the bounding box of their union plus a one-voxel margin, clipped to
 * the image, with the counts the overlap metrics need. Inside the crop, every neighbour of a mask
 * voxel that lies in the image is present, so contour rules with "outside the image is not
 * background" stay exact; and a neighbour missing from the crop is outside the image.
 */
export interface CroppedMaskPair {
  /** `1` where A, `[Z, Y, X]` of `shapeZYX`, x fastest. */
  readonly a: Uint8Array;
  /** `1` where B. */
  readonly b: Uint8Array;
  /** Crop size `[Z, Y, X]` (all 0 when both masks are empty). */
  readonly shapeZYX: ShapeZYX;
  /** Index of the crop's first voxel in the image, `[z, y, x]`. */
  readonly originZYX: ShapeZYX;
  readonly spacingZYX: SpacingZYX;
  /** `|A|`, `|B|`, `|A∩B|` in voxels, over the whole image. */
  readonly countA: number;
  readonly countB: number;
  readonly intersection: number;
}

function notBinary(src: MaskSource, value: number, index: number, shapeZYX: ShapeZYX): MetricsError {
  const nx = shapeZYX[2];
  const ny = shapeZYX[1];
  const x = index % nx;
  const y = Math.floor(index / nx) % ny;
  const z = Math.floor(index / (nx * ny));
  return new MetricsError('NOT_BINARY',
    `${src.name}: a binary mask must hold only 0 and 1, found ${value} at voxel (z=${z}, y=${y}, x=${x})`);
}

/**
 * A 32-bit view of a byte array when it is 4-byte aligned (then 4 voxels are tested for zero at
 * once), else `undefined`.
 */
function wordsOf(data: VoxelArray): Uint32Array | undefined {
  if (!(data instanceof Uint8Array || data instanceof Int8Array) || data.byteOffset % 4 !== 0) return undefined;
  return new Uint32Array(data.buffer, data.byteOffset, data.length >>> 2);
}

/** True when `data[start .. start+len)` is all zero (`start` and `len` multiples of 4 when `words` is given). */
function spanIsZero(data: VoxelArray, words: Uint32Array | undefined, start: number, len: number): boolean {
  if (words !== undefined) {
    const w0 = start >>> 2;
    const w1 = w0 + (len >>> 2);
    for (let w = w0; w < w1; w++) if (words[w] !== 0) return false;
    return true;
  }
  for (let i = start; i < start + len; i++) if (data[i] !== 0) return false;
  return true;
}

/** Throws `NOT_BINARY` for the first value of a binary source that is not 0 or 1. */
function validateBinary(src: MaskSource, shapeZYX: ShapeZYX): void {
  const d = src.data;
  const words = wordsOf(d);
  const step = 256;
  for (let start = 0; start < d.length; start += step) {
    const len = Math.min(step, d.length - start);
    if (words !== undefined && len % 4 === 0 && spanIsZero(d, words, start, len)) continue;
    for (let i = start; i < start + len; i++) {
      const v = d[i]!;
      if (v !== 0 && v !== 1) throw notBinary(src, v, i, shapeZYX);
    }
  }
}

/** `1` where the source's mask is set, read at flat index `i`. */
function maskAt(data: VoxelArray, label: number | undefined, i: number): number {
  const v = data[i]!;
  return label === undefined ? (v !== 0 ? 1 : 0) : (v === label ? 1 : 0);
}

/**
 * Reads masks A and B over the whole image (validating binary ones) and crops both to the
 * bounding box of A∪B grown by `margin` voxels and clipped to the image.
 * @param margin - Voxels added on each side before clipping. Default 1 (what the contour rules need).
 * @throws MetricsError `NOT_BINARY` when a binary source holds a value other than 0 or 1.
 */
export function cropMaskPair(
  srcA: MaskSource, srcB: MaskSource, shapeZYX: ShapeZYX, spacingZYX: SpacingZYX, margin = 1,
): CroppedMaskPair {
  const [nz, ny, nx] = shapeZYX;
  if (srcA.label === undefined) validateBinary(srcA, shapeZYX);
  if (srcB.label === undefined) validateBinary(srcB, shapeZYX);
  const dA = srcA.data;
  const dB = srcB.data;
  const labelA = srcA.label;
  const labelB = srcB.label;
  // With no source selecting label 0, a voxel where both arrays hold 0 is in neither mask.
  const zeroIsOutside = labelA !== 0 && labelB !== 0;
  const plane = ny * nx;
  // Rows where both arrays are all zero are skipped a word at a time (byte arrays, x size a multiple of 4).
  const wordsA = zeroIsOutside && nx % 4 === 0 ? wordsOf(dA) : undefined;
  const wordsB = zeroIsOutside && nx % 4 === 0 ? wordsOf(dB) : undefined;
  const skipRows = wordsA !== undefined && wordsB !== undefined;
  let z0 = nz; let z1 = -1; let y0 = ny; let y1 = -1; let x0 = nx; let x1 = -1;
  let countA = 0;
  let countB = 0;
  let intersection = 0;
  // One pass over the image: counts and the bounding box of A∪B, without full-size copies.
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const row = z * plane + y * nx;
      if (skipRows && spanIsZero(dA, wordsA, row, nx) && spanIsZero(dB, wordsB, row, nx)) continue;
      let first = -1;
      let last = -1;
      for (let x = 0; x < nx; x++) {
        const va = dA[row + x]!;
        const vb = dB[row + x]!;
        if (va === 0 && vb === 0 && zeroIsOutside) continue;
        const a = labelA === undefined ? (va !== 0 ? 1 : 0) : (va === labelA ? 1 : 0);
        const b = labelB === undefined ? (vb !== 0 ? 1 : 0) : (vb === labelB ? 1 : 0);
        if ((a | b) !== 0) {
          if (first < 0) first = x;
          last = x;
          countA += a;
          countB += b;
          intersection += a & b;
        }
      }
      if (first >= 0) {
        if (z < z0) z0 = z;
        z1 = z;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
        if (first < x0) x0 = first;
        if (last > x1) x1 = last;
      }
    }
  }
  if (z1 < 0) {
    return { a: new Uint8Array(0), b: new Uint8Array(0), shapeZYX: [0, 0, 0], originZYX: [0, 0, 0],
      spacingZYX, countA, countB, intersection: 0 };
  }
  const bz0 = Math.max(0, z0 - margin); const bz1 = Math.min(nz - 1, z1 + margin);
  const by0 = Math.max(0, y0 - margin); const by1 = Math.min(ny - 1, y1 + margin);
  const bx0 = Math.max(0, x0 - margin); const bx1 = Math.min(nx - 1, x1 + margin);
  const cz = bz1 - bz0 + 1; const cy = by1 - by0 + 1; const cx = bx1 - bx0 + 1;
  const a = new Uint8Array(cz * cy * cx);
  const b = new Uint8Array(cz * cy * cx);
  for (let z = 0; z < cz; z++) {
    for (let y = 0; y < cy; y++) {
      const src = (z + bz0) * plane + (y + by0) * nx + bx0;
      const dst = (z * cy + y) * cx;
      for (let x = 0; x < cx; x++) {
        a[dst + x] = maskAt(dA, labelA, src + x);
        b[dst + x] = maskAt(dB, labelB, src + x);
      }
    }
  }
  return { a, b, shapeZYX: [cz, cy, cx], originZYX: [bz0, by0, bx0], spacingZYX, countA, countB, intersection };
}

/**
 * The cropped pair of two binary masks (values 0/1) on the same grid, named `'mask A'` and
 * `'mask B'` in errors: the first step of every pairwise metric.
 * @param margin - See {@link cropMaskPair}. Default 1 (the contour rules need it); 0 for metrics
 *   that only count voxels or pad the crop themselves.
 * @throws MetricsError `NOT_BINARY`, `SHAPE_MISMATCH`, `SPACING_MISMATCH`, `BAD_SHAPE`, `BAD_SPACING`.
 */
export function binaryMaskPair(a: VolumeZYX, b: VolumeZYX, margin = 1): CroppedMaskPair {
  assertSameGrid(a, b, 'mask A', 'mask B');
  return cropMaskPair({ data: a.data, label: undefined, name: 'mask A' }, { data: b.data, label: undefined, name: 'mask B' },
    a.shapeZYX, a.spacingZYX, margin);
}
