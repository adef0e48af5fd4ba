/**
 * The model package manifest (`model.json`): what a folder of ONNX ensemble members needs to be run
 * exactly as its training framework ran it. Validated with zod; see {@link modelManifestSchema}.
 */

import { intensityNormalisationSchema } from '@seahorse/preprocess';
import { z } from 'zod';
import { PAD_PLACEMENTS, TILING_MODES } from './vocabularies.js';

/** File name of the manifest inside a model package folder. */
export const MODEL_MANIFEST_FILE = 'model.json';
/** Value of `format` in every manifest. */
export const MODEL_PACKAGE_FORMAT = 'seahorse-model-package';
/** Manifest schema version this code writes and reads. */
export const MODEL_PACKAGE_FORMAT_VERSION = 1;

const positiveInt = z.int().positive();
const tripleZYX = z.tuple([positiveInt, positiveInt, positiveInt]);

/** A package-relative ONNX file name: no folders above the package, no absolute paths. */
const relativeOnnxFile = z.string().min(1)
  .refine((f) => !f.startsWith('/') && !f.includes('\\') && !f.split('/').includes('..'), { message: 'must be a relative path inside the package (no leading "/", no "\\", no "..")' })
  .refine((f) => f.endsWith('.onnx'), { message: 'must end with .onnx' });

/** Where an ensemble member came from, and the architecture it was converted from. */
export const memberSourceSchema = z.object({
  /** e.g. `'innereye-lightning-checkpoint'`. */
  kind: z.string().min(1),
  /** The source file, relative to the imported folder (or its base name). */
  file: z.string().min(1),
  /** sha256 of the source file, lower-case hex. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be 64 lower-case hex digits' }),
  /** Architecture hyper-parameters read from the source, e.g. `{ kind: 'innereye-unet3d', … }`. */
  architecture: z.object({
    kind: z.string().min(1),
    inputChannels: positiveInt,
    initialFeatureChannels: positiveInt.optional(),
    downsamplings: z.int().min(0).optional(),
    classes: positiveInt,
  }).strict(),
}).strict();

/** One ensemble member: its ONNX file and that file's sha256. */
export const ensembleMemberSchema = z.object({
  /** Short unique name, e.g. `'OTHER_RUNS_1'`. */
  name: z.string().min(1).regex(/^[A-Za-z0-9_.-]+$/, { message: 'must use only letters, digits, "_", "." and "-"' }),
  /** ONNX file, relative to the package folder. */
  file: relativeOnnxFile,
  /** sha256 of the ONNX file, lower-case hex. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be 64 lower-case hex digits' }),
  /** Provenance (optional). */
  source: memberSourceSchema.optional(),
}).strict();

/** Resampling target before normalisation: `'native'` (InnerEye: none), or a spacing in mm. */
export const targetSpacingSchema = z.union([z.literal('native'), z.tuple([z.number().positive(), z.number().positive(), z.number().positive()])]);

/** Reorientation target: `'native'` (InnerEye: none), or three axis codes such as `'RAS'`. */
export const targetOrientationSchema = z.union([
  z.literal('native'),
  z.string().regex(/^[RL][AP][SI]$|^[RL][SI][AP]$|^[AP][RL][SI]$|^[AP][SI][RL]$|^[SI][RL][AP]$|^[SI][AP][RL]$/, { message: 'must be three axis codes, one each of R/L, A/P and S/I, e.g. "RAS"' }),
]);

/** How the model package's inputs are prepared. */
export const preprocessingSchema = z.object({
  /** Photometric normalisation (see `@seahorse/preprocess`: `mriWindow`, `zScore`, `trimmedNorm`). */
  normalisation: intensityNormalisationSchema,
  /** Spacing in mm along voxel axes (x, y, z), or `'native'`. Default `'native'`. */
  targetSpacingXYZ: targetSpacingSchema.default('native'),
  /** Orientation, or `'native'`. Default `'native'`. */
  targetOrientation: targetOrientationSchema.default('native'),
}).strict();

/** How the network is applied to a preprocessed volume. */
export const inferenceSchema = z.object({
  /** Patch (tile) size per axis, [z, y, x] voxels. For `'whole'`, the fallback tile when memory is short. */
  patchSizeZYX: tripleZYX,
  /** Every axis is padded with `padValue` up to a multiple of this. Must be a multiple of the network's `2^downsamplings`. */
  padMultiple: positiveInt,
  /**
   * Where the padding goes: `'split'` = InnerEye/torchio (`ceil(p/2)` before, `floor(p/2)` after);
   * `'end'` = all after the last voxel. Default `'split'`.
   */
  padPlacement: z.enum(PAD_PLACEMENTS).default('split'),
  /** Value of padded voxels, after normalisation. Default 0. */
  padValue: z.number().finite().default(0),
  /** `'innereye'` (exact, non-overlapping, last patch shifted), `'gaussian'` (overlapping, Gaussian-blended) or `'whole'` (one pass). */
  tiling: z.enum(TILING_MODES),
  /** Overlap fraction for `'gaussian'` tiling, in [0, 1). Default 0.5. */
  gaussianOverlap: z.number().min(0).lt(1).default(0.5),
  /** onnxruntime intra-op threads: a count, or `'auto'` (onnxruntime's default). Default `'auto'`. */
  threads: z.union([z.literal('auto'), positiveInt]).default('auto'),
}).strict();

