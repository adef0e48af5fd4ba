/**
 * InnerEye's `UNet3D` (InnerEye/ML/models/architectures/unet_3d.py) as seen through its state_dict:
 * inferring the hyper-parameters from tensor shapes, and checking every key and shape against them.
 *
 * Layer list `_layers` for D downsamplings and F initial feature channels (channels double per level):
 * - `0 … D`: encoder blocks; block i maps `i = 0 ? inputChannels : F·2^(i-1)` → `F·2^i` channels,
 *   stride 2 for i ≥ 1;
 * - then for j = 0 … D-1: a decoder block at `D+1+2j` (ConvTranspose `F·2^(D-j)` → `F·2^(D-j-1)`)
 *   and a synthesis block at `D+2+2j` on `F·2^(D-j-1)` channels;
 * - `output_layer`: 1×1×1 conv `F` → classes, with bias.
 */

import { isFloatingDType, type StateDict } from '../checkpoint/torch-checkpoint.js';
import { ArchitectureMismatchError, type ArchitectureProblem } from './errors.js';

/** The hyper-parameters of an InnerEye UNet3D, as read from its state_dict. */
export interface UNet3DArchitecture {
  kind: 'innereye-unet3d';
  /** Image channels of the input `[B, C, Z, Y, X]` (1 for Hippocampus). */
  inputChannels: number;
  /** Feature channels of the first encoder block (16 for Hippocampus); level i has `F·2^i`. */
  initialFeatureChannels: number;
  /** Number of stride-2 encoder blocks (4 for Hippocampus); spatial sizes must be multiples of `2^downsamplings`. */
  downsamplings: number;
  /** Output classes, background included (3 for Hippocampus). */
  classes: number;
  /** Convolution kernel size (always 3 for InnerEye's UNet3D). */
  kernelSize: 3;
  /** Prefix of every key, `'model.'` in Lightning checkpoints, `''` in a bare UNet3D state_dict. */
  keyPrefix: string;
}

/** BatchNorm3d tensors; `num_batches_tracked` is checked when present (old checkpoints lack it). */
const BN_PARAMS = ['weight', 'bias', 'running_mean', 'running_var'] as const;

/**
 * Every state_dict key of a UNet3D with these hyper-parameters, with its shape, in module order.
 * `num_batches_tracked` entries have shape `[]`.
 *
 * @example
 * ```ts
 * const shapes = expectedUNet3DShapes({ kind: 'innereye-unet3d', inputChannels: 1, initialFeatureChannels: 16,
 *   downsamplings: 4, classes: 3, kernelSize: 3, keyPrefix: 'model.' });
 * shapes.size; // 142
 * shapes.get('model.output_layer.weight'); // [3, 16, 1, 1, 1]
 * ```
 */
export function expectedUNet3DShapes(arch: UNet3DArchitecture): Map<string, number[]> {
  const { inputChannels: cin, initialFeatureChannels: f, downsamplings: d, classes, keyPrefix: p } = arch;
  const k = arch.kernelSize;
  const out = new Map<string, number[]>();
  const conv = (name: string, co: number, ci: number): void => { out.set(`${name}.weight`, [co, ci, k, k, k]); };
  const bn = (name: string, c: number): void => {
    for (const param of BN_PARAMS) out.set(`${name}.${param}`, [c]);
    out.set(`${name}.num_batches_tracked`, []);
  };
  for (let i = 0; i <= d; i++) {
    const ci = i === 0 ? cin : f * 2 ** (i - 1);
    const co = f * 2 ** i;
    conv(`${p}_layers.${i}.block1.conv1`, co, ci);
    bn(`${p}_layers.${i}.block1.bn1`, co);
    conv(`${p}_layers.${i}.block2.conv1`, co, co);
    bn(`${p}_layers.${i}.block2.bn1`, co);
  }
  for (let j = 0; j < d; j++) {
    const dec = d + 1 + 2 * j;
    const ci = f * 2 ** (d - j);
    const c = f * 2 ** (d - j - 1);
    out.set(`${p}_layers.${dec}.upsample_block.0.weight`, [ci, c, 4, 4, 4]);
    out.set(`${p}_layers.${dec}.upsample_block.0.bias`, [c]);
    bn(`${p}_layers.${dec}.upsample_block.1`, c);
    const syn = dec + 1;
    conv(`${p}_layers.${syn}.conv1.conv1`, c, c);
    conv(`${p}_layers.${syn}.conv2.conv1`, c, c);
    bn(`${p}_layers.${syn}.activation_block.0`, c);
    conv(`${p}_layers.${syn}.block2.conv1`, c, c);
    bn(`${p}_layers.${syn}.block2.bn1`, c);
  }
  out.set(`${p}output_layer.weight`, [classes, f, 1, 1, 1]);
  out.set(`${p}output_layer.bias`, [classes]);
  return out;
}

const fmt = (shape: readonly number[] | undefined): string => (shape ? `[${shape.join(',')}]` : 'absent');

