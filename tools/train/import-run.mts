/**
 * Turns a training run (tools/train output) into Seahorse model packages with @seahorse/innereye-import's
 * TypeScript importer:
 *   node --conditions=@seahorse/source --import tsx tools/train/import-run.mts <run> <package> [--per-fold <dir>] [--overwrite]
 * <package> gets the whole ensemble (importInnerEyeModel on <run>/final_ensemble_model, with the
 * settings the trainer wrote to seahorse_settings.json). --per-fold also writes one single-member
 * package per fold to <dir>/fold-<k> (for evaluating each fold on its held-out subjects).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { importInnerEyeCheckpoint, importInnerEyeModel, type ImportOptions } from '@seahorse/innereye-import';

const args = process.argv.slice(2);
const flag = (name: string): boolean => { const i = args.indexOf(name); if (i < 0) return false; args.splice(i, 1); return true; };
const option = (name: string): string | undefined => { const i = args.indexOf(name); if (i < 0) return undefined; const v = args[i + 1]; args.splice(i, 2); return v; };
const overwrite = flag('--overwrite');
const perFold = option('--per-fold');
const [run, out] = args;
if (!run || !out) {
  console.error('usage: import-run.mts <run folder> <package folder> [--per-fold <dir>] [--overwrite]');
  process.exit(2);
}
const final = path.join(run, 'final_ensemble_model');
const settings = JSON.parse(readFileSync(path.join(final, 'seahorse_settings.json'), 'utf8')) as ImportOptions['settings'];
const result = await importInnerEyeModel(final, out, { settings, overwrite, onProgress: (p) => console.log(`[import] ${p.message}`) });
console.log(`[import] ${result.manifest.members.length} member(s) → ${result.folder}`);
if (perFold) {
  mkdirSync(perFold, { recursive: true });
  const folds = JSON.parse(readFileSync(path.join(run, 'folds.json'), 'utf8')) as { folds: Record<string, { member: string; checkpoint: string }> };
  for (const [k, f] of Object.entries(folds.folds)) {
    const r = await importInnerEyeCheckpoint(path.join(final, f.checkpoint), path.join(perFold, `fold-${k}`), { settings, overwrite, memberName: f.member });
    console.log(`[import] fold ${k} (${f.member}) → ${r.folder}`);
  }
}
