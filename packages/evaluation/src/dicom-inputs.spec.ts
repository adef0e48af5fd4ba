import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readDicomSeries, writeRtStruct } from '@seahorse/dicom';
import { writeNifti, type VolumeXYZ } from '@seahorse/io';
import { describeWithSharedData, sharedPath } from '@seahorse/testkit';
import { expect, it } from 'vitest';
import { loadSubjectInputs, measureSubject, readGroundTruth, validateSubjectInputs } from './index.js';

// A manifest whose image channel is a DICOM folder and whose ground truth is an RTSTRUCT.
const SERIES = 'data/dicom/siemens_sag_tfl_enhanced';
const STRUCTURES = ['hippocampus_L', 'hippocampus_R'];

/** Two world-space spheres (radius 12 mm) on the image grid: 1 left, 2 right. */
function spheres(image: VolumeXYZ): VolumeXYZ<Uint8Array> {
  const [X, Y, Z] = image.shapeXYZ;
  const a = image.affine;
  const data = new Uint8Array(X * Y * Z);
  for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) {
    const w = [0, 1, 2].map((r) => a[4 * r]! * x + a[4 * r + 1]! * y + a[4 * r + 2]! * z + a[4 * r + 3]!);
    for (const [label, cx] of [[1, -30], [2, 30]] as const) {
      if ((w[0]! - cx) ** 2 + (w[1]! + 10) ** 2 + (w[2]! - 10) ** 2 <= 144) data[x + X * (y + Y * z)] = label;
    }
  }
  return { shapeXYZ: [X, Y, Z], affine: Float64Array.from(a), data, kind: 'label' };
}

describeWithSharedData('evaluation inputs from DICOM: a series folder as the image, an RTSTRUCT as ground truth', [SERIES], () => {
  it('validates, rasterises the RTSTRUCT onto the image grid, and measures Dice 1 for the same mask', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seahorse-eval-dicom-'));
    mkdirSync(path.join(root, 'sub1'));
    cpSync(sharedPath(SERIES), path.join(root, 'sub1', 'scan'), { recursive: true });
    const { volume, series } = await readDicomSeries(path.join(root, 'sub1', 'scan'));
    const mask = spheres(volume);
    writeRtStruct(path.join(root, 'sub1', 'rtstruct.dcm'), mask, volume, series, STRUCTURES.map((name, i) => ({ label: i + 1, name })));
    const segmentationFile = path.join(root, 'segmentation.nii.gz');
    writeNifti(segmentationFile, mask);
    writeFileSync(path.join(root, 'dataset.csv'),
      'subject,filePath,channel\n1,sub1/scan,mri\n1,sub1/rtstruct.dcm,hippocampus_L\n1,sub1/rtstruct.dcm,hippocampus_R\n');
    const [subject] = loadSubjectInputs(path.join(root, 'dataset.csv'));
    expect(subject!.images).toEqual([path.join(root, 'sub1', 'scan')]);
    await validateSubjectInputs(subject!, STRUCTURES);
    const gt = readGroundTruth(subject!, STRUCTURES, volume);
    expect(gt.map((m) => m.data.reduce((s, v) => s + v, 0))).toEqual([1, 2].map((l) => mask.data.filter((v) => v === l).length));
    const rows = measureSubject({ subject: subject!, segmentationFile, structures: STRUCTURES });
    expect(rows.map((r) => r.DiceNumeric)).toEqual([1, 1]);
  }, 120_000);

  it('RTSTRUCT ground truth without the structure is a GroundTruthError naming the file and the ROIs', async () => {
    const { volume, series } = await readDicomSeries(sharedPath(SERIES));
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'seahorse-eval-dicom-')), 'rt.dcm');
    writeRtStruct(file, spheres(volume), volume, series, [{ label: 1, name: 'hippocampus_L' }]);
    expect(() => readGroundTruth({ id: '1', images: [], groundTruth: { kind: 'masks', masks: { hippocampus_R: file } } }, ['hippocampus_R'], volume))
      .toThrow(`${file}: the RTSTRUCT has no ROI 'hippocampus_R' (ROIs: hippocampus_L)`);
  });
});