/**
 * Reads InnerEye UNet3D hyper-parameters from a state_dict's keys and shapes, then checks every key
 * and shape against the architecture they imply (like `load_state_dict(strict=True)`).
 *
 * Identification: the key `<prefix>_layers.0.block1.conv1.weight` (`[F, C, 3, 3, 3]`) gives the
 * prefix, F and C; the number of consecutive encoder blocks `_layers.i.block1.conv1.weight` gives
 * `downsamplings + 1`; `<prefix>output_layer.weight` gives the classes.
 *
 * @param sd - The state_dict (see `readStateDict`).
 * @returns The {@link UNet3DArchitecture}.
 * @throws ArchitectureMismatchError `NOT_UNET3D` when the identifying keys are absent or malformed;
 *   `ARCHITECTURE_MISMATCH` listing every missing, unexpected, mis-shaped or non-floating tensor,
 *   each with what was expected and what was found.
 * @example
 * ```ts
 * const arch = inferUNet3DArchitecture(await readStateDict('last.ckpt'));
 * // { inputChannels: 1, initialFeatureChannels: 16, downsamplings: 4, classes: 3, … }
 * ```
 */
export function inferUNet3DArchitecture(sd: StateDict): UNet3DArchitecture {
  const firstKey = [...sd.tensors.keys()].find((key) => /(^|\.)_layers\.0\.block1\.conv1\.weight$/.test(key));
  if (firstKey === undefined) {
    const found = [...sd.tensors.keys()].slice(0, 3).join(', ') || '(no tensors)';
    throw new ArchitectureMismatchError('NOT_UNET3D', sd.file,
      [{ kind: 'missing', key: 'model._layers.0.block1.conv1.weight', expected: '[F,C,3,3,3]', found: `absent; first keys are ${found}` }],
      'not an InnerEye UNet3D: its first encoder convolution is missing');
  }
  const keyPrefix = firstKey.slice(0, firstKey.length - '_layers.0.block1.conv1.weight'.length);
  const w0 = sd.tensors.get(firstKey)!;
  if (w0.shape.length !== 5 || w0.shape[2] !== 3 || w0.shape[3] !== 3 || w0.shape[4] !== 3) {
    throw new ArchitectureMismatchError('NOT_UNET3D', sd.file,
      [{ kind: 'shape', key: firstKey, expected: '[F,C,3,3,3]', found: fmt(w0.shape) }],
      'not an InnerEye UNet3D with kernel size 3');
  }
  let encoders = 0;
  while (sd.tensors.has(`${keyPrefix}_layers.${encoders}.block1.conv1.weight`)) encoders++;
  const outputWeight = sd.tensors.get(`${keyPrefix}output_layer.weight`);
  if (!outputWeight || outputWeight.shape.length !== 5) {
    throw new ArchitectureMismatchError('NOT_UNET3D', sd.file,
      [{ kind: outputWeight ? 'shape' : 'missing', key: `${keyPrefix}output_layer.weight`, expected: '[classes,F,1,1,1]', found: fmt(outputWeight?.shape) }],
      'not an InnerEye UNet3D: its output layer is missing or not a 3-D convolution');
  }
  if (encoders < 2) {
    throw new ArchitectureMismatchError('NOT_UNET3D', sd.file,
      [{ kind: 'missing', key: `${keyPrefix}_layers.1.block1.conv1.weight`, expected: 'at least one downsampling encoder block', found: 'absent' }],
      'not an InnerEye UNet3D: no downsampling path');
  }
  const arch: UNet3DArchitecture = {
    kind: 'innereye-unet3d',
    inputChannels: w0.shape[1]!,
    initialFeatureChannels: w0.shape[0]!,
    downsamplings: encoders - 1,
    classes: outputWeight.shape[0]!,
    kernelSize: 3,
    keyPrefix,
  };
  const problems = compareWithArchitecture(sd, arch);
  if (problems.length > 0) {
    throw new ArchitectureMismatchError('ARCHITECTURE_MISMATCH', sd.file, problems,
      `${problems.length} difference(s) from the InnerEye UNet3D its first layers imply ` +
      `(input channels ${arch.inputChannels}, initial feature channels ${arch.initialFeatureChannels}, ` +
      `downsamplings ${arch.downsamplings}, classes ${arch.classes}):`);
  }
  return arch;
}

/**
 * Lists every difference between a state_dict and the keys and shapes of `arch`.
 * @returns An empty list when the state_dict matches exactly (a missing `num_batches_tracked` is allowed).
 */
export function compareWithArchitecture(sd: StateDict, arch: UNet3DArchitecture): ArchitectureProblem[] {
  const expected = expectedUNet3DShapes(arch);
  const problems: ArchitectureProblem[] = [];
  for (const [key, shape] of expected) {
    const t = sd.tensors.get(key);
    const optional = key.endsWith('.num_batches_tracked');
    if (!t) {
      if (!optional) problems.push({ kind: 'missing', key, expected: fmt(shape), found: 'absent' });
      continue;
    }
    if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i])) {
      problems.push({ kind: 'shape', key, expected: fmt(shape), found: fmt(t.shape) });
    } else if (!optional && !isFloatingDType(t.dtype)) {
      problems.push({ kind: 'dtype', key, expected: 'a floating-point tensor', found: t.dtype });
    }
  }
  for (const key of sd.tensors.keys()) {
    if (!expected.has(key)) problems.push({ kind: 'unexpected', key, expected: 'absent', found: fmt(sd.tensors.get(key)!.shape) });
  }
  for (const key of sd.nonTensorKeys) problems.push({ kind: 'unexpected', key, expected: 'absent', found: 'a non-tensor value' });
  return problems;
}
