/**
 * Cross-validation evaluation through Seahorse's evaluation core: each fold's single-member package
 * (from import-run.mts --per-fold) segments that fold's held-out subjects; InnerEye's metrics per
 * subject; the model-card table of the pooled held-out subjects.
 *   node --conditions=@seahorse/source --import tsx tools/train/evaluate-folds.mts <run> <per-fold dir> <out.json> [--threads N]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluateSubjects, loadSubjectInputs, type SubjectEvaluation } from '@seahorse/evaluation';
import { writeJsonAtomic } from '@seahorse/files';
import { metricsAggregatesMarkdown } from '@seahorse/metrics';

const args = process.argv.slice(2);
const ti = args.indexOf('--threads');
const threads = ti >= 0 ? Number(args.splice(ti, 2)[1]) : undefined;
const [run, perFold, outJson] = args;
if (!run || !perFold || !outJson) {
  console.error('usage: evaluate-folds.mts <run> <per-fold dir> <out.json> [--threads N]');
  process.exit(2);
}
const folds = JSON.parse(readFileSync(path.join(run, 'folds.json'), 'utf8')) as { manifest: string; folds: Record<string, { heldOut: string[] }> };
const cohort = loadSubjectInputs(folds.manifest);
const all: (SubjectEvaluation & { fold: number })[] = [];
for (const [k, f] of Object.entries(folds.folds).sort(([a], [b]) => Number(a) - Number(b))) {
  const subjects = f.heldOut.map((id) => {
    const s = cohort.find((c) => c.id === id);
    if (!s) throw new Error(`${folds.manifest}: held-out subject ${id} of fold ${k} is not in the manifest`);
    return s;
  });
  const t = Date.now();
  const results = await evaluateSubjects(path.join(perFold, `fold-${k}`), subjects, threads ? { threads } : {});
  all.push(...results.map((r) => ({ ...r, fold: Number(k) })));
  console.log(`[evaluate] fold ${k}: ${results.length} held-out subjects in ${((Date.now() - t) / 1000).toFixed(0)}s`);
}
const table = metricsAggregatesMarkdown(all.flatMap((r) => r.metrics.map((m) => ({ subject: r.subject, ...m }))));
writeJsonAtomic(outJson, { run: path.resolve(run), table, subjects: all });
console.log(table);
