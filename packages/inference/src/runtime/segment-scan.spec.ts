import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithSharedData, readNpy, runPythonReference, sharedPath } from '@seahorse/testkit';
import { readNifti } from '@seahorse/io';
import { importInnerEyeCheckpoint, importInnerEyeModel, MSD_REFERENCE_SETTINGS } from '@seahorse/innereye-import';
import { loadModelPackage, type ModelPackage } from '@seahorse/model-package';
import { argmaxClasses, meanPosteriors } from '../ensemble/aggregate.js';
import { OnnxSessionHost } from './onnx-session-host.js';
import { openEnsemble, segmentScan, type Ensemble } from './segment-scan.js';

const work = mkdtempSync(path.join(tmpdir(), 'seahorse-segment-'));
const TINY = 'models/innereye-tiny-ensemble';
const FULL = 'models/innereye-full-size';
const MSD = 'models/msd-reference';

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}
function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

describeWithSharedData('parity with PyTorch on the shared checkpoints (imported to ONNX, run by the session host)', [TINY, FULL], () => {
  let tiny: ModelPackage;
  beforeAll(async () => {
    await importInnerEyeModel(sharedPath(TINY, 'final_ensemble_model'), path.join(work, 'tiny'));
    tiny = await loadModelPackage(path.join(work, 'tiny'));
  });

  it('tiny ensemble: every member within 1e-4 of PyTorch, identical member and ensemble argmax', async () => {
    const input = readNpy(sharedPath(TINY, 'reference', 'input_zyx.npy'));
    const shape = input.shape as [number, number, number];
    const host = await OnnxSessionHost.start(tiny.members.map((m) => ({ name: m.name, path: m.path })), { intraOpThreads: 2 });
    try {
      const ours: Float32Array[] = [];
      const refs: Float32Array[] = [];
      for (const [i, m] of tiny.members.entries()) {
        const ref = readNpy(sharedPath(TINY, 'reference', `posteriors_${m.name}.npy`)).data as Float32Array;
        const got = await host.run(i, input.data as Float32Array, 1, shape);
        console.log(`tiny ${m.name}: max |posterior − PyTorch| = ${maxAbsDiff(got, ref).toExponential(2)}`);
        expect(maxAbsDiff(got, ref), m.name).toBeLessThan(1e-4);
        expect(mismatches(argmaxClasses(got, 3, shape), argmaxClasses(ref, 3, shape)), m.name).toBe(0);
        ours.push(got);
        refs.push(ref);
      }
      expect(tiny.members.map((m) => m.name)).toEqual(['OTHER_RUNS_1', 'OTHER_RUNS_2', 'OTHER_RUNS_3', 'OTHER_RUNS_4', 'last']);
      expect(mismatches(argmaxClasses(meanPosteriors(ours), 3, shape), argmaxClasses(meanPosteriors(refs), 3, shape))).toBe(0);
    } finally { await host.close(); }
  });

  it('full-size network: within 1e-4 of PyTorch, identical argmax', async () => {
    await importInnerEyeCheckpoint(sharedPath(FULL, 'last.ckpt'), path.join(work, 'full'));
    const full = await loadModelPackage(path.join(work, 'full'));
    const input = readNpy(sharedPath(FULL, 'input_zyx.npy'));
    const shape = input.shape as [number, number, number];
    const ref = readNpy(sharedPath(FULL, 'posteriors.npy')).data as Float32Array;
    const host = await OnnxSessionHost.start([{ name: 'last', path: full.members[0]!.path }], { intraOpThreads: 2 });
    try {
      const got = await host.run(0, input.data as Float32Array, 1, shape);
      console.log(`full-size: max |posterior − PyTorch| = ${maxAbsDiff(got, ref).toExponential(2)}`);
      expect(maxAbsDiff(got, ref)).toBeLessThan(1e-4);
      expect(mismatches(argmaxClasses(got, 3, shape), argmaxClasses(ref, 3, shape))).toBe(0);
    } finally { await host.close(); }
  });
});

