/**
 * A series' geometry from its planes, by the standard: the slice normal is the cross product of
 * ImageOrientationPatient's row and column directions; slices are sorted by their position
 * along it; the slice step comes from those positions, never from SliceThickness or
 * SpacingBetweenSlices. The affine is built in DICOM's LPS and returned in RAS (x and y negated),
 * Seahorse's (and NIfTI's) world frame.
 */
import type { Mat4 } from '@seahorse/io';
import { DicomError } from './errors.js';
import type { FramePlane } from './header.js';

/** Tolerances of the checks, mm or direction-cosine units. */
export const GEOMETRY_TOLERANCE = {
  /** Largest difference between two slices' direction cosines. */
  orientation: 1e-4,
  /** Largest difference between two slices' PixelSpacing, mm. */
  pixelSpacing: 1e-4,
  /** Largest difference between a gap and the mean gap, mm (plus {@link relativeGap} of the gap). */
  gap: 1e-2,
  relativeGap: 1e-3,
  /** Largest in-plane drift of a slice position from the line along the normal, mm. */
  inPlane: 1e-2,
  /** Positions closer than this along the normal count as the same slice, mm. */
  samePosition: 1e-3,
} as const;

/** One plane with whatever identifies where it came from. */
export interface PlacedPlane<T> {
  readonly plane: FramePlane;
  readonly ref: T;
  /** InstanceNumber, used only to order planes at the same position (never for geometry). */
  readonly instanceNumber: number | undefined;
}

/** The result: planes in slice order (z index 0 first) and the RAS affine. */
export interface SeriesGeometry<T> {
  readonly slices: readonly PlacedPlane<T>[];
  readonly affine: Mat4;
  readonly rows: number;
  readonly columns: number;
  /** Slice step along the normal, mm, from the positions. */
  readonly sliceSpacing: number;
}

