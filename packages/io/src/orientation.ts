/**
 * The orientation of a voxel grid: which world direction each voxel axis points to, found from
 * the affine by nibabel's rule (`io_orientation`, `aff2axcodes`). The one implementation in Seahorse.
 */
import { GeometryError } from './errors.js';
import { type AffineOrVolume, directionMatrix, matrixOf } from './geometry.js';
import { assertUsableAffine, polarOrthogonal } from './matrix.js';

/**
 * Axis codes of a voxel grid, one letter per voxel axis `[x, y, z]`, naming the world direction in
 * which that index increases: `R`/`L` (world +x/−x), `A`/`P` (+y/−y), `S`/`I` (+z/−z), in RAS+
 * world coordinates. `'RAS'` is nibabel's canonical; `'LPS'` is DICOM's and ITK's; `'LIA'` is
 * FreeSurfer's conformed space.
 */
export type OrientationCodes = string;

/** Per voxel axis `[x, y, z]`: the world axis (0 = x/R-L, 1 = y/A-P, 2 = z/S-I) it follows and its sign (+1 or −1). */
export type AxisOrientation = readonly { worldAxis: 0 | 1 | 2; sign: 1 | -1 }[];

/** Letters per world axis: `[negative, positive]`. */
const LABELS = [['L', 'R'], ['P', 'A'], ['I', 'S']] as const;

/**
 * Parses orientation codes like `'RAS'`, `'LPS'` or `'lia'` (case is ignored).
 * @throws GeometryError `BAD_ORIENTATION` unless the codes hold one letter of each pair L/R, P/A, I/S.
 * @example
 * parseOrientationCodes('LIA'); // [{ worldAxis: 0, sign: -1 }, { worldAxis: 2, sign: -1 }, { worldAxis: 1, sign: 1 }]
 */
export function parseOrientationCodes(codes: OrientationCodes): AxisOrientation {
  const out: { worldAxis: 0 | 1 | 2; sign: 1 | -1 }[] = [];
  const upper = codes.toUpperCase();
  for (const ch of upper) {
    const w = LABELS.findIndex((pair) => (pair as readonly string[]).includes(ch));
    if (w < 0) break;
    out.push({ worldAxis: w as 0 | 1 | 2, sign: LABELS[w]![1] === ch ? 1 : -1 });
  }
  if (upper.length !== 3 || out.length !== 3 || new Set(out.map((o) => o.worldAxis)).size !== 3) {
    throw new GeometryError(
      `orientation '${codes}' is invalid: use three letters, one from each of L/R, P/A, I/S (e.g. 'RAS', 'LPS')`, 'BAD_ORIENTATION');
  }
  return out;
}

/**
 * The letters of an {@link AxisOrientation}.
 * @example
 * orientationToCodes(parseOrientationCodes('lps')); // 'LPS'
 */
export function orientationToCodes(o: AxisOrientation): OrientationCodes {
  return o.map(({ worldAxis, sign }) => LABELS[worldAxis]![sign > 0 ? 1 : 0]).join('');
}

/**
 * The orientation of a voxel grid as nibabel's `io_orientation` finds it: normalise the affine's
 * columns, replace them by the closest orthogonal matrix (polar decomposition, so oblique and
 * sheared axes are handled), then for voxel axes x, y, z in turn pick the world axis with the
 * largest absolute component not already taken, and its sign.
 * @param x - A volume or its row-major 4×4 affine.
 * @throws GeometryError `BAD_AFFINE` when the affine is not usable (see `assertUsableAffine`:
 *   not finite, last row not `[0, 0, 0, 1]`, or singular).
 * @example
 * axisOrientation(readNifti('norm.nii.gz')); // [{ worldAxis: 0, sign: -1 }, { worldAxis: 2, sign: -1 }, { worldAxis: 1, sign: 1 }] ('LIA')
 */
export function axisOrientation(x: AffineOrVolume): AxisOrientation {
  const m = matrixOf(x);
  assertUsableAffine(m);
  const u = polarOrthogonal(directionMatrix(m));
  const out: { worldAxis: 0 | 1 | 2; sign: 1 | -1 }[] = [];
  for (let c = 0; c < 3; c++) {
    let best = 0;
    for (let r = 1; r < 3; r++) if (Math.abs(u[3 * r + c]!) > Math.abs(u[3 * best + c]!)) best = r;
    out.push({ worldAxis: best as 0 | 1 | 2, sign: u[3 * best + c]! < 0 ? -1 : 1 });
    for (let k = 0; k < 3; k++) u[3 * best + k] = 0; // the world axis is taken
  }
  return out;
}

/**
 * Orientation codes of the voxel axes, as nibabel's `aff2axcodes`: for each of x, y, z the world
 * direction it points to, one of `'R'|'L'`, `'A'|'P'`, `'S'|'I'` ({@link axisOrientation} as letters).
 * @returns e.g. `'RAS'` (NIfTI canonical), `'LIA'` (FreeSurfer conformed), `'LPS'` (DICOM-like).
 * @throws GeometryError `BAD_AFFINE` when the affine is not usable (not finite, bad last row, singular).
 * @example
 * orientationCodes(readNifti('norm.nii.gz')); // 'LIA'
 */
export function orientationCodes(x: AffineOrVolume): OrientationCodes {
  return orientationToCodes(axisOrientation(x));
}
