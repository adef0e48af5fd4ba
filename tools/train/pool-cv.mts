// Pools the per-subject results of several `seahorse evaluate` runs (one per fold) into one set of
// InnerEye reports, read through each run folder (never by parsing its CSV back):
//   node --conditions=@seahorse/source --import tsx tools/train/pool-cv.mts <work> <fold>…
import path from 'node:path';
import { metricsAggregatesMarkdown, writeMetricsReports, type SubjectStructureMetrics } from '@seahorse/metrics';
import { RunFolder } from '@seahorse/workflows';

const [work, ...folds] = process.argv.slice(2);
if (!work || folds.length === 0) throw new Error('usage: pool-cv.mts <work folder> <fold> [<fold> …]');
const rows: SubjectStructureMetrics[] = [];
for (const k of folds) {
  const { results } = new RunFolder(path.join(work, `fold-${k}`, 'run')).contents();
  for (const r of results) for (const row of r.rows) rows.push({ subject: r.subjectId, ...row });
}
const out = path.join(work, 'pooled');
writeMetricsReports(out, rows);
console.log(`pooled ${new Set(rows.map((r) => r.subject)).size} held-out subjects from ${folds.length} folds into ${out}\n`);
console.log(metricsAggregatesMarkdown(rows));