/** Post-processing of the ensemble segmentation. */
export const postprocessingSchema = z.object({
  /** Classes (by name) for which only the largest 6-connected component is kept. Default none. */
  largestConnectedComponent: z.array(z.string().min(1)).default([]),
}).strict();

/**
 * `model.json`. Example (InnerEye Hippocampus):
 * ```json
 * { "format": "seahorse-model-package", "formatVersion": 1, "name": "Hippocampus", "version": "1",
 *   "classes": ["background", "hippocampus_L", "hippocampus_R"], "inputChannels": 1, "arrayOrder": "zyx",
 *   "members": [{ "name": "OTHER_RUNS_1", "file": "members/01-OTHER_RUNS_1.onnx", "sha256": "…" }, …],
 *   "preprocessing": { "normalisation": { "method": "mriWindow", "sharpen": 2.5, "tail": 1, "outputRange": [-1, 1] },
 *                      "targetSpacingXYZ": "native", "targetOrientation": "native" },
 *   "inference": { "patchSizeZYX": [128, 176, 176], "padMultiple": 16, "padPlacement": "split", "padValue": 0,
 *                  "tiling": "innereye", "gaussianOverlap": 0.5, "threads": "auto" },
 *   "aggregation": "mean", "postprocessing": { "largestConnectedComponent": [] } }
 * ```
 */
export const modelManifestSchema = z.object({
  format: z.literal(MODEL_PACKAGE_FORMAT),
  formatVersion: z.literal(MODEL_PACKAGE_FORMAT_VERSION),
  /** Model name, e.g. `'Hippocampus'`. */
  name: z.string().min(1),
  /** Model version, free text (e.g. the registry's version number). */
  version: z.string().min(1),
  /** Class names in output-channel order; index 0 is background. */
  classes: z.array(z.string().min(1)).min(2),
  /** Image channels the network takes. */
  inputChannels: positiveInt,
  /** Index order of the arrays the network takes and returns: `[B, C, Z, Y, X]`. Only `'zyx'` (InnerEye's). */
  arrayOrder: z.literal('zyx'),
  /** Ensemble members, in aggregation order (float32 sums depend on it). */
  members: z.array(ensembleMemberSchema).min(1),
  preprocessing: preprocessingSchema,
  inference: inferenceSchema,
  /** How member posteriors are combined: the mean, in member order. */
  aggregation: z.literal('mean'),
  postprocessing: postprocessingSchema.default({ largestConnectedComponent: [] }),
}).strict().superRefine((m, ctx) => {
  const names = new Set<string>();
  const files = new Set<string>();
  m.members.forEach((member, i) => {
    if (names.has(member.name)) ctx.addIssue({ code: 'custom', path: ['members', i, 'name'], message: `duplicate member name ${member.name}` });
    if (files.has(member.file)) ctx.addIssue({ code: 'custom', path: ['members', i, 'file'], message: `duplicate member file ${member.file}` });
    names.add(member.name);
    files.add(member.file);
    const arch = member.source?.architecture;
    if (arch && arch.classes !== m.classes.length) {
      ctx.addIssue({ code: 'custom', path: ['members', i, 'source', 'architecture', 'classes'], message: `network has ${arch.classes} classes but the manifest lists ${m.classes.length}` });
    }
    if (arch && arch.inputChannels !== m.inputChannels) {
      ctx.addIssue({ code: 'custom', path: ['members', i, 'source', 'architecture', 'inputChannels'], message: `network takes ${arch.inputChannels} channels but the manifest says ${m.inputChannels}` });
    }
    if (arch?.downsamplings !== undefined) {
      const unit = 2 ** arch.downsamplings;
      if (m.inference.padMultiple % unit !== 0) {
        ctx.addIssue({ code: 'custom', path: ['inference', 'padMultiple'], message: `must be a multiple of ${unit} (2^downsamplings of member ${member.name})` });
      }
      m.inference.patchSizeZYX.forEach((s, axis) => {
        if (s % unit !== 0) ctx.addIssue({ code: 'custom', path: ['inference', 'patchSizeZYX', axis], message: `must be a multiple of ${unit} (2^downsamplings of member ${member.name})` });
      });
    }
  });
  if (new Set(m.classes).size !== m.classes.length) ctx.addIssue({ code: 'custom', path: ['classes'], message: 'class names must be unique' });
  m.postprocessing.largestConnectedComponent.forEach((c, i) => {
    if (!m.classes.includes(c) || c === m.classes[0]) {
      ctx.addIssue({ code: 'custom', path: ['postprocessing', 'largestConnectedComponent', i], message: `must name a foreground class (one of ${m.classes.slice(1).join(', ')})` });
    }
  });
});

/** A validated manifest, defaults filled in. */
export type ModelManifest = z.infer<typeof modelManifestSchema>;
/** A manifest as written (fields with defaults may be left out). */
export type ModelManifestInput = z.input<typeof modelManifestSchema>;
/** One ensemble member entry. */
export type EnsembleMember = z.infer<typeof ensembleMemberSchema>;
