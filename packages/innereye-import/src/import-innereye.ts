/**
 * Importing InnerEye models (PyTorch Lightning checkpoints) into Seahorse model packages, in
 * TypeScript only: read the state_dict, infer the UNet3D, write ONNX, write `model.json`.
 */

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { sha256File, sha256Hex, writeFileAtomic } from '@seahorse/files';
import {
  MODEL_PACKAGE_FORMAT, MODEL_PACKAGE_FORMAT_VERSION, ModelPackageError, parseModelManifest, writeModelManifest,
  type ModelManifest, type ModelManifestInput,
} from '@seahorse/model-package';
import { inferUNet3DArchitecture, type UNet3DArchitecture } from './architecture/innereye-unet3d.js';
import { readStateDict } from './checkpoint/torch-checkpoint.js';
import { ModelImportError } from './errors.js';
import { buildUNet3DOnnx } from './onnx/unet3d-onnx.js';
import { INNEREYE_HIPPOCAMPUS_SETTINGS, mergeSettings, type ModelPackageSettings, type SettingsOverrides } from './settings.js';

/** A step of an import, for progress display. */
export interface ImportProgress {
  /** `'config'`: config read; `'member'`: converting member `memberIndex`; `'manifest'`: writing model.json; `'done'`: package in place. */
  stage: 'config' | 'member' | 'manifest' | 'done';
  /** 0-based index of the member being converted (stage `'member'`). */
  memberIndex?: number;
  memberCount: number;
  /** Member name (stage `'member'`). */
  member?: string;
  /** Checkpoint being read (stage `'member'`). */
  file?: string;
  /** One human-readable line. */
  message: string;
}

/** Options of {@link importInnerEyeModel} and {@link importInnerEyeCheckpoint}. */
export interface ImportOptions {
  /** Overrides of the defaults (Hippocampus for a registered folder; see each function). Nested objects are merged one level deep. */
  settings?: SettingsOverrides;
  /** Replace an existing package at the output path. Default `false` (an existing path is an error). */
  overwrite?: boolean;
  /** BatchNorm in the ONNX graph: `'fold'` (default, folded into the convs) or `'node'` (literal). */
  batchNorm?: 'node' | 'fold';
  /** The decoder's ConvTranspose: `'phase'` (default, its phase decomposition into Convs) or `'convTranspose'` (literal). */
  upsampling?: 'phase' | 'convTranspose';
  /** Called at each step; must not throw. */
  onProgress?: (progress: ImportProgress) => void;
}

/** What an import wrote. */
export interface ImportResult {
  /** Absolute path of the package folder. */
  folder: string;
  manifest: ModelManifest;
  /** Architecture of each member, in manifest order. */
  architectures: UNet3DArchitecture[];
}

/** InnerEye's `model_inference_config.json` (only the fields Seahorse uses are required). */
const inferenceConfigSchema = z.object({
  model_name: z.string().min(1).optional(),
  checkpoint_paths: z.array(z.string().min(1)).min(1),
  model_configs_namespace: z.string().optional(),
}).loose();

/** File name of InnerEye's ensemble config. */
export const INNEREYE_INFERENCE_CONFIG = 'model_inference_config.json';

interface MemberPlan {
  name: string;
  checkpoint: string;
  /** The checkpoint as named in the source (config entry or file name). */
  sourceName: string;
}

/**
 * A member name from a checkpoint path: `checkpoints/OTHER_RUNS/1/last.ckpt` → `OTHER_RUNS_1`,
 * `checkpoints/last.ckpt` → `last`.
 */
