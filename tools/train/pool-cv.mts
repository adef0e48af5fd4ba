// Pools the per-subject metrics.csv of several `seahorse evaluate` runs (one per fold) into one
// set of InnerEye reports: node --conditions=@seahorse/source --import tsx tools/train/pool-cv.mts <work> <fold>…
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { metricsAggregatesMarkdown, writeMetricsReports, type SubjectStructureMetrics } from '@seahorse/metrics';

const [work, ...folds] = process.argv.slice(2);
if (!work || folds.length === 0) throw new Error('usage: pool-cv.mts <work folder> <fold> [<fold> …]');
const parse = (v: string) => (v === '' || v === 'nan' ? NaN : v === 'inf' ? Infinity : Number(v));
const rows: SubjectStructureMetrics[] = [];
for (const k of folds) {
  const [header, ...lines] = readFileSync(path.join(work, `fold-${k}`, 'run', 'metrics.csv'), 'utf8').trim().split('\n');
  if (header !== 'Patient,Structure,Dice,HausdorffDistance_mm,MeanDistance_mm') throw new Error(`unexpected header in fold ${k}: ${header}`);
  for (const line of lines) {
    const [subject, structure, dice, hd, md] = line.split(',');
    rows.push({ subject: subject!, structure: structure!, DiceNumeric: parse(dice!), HausdorffDistance_mm: parse(hd!), MeanDistance_mm: parse(md!) });
  }
}
const out = path.join(work, 'pooled');
writeMetricsReports(out, rows);
console.log(`pooled ${new Set(rows.map((r) => r.subject)).size} held-out subjects from ${folds.length} folds into ${out}\n`);
console.log(metricsAggregatesMarkdown(rows));
