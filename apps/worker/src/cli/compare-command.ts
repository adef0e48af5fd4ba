// `seahorse compare <run-a> <run-b> [--out dir]`: two runs over the same cohort, paired by subject
// and structure (@seahorse/metrics' compareRuns), read through RunFolder; writes compare.csv and
// compare.html.
import path from 'node:path';
import { writeFileAtomic } from '@seahorse/files';
import { compareCsv, compareHtml, compareRuns, type RunValues } from '@seahorse/metrics';
import { RunFolder, RunFolderError } from '@seahorse/workflows';
import { CliError } from './cli-error.js';

/** A run's values per subject and structure: every numeric metric of metrics.json, plus Volume_mm3. */
function runValues(out: string): { values: RunValues[]; label: string } {
  const folder = new RunFolder(path.resolve(out));
  try {
    const { plan, results } = folder.contents();
    const values: RunValues[] = [];
    for (const r of results) {
      for (const v of r.volumes) {
        const row = r.rows.find((m) => m.structure === v.structure);
        const metrics = Object.fromEntries(Object.entries(row ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number'));
        values.push({ subject: r.subjectId, structure: v.structure, values: { ...metrics, Volume_mm3: v.volume_mm3 } });
      }
    }
    return { values, label: `${folder.out} (run ${plan.runId}, model ${plan.model.name} ${plan.model.version}, ${plan.model.fingerprint.slice(0, 12)})` };
  } catch (err) {
    throw err instanceof RunFolderError ? new CliError(err.message) : err;
  }
}

/** Compares run B against run A; writes `compare.csv` and `compare.html` into `out` (default `<run-b>/compare`). */
export async function compareCommand(runA: string, runB: string, opts: { out?: string }, log: (l: string) => void = console.log): Promise<void> {
  const a = runValues(runA);
  const b = runValues(runB);
  const comparison = compareRuns(a.values, b.values);
  const out = path.resolve(opts.out ?? path.join(runB, 'compare'));
  writeFileAtomic(path.join(out, 'compare.csv'), compareCsv(comparison), { createFolder: true });
  writeFileAtomic(path.join(out, 'compare.html'), compareHtml(comparison, { a: a.label, b: b.label }), { createFolder: true });
  const dice = comparison.rows.filter((r) => r.metric === 'DiceNumeric');
  for (const r of dice) log(`${r.structure}: Dice B − A = ${r.meanDifference.toFixed(4)} (95% CI ${r.ci95Low.toFixed(4)} to ${r.ci95High.toFixed(4)}), Wilcoxon p = ${r.wilcoxonP.toPrecision(3)} (${r.wilcoxonMethod}, ${r.pairs} pairs)`);
  if (comparison.onlyInA.length) log(`only in ${runA}: ${comparison.onlyInA.join(', ')}`);
  if (comparison.onlyInB.length) log(`only in ${runB}: ${comparison.onlyInB.join(', ')}`);
  log(`compare: ${path.join(out, 'compare.csv')}, ${path.join(out, 'compare.html')}`);
}
