import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readNifti, toZYX } from '@seahorse/io';
import { importInnerEyeCheckpoint, MSD_REFERENCE_SETTINGS } from '@seahorse/innereye-import';
import { computeStructureMetrics } from '@seahorse/metrics';
import { describeWithSharedData, sharedPath } from '@seahorse/testkit';
import { RunFolder } from '@seahorse/workflows';
import { evaluateCommand } from './cli/evaluate-command.js';
import { createComputeDeps } from './compute-deps.js';

const CASES = ['hippocampus_003', 'hippocampus_004', 'hippocampus_006', 'hippocampus_007'];

describeWithSharedData('seahorse evaluate end to end: real model, real MSD crops, embedded dev server', [
  'models/msd-reference/last.ckpt', 'data/msd-hippocampus', 'models/msd-reference/reference-segmentations',
], () => {
  let dir: string;
  let model: string;
  let dataset: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'seahorse-e2e-'));
    model = path.join(dir, 'model');
    await importInnerEyeCheckpoint(sharedPath('models/msd-reference/last.ckpt'), model, { settings: MSD_REFERENCE_SETTINGS });
    const data = path.join(dir, 'data');
    mkdirSync(path.join(data, 'imagesTr'), { recursive: true });
    mkdirSync(path.join(data, 'labelsTr'), { recursive: true });
    for (const c of CASES) {
      copyFileSync(sharedPath(`data/msd-hippocampus/imagesTr/${c}.nii.gz`), path.join(data, 'imagesTr', `${c}.nii.gz`));
      copyFileSync(sharedPath(`data/msd-hippocampus/labelsTr/${c}.nii.gz`), path.join(data, 'labelsTr', `${c}.nii.gz`));
    }
    // Bad subjects: a truncated image, a label on another grid, and (below) a missing label.
    const good = readFileSync(sharedPath('data/msd-hippocampus/imagesTr/hippocampus_008.nii.gz'));
    writeFileSync(path.join(data, 'imagesTr', 'corrupt_001.nii.gz'), good.subarray(0, Math.floor(good.length / 2)));
    copyFileSync(sharedPath('data/msd-hippocampus/labelsTr/hippocampus_008.nii.gz'), path.join(data, 'labelsTr', 'corrupt_001.nii.gz'));
    copyFileSync(sharedPath('data/msd-hippocampus/imagesTr/hippocampus_011.nii.gz'), path.join(data, 'imagesTr', 'mismatch_001.nii.gz'));
    copyFileSync(sharedPath('data/msd-hippocampus/labelsTr/hippocampus_014.nii.gz'), path.join(data, 'labelsTr', 'mismatch_001.nii.gz'));
    // A subject whose label file is missing.
    copyFileSync(sharedPath('data/msd-hippocampus/imagesTr/hippocampus_015.nii.gz'), path.join(data, 'imagesTr', 'nolabel_001.nii.gz'));
    const names = [...CASES, 'corrupt_001', 'mismatch_001', 'nolabel_001'];
    dataset = path.join(data, 'dataset.json');
    writeFileSync(dataset, JSON.stringify({
      name: 'e2e', modality: { 0: 'MRI' }, labels: { 0: 'background', 1: 'Anterior', 2: 'Posterior' },
      training: names.map((n) => ({ image: `./imagesTr/${n}.nii.gz`, label: `./labelsTr/${n}.nii.gz` })),
    }));
  }, 300_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('segments every good subject like PyTorch does, records the bad ones with reasons, and writes the reports', async () => {
    const out = path.join(dir, 'run');
    const lines: string[] = [];
    const result = await evaluateCommand({ dataset, model, out, concurrency: 2 }, () => createComputeDeps({ threads: 1 }), (l) => lines.push(l));
    expect(result.counts).toEqual({ total: 7, done: 4, cached: 0, failed: 3 });

    const run = new RunFolder(out);
    const failure = (id: string) => run.readFailure(id)?.reason ?? '';
    expect(failure('corrupt_001')).toMatch(/corrupt_001\.nii\.gz/);
    expect(failure('mismatch_001')).toMatch(/mismatch_001\.nii\.gz/);
    expect(failure('nolabel_001')).toMatch(/input file missing: .*labelsTr\/nolabel_001\.nii\.gz/);

    for (const c of CASES) {
      const dirC = path.join(out, 'subjects', c);
      const seg = readNifti(path.join(dirC, 'segmentation.nii.gz'), { kind: 'label' });
      const ref = readNifti(sharedPath(`models/msd-reference/reference-segmentations/${c}_seg.nii.gz`), { kind: 'label' });
      const image = readNifti(sharedPath(`data/msd-hippocampus/imagesTr/${c}.nii.gz`));
      expect(seg.shapeXYZ).toEqual(image.shapeXYZ);
      expect(Array.from(seg.affine)).toEqual(Array.from(image.affine));
      let agree = 0;
      for (let i = 0; i < seg.data.length; i++) if (seg.data[i] === ref.data[i]) agree++;
      expect(agree / seg.data.length).toBeGreaterThanOrEqual(0.9999);

      // The stored metrics are the metrics of the stored segmentation against the ground truth.
      const label = readNifti(sharedPath(`data/msd-hippocampus/labelsTr/${c}.nii.gz`), { kind: 'label' });
      const mask = (v: number) => ({ ...toZYX(label), data: Uint8Array.from(label.data, (x) => (x === v ? 1 : 0)) });
      const expected = computeStructureMetrics(toZYX(seg), [mask(1), mask(2)], { structures: ['anterior', 'posterior'] });
      const stored = run.readResult(c)!;
      expect(stored.rows.map((r) => [r.structure, r.DiceNumeric, r.HausdorffDistance_mm, r.MeanDistance_mm]))
        .toEqual(expected.map((m) => [m.structure, m.DiceNumeric, m.HausdorffDistance_mm, m.MeanDistance_mm]));
      expect(stored.rows[0]!.DiceNumeric).toBeGreaterThan(0.7);
    }

    for (const f of ['metrics.csv', 'metrics_aggregates.csv', 'metrics_aggregates.md', 'report.html', 'metrics_boxplot.svg', 'metrics_boxplot.png']) {
      expect(existsSync(path.join(out, f)), f).toBe(true);
    }
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('Failed subjects (3)');
    expect(html).toContain('<svg');
    expect(lines.join('\n')).toMatch(/\| *anterior *\|/);
    expect(readFileSync(path.join(out, 'metrics.csv'), 'utf8').split('\n')[0]).toBe('Patient,Structure,Dice,HausdorffDistance_mm,MeanDistance_mm');
  }, 600_000);
});
