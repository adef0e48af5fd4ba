import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNifti, writeNifti, type VolumeXYZ } from '@seahorse/io';
import { describeWithSharedData, runPythonReference, sharedPath } from '@seahorse/testkit';
import { measureSegmentation, measureVolumes } from './measure-volumes.js';

interface NibabelVolumes { voxel_mm3: number; counts: number[]; volumes_mm3: number[]; zooms_product: number }

const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-volumes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A two-structure label map on a real file's own grid (its affine kept exactly): 1 above the 60th percentile of the scan, 2 above the 85th. */
function labelsOnGridOf(file: string, name: string): string {
  const scan = readNifti(file);
  const sorted = Float64Array.from(scan.data).sort();
  const [t1, t2] = [sorted[Math.floor(0.6 * sorted.length)]!, sorted[Math.floor(0.85 * sorted.length)]!];
  const data = new Uint8Array(scan.data.length);
  for (let i = 0; i < data.length; i++) data[i] = scan.data[i]! > t2 ? 2 : scan.data[i]! > t1 ? 1 : 0;
  const out = path.join(dir, name);
  const seg: VolumeXYZ<Uint8Array> = { data, shapeXYZ: scan.shapeXYZ, affine: scan.affine, kind: 'label' };
  writeNifti(out, seg, { datatype: 'uint8' });
  return out;
}

describeWithSharedData('volumes equal nibabel\'s voxel count × |det(affine[:3,:3])| on the shared data',
  ['data/headers/oblique-sform-int16-t1.nii.gz', 'data/headers/sheared-anisotropic.nii.gz', 'data/colin27-aal/hippocampus_L.nii.gz', 'data/niivue-subject/hippocampus_R.nii.gz'], () => {
    let files: string[] = [];
    let reference: Record<string, NibabelVolumes> = {};
    beforeAll(async () => {
      files = [
        labelsOnGridOf(sharedPath('data/headers/oblique-sform-int16-t1.nii.gz'), 'oblique-labels.nii.gz'),
        labelsOnGridOf(sharedPath('data/headers/sheared-anisotropic.nii.gz'), 'sheared-labels.nii.gz'),
        sharedPath('data/colin27-aal/hippocampus_L.nii.gz'),
        sharedPath('data/niivue-subject/hippocampus_R.nii.gz'),
      ];
      reference = await runPythonReference<Record<string, NibabelVolumes>>('evaluation_volumes.py', ['2', ...files]);
    }, 120_000);

    it('counts and mm³ per label, the oblique and the sheared grid included (rtol 1e-12)', () => {
      for (const f of files) {
        const ref = reference[f]!;
        const ours = measureVolumes(f, ['a', 'b']);
        expect(ours.map((v) => v.voxels), f).toEqual(ref.counts);
        expect(ours[0]!.voxels, `${f} has voxels of structure 1`).toBeGreaterThan(0);
        ours.forEach((v, i) => expect(Math.abs(v.volume_mm3 - ref.volumes_mm3[i]!)).toBeLessThanOrEqual(1e-12 * ref.volumes_mm3[i]!));
      }
      // The sheared file is where |det| and the product of the spacings part: we follow the affine.
      const sheared = reference[files[1]!]!;
      expect(Math.abs(sheared.voxel_mm3 - sheared.zooms_product) / sheared.voxel_mm3).toBeGreaterThan(1e-6);
    });
  });

describe('measureSegmentation: an unlabelled subject is measured for volume only', () => {
  it('gives volumes and no metrics without ground truth, both with it', () => {
    const affine = Float64Array.from([0.5, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1]);
    const seg = path.join(dir, 'seg.nii.gz');
    writeNifti(seg, { data: Uint8Array.from([1, 1, 2, 0, 0, 0, 0, 1]), shapeXYZ: [2, 2, 2], affine, kind: 'label' }, { datatype: 'uint8' });
    const gt = path.join(dir, 'gt.nii.gz');
    writeNifti(gt, { data: Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 0]), shapeXYZ: [2, 2, 2], affine, kind: 'label' }, { datatype: 'uint8' });
    const unlabelled = measureSegmentation({ subject: { id: 'u', images: [seg], groundTruth: null }, segmentationFile: seg, structures: ['A_L', 'A_R'] });
    expect(unlabelled).toEqual({ metrics: [], volumes: [{ structure: 'A_L', voxels: 3, volume_mm3: 9 }, { structure: 'A_R', voxels: 1, volume_mm3: 3 }] });
    const labelled = measureSegmentation({ subject: { id: 'l', images: [seg], groundTruth: { kind: 'masks', masks: { A_L: gt, A_R: gt } } }, segmentationFile: seg, structures: ['A_L', 'A_R'] });
    expect(labelled.metrics.map((m) => m.DiceNumeric)).toEqual([0.8, 0]);
    expect(labelled.volumes).toEqual(unlabelled.volumes);
  });
});