export function memberNameFromCheckpointPath(checkpointPath: string): string {
  let p = checkpointPath.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^checkpoints\//, '').replace(/\.(ckpt|pt|pth)$/, '');
  if (p.endsWith('/last')) p = p.slice(0, -'/last'.length);
  const name = p.replace(/\//g, '_').replace(/[^A-Za-z0-9_.-]/g, '_');
  return name.length > 0 ? name : 'member';
}

function draftManifest(settings: ModelPackageSettings, members: ModelManifestInput['members']): ModelManifestInput {
  return {
    format: MODEL_PACKAGE_FORMAT,
    formatVersion: MODEL_PACKAGE_FORMAT_VERSION,
    name: settings.name,
    version: settings.version,
    classes: settings.classes,
    inputChannels: 1,
    arrayOrder: 'zyx',
    members,
    preprocessing: settings.preprocessing,
    inference: settings.inference,
    aggregation: 'mean',
    postprocessing: settings.postprocessing,
  } as ModelManifestInput;
}

/** Validates settings before any heavy work, with a placeholder member. */
function checkSettings(settings: ModelPackageSettings, out: string): void {
  try {
    parseModelManifest(draftManifest(settings, [{ name: 'm', file: 'm.onnx', sha256: '0'.repeat(64) }]), out);
  } catch (err) {
    if (err instanceof ModelPackageError) throw new ModelImportError('BAD_OPTIONS', out, `settings.${err.field}`, err.detail);
    throw err;
  }
}

async function assertOutputFree(out: string, overwrite: boolean): Promise<void> {
  if (!overwrite && existsSync(out)) {
    throw new ModelImportError('OUTPUT_EXISTS', out, 'output', 'already exists; choose another folder or pass overwrite: true');
  }
  const parent = path.dirname(out);
  try {
    if (!(await stat(parent)).isDirectory()) throw new Error('not a folder');
  } catch (err) {
    throw new ModelImportError('WRITE_FAILED', parent, 'output parent', `cannot write the package here: ${(err as Error).message}`);
  }
}

/**
 * Converts checkpoints into a package folder built under a temp name in the output's parent
 * folder, then renamed into place; on any error the temp folder is removed.
 */
async function buildPackage(
  plans: MemberPlan[], out: string, settings: ModelPackageSettings, sourceKind: string, options: ImportOptions,
): Promise<ImportResult> {
  const progress = options.onProgress ?? (() => {});
  const outAbs = path.resolve(out);
  const tmp = path.join(path.dirname(outAbs), `.${path.basename(outAbs)}.importing-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(path.join(tmp, 'members'), { recursive: true });
    const members: ModelManifestInput['members'] = [];
    const architectures: UNet3DArchitecture[] = [];
    for (const [i, plan] of plans.entries()) {
      progress({ stage: 'member', memberIndex: i, memberCount: plans.length, member: plan.name, file: plan.checkpoint,
        message: `converting member ${i + 1}/${plans.length} ${plan.name} (${plan.checkpoint})` });
      const checkpointSha = await sha256File(plan.checkpoint);
      const sd = await readStateDict(plan.checkpoint);
      const arch = inferUNet3DArchitecture(sd);
      if (arch.classes !== settings.classes.length) {
        throw new ModelImportError('BAD_OPTIONS', plan.checkpoint, 'classes',
          `the network has ${arch.classes} output classes but the settings name ${settings.classes.length} (${settings.classes.join(', ')}); pass settings.classes with ${arch.classes} names`);
      }
      const first = architectures[0];
      if (first && (first.inputChannels !== arch.inputChannels || first.classes !== arch.classes)) {
        throw new ModelImportError('MEMBERS_DISAGREE', plan.checkpoint, 'architecture',
          `member ${plan.name} takes ${arch.inputChannels} channel(s) and has ${arch.classes} classes, but member ${plans[0]!.name} takes ${first.inputChannels} and has ${first.classes}`);
      }
      const onnxBytes = buildUNet3DOnnx(sd, arch, {
        batchNorm: options.batchNorm ?? 'fold',
        upsampling: options.upsampling ?? 'phase',
        metadata: { 'seahorse.source': plan.sourceName, 'seahorse.sourceSha256': checkpointSha },
      });
      const file = `members/${String(i + 1).padStart(2, '0')}-${plan.name}.onnx`;
      writeFileAtomic(path.join(tmp, file), onnxBytes);
      architectures.push(arch);
      members.push({
        name: plan.name,
        file,
        sha256: sha256Hex(onnxBytes),
        source: {
          kind: sourceKind,
          file: plan.sourceName,
          sha256: checkpointSha,
          architecture: {
            kind: arch.kind, inputChannels: arch.inputChannels, initialFeatureChannels: arch.initialFeatureChannels,
            downsamplings: arch.downsamplings, classes: arch.classes,
          },
        },
      });
    }
    progress({ stage: 'manifest', memberCount: plans.length, message: `writing ${path.join(outAbs, 'model.json')}` });
    const draft = { ...draftManifest(settings, members), inputChannels: architectures[0]!.inputChannels };
    let manifest: ModelManifest;
    try {
      manifest = await writeModelManifest(tmp, draft);
    } catch (err) {
      if (err instanceof ModelPackageError && err.code === 'MANIFEST_INVALID') {
        throw new ModelImportError('BAD_OPTIONS', outAbs, `settings.${err.field}`, err.detail);
      }
      throw err;
    }
    await moveIntoPlace(tmp, outAbs, options.overwrite ?? false);
    progress({ stage: 'done', memberCount: plans.length, message: `wrote ${plans.length} member(s) to ${outAbs}` });
    return { folder: outAbs, manifest, architectures };
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

async function moveIntoPlace(tmp: string, out: string, overwrite: boolean): Promise<void> {
  if (existsSync(out)) {
    if (!overwrite) throw new ModelImportError('OUTPUT_EXISTS', out, 'output', 'appeared while importing; nothing was replaced');
    const old = `${tmp}.old`;
    await rename(out, old);
    try {
      await rename(tmp, out);
    } catch (err) {
      await rename(old, out);
      throw new ModelImportError('WRITE_FAILED', out, 'output', `cannot move the new package into place: ${(err as Error).message}`);
    }
    await rm(old, { recursive: true, force: true });
    return;
  }
  try {
    await rename(tmp, out);
  } catch (err) {
    throw new ModelImportError('WRITE_FAILED', out, 'output', `cannot move the new package into place: ${(err as Error).message}`);
  }
}

/** Finds `model_inference_config.json` in a registered-model folder or in its `final_ensemble_model/`. */
function locateInferenceConfig(folder: string): string {
  const candidates = [path.join(folder, 'final_ensemble_model', INNEREYE_INFERENCE_CONFIG), path.join(folder, INNEREYE_INFERENCE_CONFIG)];
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new ModelImportError('CONFIG_MISSING', folder, INNEREYE_INFERENCE_CONFIG,
      `not found (looked for ${candidates.join(' and ')}); pass InnerEye's registered-model folder or its final_ensemble_model folder`);
  }
  return found;
}

/**
 * Imports an InnerEye registered-model folder (a 5-fold ensemble, as the Hippocampus release ships
 * it) into a Seahorse model package: one ONNX file per checkpoint of
 * `final_ensemble_model/model_inference_config.json`, in `checkpoint_paths` order, and a `model.json`
 * with InnerEye's Hippocampus settings ({@link INNEREYE_HIPPOCAMPUS_SETTINGS}, name from
 * `model_name`), overridable with `options.settings`.
 *
 * The package is built in a temp folder next to `outFolder` and renamed into place, so an error
 * never leaves a partial package. Unlike InnerEye, which silently drops a missing checkpoint, a
 * missing checkpoint is an error.
 *
 * @param registeredModelFolder - The folder holding `final_ensemble_model/` (or that folder itself).
 * @param outFolder - The package folder to create; it must not exist unless `overwrite` is set.
 * @param options - See {@link ImportOptions}.
 * @returns The {@link ImportResult}.
 * @throws ModelImportError `CONFIG_MISSING`, `CONFIG_INVALID`, `CHECKPOINT_MISSING` (all missing
 *   paths listed), `MEMBERS_DISAGREE`, `BAD_OPTIONS`, `OUTPUT_EXISTS`, `WRITE_FAILED`.
 * @throws CheckpointReadError for an unreadable checkpoint (truncated zip, unknown pickle opcode …).
 * @throws ArchitectureMismatchError for a state_dict that is not an InnerEye UNet3D.
 * @example
 * ```ts
 * const { manifest } = await importInnerEyeModel('downloads/Hippocampus_118', 'models/hippocampus', {
 *   onProgress: (p) => console.log(p.message),
 * });
 * manifest.members.length; // 5
 * ```
 */
export async function importInnerEyeModel(registeredModelFolder: string, outFolder: string, options: ImportOptions = {}): Promise<ImportResult> {
  const configFile = locateInferenceConfig(registeredModelFolder);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(configFile, 'utf8'));
  } catch (err) {
    throw new ModelImportError('CONFIG_INVALID', configFile, 'file', `not valid JSON: ${(err as Error).message}`);
  }
  const parsed = inferenceConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ModelImportError('CONFIG_INVALID', configFile, issue.path.map(String).join('.') || '(root)', `${issue.message}; expected {"checkpoint_paths": ["checkpoints/…/last.ckpt", …]}`);
  }
  const config = parsed.data;
  const settings = mergeSettings(
    { ...INNEREYE_HIPPOCAMPUS_SETTINGS, name: config.model_name ?? INNEREYE_HIPPOCAMPUS_SETTINGS.name },
    options.settings,
  );
  checkSettings(settings, path.resolve(outFolder));
  const base = path.dirname(configFile);
  const used = new Set<string>();
  const plans: MemberPlan[] = config.checkpoint_paths.map((p, i) => {
    let name = memberNameFromCheckpointPath(p);
    if (used.has(name)) name = `${name}_${i + 1}`;
    used.add(name);
    return { name, checkpoint: path.resolve(base, p), sourceName: p };
  });
  const missing = plans.filter((p) => !existsSync(p.checkpoint));
  if (missing.length > 0) {
    throw new ModelImportError('CHECKPOINT_MISSING', configFile, 'checkpoint_paths',
      `${missing.length} of ${plans.length} checkpoint(s) not found: ${missing.map((m) => m.checkpoint).join(', ')} (InnerEye would silently drop them; Seahorse refuses an incomplete ensemble)`);
  }
  await assertOutputFree(path.resolve(outFolder), options.overwrite ?? false);
  options.onProgress?.({ stage: 'config', memberCount: plans.length, message: `${configFile}: ${plans.length} checkpoint(s), model ${settings.name}` });
  return buildPackage(plans, outFolder, settings, 'innereye-lightning-checkpoint', options);
}

