import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { wilcoxonSignedRank } from '@seahorse/metrics';
import { RunFolder, RunSpec } from '@seahorse/workflows';
import { compareCommand } from './compare-command.js';

const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(name: string, dice: Record<string, number>): string {
  const out = path.join(dir, name);
  const folder = new RunFolder(out);
  const ids = Object.keys(dice);
  folder.writeSpec(RunSpec.parse({ runId: name, dataset: '/d/dataset.csv', model: '/m', out }));
  folder.writePlan({ runId: name, dataset: '/d/dataset.csv', model: { dir: '/m', fingerprint: 'f'.repeat(64), name: 'M', version: '1', structures: ['h_L'] },
    subjects: ids.map((id) => ({ id, images: [`/d/${id}.nii.gz`], groundTruth: { kind: 'masks', masks: { h_L: `/d/${id}_L.nii.gz` } } })) });
  for (const id of ids) {
    folder.writeResult({ subjectId: id, key: 'k', completedAt: 'now', volumes: [{ structure: 'h_L', voxels: 100, volume_mm3: 100 + dice[id]! }],
      rows: [{ structure: 'h_L', DiceNumeric: dice[id]!, HausdorffDistance_mm: id === 's1' ? Infinity : 2, MeanDistance_mm: 0.5 }] });
  }
  return out;
}

it('seahorse compare: pairs subjects, lists the unpaired ones, and writes compare.csv and compare.html with the paired test', async () => {
  const a = run('a', { s1: 0.8, s2: 0.85, s3: 0.9, s4: 0.7, only_a: 0.5 });
  const b = run('b', { s1: 0.82, s2: 0.85, s3: 0.95, s4: 0.69, only_b: 0.1 });
  const lines: string[] = [];
  await compareCommand(a, b, {}, (l) => lines.push(l));
  const csv = readFileSync(path.join(b, 'compare', 'compare.csv'), 'utf8').trim().split('\n');
  expect(csv[0]).toBe('Structure,Metric,pairs,non_finite_pairs,mean_a,mean_b,mean_difference_b_minus_a,ci95_low,ci95_high,wilcoxon_statistic,wilcoxon_p,wilcoxon_method,zero_differences');
  const dice = csv.find((l) => l.startsWith('h_L,DiceNumeric,'))!.split(',');
  const d = [0.82 - 0.8, 0.85 - 0.85, 0.95 - 0.9, 0.69 - 0.7];
  const w = wilcoxonSignedRank(d);
  expect(dice.slice(2, 4)).toEqual(['4', '0']);
  expect(Number(dice[6])).toBeCloseTo(d.reduce((s, x) => s + x, 0) / 4, 12);
  expect(Number(dice[10])).toBe(w.pvalue);
  expect(dice.slice(11)).toEqual(['permutation', '1']);
  // The infinite Hausdorff distance of s1 leaves that pair out of the distance comparison, counted.
  expect(csv.find((l) => l.startsWith('h_L,HausdorffDistance_mm,'))!.split(',').slice(2, 4)).toEqual(['3', '1']);
  expect(csv.some((l) => l.startsWith('h_L,Volume_mm3,4,0,'))).toBe(true);
  const page = readFileSync(path.join(b, 'compare', 'compare.html'), 'utf8');
  expect(page).toContain('Only in A (1): only_a');
  expect(page).toContain('Only in B (1): only_b');
  expect(page).toContain('<svg');
  expect(lines.join('\n')).toMatch(/only in .*a: only_a/);
});
