import type { ShapeZYX, SpacingZYX } from '@seahorse/io';

const f32 = Math.fround;

/**
 * `Remove` test of Maurer's algorithm, in float32 as ITK evaluates it:
 * `((c·|d2| − b·|d1|) − a·|df|) − (a·b)·c > 0` with `a = x2−x1`, `b = xf−x2`, `c = xf−x1`.
 */
function removeF32(d1: number, d2: number, df: number, x1: number, x2: number, xf: number): boolean {
  const a = f32(x2 - x1);
  const b = f32(xf - x2);
  const c = f32(xf - x1);
  let v = f32(f32(c * Math.abs(d2)) - f32(b * Math.abs(d1)));
  v = f32(v - f32(a * Math.abs(df)));
  v = f32(v - f32(f32(a * b) * c));
  return v > 0;
}

/**
 * One Voronoi pass of ITK's `SignedMaurerDistanceMapImageFilter` in float32 over the line
 * `f[offset + i·stride]`, `i < n`, whose first voxel has image index `start` along this axis.
 * `Infinity` stands for ITK's "no distance yet" (`NumericTraits<float>::max()`).
 * Coordinates are formed as ITK forms them: `float(i)·float(spacing)` for the sites and
 * `float(i·spacing)` for the voxels, which is why ITK's distances stray from the exact ones.
 */
function voronoiF32(f: Float64Array, offset: number, stride: number, n: number, start: number,
  spacing: number, g: Float64Array, h: Float64Array): void {
  const fsp = f32(spacing);
  let l = -1;
  for (let i = 0; i < n; i++) {
    const di = f[offset + i * stride]!;
    if (di === Infinity) continue;
    const iw = f32((start + i) * fsp);
    if (l >= 1) {
      while (l >= 1 && removeF32(g[l - 1]!, g[l]!, di, h[l - 1]!, h[l]!, iw)) l--;
    }
    l++;
    g[l] = di;
    h[l] = iw;
  }
  if (l === -1) return;
  const ns = l;
  l = 0;
  for (let i = 0; i < n; i++) {
    const iw = f32((start + i) * spacing);
    let t = f32(h[l]! - iw);
    let d1 = f32(Math.abs(g[l]!) + f32(t * t));
    while (l < ns) {
      t = f32(h[l + 1]! - iw);
      const d2 = f32(Math.abs(g[l + 1]!) + f32(t * t));
      if (d1 <= d2) break;
      l++;
      d1 = d2;
    }
    f[offset + i * stride] = d1;
  }
}

/**
 * `Remove` test of Maurer's algorithm, in double:
 * `((c·|d2| − b·|d1|) − a·|df|) − (a·b)·c > 0` with `a = x2−x1`, `b = xf−x2`, `c = xf−x1`.
 */
function removeF64(d1: number, d2: number, df: number, x1: number, x2: number, xf: number): boolean {
  const a = (x2 - x1);
  const b = (xf - x2);
  const c = (xf - x1);
  let v = ((c * Math.abs(d2)) - (b * Math.abs(d1)));
  v = (v - (a * Math.abs(df)));
  v = (v - ((a * b) * c));
  return v > 0;
}

/**
 * One Voronoi pass of ITK's `SignedMaurerDistanceMapImageFilter` in double over the line
 * `f[offset + i·stride]`, `i < n`, whose first voxel has image index `start` along this axis.
 * `Infinity` stands for ITK's "no distance yet". In double, sites and voxels both get the
 * coordinate `i·spacing`, so only the order of rounding differs from an exact transform.
 */
function voronoiF64(f: Float64Array, offset: number, stride: number, n: number, start: number,
  spacing: number, g: Float64Array, h: Float64Array): void {
  const fsp = (spacing);
  let l = -1;
  for (let i = 0; i < n; i++) {
    const di = f[offset + i * stride]!;
    if (di === Infinity) continue;
    const iw = ((start + i) * fsp);
    if (l >= 1) {
      while (l >= 1 && removeF64(g[l - 1]!, g[l]!, di, h[l - 1]!, h[l]!, iw)) l--;
    }
    l++;
    g[l] = di;
    h[l] = iw;
  }
  if (l === -1) return;
  const ns = l;
  l = 0;
  for (let i = 0; i < n; i++) {
    const iw = ((start + i) * spacing);
    let t = (h[l]! - iw);
    let d1 = (Math.abs(g[l]!) + (t * t));
    while (l < ns) {
      t = (h[l + 1]! - iw);
      const d2 = (Math.abs(g[l + 1]!) + (t * t));
      if (d1 <= d2) break;
      l++;
      d1 = d2;
    }
    f[offset + i * stride] = d1;
  }
}