interface GeometryReport {
  files: { file: string; shape: number[]; dtype: string; affine: number[][]; sform_code: number; qform_code: number; zooms: number[]; min: number; max: number; zyx: string }[];
}

async function checkOutputsAgainstInput(input: string, folder: string, classes: readonly string[], segmentationZYX: Uint8Array) {
  const names = ['segmentation.nii.gz', ...classes.map((c) => `posterior_${c}.nii.gz`), 'uncertainty.nii.gz'];
  expect(readdirSync(folder).sort()).toEqual([...names].sort());
  const report = await runPythonReference<GeometryReport>('inference_runtime_geometry.py',
    [mkdtempSync(path.join(work, 'geom-')), input, ...names.map((n) => path.join(folder, n))]);
  const [ref, ...outs] = report.files;
  for (const o of outs) {
    const what = path.basename(o.file);
    expect(o.shape, what).toEqual(ref!.shape.slice(0, 3));
    expect(o.dtype, what).toBe('uint8');
    o.affine.flat().forEach((v, i) => expect(Math.abs(v - ref!.affine.flat()[i]!), `${what} affine[${i}]`).toBeLessThan(1e-4));
    o.zooms.forEach((z, i) => expect(Math.abs(z - ref!.zooms[i]!), `${what} zoom ${i}`).toBeLessThan(1e-5));
    expect(o.max, what).toBeLessThanOrEqual(255);
  }
  // nibabel reads back exactly the labels Seahorse computed, in the right voxel order
  expect(mismatches(readNpy(outs[0]!.zyx).data as Uint8Array, segmentationZYX)).toBe(0);
  expect(outs[0]!.max).toBeLessThanOrEqual(classes.length - 1);
}

describeWithSharedData('end to end on real scans (MriWindow, innereye tiling, ensemble, outputs on the native grid)',
  [TINY, 'data/colin27-aal/ch2.nii.gz', 'data/niivue-subject/norm.nii.gz'], () => {
    it('Colin27 with the 5-member tiny ensemble', async () => {
      await importInnerEyeModel(sharedPath(TINY, 'final_ensemble_model'), path.join(work, 'e2e-tiny'));
      const pkg = await loadModelPackage(path.join(work, 'e2e-tiny'));
      const input = sharedPath('data/colin27-aal/ch2.nii.gz');
      const progress: string[] = [];
      const r = await segmentScan(input, pkg, path.join(work, 'colin27'), {
        runtime: { intraOpThreads: 2 }, onProgress: (p) => progress.push(`${p.member}/${p.members}:${p.patch}/${p.patches}`),
      });
      expect(r.tiling).toBe('innereye');
      expect(r.networkShapeZYX).toEqual([181, 217, 181]);
      expect(r.patchesPerMember).toBe(8); // padded 192×224×192 → 2 × 2 × 2 patches
      expect(progress).toHaveLength(5 * 8);
      expect(progress.at(-1)).toBe('5/5:8/8');
      await checkOutputsAgainstInput(input, path.join(work, 'colin27'), pkg.manifest.classes, r.segmentationZYX);
    }, 1_800_000);

    it('niivue subject (LIA, 256³) with one member: outputs stay on the LIA grid', async () => {
      await importInnerEyeCheckpoint(sharedPath(TINY, 'final_ensemble_model/checkpoints/last.ckpt'), path.join(work, 'e2e-one'));
      const pkg = await loadModelPackage(path.join(work, 'e2e-one'));
      const input = sharedPath('data/niivue-subject/norm.nii.gz');
      const r = await segmentScan(input, pkg, path.join(work, 'niivue'), { runtime: { intraOpThreads: 2 } });
      expect(r.networkShapeZYX).toEqual([256, 256, 256]);
      await checkOutputsAgainstInput(input, path.join(work, 'niivue'), pkg.manifest.classes, r.segmentationZYX);
    }, 1_800_000);
  });

