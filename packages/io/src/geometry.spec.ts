import { describe, expect, it } from 'vitest';
import { SpaceMismatchError, GeometryError } from './errors.js';
import { assertSameSpace, directionMatrix, originXYZ, spacingXYZ, toZYX } from './geometry.js';
import { orientationCodes } from './orientation.js';
import type { VolumeXYZ } from './volume.js';

/** Row-major 4×4 from rows. */
function mat4(rows: number[][]): Float64Array {
  return Float64Array.from([...rows.flat(), ...(rows.length === 3 ? [0, 0, 0, 1] : [])]);
}

function volume(affine: Float64Array, shapeXYZ: [number, number, number] = [2, 3, 4]): VolumeXYZ<Float32Array> {
  return { data: new Float32Array(shapeXYZ[0] * shapeXYZ[1] * shapeXYZ[2]), shapeXYZ, affine, kind: 'intensity' };
}

describe('spacing, origin and direction come from the affine', () => {
  const lia = mat4([[-1, 0, 0, 128], [0, 0, 2, -100], [0, -3, 0, 90]]);

  it('spacingXYZ is the norm of each affine column', () => {
    expect(spacingXYZ(lia)).toEqual([1, 3, 2]);
    expect(spacingXYZ(volume(lia))).toEqual([1, 3, 2]);
  });

  it('originXYZ is the translation, negated in x and y for LPS', () => {
    expect(originXYZ(lia)).toEqual([128, -100, 90]);
    expect(originXYZ(lia, 'LPS')).toEqual([-128, 100, 90]);
  });

  it('directionMatrix normalises columns; LPS negates rows x and y', () => {
    expect(Array.from(directionMatrix(lia))).toEqual([-1, 0, 0, 0, 0, 1, 0, -1, 0]);
    expect(Array.from(directionMatrix(lia, 'LPS'))).toEqual([1, -0, -0, -0, -0, -1, 0, -1, 0]);
  });

  it('rejects affines that are not 16 finite numbers, or singular for orientation', () => {
    expect(() => spacingXYZ(new Float64Array(9))).toThrow(GeometryError);
    expect(() => spacingXYZ(mat4([[NaN, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]))).toThrow(/affine\[0\].*NaN/);
    expect(() => orientationCodes(mat4([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0]]))).toThrow(/singular/);
  });
});

describe('toZYX', () => {
  it('shares the data array and reverses shape and spacing', () => {
    const v = volume(mat4([[2, 0, 0, 0], [0, 3, 0, 0], [0, 0, 4, 0]]), [5, 6, 7]);
    const zyx = toZYX(v);
    expect(zyx.data).toBe(v.data);
    expect(zyx.shapeZYX).toEqual([7, 6, 5]);
    expect(zyx.spacingZYX).toEqual([4, 3, 2]);
    // C-order [z][y][x] index equals the XYZ flat index x + X*(y + Y*z).
    v.data[1 + 5 * (2 + 6 * 3)] = 42;
    expect(zyx.data[(3 * 6 + 2) * 5 + 1]).toBe(42);
  });
});

describe('assertSameSpace', () => {
  const base = mat4([[1, 0, 0, 10], [0, 1, 0, 20], [0, 0, 1, 30]]);

  it('accepts identical grids and differences within tolerance', () => {
    expect(() => assertSameSpace(volume(base), volume(base))).not.toThrow();
    const near = base.slice();
    near[3] = 10 + 5e-6;
    expect(() => assertSameSpace(volume(base), volume(near))).not.toThrow();
  });

  it('names the property and prints both values', () => {
    const moved = base.slice();
    moved[3] = 11;
    expect(() => assertSameSpace(volume(base), volume(moved), { names: ['img.nii', 'seg.nii'] }))
      .toThrow(/originXYZ differs.*img\.nii \[10, 20, 30\].*seg\.nii \[11, 20, 30\]/);
    expect(() => assertSameSpace(volume(base, [2, 3, 4]), volume(base, [2, 3, 5])))
      .toThrow(/shapeXYZ differs: a \[2, 3, 4\] vs b \[2, 3, 5\]/);
    const scaled = base.slice();
    scaled[0] = 1.5;
    let err: unknown;
    try { assertSameSpace(volume(base), volume(scaled)); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(SpaceMismatchError);
    expect((err as SpaceMismatchError).property).toBe('spacingXYZ');
    expect((err as SpaceMismatchError).code).toBe('SPACE_MISMATCH');
  });

  it('detects a flipped axis as a direction difference', () => {
    const flipped = base.slice();
    flipped[5] = -1;
    expect(() => assertSameSpace(volume(base), volume(flipped))).toThrow(/direction differs/);
  });

  it('honours rtol and atol', () => {
    const moved = base.slice();
    moved[3] = 10.01;
    expect(() => assertSameSpace(volume(base), volume(moved))).toThrow(SpaceMismatchError);
    expect(() => assertSameSpace(volume(base), volume(moved), { atol: 0.02 })).not.toThrow();
    expect(() => assertSameSpace(volume(base), volume(moved), { atol: 0, rtol: 1e-3 })).not.toThrow();
  });
});
