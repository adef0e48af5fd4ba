/**
 * The committed demo ensemble (models/demo) segments freshly generated phantoms, which it never saw
 * (another seed than its training cohort), through Seahorse's evaluation core (runtime and metrics).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateSubjects, loadSubjectInputs } from '@seahorse/evaluation';
import { loadModelPackage } from '@seahorse/model-package';
import { describeLikePandas } from '@seahorse/metrics';
import { generatePhantomCohort } from '@seahorse/phantoms';
import { repoRoot } from '@seahorse/testkit';

const temp = mkdtempSync(path.join(tmpdir(), 'seahorse-demo-model-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const demo = path.join(repoRoot(), 'models', 'demo');

describe('demo model package', () => {
  it('is a 5-member Seahorse package whose ONNX files match their sha256', async () => {
    const model = await loadModelPackage(demo);
    expect(model.members).toHaveLength(5);
    expect(model.manifest.classes).toEqual(['background', 'hippocampus_L', 'hippocampus_R']);
    expect(model.manifest.preprocessing.targetSpacingXYZ).toBe('native');
  });

  it('segments unseen phantoms (varied spacing, orientation, oblique) with Dice >= 0.8 per structure', async () => {
    const cohort = generatePhantomCohort({ outDir: path.join(temp, 'phantoms'), subjects: 4, seed: 424242 });
    const results = await evaluateSubjects(demo, loadSubjectInputs(cohort.datasetCsv), { threads: 2 });
    expect(results).toHaveLength(4);
    for (const [i, structure] of ['hippocampus_L', 'hippocampus_R'].entries()) {
      const dice = results.map((r) => r.metrics[i]!.DiceNumeric);
      expect(results.every((r) => r.metrics[i]!.structure === structure)).toBe(true);
      expect(describeLikePandas(dice).mean, `${structure}: ${dice.map((d) => d.toFixed(3)).join(', ')}`).toBeGreaterThanOrEqual(0.8);
      for (const d of dice) expect(d).toBeGreaterThanOrEqual(0.7);
    }
  }, 300_000);
});
