import { describe, expect, it } from 'vitest';
import { GeometryError } from './errors.js';
import { axisOrientation, orientationCodes, orientationToCodes, parseOrientationCodes } from './orientation.js';

/** Row-major 4×4 from three rows, `[0, 0, 0, 1]` below. */
function mat4(rows: number[][]): Float64Array {
  return Float64Array.from([...rows.flat(), 0, 0, 0, 1]);
}

describe('orientation of an affine', () => {
  const lia = mat4([[-1, 0, 0, 128], [0, 0, 2, -100], [0, -3, 0, 90]]);

  it('orientationCodes names the world direction of each voxel axis', () => {
    expect(orientationCodes(lia)).toBe('LIA');
    expect(orientationCodes(mat4([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]))).toBe('RAS');
    expect(orientationCodes(mat4([[-1, 0, 0, 0], [0, -1, 0, 0], [0, 0, 1, 0]]))).toBe('LPS');
    // 30° oblique about z: x still mostly R, y mostly A.
    const c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6);
    expect(orientationCodes(mat4([[c, -s, 0, 0], [s, c, 0, 0], [0, 0, 1, 0]]))).toBe('RAS');
  });

  it('axisOrientation gives each voxel axis its world axis and sign; the codes are its letters', () => {
    const o = axisOrientation({ affine: lia });
    expect(o).toEqual([{ worldAxis: 0, sign: -1 }, { worldAxis: 2, sign: -1 }, { worldAxis: 1, sign: 1 }]);
    expect(orientationToCodes(o)).toBe('LIA');
  });

  it('refuses an affine that is not usable, with GeometryError BAD_AFFINE', () => {
    const badRow = Float64Array.from(lia);
    badRow[12] = 1;
    expect(() => orientationCodes(badRow)).toThrow(/affine last row must be \[0, 0, 0, 1\]/);
    let err: unknown;
    try { axisOrientation(mat4([[1, 0, 0, 0], [0, 1, 0, 0], [1, 1, 0, 0]])); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(GeometryError);
    expect((err as GeometryError).code).toBe('BAD_AFFINE');
    expect((err as Error).message).toMatch(/affine is singular or nearly so/);
  });
});

describe('orientation codes', () => {
  it('parses codes in any case and prints them back', () => {
    expect(parseOrientationCodes('lps')).toEqual([{ worldAxis: 0, sign: -1 }, { worldAxis: 1, sign: -1 }, { worldAxis: 2, sign: 1 }]);
    for (const codes of ['RAS', 'LPS', 'LIA', 'PIR', 'SAR']) expect(orientationToCodes(parseOrientationCodes(codes))).toBe(codes);
  });

  it('rejects codes without one letter of each pair, with GeometryError BAD_ORIENTATION', () => {
    for (const codes of ['RAR', 'RA', 'RASL', 'RAX', '']) {
      let err: unknown;
      try { parseOrientationCodes(codes); } catch (e) { err = e; }
      expect(err, codes).toBeInstanceOf(GeometryError);
      expect((err as GeometryError).code).toBe('BAD_ORIENTATION');
      expect((err as Error).message).toMatch(/orientation '.*' is invalid: use three letters, one from each of L\/R, P\/A, I\/S/);
    }
  });
});