describeWithSharedData('msd-reference over the 200 shared MSD crops (z-score, whole mode)', [MSD, 'data/msd-hippocampus'], () => {
  let ensemble: Ensemble;
  beforeAll(async () => {
    await importInnerEyeCheckpoint(sharedPath(MSD, 'last.ckpt'), path.join(work, 'msd'), { settings: MSD_REFERENCE_SETTINGS });
    ensemble = await openEnsemble(await loadModelPackage(path.join(work, 'msd')), { intraOpThreads: 2 });
  });
  afterAll(async () => { await ensemble?.close(); });

  it('agrees with PyTorch on every voxel but ties within 1e-4; Dice within 0.002 of the README figures', async () => {
    const cases = readdirSync(sharedPath('data/msd-hippocampus/imagesTr')).filter((f) => f.endsWith('.nii.gz')).sort();
    expect(cases).toHaveLength(200);
    let voxels = 0;
    let disagree = 0;
    const ties: string[] = [];
    const dice: { ours: number[]; pytorch: number[] }[] = [{ ours: [], pytorch: [] }, { ours: [], pytorch: [] }];
    for (const f of cases) {
      const id = f.replace('.nii.gz', '');
      const r = await ensemble.segmentScan(sharedPath('data/msd-hippocampus/imagesTr', f), path.join(work, 'msd-out', id), { tiling: 'whole' });
      expect(r.patchesPerMember).toBe(1);
      const ref = readNifti(sharedPath(MSD, 'reference-segmentations', `${id}_seg.nii.gz`)).data;
      const truth = readNifti(sharedPath('data/msd-hippocampus/labelsTr', f), { kind: 'label' }).data;
      voxels += ref.length;
      disagree += mismatches(r.segmentationZYX, ref);
      // a voxel may differ only where PyTorch's class is a tie within the posterior tolerance (1e-4)
      for (let i = 0; i < ref.length; i++) {
        if (r.segmentationZYX[i] === ref[i]) continue;
        const gap = r.posteriorsCZYX[r.segmentationZYX[i]! * ref.length + i]! - r.posteriorsCZYX[ref[i]! * ref.length + i]!;
        ties.push(`${id} voxel ${i}: gap ${gap.toExponential(2)}`);
        expect(gap, `${id} voxel ${i}`).toBeLessThan(1e-4);
      }
      for (const c of [1, 2]) {
        dice[c - 1]!.ours.push(diceOf(r.segmentationZYX, truth, c));
        dice[c - 1]!.pytorch.push(diceOf(ref, truth, c));
      }
    }
    const agreement = 1 - disagree / voxels;
    // every voxel as PyTorch segmented it but for ties: one voxel of hippocampus_148 has posteriors
    // 0.499412 / 0.499411 (background / anterior) in every graph, the literal one (BatchNormalization,
    // ConvTranspose) included; its argmax flips with float rounding
    expect(disagree).toBeLessThanOrEqual(1);
    expect(agreement).toBeGreaterThanOrEqual(0.9999);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    const [anterior, posterior] = dice.map((d) => mean(d.ours));
    console.log(`msd-reference: voxel agreement ${(agreement * 100).toFixed(4)} % (${disagree} of ${voxels} differ${ties.length > 0 ? `: ${ties.join(', ')}` : ''}), Dice anterior ${anterior!.toFixed(4)} posterior ${posterior!.toFixed(4)}; `
      + `PyTorch reference segmentations ${mean(dice[0]!.pytorch).toFixed(4)} / ${mean(dice[1]!.pytorch).toFixed(4)}`);
    expect(Math.abs(anterior! - 0.910)).toBeLessThanOrEqual(0.002);
    expect(Math.abs(posterior! - 0.895)).toBeLessThanOrEqual(0.002);
  }, 1_800_000);
});

/** Dice of class `c`: 2|A∩B| / (|A| + |B|) (InnerEye's DiceNumeric for non-empty masks). */
function diceOf(a: ArrayLike<number>, b: ArrayLike<number>, c: number): number {
  let inter = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const ia = a[i] === c;
    const ib = b[i] === c;
    if (ia) na++;
    if (ib) nb++;
    if (ia && ib) inter++;
  }
  return na + nb === 0 ? NaN : (2 * inter) / (na + nb);
}
