import type { ShapeZYX } from '@seahorse/io';

/** One patch: where it starts in the (padded) volume and its size, both `[z, y, x]` voxels. */
export interface WindowZYX {
  readonly startZYX: readonly [number, number, number];
  readonly sizeZYX: ShapeZYX;
}

/**
 * All windows from per-axis starts, in lexicographic `(z, y, x)` order of their starts (InnerEye's
 * `sorted(unique(locations))`, which decides which patch overwrites which).
 * @example
 * windowSlicesZYX([[0, 16], [0], [0]], [128, 48, 48]).length // 2
 */
export function windowSlicesZYX(
  startsZYX: readonly [readonly number[], readonly number[], readonly number[]], patchZYX: ShapeZYX,
): WindowZYX[] {
  const windows: WindowZYX[] = [];
  const sorted = startsZYX.map((s) => [...new Set(s)].sort((a, b) => a - b));
  for (const z of sorted[0]!) {
    for (const y of sorted[1]!) {
      for (const x of sorted[2]!) windows.push({ startZYX: [z, y, x], sizeZYX: patchZYX });
    }
  }
  return windows;
}
