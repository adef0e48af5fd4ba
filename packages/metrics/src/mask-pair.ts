import type { VoxelArray } from '@seahorse/io';
import { MetricsError } from './errors.js';
import type { Shape3ZYX, Spacing3ZYX } from './grid.js';

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
  readonly shapeZYX: Shape3ZYX;
  /** Index of the crop's first voxel in the image, `[z, y, x]`. */
  readonly originZYX: Shape3ZYX;
  readonly spacingZYX: Spacing3ZYX;
  /** `|A|`, `|B|`, `|A∩B|` in voxels, over the whole image. */
  readonly countA: number;
  readonly countB: number;
  readonly intersection: number;
}

function notBinary(src: MaskSource, value: number, index: number, shapeZYX: Shape3ZYX): MetricsError {
  const nx = shapeZYX[2];
  const ny = shapeZYX[1];
  const x = index % nx;
  const y = Math.floor(index / nx) % ny;
  const z = Math.floor(index / (nx * ny));
  return new MetricsError('NOT_BINARY',
    `${src.name}: a binary mask must hold only 0 and 1, found ${value} at voxel (z=${z}, y=${y}, x=${x})`);
}

/** Reads mask `src` as 0/1 into `out` (length of the image), validating binary masks. Returns |mask|. */
function binarize(src: MaskSource, shapeZYX: Shape3ZYX, out: Uint8Array): number {
  const d = src.data;
  const n = d.length;
  let count = 0;
  if (src.label === undefined) {
    for (let i = 0; i < n; i++) {
      const v = d[i]!;
      if (v === 0) continue;
      if (v !== 1) throw notBinary(src, v, i, shapeZYX);
      out[i] = 1;
      count++;
    }
  } else {
    const label = src.label;
    for (let i = 0; i < n; i++) {
      if (d[i] === label) { out[i] = 1; count++; }
    }
  }
  return count;
}

/**
 * Reads masks A and B over the whole image (validating binary ones) and crops both to the
 * bounding box of A∪B grown by `margin` voxels and clipped to the image.
 * @param margin - Voxels added on each side before clipping. Default 1 (what the contour rules need).
 * @throws MetricsError `NOT_BINARY` when a binary source holds a value other than 0 or 1.
 */
export function cropMaskPair(
  srcA: MaskSource, srcB: MaskSource, shapeZYX: Shape3ZYX, spacingZYX: Spacing3ZYX, margin = 1,
): CroppedMaskPair {
  const [nz, ny, nx] = shapeZYX;
  const n = nz * ny * nx;
  // Full-image 0/1 masks: one byte per voxel, so the bounding box is one tight pass over bytes.
  const fullA = new Uint8Array(n);
  const fullB = new Uint8Array(n);
  const countA = binarize(srcA, shapeZYX, fullA);
  const countB = binarize(srcB, shapeZYX, fullB);
  const plane = ny * nx;
  let z0 = nz; let z1 = -1; let y0 = ny; let y1 = -1; let x0 = nx; let x1 = -1;
  let intersection = 0;
  if (countA + countB > 0) {
    for (let z = 0; z < nz; z++) {
      for (let y = 0; y < ny; y++) {
        const row = z * plane + y * nx;
        let first = -1;
        let last = -1;
        for (let x = 0; x < nx; x++) {
          const a = fullA[row + x]!;
          const b = fullB[row + x]!;
          if ((a | b) !== 0) {
            if (first < 0) first = x;
            last = x;
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
      a.set(fullA.subarray(src, src + cx), dst);
      b.set(fullB.subarray(src, src + cx), dst);
    }
  }
  return { a, b, shapeZYX: [cz, cy, cx], originZYX: [bz0, by0, bx0], spacingZYX, countA, countB, intersection };
}
