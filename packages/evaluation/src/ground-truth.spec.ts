import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SpaceMismatchError, writeNifti, type VolumeXYZ } from '@seahorse/io';
import { GroundTruthError } from './errors.js';
import { readGroundTruth } from './ground-truth.js';
import type { SubjectInputs } from './subject-inputs.js';
import { validateSubjectInputs } from './validate-subject.js';

const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-gt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const affine = (spacing = 1) => Float64Array.from([spacing, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
function write(name: string, values: number[], spacing = 1): string {
  const file = path.join(dir, name);
  const volume: VolumeXYZ = { data: Uint8Array.from(values), shapeXYZ: [2, 2, 2], affine: affine(spacing), kind: 'label' };
  writeNifti(file, volume, { datatype: 'uint8' });
  return file;
}

describe('ground truth: one set of rules for masks and label maps', () => {
  const image = write('image.nii.gz', [10, 20, 30, 40, 50, 60, 70, 80]);
  const left = write('left.nii.gz', [1, 0, 0, 0, 0, 0, 0, 1]);
  const right = write('right.nii.gz', [0, 1, 1, 0, 0, 0, 0, 0]);
  const labels = write('labels.nii.gz', [1, 2, 2, 0, 0, 0, 0, 1]);

  it('masks: looked up by name case-insensitively, in structure order, kept exactly', () => {
    const subject: SubjectInputs = { id: 's', images: [image], groundTruth: { kind: 'masks', masks: { Hippocampus_L: left, hippocampus_R: right } } };
    const [l, r] = readGroundTruth(subject, ['hippocampus_L', 'HIPPOCAMPUS_R']);
    expect([...l!.data]).toEqual([1, 0, 0, 0, 0, 0, 0, 1]);
    expect([...r!.data]).toEqual([0, 1, 1, 0, 0, 0, 0, 0]);
    expect(l!.file).toBe(left);
  });

  it('masks must be binary: any other value is refused, naming the file, the value and the voxel', () => {
    const subject: SubjectInputs = { id: 's', images: [image], groundTruth: { kind: 'masks', masks: { L: labels } } };
    expect(() => readGroundTruth(subject, ['L'])).toThrow(GroundTruthError);
    expect(() => readGroundTruth(subject, ['L'])).toThrow(`${labels}: ground truth must be binary (0/1), found 2 at voxel index 1`);
  });

  it("label maps: a structure is the voxels equal to its value, looked up by name in the map's table", () => {
    const subject: SubjectInputs = { id: 's', images: [image], groundTruth: { kind: 'labelMap', file: labels, labels: { background: 0, Anterior: 1, Posterior: 2 } } };
    const [a, p] = readGroundTruth(subject, ['anterior', 'posterior']);
    expect([...a!.data]).toEqual([1, 0, 0, 0, 0, 0, 0, 1]);
    expect([...p!.data]).toEqual([0, 1, 1, 0, 0, 0, 0, 0]);
    // The table decides, not the structure's position: posterior first still takes value 2.
    expect([...readGroundTruth(subject, ['posterior'])[0]!.data]).toEqual([0, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('a missing structure or no ground truth is a GroundTruthError naming the subject or file', () => {
    expect(() => readGroundTruth({ id: 's7', images: [image], groundTruth: { kind: 'masks', masks: { L: left } } }, ['R']))
      .toThrow("subject s7: no ground-truth mask for structure 'R' (has: L)");
    expect(() => readGroundTruth({ id: 's7', images: [image], groundTruth: { kind: 'labelMap', file: labels, labels: { a: 1 } } }, ['b']))
      .toThrow(`${labels}: the label map names no structure 'b' (labels: a)`);
    expect(() => readGroundTruth({ id: 's7', images: [image], groundTruth: null }, ['L'])).toThrow('subject s7: no ground truth');
  });

  it('validation checks every channel and every structure against the first channel\'s grid, naming both files', async () => {
    const other = write('other-grid.nii.gz', [0, 0, 0, 0, 0, 0, 0, 0], 2);
    await validateSubjectInputs({ id: 's', images: [image], groundTruth: { kind: 'masks', masks: { L: left } } }, ['L']);
    await validateSubjectInputs({ id: 's', images: [image], groundTruth: null }, ['L']);
    await expect(validateSubjectInputs({ id: 's', images: [image], groundTruth: { kind: 'masks', masks: { L: other } } }, ['L']))
      .rejects.toThrow(SpaceMismatchError);
    await expect(validateSubjectInputs({ id: 's', images: [image, other], groundTruth: null }, ['L']))
      .rejects.toThrow(new RegExp(`spacingXYZ differs .*${image.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*other-grid`));
    await expect(validateSubjectInputs({ id: 's', images: [image], groundTruth: { kind: 'masks', masks: { L: labels } } }, ['L']))
      .rejects.toThrow(GroundTruthError);
  });
});
