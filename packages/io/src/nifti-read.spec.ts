import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeWithSharedData, sharedPath } from '@seahorse/testkit';
import { afterAll, expect, it } from 'vitest';
import { NiftiFormatError } from './errors.js';
import { orientationCodes } from './orientation.js';
import { readNifti, readNiftiGeometry } from './nifti-read.js';

describeWithSharedData('readNifti on shared files', ['data/niivue-subject/norm.nii.gz', 'data/headers'], () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'seahorse-io-read-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

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

  it.each(readdirSync(sharedPath('data/headers')).filter((f) => f.endsWith('.nii.gz')))(
    'readNiftiGeometry(%s) gives readNifti\'s shape, affine and header without reading voxels', (name) => {
      const file = sharedPath('data/headers', name);
      const g = readNiftiGeometry(file);
      const im = readNifti(file, { keepStoredType: true });
      expect(g.shapeXYZ).toEqual(im.shapeXYZ);
      expect(Array.from(g.affine)).toEqual(Array.from(im.affine));
      expect([g.affineSource, g.datatype, g.volumeCount]).toEqual([im.header.affineSource, im.header.datatype, 1]);
      expect(g.header.extensions.length).toBe(im.header.extensions.length);
    });

  it('readNiftiGeometry reads the header of a truncated .nii.gz, and names files cut inside the header', () => {
    const gz = readFileSync(sharedPath('data/headers/flair.nii.gz'));
    const cut = path.join(tmp, 'cut.nii.gz');
    writeFileSync(cut, gz.subarray(0, gz.length >> 1));
    expect(readNiftiGeometry(cut).shapeXYZ).toEqual(readNiftiGeometry(sharedPath('data/headers/flair.nii.gz')).shapeXYZ);
    expect(() => readNifti(cut)).toThrow(NiftiFormatError);
    const stub = path.join(tmp, 'stub.nii.gz');
    writeFileSync(stub, gz.subarray(0, 40));
    expect(() => readNiftiGeometry(stub)).toThrow(new RegExp(`^${stub}: sizeof_hdr: \\d+ bytes is shorter than a NIfTI header`));
    expect(() => readNiftiGeometry(path.join(tmp, 'none.nii'))).toThrow(/none\.nii: file: ENOENT/);
  });
});