/** The squared Maurer transform in float32 (`single`) or float64. */
function maurerSquared(
  single: boolean, sites: ArrayLike<number>, shapeZYX: ShapeZYX, spacingZYX: SpacingZYX, originZYX: ShapeZYX,
): Float64Array {
  const [nz, ny, nx] = shapeZYX;
  const [sz, sy, sx] = spacingZYX;
  const [oz, oy, ox] = originZYX;
  const f = new Float64Array(nz * ny * nx);
  for (let i = 0; i < f.length; i++) f[i] = sites[i] !== 0 ? 0 : Infinity;
  const m = Math.max(nz, ny, nx);
  const g = new Float64Array(m);
  const h = new Float64Array(m);
  const plane = ny * nx;
  const voronoi = single ? voronoiF32 : voronoiF64;
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) voronoi(f, z * plane + y * nx, 1, nx, ox, sx, g, h);
  for (let z = 0; z < nz; z++) for (let x = 0; x < nx; x++) voronoi(f, z * plane + x, nx, ny, oy, sy, g, h);
  for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) voronoi(f, y * nx + x, plane, nz, oz, sz, g, h);
  return f;
}

/**
 * What SimpleITK's `Abs(SignedMaurerDistanceMap(mask, squaredDistance=False, useImageSpacing=True))`
 * holds, float32 value for value: the Maurer–Qi–Raghavan transform to the sites (the mask's
 * 26-contour), evaluated in float32 with ITK's operation order, then `float(sqrt(double))`.
 * Sites far from the origin get distances that stray up to about 2⁻¹⁸ relative from the exact
 * ones when the spacing is not a float32 number (e.g. 1.2 mm).
 *
 * Works on a crop: `originZYX` is the crop's first voxel in the image (ITK's coordinates depend on
 * the absolute index). The result equals the full-image map on the crop whenever every site lies
 * in the crop. A voxel with no site on any line gets `sqrt(FLT_MAX)` ≈ 1.8e19, as in ITK.
 *
 * @param sites - Flat `[Z, Y, X]` crop (x fastest), non-zero = site.
 * @param shapeZYX - Crop size.
 * @param spacingZYX - Voxel spacing in mm (float64, as SimpleITK stores it).
 * @param originZYX - Index of the crop's first voxel in the image. Default `[0, 0, 0]`.
 * @returns Float64Array of float32 values, mm.
 * @example
 * ```ts
 * const d = simpleItkMaurerDistanceMm(c26, [Z, Y, X], [1.2, 0.9, 1.1], [z0, y0, x0]);
 * ```
 */
export function simpleItkMaurerDistanceMm(
  sites: ArrayLike<number>, shapeZYX: ShapeZYX, spacingZYX: SpacingZYX,
  originZYX: ShapeZYX = [0, 0, 0],
): Float64Array {
  const f = maurerSquared(true, sites, shapeZYX, spacingZYX, originZYX);
  const fltMax = 3.4028234663852886e38;
  for (let i = 0; i < f.length; i++) {
    const v = f[i]!;
    f[i] = f32(Math.sqrt(v === Infinity ? fltMax : Math.abs(v)));
  }
  return f;
}

/**
 * The squared distances of ITK's `SignedMaurerDistanceMapImageFilter` with double pixels, as
 * `HausdorffDistanceImageFilter` computes them for uint8 masks (its real type is double): the
 * same algorithm as {@link simpleItkMaurerDistanceMm} in float64 with ITK's operation order, so
 * the square roots equal ITK's bit for bit. `Infinity` where no site exists.
 * @param originZYX - Index of the crop's first voxel in the image. Default `[0, 0, 0]`.
 * @example
 * ```ts
 * const d2 = simpleItkMaurerSquaredDistanceF64Mm2(c26, [Z, Y, X], spacingZYX, originZYX);
 * ```
 */
export function simpleItkMaurerSquaredDistanceF64Mm2(
  sites: ArrayLike<number>, shapeZYX: ShapeZYX, spacingZYX: SpacingZYX,
  originZYX: ShapeZYX = [0, 0, 0],
): Float64Array {
  return maurerSquared(false, sites, shapeZYX, spacingZYX, originZYX);
}
