import { InferenceRuntimeError } from '../errors.js';

/**
 * Patch starts along one axis for InnerEye's tiling (torchio 0.18 `GridSampler` with overlap 0):
 * `0, P, 2P, …` while the patch fits, plus `S − P` when that is not already the last start, so the
 * last patch ends exactly at the border and overlaps its neighbour.
 * @param size - axis length S after padding (voxels, ≥ 1).
 * @param patch - patch length P along the axis, `1 ≤ P ≤ S`.
 * @throws InferenceRuntimeError `INVALID_OPTIONS` when P is not in [1, S].
 * @example
 * innereyeStarts(144, 128) // [0, 16]
 * innereyeStarts(256, 128) // [0, 128]
 */
export function innereyeStarts(size: number, patch: number): number[] {
  checkAxis(size, patch);
  const starts: number[] = [];
  for (let s = 0; s <= size - patch; s += patch) starts.push(s);
  if (starts[starts.length - 1] !== size - patch) starts.push(size - patch);
  return starts;
}

/**
 * Patch starts along one axis for overlapping windows (MONAI's `_get_scan_interval` +
 * `dense_patch_slices`): the interval is `floor(P * (1 − overlap))` (at least 1; P when P = S), there
 * are `ceil((S − P) / interval) + 1` windows, and a start that would run past the end is moved back
 * to `S − P`.
 * @param overlap - fraction of a patch shared with the next one, in [0, 1). Default in callers: 0.5.
 * @throws InferenceRuntimeError `INVALID_OPTIONS` for P outside [1, S] or overlap outside [0, 1).
 * @example
 * overlapStarts(10, 4, 0.5) // [0, 2, 4, 6]
 */
export function overlapStarts(size: number, patch: number, overlap: number): number[] {
  checkAxis(size, patch);
  if (!(overlap >= 0 && overlap < 1)) {
    throw new InferenceRuntimeError('INVALID_OPTIONS', `overlap must be in [0, 1), got ${overlap}`);
  }
  const interval = patch === size ? patch : Math.max(1, Math.floor(patch * (1 - overlap)));
  const count = Math.ceil((size - patch) / interval) + 1;
  const starts: number[] = [];
  for (let i = 0; i < count; i++) starts.push(Math.min(i * interval, size - patch));
  return [...new Set(starts)];
}

function checkAxis(size: number, patch: number): void {
  if (!Number.isInteger(size) || size < 1 || !Number.isInteger(patch) || patch < 1 || patch > size) {
    throw new InferenceRuntimeError('INVALID_OPTIONS', `patch length must be an integer in [1, ${size}], got ${patch}`);
  }
}
