import type { Mat4, VolumeXYZ, VoxelArray } from '@seahorse/io';
import { assertValidAffine, at } from './affine.js';
import { PreprocessError } from './errors.js';
import { assertShapeMatchesData, scanName } from './validate.js';

/**
 * Axis codes of a voxel grid, one letter per voxel axis `[x, y, z]`, naming the world direction in
 * which that index increases: `R`/`L` (world +x/−x), `A`/`P` (+y/−y), `S`/`I` (+z/−z), in RAS+
 * world coordinates. `'RAS'` is nibabel's canonical; `'LPS'` is DICOM's and ITK's.
 */
export type OrientationCodes = string;

/** Per voxel axis: the world axis (0 = x/R-L, 1 = y/A-P, 2 = z/S-I) it follows and its sign (+1 or −1). */
export type AxisOrientation = readonly { worldAxis: 0 | 1 | 2; sign: 1 | -1 }[];

const LABELS = [['L', 'R'], ['P', 'A'], ['I', 'S']] as const;

/**
 * Parses orientation codes like `'RAS'`, `'LPS'` or `'LIA'`.
 * @throws PreprocessError `INVALID_OPTION` unless the codes hold one letter of each pair L/R, P/A, I/S.
 */
export function parseOrientationCodes(codes: OrientationCodes, scan: string): AxisOrientation {
  const out: { worldAxis: 0 | 1 | 2; sign: 1 | -1 }[] = [];
  const upper = codes.toUpperCase();
  for (const ch of upper) {
    const w = LABELS.findIndex((pair) => (pair as readonly string[]).includes(ch));
    if (w < 0) break;
    out.push({ worldAxis: w as 0 | 1 | 2, sign: LABELS[w]![1] === ch ? 1 : -1 });
  }
  if (upper.length !== 3 || out.length !== 3 || new Set(out.map((o) => o.worldAxis)).size !== 3) {
    throw new PreprocessError('INVALID_OPTION', scan,
      `orientation '${codes}' is invalid: use three letters, one from each of L/R, P/A, I/S (e.g. 'RAS', 'LPS')`);
  }
  return out;
}

/** Letters for an {@link AxisOrientation}. */
export function orientationToCodes(o: AxisOrientation): OrientationCodes {
  return o.map(({ worldAxis, sign }) => LABELS[worldAxis]![sign > 0 ? 1 : 0]).join('');
}

/** Closest orthogonal matrix (polar factor) of a non-singular 3×3 (row-major), by Newton's iteration. */
function polarFactor3(m: number[]): number[] {
  let x = m.slice();
  for (let it = 0; it < 100; it++) {
    const [a, b, c, d, e, f, g, h, i] = x as [number, number, number, number, number, number, number, number, number];
    const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
    // inverse transpose
    const invT = [
      (e * i - f * h) / det, (f * g - d * i) / det, (d * h - e * g) / det,
      (c * h - b * i) / det, (a * i - c * g) / det, (b * g - a * h) / det,
      (b * f - c * e) / det, (c * d - a * f) / det, (a * e - b * d) / det,
    ];
    const next = x.map((v, k) => 0.5 * (v + invT[k]!));
    const delta = Math.max(...next.map((v, k) => Math.abs(v - x[k]!)));
    x = next;
    if (delta < 1e-15) break;
  }
  return x;
}

/**
 * The orientation of a voxel grid as nibabel's `io_orientation` finds it: normalise the affine's
 * columns, take the closest rotation (polar decomposition), then for voxel axes x, y, z in turn pick
 * the world axis with the largest absolute component not already taken, and its sign.
 * @throws PreprocessError `DEGENERATE_AFFINE` for an unusable affine.
 * @example
 * ```ts
 * orientationOf(volume.affine); // e.g. [{ worldAxis: 0, sign: -1 }, { worldAxis: 2, sign: -1 }, { worldAxis: 1, sign: 1 }]  ('LIA')
 * ```
 */
