/**
 * Smoke test of the training tool (CI): a few iterations on tiny phantoms, then the checkpoints go
 * through Seahorse's TypeScript importer and runtime. Checks InnerEye's state_dict layout, the
 * registered-model layout, and that Seahorse's posteriors equal PyTorch's for a trained member (so
 * the trainer's preprocessing is the one the package declares).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnsemble } from '@seahorse/inference';
import { expectedUNet3DShapes, importInnerEyeCheckpoint, importInnerEyeModel, readStateDict, type ImportOptions } from '@seahorse/innereye-import';
import { loadModelPackage } from '@seahorse/model-package';
import { generatePhantomCohort, type PhantomCohort } from '@seahorse/phantoms';
import { readNpy, repoRoot } from '@seahorse/testkit';

const here = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const temp = mkdtempSync(path.join(tmpdir(), 'seahorse-train-smoke-'));
const run = path.join(temp, 'run');
const final = path.join(run, 'final_ensemble_model');
let cohort: PhantomCohort;

function sh(cmd: string, args: string[], timeoutMs: number): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, cwd: repoRoot() });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

beforeAll(() => {
  sh('bash', [path.join(here, 'setup.sh')], 170_000);
  cohort = generatePhantomCohort({ outDir: path.join(temp, 'phantoms'), subjects: 6, seed: 5, spacingRangeMm: [4, 4.5], subsamples: 1 });
  sh('bash', [path.join(here, 'run.sh'), '--manifest', cohort.datasetCsv, '--out', run, '--model-name', 'Smoke',
    '--folds', '3', '--only-folds', '0,1', '--width', '4', '--depth', '2', '--crop', '16,16,16', '--batch', '1',
    '--epochs', '2', '--iterations-per-epoch', '2', '--orientation', 'RAS', '--threads', '1'], 170_000);
}, 360_000);
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('training tool smoke test', () => {
  it("writes InnerEye's registered-model layout with a fold per checkpoint", () => {
    const config = JSON.parse(readFileSync(path.join(final, 'model_inference_config.json'), 'utf8'));
    expect(config).toEqual({ model_name: 'Smoke', checkpoint_paths: ['checkpoints/OTHER_RUNS/1/last.ckpt', 'checkpoints/last.ckpt'], model_configs_namespace: 'seahorse_train' });
    for (const p of config.checkpoint_paths as string[]) expect(existsSync(path.join(final, p)), p).toBe(true);
    const folds = JSON.parse(readFileSync(path.join(run, 'folds.json'), 'utf8'));
    const heldOut = [...folds.folds['0'].heldOut, ...folds.folds['1'].heldOut] as string[];
    expect(new Set(heldOut).size).toBe(heldOut.length);
    expect(heldOut.length).toBe(4);
  });

  it("saves InnerEye's state_dict keys and shapes (model._layers.N…, model.output_layer…)", async () => {
    const sd = await readStateDict(path.join(final, 'checkpoints/last.ckpt'));
    const expected = expectedUNet3DShapes({ kind: 'innereye-unet3d', inputChannels: 1, initialFeatureChannels: 4, downsamplings: 2, classes: 3, kernelSize: 3, keyPrefix: 'model.' });
    expect([...sd.tensors.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, shape] of expected) expect([...sd.tensors.get(key)!.shape], key).toEqual([...shape]);
  });

  it('imports with the TypeScript importer, and Seahorse segments a phantom with the PyTorch posteriors (1e-4)', async () => {
    const settings = JSON.parse(readFileSync(path.join(final, 'seahorse_settings.json'), 'utf8')) as ImportOptions['settings'];
    const ensemble = await importInnerEyeModel(final, path.join(temp, 'package'), { settings });
    expect(ensemble.manifest.members.map((m) => m.name)).toEqual(['OTHER_RUNS_1', 'last']);
    expect(ensemble.manifest.preprocessing).toEqual({ normalisation: { method: 'zScore' }, targetSpacingXYZ: 'native', targetOrientation: 'RAS' });
    expect(ensemble.manifest.classes).toEqual(['background', 'hippocampus_L', 'hippocampus_R']);
    const single = await importInnerEyeCheckpoint(path.join(final, 'checkpoints/last.ckpt'), path.join(temp, 'single'), { settings });
    const scan = cohort.subjects[0]!.files.mri;
    const model = await openEnsemble(await loadModelPackage(single.folder), { intraOpThreads: 1 });
    let posteriors: Float32Array;
    try {
      posteriors = (await model.segmentScan(scan, path.join(temp, 'seg'))).posteriorsCZYX;
    } finally {
      await model.close();
    }
    const npy = path.join(temp, 'torch.npy');
    sh('bash', ['-c', `PYTHONPATH="${here}" "${here}/.venv/bin/python" -m seahorse_train.predict --checkpoint "${path.join(final, 'checkpoints/last.ckpt')}" --image "${scan}" --orientation RAS --out "${npy}"`], 120_000);
    const reference = readNpy(npy);
    const [X, Y, Z] = cohort.subjects[0]!.shapeXYZ;
    expect([...reference.shape]).toEqual([3, Z, Y, X]);
    let maxDiff = 0;
    for (let i = 0; i < posteriors.length; i++) maxDiff = Math.max(maxDiff, Math.abs(posteriors[i]! - (reference.data[i] as number)));
    expect(posteriors.length).toBe(reference.data.length);
    expect(maxDiff).toBeLessThan(1e-4);
  });
});
