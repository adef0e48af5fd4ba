/**
 * Evaluates a model package on freshly generated phantoms through Seahorse's evaluation core
 * (segmentation, InnerEye metrics) and prints the model-card table:
 *   node --conditions=@seahorse/source --import tsx tools/train/evaluate-phantoms.mts <package> <workDir> [--subjects 10] [--seed 42] [--threads 2]
 */
import path from 'node:path';
import { evaluateSubjects, loadSubjectInputs } from '@seahorse/evaluation';
import { writeJsonAtomic } from '@seahorse/files';
import { metricsAggregatesMarkdown } from '@seahorse/metrics';
import { generatePhantomCohort } from '@seahorse/phantoms';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => { const i = args.indexOf(name); return i >= 0 ? args[i + 1]! : fallback; };
const [pkg, work] = args;
if (!pkg || !work || work.startsWith('--')) {
  console.error('usage: evaluate-phantoms.mts <package> <workDir> [--subjects N] [--seed S] [--threads T]');
  process.exit(2);
}
const cohort = generatePhantomCohort({ outDir: path.join(work, 'phantoms'), subjects: Number(opt('--subjects', '10')), seed: Number(opt('--seed', '42')) });
const t = Date.now();
const results = await evaluateSubjects(pkg, loadSubjectInputs(cohort.datasetCsv), { threads: Number(opt('--threads', '2')) });
const seconds = (Date.now() - t) / 1000;
const table = metricsAggregatesMarkdown(results.flatMap((r) => r.metrics.map((m) => ({ subject: r.subject, ...m }))));
writeJsonAtomic(path.join(work, 'results.json'), { package: path.resolve(pkg), seed: Number(opt('--seed', '42')), seconds, table, subjects: results });
console.log(table);
console.log(`${results.length} subjects segmented and scored in ${seconds.toFixed(0)}s (${(seconds / results.length).toFixed(1)}s per subject)`);
