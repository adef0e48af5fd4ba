/**
 * Cross-validation evaluation through Seahorse: each fold's single-member package (from
 * import-run.mts --per-fold) segments that fold's held-out subjects; InnerEye's metrics per subject;
 * a Markdown table of the pooled held-out subjects.
 *   node --conditions=@seahorse/source --import tsx tools/train/evaluate-folds.mts <run> <per-fold dir> <out.json> [--threads N]
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadCohort } from '@seahorse/io';
import { evaluatePackage, resultsTable, type SubjectResult } from './src/evaluate-cohort.js';

const args = process.argv.slice(2);
const ti = args.indexOf('--threads');
const threads = ti >= 0 ? Number(args.splice(ti, 2)[1]) : undefined;
const [run, perFold, outJson] = args;
if (!run || !perFold || !outJson) {
  console.error('usage: evaluate-folds.mts <run> <per-fold dir> <out.json> [--threads N]');
  process.exit(2);
}
const folds = JSON.parse(readFileSync(path.join(run, 'folds.json'), 'utf8')) as { manifest: string; folds: Record<string, { heldOut: string[] }> };
const cohort = loadCohort(folds.manifest, { checkGeometry: false });
const all: (SubjectResult & { fold: number })[] = [];
for (const [k, f] of Object.entries(folds.folds).sort(([a], [b]) => Number(a) - Number(b))) {
  const subjects = f.heldOut.map((id) => {
    const s = cohort.subjects.find((c) => c.id === id);
    if (!s) throw new Error(`${folds.manifest}: held-out subject ${id} of fold ${k} is not in the manifest`);
    return s;
  });
  const t = Date.now();
  const results = await evaluatePackage(path.join(perFold, `fold-${k}`), subjects, { threads });
  all.push(...results.map((r) => ({ ...r, fold: Number(k) })));
  console.log(`[evaluate] fold ${k}: ${results.length} held-out subjects in ${((Date.now() - t) / 1000).toFixed(0)}s`);
}
const table = resultsTable(all);
const tmp = `${outJson}.tmp`;
writeFileSync(tmp, `${JSON.stringify({ run: path.resolve(run), table, subjects: all }, null, 2)}\n`);
renameSync(tmp, outJson);
console.log(table);