export function orientationOf(affine: Mat4, scan = 'volume'): AxisOrientation {
  assertValidAffine(affine, scan);
  const rs: number[] = [];
  const norms = [0, 1, 2].map((c) => Math.hypot(at(affine, 0, c), at(affine, 1, c), at(affine, 2, c)));
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) rs.push(at(affine, r, c) / norms[c]!);
  const rot = polarFactor3(rs);
  const out: { worldAxis: 0 | 1 | 2; sign: 1 | -1 }[] = [];
  for (let c = 0; c < 3; c++) {
    let best = -1;
    let bestAbs = -1;
    for (let r = 0; r < 3; r++) {
      const v = Math.abs(rot[3 * r + c]!);
      if (v > bestAbs) { bestAbs = v; best = r; }
    }
    const sign = rot[3 * best + c]! < 0 ? -1 : 1;
    out.push({ worldAxis: best as 0 | 1 | 2, sign });
    for (let k = 0; k < 3; k++) rot[3 * best + k] = 0; // the world axis is taken
  }
  return out;
}

/** nibabel's `aff2axcodes`: the orientation codes of an affine, e.g. `'LIA'` for a FreeSurfer conformed volume. */
export function orientationCodesOf(affine: Mat4, scan = 'volume'): OrientationCodes {
  return orientationToCodes(orientationOf(affine, scan));
}

/**
 * Reorients a volume to the named orientation by a lossless permutation and flips of its voxel axes,
 * as nibabel's `as_closest_canonical` (for `'RAS'`) and `as_reoriented(ornt_transform(...))` do.
 * Voxel values are moved, never interpolated; the affine is `affine · M`, where M maps new voxel
 * indices to old ones (nibabel's `inv_ornt_aff`), so every voxel keeps its world position.
 *
 * @param volume - Any volume (intensity or label); its `kind` is kept.
 * @param target - {@link OrientationCodes}, e.g. `'RAS'` (default) or `'LPS'`.
 * @param options.scan - Scan name for error messages.
 * @returns A new volume (data copied, even when nothing moves).
 * @throws PreprocessError `INVALID_OPTION` for bad codes, `DEGENERATE_AFFINE`, `SHAPE_MISMATCH`.
 * @example
 * ```ts
 * const ras = reorient(volume, 'RAS');
 * orientationCodesOf(ras.affine); // 'RAS'
 * ```
 */
export function reorient<T extends VoxelArray>(volume: VolumeXYZ<T>, target: OrientationCodes = 'RAS',
  options: { scan?: string } = {}): VolumeXYZ<T> {
  const scan = scanName(options.scan);
  assertShapeMatchesData(volume.shapeXYZ, volume.data, scan);
  const want = parseOrientationCodes(target, scan);
  const have = orientationOf(volume.affine, scan);
  // for each old axis i: its new axis and whether it flips
  const newAxisOf = have.map((h) => want.findIndex((w) => w.worldAxis === h.worldAxis));
  const flipOf = have.map((h, i) => h.sign * want[newAxisOf[i]!]!.sign);
  const oldShape = volume.shapeXYZ;
  const newShape = [0, 0, 0];
  for (let i = 0; i < 3; i++) newShape[newAxisOf[i]!] = oldShape[i]!;

  // M: new voxel index -> old voxel index (row i: old axis i)
  const m = new Float64Array(16);
  for (let i = 0; i < 3; i++) {
    m[4 * i + newAxisOf[i]!] = flipOf[i]!;
    m[4 * i + 3] = flipOf[i]! < 0 ? oldShape[i]! - 1 : 0;
  }
  m[15] = 1;
  const affine = new Float64Array(16);
  const a = volume.affine;
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[4 * r + k]! * m[4 * k + c]!;
      affine[4 * r + c] = s;
    }
  }

  // strides of the old array along each new axis, and the old offset of new voxel (0,0,0)
  const oldStride = [1, oldShape[0]!, oldShape[0]! * oldShape[1]!];
  const step = [0, 0, 0];
  let base = 0;
  for (let i = 0; i < 3; i++) {
    step[newAxisOf[i]!] = flipOf[i]! * oldStride[i]!;
    if (flipOf[i]! < 0) base += (oldShape[i]! - 1) * oldStride[i]!;
  }
  const src = volume.data;
  const Ctor = src.constructor as new (n: number) => T;
  const out = new Ctor(src.length);
  const [nx, ny, nz] = newShape as [number, number, number];
  const [sx, sy, sz] = step as [number, number, number];
  let o = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      let p = base + z * sz + y * sy;
      for (let x = 0; x < nx; x++, p += sx) out[o++] = src[p]!;
    }
  }
  return { data: out, shapeXYZ: [nx, ny, nz], affine, kind: volume.kind };
}
