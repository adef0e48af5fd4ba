import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNifti } from '@seahorse/io';
import { zScore } from '@seahorse/preprocess';
import { describeWithSharedData, readNpy, runPythonReference, sharedPath } from '@seahorse/testkit';
import { loadModelPackage } from '@seahorse/model-package';
import { ArchitectureMismatchError } from './architecture/errors.js';
import { CheckpointReadError } from './checkpoint/errors.js';
import { FULL_SIZE_CHECKPOINT, MSD_CHECKPOINT, SHARED_CHECKPOINTS, TINY_CONFIG, TINY_ENSEMBLE, TINY_LAST_CHECKPOINT } from './checkpoint/shared-checkpoints.test-helpers.js';
import { ModelImportError } from './errors.js';
import { importInnerEye, importInnerEyeCheckpoint, importInnerEyeModel, memberNameFromCheckpointPath, type ImportProgress } from './import-innereye.js';
import { onnx } from './onnx/onnx-graph.js';
import { argmaxClasses, countDifferences, maxAbsDiff, runOnnxOnVolume } from './onnx/onnx-run.test-helpers.js';
import { INNEREYE_HIPPOCAMPUS_SETTINGS, MSD_REFERENCE_SETTINGS } from './settings.js';

/** Parity tolerance of the issue: posteriors within 1e-4 absolute of PyTorch's. */
const POSTERIOR_ATOL = 1e-4;