const dot = (a: readonly number[], b: readonly number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
const cross = (a: readonly number[], b: readonly number[]) =>
  [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
const unit = (a: readonly number[]) => {
  const n = Math.hypot(a[0]!, a[1]!, a[2]!);
  return [a[0]! / n, a[1]! / n, a[2]! / n];
};
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(2) : v.toPrecision(4));

/**
 * Sorts the planes and builds the affine.
 * @param source - The folder, zip or file list, for error messages.
 * @throws DicomError `NON_PARALLEL_SLICES`, `INCONSISTENT_SLICES`, `FOUR_D`, `TOO_FEW_SLICES`,
 *   `NON_UNIFORM_SPACING` or `GANTRY_TILT`.
 */
export function seriesGeometry<T>(source: string, planes: readonly PlacedPlane<T>[], rows: number, columns: number): SeriesGeometry<T> {
  const first = planes[0]!.plane;
  for (const p of planes) {
    const o = p.plane.orientation;
    const diff = Math.max(...o.map((v, i) => Math.abs(v - first.orientation[i]!)));
    if (diff > GEOMETRY_TOLERANCE.orientation) {
      throw new DicomError('NON_PARALLEL_SLICES', source,
        `slices are not parallel: ImageOrientationPatient ${first.orientation.join('\\')} and ${o.join('\\')} differ by up to ${fmt(diff)} (localiser or several stacks in one series?)`);
    }
    const ds = Math.max(Math.abs(p.plane.pixelSpacing[0] - first.pixelSpacing[0]), Math.abs(p.plane.pixelSpacing[1] - first.pixelSpacing[1]));
    if (ds > GEOMETRY_TOLERANCE.pixelSpacing) {
      throw new DicomError('INCONSISTENT_SLICES', source, `PixelSpacing differs between slices: ${first.pixelSpacing.join('\\')} and ${p.plane.pixelSpacing.join('\\')}`);
    }
  }
  const row = unit(first.orientation.slice(0, 3));
  const col = unit(first.orientation.slice(3, 6));
  if (Math.abs(dot(row, col)) > 1e-3) {
    throw new DicomError('NON_PARALLEL_SLICES', source, `ImageOrientationPatient's row and column directions are not orthogonal (cosine ${fmt(dot(row, col))})`);
  }
  const normal = unit(cross(row, col));
  const withDistance = planes.map((p) => ({ p, d: dot(p.plane.position, normal) }));
  withDistance.sort((a, b) => a.d - b.d || (a.p.instanceNumber ?? 0) - (b.p.instanceNumber ?? 0));

  // Several planes at one position: time points, echoes, b-values … (4-D).
  const groups: { d: number; count: number }[] = [];
  for (const w of withDistance) {
    const last = groups[groups.length - 1];
    if (last && w.d - last.d < GEOMETRY_TOLERANCE.samePosition) last.count++;
    else groups.push({ d: w.d, count: 1 });
  }
  const maxCount = Math.max(...groups.map((g) => g.count));
  if (maxCount > 1) {
    throw new DicomError('FOUR_D', source,
      `${withDistance.length} images at ${groups.length} slice positions (up to ${maxCount} at one position): several volumes in one series (time points, echoes, b-values); Seahorse reads 3-D series only`);
  }
  if (withDistance.length < 2) {
    throw new DicomError('TOO_FEW_SLICES', source, `${withDistance.length} slice: a volume needs at least two slices to know the slice spacing (never taken from SliceThickness)`);
  }
  const n = withDistance.length;
  const d0 = withDistance[0]!.d;
  const span = withDistance[n - 1]!.d - d0;
  const step = span / (n - 1);
  const tol = GEOMETRY_TOLERANCE.gap + GEOMETRY_TOLERANCE.relativeGap * step;
  const gaps = withDistance.slice(1).map((w, i) => w.d - withDistance[i]!.d);
  const worst = gaps.reduce((best, g, i) => (Math.abs(g - step) > Math.abs(gaps[best]! - step) ? i : best), 0);
  if (Math.abs(gaps[worst]! - step) > tol) {
    const minGap = Math.min(...gaps), maxGap = Math.max(...gaps);
    const ratio = maxGap / minGap;
    const missing = Math.abs(ratio - Math.round(ratio)) < 0.05 && Math.round(ratio) >= 2;
    throw new DicomError('NON_UNIFORM_SPACING', source,
      `slice gaps along the normal range from ${fmt(minGap)} to ${fmt(maxGap)} mm (largest departure after slice ${worst + 1} of ${n}, ` +
      `at ${fmt(withDistance[worst]!.d)} mm)${missing ? ': a slice is missing' : ''}; Seahorse refuses non-uniform spacing rather than resampling`);
  }
  const p0 = withDistance[0]!.p.plane.position;
  for (const w of withDistance) {
    const rel = [0, 1, 2].map((i) => w.p.plane.position[i]! - p0[i]! - (w.d - d0) * normal[i]!);
    const drift = Math.hypot(rel[0]!, rel[1]!, rel[2]!);
    if (drift > GEOMETRY_TOLERANCE.inPlane + 1e-3 * Math.abs(w.d - d0)) {
      const angle = (Math.atan2(drift, Math.abs(w.d - d0)) * 180) / Math.PI;
      throw new DicomError('GANTRY_TILT', source,
        `slice positions drift ${fmt(drift)} mm sideways from the slice normal over ${fmt(w.d - d0)} mm (a ${fmt(angle)}° gantry tilt or shear): refused`);
    }
  }
  const [rowSpacing, colSpacing] = first.pixelSpacing;
  const lps = new Float64Array(16);
  for (let i = 0; i < 3; i++) {
    lps[4 * i + 0] = row[i]! * colSpacing;
    lps[4 * i + 1] = col[i]! * rowSpacing;
    lps[4 * i + 2] = normal[i]! * step;
    lps[4 * i + 3] = p0[i]!;
  }
  lps[15] = 1;
  const affine = Float64Array.from(lps);
  for (let c = 0; c < 4; c++) {
    affine[c] = -lps[c]!;
    affine[4 + c] = -lps[4 + c]!;
  }
  return { slices: withDistance.map((w) => w.p), affine, rows, columns, sliceSpacing: step };
}
