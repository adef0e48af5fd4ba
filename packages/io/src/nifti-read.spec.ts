import { describeWithSharedData, sharedPath } from '@seahorse/testkit';
import { expect, it } from 'vitest';
import { orientationCodes } from './geometry.js';
import { readNifti } from './nifti-read.js';

describeWithSharedData('readNifti on shared files', ['data/niivue-subject/norm.nii.gz'], () => {
  it('reads the FreeSurfer conformed T1 as 256³ uint8, LIA, float64 by default', () => {
    const im = readNifti(sharedPath('data/niivue-subject/norm.nii.gz'));
    expect(im.shapeXYZ).toEqual([256, 256, 256]);
    expect(im.data).toBeInstanceOf(Float64Array);
    expect(im.header.datatype).toBe('uint8');
    expect(im.header.affineSource).toBe('sform');
    expect(orientationCodes(im)).toBe('LIA');
    const kept = readNifti(sharedPath('data/niivue-subject/norm.nii.gz'), { keepStoredType: true, kind: 'label' });
    expect(kept.data).toBeInstanceOf(Uint8Array);
    expect(kept.kind).toBe('label');
    expect(Array.from(kept.data.subarray(0, 1000))).toEqual(Array.from(im.data.subarray(0, 1000)));
  });
});