const workDir = mkdtempSync(path.join(tmpdir(), 'seahorse-import-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
let counter = 0;
/** A fresh, not-yet-created folder inside the work dir, and a package path inside it. */
function freshOut(): { parent: string; out: string } {
  const parent = path.join(workDir, `case-${counter++}`);
  return { parent, out: path.join(parent, 'package') };
}
function makeParent(parent: string): void {
  mkdirSync(parent, { recursive: true });
}

describe('memberNameFromCheckpointPath', () => {
  it('names InnerEye ensemble members after their child run', () => {
    expect(memberNameFromCheckpointPath('checkpoints/OTHER_RUNS/1/last.ckpt')).toBe('OTHER_RUNS_1');
    expect(memberNameFromCheckpointPath('checkpoints/last.ckpt')).toBe('last');
    expect(memberNameFromCheckpointPath('fold 2/best.ckpt')).toBe('fold_2_best');
  });
});

describeWithSharedData('importing the shared InnerEye checkpoints, then running them with onnxruntime-node', [
  TINY_CONFIG, ...SHARED_CHECKPOINTS.flatMap((c) => [c.relative, c.reference, c.input].filter((f): f is string => f !== undefined)),
], () => {
  it('the registered-model folder becomes a 5-member package in checkpoint_paths order, with the Hippocampus settings', async () => {
    const { parent, out } = freshOut();
    makeParent(parent);
    const progress: ImportProgress[] = [];
    const result = await importInnerEyeModel(sharedPath(TINY_ENSEMBLE), out, { onProgress: (p) => progress.push(p) });
    const config = JSON.parse(readFileSync(sharedPath(TINY_CONFIG), 'utf8')) as { checkpoint_paths: string[] };

    const pkg = await loadModelPackage(out); // re-reads model.json, checks every sha256 and ONNX signature
    expect(pkg.manifest).toEqual(result.manifest);
    expect(pkg.manifest.members.map((m) => m.source?.file)).toEqual(config.checkpoint_paths);
    expect(pkg.manifest.members.map((m) => m.name)).toEqual(['OTHER_RUNS_1', 'OTHER_RUNS_2', 'OTHER_RUNS_3', 'OTHER_RUNS_4', 'last']);
    expect(pkg.manifest.members.map((m) => m.file)).toEqual([
      'members/01-OTHER_RUNS_1.onnx', 'members/02-OTHER_RUNS_2.onnx', 'members/03-OTHER_RUNS_3.onnx',
      'members/04-OTHER_RUNS_4.onnx', 'members/05-last.onnx']);
    expect(pkg.manifest).toMatchObject({
      name: 'Hippocampus', classes: ['background', 'hippocampus_L', 'hippocampus_R'], inputChannels: 1, arrayOrder: 'zyx',
      preprocessing: {
        normalisation: { method: 'mriWindow', sharpen: 2.5, tail: 1, outputRange: [-1, 1] },
        targetSpacingXYZ: 'native', targetOrientation: 'native',
      },
      inference: { patchSizeZYX: [128, 176, 176], padMultiple: 16, padPlacement: 'split', padValue: 0, tiling: 'innereye' },
      aggregation: 'mean',
      postprocessing: { largestConnectedComponent: [] },
    });
    // the five checkpoints differ (different seeds), so their ONNX files must too
    expect(new Set(pkg.manifest.members.map((m) => m.sha256)).size).toBe(5);
    expect(progress.map((p) => p.stage)).toEqual(['config', 'member', 'member', 'member', 'member', 'member', 'manifest', 'done']);
    expect(progress.filter((p) => p.stage === 'member').map((p) => p.memberIndex)).toEqual([0, 1, 2, 3, 4]);
    // the temp build folder is gone: the parent holds only the package
    expect(readdirSync(parent)).toEqual(['package']);

    const input = readNpy(sharedPath(`${TINY_ENSEMBLE}/reference/input_zyx.npy`));
    for (const member of pkg.members) {
      const reference = readNpy(sharedPath(`${TINY_ENSEMBLE}/reference/posteriors_${member.name}.npy`));
      const { data, dims } = await runOnnxOnVolume(member.path, input.data as Float32Array, [1, ...input.shape]);
      expect(dims).toEqual([1, ...reference.shape]);
      expect(maxAbsDiff(data, reference.data as Float32Array), member.name).toBeLessThanOrEqual(POSTERIOR_ATOL);
      expect(countDifferences(argmaxClasses(data, 3), argmaxClasses(reference.data as Float32Array, 3)), member.name).toBe(0);
    }
  });

  it('importInnerEye dispatches on the source: a final_ensemble_model folder gives 5 members, a .ckpt file one', async () => {
    const a = freshOut();
    makeParent(a.parent);
    const folder = await importInnerEye(sharedPath(`${TINY_ENSEMBLE}/final_ensemble_model`), a.out);
    expect(folder.manifest.members.map((m) => m.name)).toEqual(['OTHER_RUNS_1', 'OTHER_RUNS_2', 'OTHER_RUNS_3', 'OTHER_RUNS_4', 'last']);
    const b = freshOut();
    makeParent(b.parent);
    const file = await importInnerEye(sharedPath(TINY_LAST_CHECKPOINT.relative), b.out);
    expect(file.manifest.members.map((m) => [m.name, m.source?.file])).toEqual([['last', 'last.ckpt']]);
    // both record the same source checkpoint (checkpoints/last.ckpt is the ensemble's 5th member)
    expect(file.manifest.members[0]!.source?.sha256).toBe(folder.manifest.members[4]!.source?.sha256);
    await expect(importInnerEye(path.join(workDir, 'nothing-here'), path.join(workDir, 'x'))).rejects.toMatchObject({ code: 'CHECKPOINT_MISSING' });
  });

  it('the full-size Hippocampus checkpoint (16 channels, 4 downsamplings) imports and matches PyTorch', async () => {
    const c = FULL_SIZE_CHECKPOINT;
    const { parent, out } = freshOut();
    makeParent(parent);
    const { manifest } = await importInnerEyeCheckpoint(sharedPath(c.relative), out);
    expect(manifest.members).toHaveLength(1);
    // the default graph: BatchNorm folded, ConvTranspose as its phase decomposition
    const ops = new Set(onnx.ModelProto.decode(readFileSync(path.join(out, manifest.members[0]!.file))).graph!.node!.map((n) => n.opType));
    expect([ops.has('ConvTranspose'), ops.has('BatchNormalization'), ops.has('Transpose')]).toEqual([false, false, true]);
    expect(manifest.members[0]!.source?.architecture).toEqual({ kind: 'innereye-unet3d', ...c.arch });
    const input = readNpy(sharedPath(c.input));
    const reference = readNpy(sharedPath(c.reference));
    // input [Z,Y,X] is small (the whole forward pass is a few hundred MB at most), one run only
    expect(input.shape.reduce((a, b) => a * b, 1)).toBeLessThan(100_000);
    const { data } = await runOnnxOnVolume(path.join(out, manifest.members[0]!.file), input.data as Float32Array, [1, ...input.shape]);
    expect(maxAbsDiff(data, reference.data as Float32Array)).toBeLessThanOrEqual(POSTERIOR_ATOL);
    expect(countDifferences(argmaxClasses(data, 3), argmaxClasses(reference.data as Float32Array, 3))).toBe(0);
  });

  it('the literal graph (batchNorm "node", upsampling "convTranspose") gives the same posteriors within the same tolerance', async () => {
    const c = TINY_LAST_CHECKPOINT;
    const { parent, out } = freshOut();
    makeParent(parent);
    const { manifest } = await importInnerEyeCheckpoint(sharedPath(c.relative), out, { batchNorm: 'node', upsampling: 'convTranspose' });
    const ops = new Set(onnx.ModelProto.decode(readFileSync(path.join(out, manifest.members[0]!.file))).graph!.node!.map((n) => n.opType));
    expect([ops.has('ConvTranspose'), ops.has('BatchNormalization')]).toEqual([true, true]);
    const input = readNpy(sharedPath(c.input));
    const reference = readNpy(sharedPath(c.reference));
    const { data } = await runOnnxOnVolume(path.join(out, manifest.members[0]!.file), input.data as Float32Array, [1, ...input.shape]);
    expect(maxAbsDiff(data, reference.data as Float32Array)).toBeLessThanOrEqual(POSTERIOR_ATOL);
    expect(countDifferences(argmaxClasses(data, 3), argmaxClasses(reference.data as Float32Array, 3))).toBe(0);
  });
});

describeWithSharedData('the trained msd-reference model on real MSD crops', [
  MSD_CHECKPOINT.relative, 'data/msd-hippocampus/imagesTr', 'models/msd-reference/reference-segmentations',
], () => {
  it('imports with z-score / whole-volume settings and reproduces PyTorch\'s segmentations of 20 crops (every 10th) on every voxel but one tie', async () => {
    const { parent, out } = freshOut();
    makeParent(parent);
    const { manifest } = await importInnerEyeCheckpoint(sharedPath(MSD_CHECKPOINT.relative), out, { settings: MSD_REFERENCE_SETTINGS });
    expect(manifest).toMatchObject({
      classes: ['background', 'anterior', 'posterior'],
      preprocessing: { normalisation: { method: 'zScore' } },
      inference: { padMultiple: 8, padPlacement: 'end', tiling: 'whole' },
    });
    const onnxFile = path.join(out, manifest.members[0]!.file);
    const cases = readdirSync(sharedPath('data/msd-hippocampus/imagesTr')).filter((f) => f.endsWith('.nii.gz')).sort().filter((_, i) => i % 10 === 0);
    let voxels = 0;
    let differing = 0;
    for (const file of cases) {
      const image = readNifti(sharedPath('data/msd-hippocampus/imagesTr', file));
      const [nx, ny, nz] = image.shapeXYZ;
      // x-fastest memory is the row-major [Z, Y, X] array: z-score, then pad at the end to a multiple of 8
      const normalised = zScore(Float32Array.from(image.data as ArrayLike<number>), { scan: file }).output;
      const [pz, py, px] = [nz, ny, nx].map((n) => Math.ceil(n / 8) * 8) as [number, number, number];
      const padded = new Float32Array(pz * py * px);
      for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) {
        padded.set(normalised.subarray((z * ny + y) * nx, (z * ny + y + 1) * nx), (z * py + y) * px);
      }
      const { data } = await runOnnxOnVolume(onnxFile, padded, [1, pz, py, px]);
      const labelsPadded = argmaxClasses(data, 3);
      const reference = readNifti(sharedPath('models/msd-reference/reference-segmentations', file.replace('.nii.gz', '_seg.nii.gz')), { kind: 'label' });
      expect(reference.shapeXYZ).toEqual(image.shapeXYZ);
      for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
        voxels++;
        if (labelsPadded[(z * py + y) * px + x] !== reference.data[(z * ny + y) * nx + x]) differing++;
      }
    }
    expect(cases).toHaveLength(20);
    expect(voxels).toBeGreaterThan(20 * 30 * 40 * 24);
    // one tie, in every graph (the literal one too): hippocampus_148 has a voxel at 0.499412 / 0.499411
    expect(differing).toBeLessThanOrEqual(1);
    expect(1 - differing / voxels).toBeGreaterThanOrEqual(0.9999);
  }, 600_000);
});

