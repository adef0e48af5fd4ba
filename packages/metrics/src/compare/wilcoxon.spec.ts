import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNifti } from '@seahorse/io';
import { describeWithSharedData, runPythonReference, sharedPath } from '@seahorse/testkit';
import { normalSf, wilcoxonSignedRank, type WilcoxonMethod } from './wilcoxon.js';

const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-wilcoxon-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wilcoxonSignedRank: small cases by hand', () => {
  it('exact for untied, non-zero differences; the normal tail is accurate far out', () => {
    expect(wilcoxonSignedRank([0.01, -0.02, 0.03, 0.05])).toMatchObject({ statistic: 2, pvalue: 0.375, method: 'exact' });
    expect(normalSf(0)).toBe(0.5);
    expect(Math.abs(normalSf(5) - 2.866515718791939e-7) / 2.866515718791939e-7).toBeLessThan(1e-12);
    expect(wilcoxonSignedRank([])).toMatchObject({ pvalue: NaN });
  });
});

interface ScipyResult { statistic: number; pvalue: number; n: number; zeros: number; ties: boolean }

/** Dice of label k between two label maps. */
function dice(a: ArrayLike<number>, b: ArrayLike<number>, k: number): number {
  let inter = 0; let na = 0; let nb = 0;
  for (let i = 0; i < a.length; i++) { const x = a[i] === k; const y = b[i] === k; if (x) na++; if (y) nb++; if (x && y) inter++; }
  return (2 * inter) / (na + nb);
}

describeWithSharedData("Wilcoxon equals scipy.stats.wilcoxon on real paired results (msd-reference against a degraded copy)",
  ['models/msd-reference/reference-segmentations', 'data/msd-hippocampus/labelsTr'], () => {
    const cases: Record<string, number[]> = {};
    let scipy: Record<string, ScipyResult> & { scipy?: unknown } = {};
    beforeAll(async () => {
      const files = readdirSync(sharedPath('models/msd-reference/reference-segmentations')).filter((f) => f.endsWith('_seg.nii.gz')).sort().slice(0, 60);
      const diffs: number[] = [];
      const voxelDiffs: number[] = [];
      files.forEach((f, i) => {
        const seg = readNifti(sharedPath('models/msd-reference/reference-segmentations', f), { kind: 'label' });
        const gt = readNifti(sharedPath('data/msd-hippocampus/labelsTr', f.replace('_seg', '')), { kind: 'label' });
        // The degraded copy: every third subject unchanged (a zero difference); the others lose the anterior label on their lowest slice holding it.
        const degraded = Uint8Array.from(seg.data);
        if (i % 3 !== 0) {
          const [nx, ny] = seg.shapeXYZ;
          let zMin = Infinity;
          for (let j = 0; j < degraded.length; j++) if (degraded[j] === 1) zMin = Math.min(zMin, Math.floor(j / (nx * ny)));
          for (let j = zMin * nx * ny; j < (zMin + 1) * nx * ny; j++) if (degraded[j] === 1) degraded[j] = 0;
        }
        diffs.push(dice(degraded, gt.data, 1) - dice(seg.data, gt.data, 1));
        let removed = 0;
        for (let j = 0; j < degraded.length; j++) if (seg.data[j] === 1 && degraded[j] !== 1) removed++;
        voxelDiffs.push(-removed);
      });
      const nonZero = diffs.filter((d) => d !== 0);
      Object.assign(cases, {
        normal_over_50: diffs, // 60 pairs, with zeros
        exact_untied: nonZero.slice(0, 30),
        permutation_zeros: diffs.slice(0, 12),
        normal_zeros_14_to_50: diffs.slice(0, 40),
        voxel_counts_ties: voxelDiffs.slice(0, 13),
        voxel_counts_ties_normal: voxelDiffs.slice(0, 45),
      });
      const file = path.join(dir, 'cases.json');
      writeFileSync(file, JSON.stringify(cases));
      scipy = await runPythonReference('metrics_wilcoxon.py', [file]);
    }, 180_000);

    it.each([
      ['normal_over_50', 'normal'], ['exact_untied', 'exact'], ['permutation_zeros', 'permutation'],
      ['normal_zeros_14_to_50', 'normal'], ['voxel_counts_ties', 'permutation'], ['voxel_counts_ties_normal', 'normal'],
    ] as [string, WilcoxonMethod][])('%s: statistic exactly, p-value to rtol 1e-12, by the %s method', (name, method) => {
      const ref = scipy[name]!;
      const ours = wilcoxonSignedRank(cases[name]!);
      expect(ours.method).toBe(method);
      expect({ n: ours.n, zeros: ours.zeros, ties: ours.ties }).toEqual({ n: ref.n, zeros: ref.zeros, ties: ref.ties });
      if (name.includes('zeros') || name === 'normal_over_50') expect(ref.zeros).toBeGreaterThan(0);
      if (name.includes('ties')) expect(ref.ties).toBe(true);
      expect(ours.statistic).toBe(ref.statistic);
      expect(Math.abs(ours.pvalue - ref.pvalue)).toBeLessThanOrEqual(1e-12 * ref.pvalue);
    });
  });
