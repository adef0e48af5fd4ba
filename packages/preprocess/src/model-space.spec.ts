import { orientationCodes, spacingXYZ, type VolumeXYZ } from '@seahorse/io';
import { describe, expect, it } from 'vitest';
import { toModelSpace } from './model-space.js';
import { nativeLabelsViaResample } from './native-labels.test-helpers.js';

// LIA, 1 × 1 × 2 mm, oblique by a small rotation about the world z axis
function labelVolume(): VolumeXYZ<Uint8Array> {
  const c = Math.cos(0.1), s = Math.sin(0.1);
  // columns: x -> (-c, -s, 0) (L, 1 mm), y -> (0, 0, -1) (I, 1 mm), z -> (0, 2, 0) (A, 2 mm)
  const affine = Float64Array.of(-c, 0, 0, 12, -s, 0, 2, -7, 0, -1, 0, 30, 0, 0, 0, 1);
  const shapeXYZ = [9, 7, 5] as const;
  const data = new Uint8Array(9 * 7 * 5);
  for (let z = 0; z < 5; z++) for (let y = 0; y < 7; y++) for (let x = 0; x < 9; x++) data[x + 9 * (y + 7 * z)] = (x + 2 * y + z) % 3;
  return { data, shapeXYZ, affine, kind: 'label' };
}

describe('toModelSpace and back', () => {
  it('reorients without interpolation when the spacing already matches, and one-hot posteriors map back to the exact labels', () => {
    const seg = labelVolume();
    expect(orientationCodes(seg.affine)).toBe('LIA');
    const { volume, nativeGrid, lossless } = toModelSpace(seg, { orientation: 'RAS', spacingXYZ: [1, 2, 1] });
    expect(lossless).toBe(true);
    expect(orientationCodes(volume.affine)).toBe('RAS');
    const n = volume.data.length;
    const post = new Float32Array(3 * n);
    for (let i = 0; i < n; i++) post[volume.data[i]! * n + i] = 1;
    const back = nativeLabelsViaResample(post, 3, volume, nativeGrid);
    expect(back.shapeXYZ).toEqual(seg.shapeXYZ);
    expect(Array.from(back.affine)).toEqual(Array.from(seg.affine));
    expect(Array.from(back.data)).toEqual(Array.from(seg.data));
  });

  it('resamples to the model spacing when it differs, keeping orientation', () => {
    const seg = labelVolume();
    const { volume, lossless } = toModelSpace(seg, { orientation: 'LPS', spacingXYZ: [0.5, 0.5, 0.5] }, { interpolation: 'label-linear' });
    expect(lossless).toBe(false);
    expect(orientationCodes(volume.affine)).toBe('LPS');
    spacingXYZ(volume.affine).forEach((v) => expect(v).toBeCloseTo(0.5, 12));
    // L <- old x (9 × 1 mm), P <- old z flipped (5 × 2 mm), S <- old y flipped (7 × 1 mm)
    expect(volume.shapeXYZ).toEqual([18, 20, 14]);
    expect(new Set(volume.data)).toEqual(new Set([0, 1, 2]));
  });
});