/**
 * Imports one InnerEye (or bare UNet3D state_dict) checkpoint into a one-member model package.
 * Defaults are {@link INNEREYE_HIPPOCAMPUS_SETTINGS}; pass `options.settings` to change them, e.g.
 * `MSD_REFERENCE_SETTINGS` for the shared msd-reference model.
 *
 * @param checkpointFile - The `.ckpt` file.
 * @param outFolder - The package folder to create (must not exist unless `overwrite`).
 * @param options - See {@link ImportOptions}; also `memberName` (default from the file name).
 * @returns The {@link ImportResult}.
 * @throws As {@link importInnerEyeModel}, with `CHECKPOINT_MISSING` when the file does not exist.
 * @example
 * ```ts
 * await importInnerEyeCheckpoint('msd-reference/last.ckpt', 'models/msd', { settings: MSD_REFERENCE_SETTINGS });
 * ```
 */
export async function importInnerEyeCheckpoint(
  checkpointFile: string, outFolder: string, options: ImportOptions & { memberName?: string } = {},
): Promise<ImportResult> {
  const settings = mergeSettings(INNEREYE_HIPPOCAMPUS_SETTINGS, options.settings);
  checkSettings(settings, path.resolve(outFolder));
  if (!existsSync(checkpointFile)) {
    throw new ModelImportError('CHECKPOINT_MISSING', checkpointFile, 'file', 'checkpoint not found');
  }
  await assertOutputFree(path.resolve(outFolder), options.overwrite ?? false);
  const base = path.basename(checkpointFile);
  const name = options.memberName ?? memberNameFromCheckpointPath(base);
  return buildPackage([{ name, checkpoint: path.resolve(checkpointFile), sourceName: base }], outFolder, settings, 'innereye-lightning-checkpoint', options);
}

/**
 * Imports whatever InnerEye artefact `source` is: a `.ckpt` file ({@link importInnerEyeCheckpoint})
 * or a registered-model folder / `final_ensemble_model` folder ({@link importInnerEyeModel}). This
 * is what `seahorse import-innereye <source> <out>` calls.
 *
 * @throws As the function it dispatches to; `CHECKPOINT_MISSING` when `source` does not exist.
 * @example
 * ```ts
 * await importInnerEye(process.argv[2]!, process.argv[3]!, { onProgress: (p) => console.error(p.message) });
 * ```
 */
export async function importInnerEye(source: string, outFolder: string, options: ImportOptions = {}): Promise<ImportResult> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(source)).isDirectory();
  } catch (err) {
    throw new ModelImportError('CHECKPOINT_MISSING', source, 'source', `not found: ${(err as Error).message}`);
  }
  return isFolder ? importInnerEyeModel(source, outFolder, options) : importInnerEyeCheckpoint(source, outFolder, options);
}
