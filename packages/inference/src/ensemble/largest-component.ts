import type { ShapeZYX } from '@seahorse/io';
import { InferenceRuntimeError } from '../errors.js';
import { voxelCount } from '../tiling/shape.js';

/**
 * Keeps only the largest 6-connected (face-connected) component of one class in a `[Z, Y, X]` label
 * map, in place; voxels of the other components of that class become 0 (background). Components are
 * numbered in C-order scan order (z, then y, then x), as `scipy.ndimage.label` does, and a tie in
 * size keeps the first one (InnerEye's `np.argmax` over component sizes).
 * @param labelsZYX - Uint8Array `[Z, Y, X]`, x fastest. Modified in place.
 * @param classIndex - the label value to process (≥ 1).
 * @returns the number of voxels removed.
 * @example
 * keepLargestComponent(seg, [Z, Y, X], 1); // hippocampus_L: keep its largest blob
 */
export function keepLargestComponent(labelsZYX: Uint8Array, shapeZYX: ShapeZYX, classIndex: number): number {
  const n = voxelCount(shapeZYX);
  if (labelsZYX.length !== n) throw new InferenceRuntimeError('INVALID_SHAPE', `labels have ${labelsZYX.length} values, [${shapeZYX.join(', ')}] needs ${n}`);
  if (!Number.isInteger(classIndex) || classIndex < 1 || classIndex > 255) {
    throw new InferenceRuntimeError('INVALID_OPTIONS', `largest-component class index must be an integer in [1, 255], got ${classIndex}`);
  }
  const [Z, Y, X] = shapeZYX;
  const YX = Y * X;
  const component = new Int32Array(n); // 0 = not visited / other class
  const queue = new Int32Array(n);
  const sizes: number[] = [0];
  for (let start = 0; start < n; start++) {
    if (labelsZYX[start] !== classIndex || component[start] !== 0) continue;
    const id = sizes.length;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    component[start] = id;
    while (head < tail) {
      const v = queue[head++]!;
      const x = v % X;
      const y = Math.floor(v / X) % Y;
      const z = Math.floor(v / YX);
      const visit = (u: number) => {
        if (labelsZYX[u] === classIndex && component[u] === 0) { component[u] = id; queue[tail++] = u; }
      };
      if (x > 0) visit(v - 1);
      if (x < X - 1) visit(v + 1);
      if (y > 0) visit(v - X);
      if (y < Y - 1) visit(v + X);
      if (z > 0) visit(v - YX);
      if (z < Z - 1) visit(v + YX);
    }
    sizes.push(tail);
  }
  if (sizes.length <= 2) return 0;
  let keep = 1;
  for (let id = 2; id < sizes.length; id++) if (sizes[id]! > sizes[keep]!) keep = id;
  let removed = 0;
  for (let i = 0; i < n; i++) {
    const id = component[i]!;
    if (id !== 0 && id !== keep) { labelsZYX[i] = 0; removed++; }
  }
  return removed;
}
