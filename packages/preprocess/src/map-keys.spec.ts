import type { VolumeXYZ } from '@seahorse/io';
import { describe, expect, it } from 'vitest';
import { mapKeys } from './map-keys.js';
import { orientationCodesOf, reorient } from './orientation.js';

describe('mapKeys', () => {
  const affine = Float64Array.of(-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
  const image: VolumeXYZ = { data: Float32Array.of(1, 2, 3, 4), shapeXYZ: [2, 2, 1], affine, kind: 'intensity' };
  const label: VolumeXYZ = { data: Uint8Array.of(0, 1, 1, 0), shapeXYZ: [2, 2, 1], affine, kind: 'label' };

  it('transforms the named keys only and leaves the input record untouched', () => {
    const rec = { image, label, id: 'sub-01' };
    const out = mapKeys(rec, ['image'], (v) => reorient(v as VolumeXYZ, 'RAS'));
    expect(orientationCodesOf((out.image as VolumeXYZ).affine)).toBe('RAS');
    expect(Array.from((out.image as VolumeXYZ).data)).toEqual([4, 3, 2, 1]);
    expect(out.label).toBe(label);
    expect(out.id).toBe('sub-01');
    expect(rec.image).toBe(image);
  });

  it('names a missing key', () => {
    expect(() => mapKeys({ image } as Record<string, unknown>, ['label'], (v) => v, { scan: 'sub-02' })).toThrow(/sub-02: mapKeys: key 'label' is missing; the record has 'image'/);
  });
});
