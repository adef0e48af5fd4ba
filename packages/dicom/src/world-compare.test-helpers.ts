import { invertAffine, multiplyAffine, type Mat4, type VoxelArray } from '@seahorse/io';

/** A volume to compare: shape `[X, Y, Z]`, x-fastest data, voxel → RAS affine. */
export interface Gridded {
  readonly shapeXYZ: readonly number[];
  readonly affine: ArrayLike<number>;
  readonly data: ArrayLike<number> | VoxelArray;
}

/** How two volumes of the same scan compare in world space. */
export interface WorldComparison {
  /** Largest |entry| of `A_ours − A_ref · P` over the 3×4 part, mm, where P is the index map. */
  readonly affineDiffMm: number;
  /** Voxels whose values differ by more than the tolerance, and the largest difference. */
  readonly mismatches: number;
  readonly maxAbsDiff: number;
  /** The signed permutation (ours → reference index), as a row-major 4×4. */
  readonly indexMap: number[];
}

/**
 * Compares two readings of one scan whose voxel orders differ by axis permutations and flips
 * (dcm2niix's, SimpleITK's and Seahorse's): finds the integer index map from `ours` to `ref`,
 * checks the affines agree in world space, then compares every voxel through the map.
 */
export function compareInWorld(ours: Gridded, ref: Gridded, valueTolerance = 0): WorldComparison {
  const t = multiplyAffine(invertAffine(Float64Array.from(ref.affine) as Mat4), Float64Array.from(ours.affine) as Mat4);
  const p = Array.from(t, (v) => Math.round(v));
  const mapped = multiplyAffine(Float64Array.from(ref.affine) as Mat4, Float64Array.from(p) as Mat4);
  let affineDiffMm = 0;
  for (let i = 0; i < 12; i++) affineDiffMm = Math.max(affineDiffMm, Math.abs(mapped[i]! - ours.affine[i]!));
  const [X, Y, Z] = ours.shapeXYZ as [number, number, number];
  const [RX, RY, RZ] = ref.shapeXYZ as [number, number, number];
  let mismatches = 0;
  let maxAbsDiff = 0;
  for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) {
    const rx = p[0]! * x + p[1]! * y + p[2]! * z + p[3]!;
    const ry = p[4]! * x + p[5]! * y + p[6]! * z + p[7]!;
    const rz = p[8]! * x + p[9]! * y + p[10]! * z + p[11]!;
    if (rx < 0 || ry < 0 || rz < 0 || rx >= RX || ry >= RY || rz >= RZ) {
      mismatches++;
      continue;
    }
    const d = Math.abs(Number(ours.data[x + X * (y + Y * z)]) - Number(ref.data[rx + RX * (ry + RY * rz)]));
    if (d > valueTolerance) mismatches++;
    maxAbsDiff = Math.max(maxAbsDiff, d);
  }
  return { affineDiffMm, mismatches, maxAbsDiff, indexMap: p };
}

/**
 * Dice between `ours == label` and `ref != 0`, voxel by voxel through the index map between the
 * two grids (which must be the same grid up to axis permutations and flips, within 1e-3 mm).
 */
export function diceInWorld(ours: Gridded, label: number, ref: Gridded): number {
  const cmp = compareInWorld(ours, ref, Infinity);
  if (cmp.affineDiffMm > 1e-3) throw new Error(`grids differ by ${cmp.affineDiffMm} mm`);
  const p = cmp.indexMap;
  const [X, Y, Z] = ours.shapeXYZ as [number, number, number];
  const [RX, RY] = ref.shapeXYZ as [number, number, number];
  let a = 0, b = 0, both = 0;
  for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) {
    const rx = p[0]! * x + p[1]! * y + p[2]! * z + p[3]!;
    const ry = p[4]! * x + p[5]! * y + p[6]! * z + p[7]!;
    const rz = p[8]! * x + p[9]! * y + p[10]! * z + p[11]!;
    const u = Number(ours.data[x + X * (y + Y * z)]) === label;
    const v = Number(ref.data[rx + RX * (ry + RY * rz)]) !== 0;
    if (u) a++;
    if (v) b++;
    if (u && v) both++;
  }
  return a + b === 0 ? 1 : (2 * both) / (a + b);
}
