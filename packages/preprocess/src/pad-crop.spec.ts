import type { VolumeXYZ } from '@seahorse/io';
import { describe, expect, it } from 'vitest';
import { crop, cropPadding, pad, padToMultiple, splitPadding } from './pad-crop.js';

const affine = Float64Array.of(0.5, 0, 0, 10, 0, 2, 0, -4, 0, 0, 3, 1, 0, 0, 0, 1);
function ramp(shapeXYZ: [number, number, number]): VolumeXYZ<Float32Array> {
  const data = new Float32Array(shapeXYZ[0] * shapeXYZ[1] * shapeXYZ[2]).map((_, i) => i + 1);
  return { data, shapeXYZ, affine, kind: 'intensity' };
}
const world = (a: Float64Array, v: number[]) => [0, 1, 2].map((r) => a[4 * r]! * v[0]! + a[4 * r + 1]! * v[1]! + a[4 * r + 2]! * v[2]! + a[4 * r + 3]!);

describe('pad and crop', () => {
  it('splits padding by the named rule (InnerEye: extra voxel at the start)', () => {
    expect(splitPadding(5, 'centre-extra-at-start')).toEqual([3, 2]);
    expect(splitPadding(5, 'centre-extra-at-end')).toEqual([2, 3]);
    expect(splitPadding(5, 'end')).toEqual([0, 5]);
    expect(splitPadding(5, 'start')).toEqual([5, 0]);
    expect(splitPadding(4, 'centre-extra-at-start')).toEqual([2, 2]);
  });

  it('pads to multiples of 16 with InnerEye placement, keeping voxels at their world positions', () => {
    const vol = ramp([35, 52, 16]);
    const { volume, padding } = padToMultiple(vol, 16);
    expect(volume.shapeXYZ).toEqual([48, 64, 16]);
    expect(padding.beforeXYZ).toEqual([7, 6, 0]);
    expect(padding.afterXYZ).toEqual([6, 6, 0]);
    // voxel (0,0,0) of the original sits at padded index (7,6,0), at the same world point
    const [px, py] = volume.shapeXYZ;
    expect(volume.data[7 + px * 6]).toBe(1);
    expect(world(volume.affine, [7, 6, 0])).toEqual(world(affine, [0, 0, 0]));
    expect(volume.data[0]).toBe(0);
    let nonZero = 0;
    for (const v of volume.data) if (v !== 0) nonZero++;
    expect(nonZero).toBe(vol.data.length);
    expect(px * py * 16).toBe(volume.data.length);
  });

  it('pads at the end for the msd-reference rule with a fill value, and cropPadding restores shape, data and affine exactly', () => {
    const vol = ramp([5, 3, 9]);
    const { volume, padding } = padToMultiple(vol, [8, 4, 8], { placement: 'end', value: -1 });
    expect(volume.shapeXYZ).toEqual([8, 4, 16]);
    expect(padding.beforeXYZ).toEqual([0, 0, 0]);
    expect(volume.data[5]).toBe(-1);
    expect(Array.from(volume.affine)).toEqual(Array.from(affine));
    const back = cropPadding(padToMultiple(vol, 7).volume, padToMultiple(vol, 7).padding);
    expect(back.shapeXYZ).toEqual(vol.shapeXYZ);
    expect(back.data).toEqual(vol.data);
    expect(back.affine).toEqual(vol.affine);
  });

  it('crops a box and moves the origin to its first voxel', () => {
    const vol = ramp([4, 5, 6]);
    const box = crop(vol, [1, 2, 3], [2, 2, 2]);
    expect(box.shapeXYZ).toEqual([2, 2, 2]);
    expect(box.data[0]).toBe(vol.data[1 + 4 * (2 + 5 * 3)]);
    expect(box.data[7]).toBe(vol.data[2 + 4 * (3 + 5 * 4)]);
    expect(world(box.affine, [0, 0, 0])).toEqual(world(affine, [1, 2, 3]));
  });

  it('explains bad boxes, multiples and shapes', () => {
    const vol = ramp([4, 5, 6]);
    expect(() => crop(vol, [3, 0, 0], [2, 1, 1], { scan: 'img' })).toThrow(/img: crop box start \[3, 0, 0\] shape \[2, 1, 1\] is not inside the volume of shapeXYZ \[4, 5, 6\]/);
    expect(() => padToMultiple(vol, 0, { scan: 'img' })).toThrow(/img: padToMultiple option 'multipleXYZ' = 0 is invalid/);
    expect(() => pad(vol, [-1, 0, 0], [0, 0, 0])).toThrow(/pad amounts must be three non-negative integers/);
    const { padding } = padToMultiple(vol, 8);
    expect(() => cropPadding(vol, padding, { scan: 'img' })).toThrow(/img: cropPadding expects the padded shapeXYZ \[8, 8, 8\], got \[4, 5, 6\]/);
  });
});
