/**
 * Writes a phantom cohort (see @seahorse/phantoms):
 *   node --conditions=@seahorse/source --import tsx tools/train/make-phantoms.mts <outDir> --subjects 40 --seed 1000 [--geometry varied|fixed]
 */
import { generatePhantomCohort } from '@seahorse/phantoms';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => { const i = args.indexOf(name); return i >= 0 ? args[i + 1]! : fallback; };
const outDir = args[0];
if (!outDir || outDir.startsWith('--')) {
  console.error('usage: make-phantoms.mts <outDir> [--subjects N] [--seed S] [--geometry varied|fixed]');
  process.exit(2);
}
const t = Date.now();
const cohort = generatePhantomCohort({
  outDir, subjects: Number(opt('--subjects', '40')), seed: Number(opt('--seed', '1000')),
  geometry: opt('--geometry', 'varied') as 'varied' | 'fixed',
});
console.log(`[phantoms] ${cohort.subjects.length} subjects in ${((Date.now() - t) / 1000).toFixed(1)}s → ${cohort.datasetCsv}`);