describeWithSharedData('imports that must fail leave no package and no temp folder behind', [TINY_CONFIG, TINY_LAST_CHECKPOINT.relative], () => {
  const badDir = path.join(workDir, 'bad');
  const bad = (async () => {
    makeParent(badDir);
    const files = await runPythonReference<Record<'missing_key' | 'wrong_shape' | 'extra_key' | 'unknown_opcode', string>>(
      'inference_bad_checkpoints.py', [sharedPath(TINY_LAST_CHECKPOINT.relative), badDir]);
    const truncated = path.join(badDir, 'truncated.ckpt');
    const bytes = readFileSync(sharedPath(TINY_LAST_CHECKPOINT.relative));
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.8)));
    return { ...files, truncated };
  })();

  /** Runs an import expected to fail; checks the error type and code, and that `parent` holds nothing. */
  async function expectCleanFailure(run: (out: string) => Promise<unknown>, type: new (...a: never[]) => Error, code: string): Promise<Error> {
    const { parent, out } = freshOut();
    makeParent(parent);
    let err: unknown;
    try { await run(out); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(type);
    expect((err as { code: string }).code).toBe(code);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(parent)).toEqual([]);
    return err as Error;
  }

  it('a truncated zip: CheckpointReadError ZIP_INVALID naming the file', async () => {
    const file = (await bad).truncated;
    const err = await expectCleanFailure((out) => importInnerEyeCheckpoint(file, out), CheckpointReadError, 'ZIP_INVALID');
    expect(err.message).toContain(file);
  });

  it('a pickle with an unknown opcode: CheckpointReadError PICKLE_UNKNOWN_OPCODE with the byte offset', async () => {
    const file = (await bad).unknown_opcode;
    const err = await expectCleanFailure((out) => importInnerEyeCheckpoint(file, out), CheckpointReadError, 'PICKLE_UNKNOWN_OPCODE');
    expect(err.message).toMatch(/data\.pkl: byte 2: unknown pickle opcode 0xff/);
  });

  it('a state_dict missing a key: ArchitectureMismatchError listing it', async () => {
    const file = (await bad).missing_key;
    const err = await expectCleanFailure((out) => importInnerEyeCheckpoint(file, out), ArchitectureMismatchError, 'ARCHITECTURE_MISMATCH');
    expect(err.message).toContain('missing model._layers.1.block2.bn1.running_var: expected [8], found absent');
  });

  it('a wrong shape: ArchitectureMismatchError with expected and found shapes', async () => {
    const file = (await bad).wrong_shape;
    const err = await expectCleanFailure((out) => importInnerEyeCheckpoint(file, out), ArchitectureMismatchError, 'ARCHITECTURE_MISMATCH');
    expect(err.message).toContain('shape model._layers.0.block2.conv1.weight: expected [4,4,3,3,3], found [4,2,3,3,3]');
  });

  it('one bad member in a registered folder fails the whole ensemble after the good members were converted', async () => {
    const folder = path.join(workDir, 'ensemble-with-bad-member');
    cpSync(sharedPath(TINY_ENSEMBLE), folder, { recursive: true });
    cpSync((await bad).wrong_shape, path.join(folder, 'final_ensemble_model/checkpoints/OTHER_RUNS/3/last.ckpt'));
    const progress: ImportProgress[] = [];
    await expectCleanFailure((out) => importInnerEyeModel(folder, out, { onProgress: (p) => progress.push(p) }), ArchitectureMismatchError, 'ARCHITECTURE_MISMATCH');
    expect(progress.filter((p) => p.stage === 'member').map((p) => p.member)).toEqual(['OTHER_RUNS_1', 'OTHER_RUNS_2', 'OTHER_RUNS_3']);
  });

  it('a checkpoint listed in model_inference_config.json but absent: CHECKPOINT_MISSING (InnerEye would drop it)', async () => {
    const folder = path.join(workDir, 'ensemble-missing-member');
    cpSync(sharedPath(TINY_ENSEMBLE), folder, { recursive: true });
    rmSync(path.join(folder, 'final_ensemble_model/checkpoints/OTHER_RUNS/2/last.ckpt'));
    const err = await expectCleanFailure((out) => importInnerEyeModel(folder, out), ModelImportError, 'CHECKPOINT_MISSING');
    expect(err.message).toMatch(/checkpoint_paths: 1 of 5 checkpoint\(s\) not found: .*OTHER_RUNS\/2\/last\.ckpt/);
  });

  it('a config without checkpoint_paths: CONFIG_INVALID; a folder without a config: CONFIG_MISSING', async () => {
    const folder = path.join(workDir, 'ensemble-bad-config');
    cpSync(sharedPath(TINY_ENSEMBLE), folder, { recursive: true });
    writeFileSync(path.join(folder, 'final_ensemble_model/model_inference_config.json'), '{"model_name": "Hippocampus"}');
    const err = await expectCleanFailure((out) => importInnerEyeModel(folder, out), ModelImportError, 'CONFIG_INVALID');
    expect(err.message).toMatch(/model_inference_config\.json: checkpoint_paths: /);
    await expectCleanFailure((out) => importInnerEyeModel(path.join(folder, 'final_ensemble_model', 'checkpoints'), out), ModelImportError, 'CONFIG_MISSING');
  });

  it('settings that contradict the network: BAD_OPTIONS naming the field', async () => {
    const file = sharedPath(TINY_LAST_CHECKPOINT.relative);
    const classes = await expectCleanFailure((out) => importInnerEyeCheckpoint(file, out, { settings: { classes: ['background', 'hippocampus'] } }), ModelImportError, 'BAD_OPTIONS');
    expect(classes.message).toMatch(/classes: the network has 3 output classes but the settings name 2/);
    // 2 downsamplings need multiples of 4: a pad multiple of 6 cannot work
    const pad = await expectCleanFailure((out) => importInnerEyeCheckpoint(file, out, { settings: { inference: { padMultiple: 6 } } }), ModelImportError, 'BAD_OPTIONS');
    expect(pad.message).toMatch(/settings\.inference\.padMultiple: value 6 is invalid: must be a multiple of 4/);
    const tiling = await expectCleanFailure((out) => importInnerEyeCheckpoint(file, out, { settings: { inference: { tiling: 'sliding' as never } } }), ModelImportError, 'BAD_OPTIONS');
    expect(tiling.message).toMatch(/settings\.inference\.tiling: value "sliding" is invalid/);
  });

  it('an existing output folder: OUTPUT_EXISTS, and its content is left untouched; overwrite replaces it', async () => {
    const { parent, out } = freshOut();
    makeParent(out);
    writeFileSync(path.join(out, 'keep.txt'), 'mine');
    const file = sharedPath(TINY_LAST_CHECKPOINT.relative);
    await expect(importInnerEyeCheckpoint(file, out)).rejects.toMatchObject({ name: 'ModelImportError', code: 'OUTPUT_EXISTS' });
    expect(readdirSync(out)).toEqual(['keep.txt']);
    await importInnerEyeCheckpoint(file, out, { overwrite: true });
    expect(readdirSync(out).sort()).toEqual(['members', 'model.json']);
    expect(readdirSync(parent)).toEqual(['package']);
    expect(INNEREYE_HIPPOCAMPUS_SETTINGS.inference.patchSizeZYX).toEqual([128, 176, 176]);
  });
});
