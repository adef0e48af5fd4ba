import type { ShapeZYX, SpacingZYX, VolumeZYX } from '@seahorse/io';
import { assertValidGrid } from './grid.js';

/**
 * Scratch buffers for the 1-D lower-envelope pass, sized for the longest axis.
 * `v`: parabola apexes, `z`: envelope breakpoints, `g`: a copy of the line being transformed.
 */
interface Scratch { v: Int32Array; z: Float64Array; g: Float64Array }

function scratchFor(n: number): Scratch {
  return { v: new Int32Array(n), z: new Float64Array(n + 1), g: new Float64Array(n) };
}

/**
 * One exact 1-D pass of Felzenszwalb & Huttenlocher (2012), in place:
 * `f[q] ← min_p ( w·(q−p)² + f[p] )` over the line `f[offset + i·stride]`, `i < n`.
 * `w` is the squared spacing (mm²) along this axis. Entries equal to `Infinity` are not sites.
 */
function lowerEnvelope1D(f: Float64Array, offset: number, stride: number, n: number, w: number, s: Scratch): void {
  const { v, z, g } = s;
  let k = -1;
  for (let i = 0; i < n; i++) g[i] = f[offset + i * stride]!;
  for (let q = 0; q < n; q++) {
    const gq = g[q]!;
    if (gq === Infinity) continue;
    const cq = gq / w + q * q;
    let sq = -Infinity;
    while (k >= 0) {
      const p = v[k]!;
      sq = (cq - (g[p]! / w + p * p)) / (2 * (q - p));
      if (sq <= z[k]!) k--;
      else break;
    }
    if (k < 0) sq = -Infinity;
    k++;
    v[k] = q;
    z[k] = sq;
    z[k + 1] = Infinity;
  }
  if (k < 0) return; // no site on this line: it stays at Infinity
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++;
    const p = v[k]!;
    const d = q - p;
    f[offset + q * stride] = w * d * d + g[p]!;
  }
}

/**
 * Exact squared Euclidean distance transform, in mm², of a binary grid: for every voxel, the
 * squared distance from its centre to the centre of the nearest site voxel (`sites[i] !== 0`),
 * with anisotropic spacing. Sites get 0; with no site at all, every voxel gets `Infinity`.
 * Separable Felzenszwalb–Huttenlocher lower-envelope passes along x, then y, then z.
 *
 * @param sites - Flat `[Z, Y, X]` array (x fastest), non-zero = site.
 * @param shapeZYX - `[Z, Y, X]`; the product must equal `sites.length`.
 * @param spacingZYX - Voxel spacing in mm, `[z, y, x]`.
 * @returns A new `Float64Array` of the same length, in mm².
 * @example
 * ```ts
 * const d2 = squaredDistanceTransformMm(new Uint8Array([1, 0, 0]), [1, 1, 3], [1, 1, 2]); // [0, 4, 16]
 * ```
 */
export function squaredDistanceTransformMm(
  sites: ArrayLike<number>, shapeZYX: ShapeZYX, spacingZYX: SpacingZYX,
): Float64Array {
  const [nz, ny, nx] = shapeZYX;
  const [sz, sy, sx] = spacingZYX;
  const f = new Float64Array(nz * ny * nx);
  for (let i = 0; i < f.length; i++) f[i] = sites[i] !== 0 ? 0 : Infinity;
  const s = scratchFor(Math.max(nz, ny, nx));
  const wx = sx * sx;
  const wy = sy * sy;
  const wz = sz * sz;
  const plane = ny * nx;
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) lowerEnvelope1D(f, z * plane + y * nx, 1, nx, wx, s);
  for (let z = 0; z < nz; z++) for (let x = 0; x < nx; x++) lowerEnvelope1D(f, z * plane + x, nx, ny, wy, s);
  for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) lowerEnvelope1D(f, y * nx + x, plane, nz, wz, s);
  return f;
}

/**
 * Exact Euclidean distance transform in mm of a mask volume: the distance from each voxel centre
 * to the nearest non-zero voxel (0 inside the mask; `Infinity` everywhere when the mask is empty).
 * Computed over the whole volume; the metrics themselves work on a bounding box.
 * @throws MetricsError `BAD_SHAPE` / `BAD_SPACING` for an unusable grid.
 * @example
 * ```ts
 * const mm = distanceTransformMm({ data: mask, shapeZYX: [Z, Y, X], spacingZYX: [2, 1, 1] });
 * ```
 */
export function distanceTransformMm(mask: VolumeZYX): Float64Array {
  assertValidGrid(mask, 'mask');
  const d = squaredDistanceTransformMm(mask.data, mask.shapeZYX, mask.spacingZYX);
  for (let i = 0; i < d.length; i++) d[i] = Math.sqrt(d[i]!);
  return d;
}
