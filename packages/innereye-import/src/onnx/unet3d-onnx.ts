/**
 * Writes an InnerEye UNet3D (weights from a state_dict) as an ONNX graph whose output is the softmax
 * posteriors, as `SegmentationLightning.forward` returns them.
 *
 * Graph input `input`: float32 `[batch, C, z, y, x]` (ZYX array order, as InnerEye feeds it); output
 * `posteriors`: float32 `[batch, classes, z, y, x]`. Batch and spatial axes are dynamic; each spatial
 * size must be a multiple of `2^downsamplings` (16 for Hippocampus) for the skip additions to line up.
 */

import type { OnnxDim } from '@seahorse/model-package';
import type { UNet3DArchitecture } from '../architecture/innereye-unet3d.js';
import type { StateDict } from '../checkpoint/torch-checkpoint.js';
import { OnnxGraphBuilder } from './onnx-graph.js';

/** BatchNorm3d epsilon of InnerEye's UNet3D (PyTorch's default). */
export const INNEREYE_BATCHNORM_EPS = 1e-5;

/** Options for {@link buildUNet3DOnnx}. */
export interface UNet3DOnnxOptions {
  /**
   * `'node'` (default): one ONNX BatchNormalization (inference mode, eps 1e-5) per BatchNorm3d, a
   * faithful transcription. `'fold'`: BatchNorm folded into the preceding convolution(s) in float64,
   * then rounded to float32 (fewer nodes; results differ from `'node'` by float rounding only).
   */
  batchNorm?: 'node' | 'fold';
  /** Graph name. Default `'innereye_unet3d'`. */
  graphName?: string;
  /** Extra `metadata_props` (e.g. the source checkpoint). */
  metadata?: Record<string, string>;
}

/** Graph input name of every Seahorse model. */
export const ONNX_INPUT_NAME = 'input';
/** Graph output name of every Seahorse model: softmax posteriors. */
export const ONNX_OUTPUT_NAME = 'posteriors';

interface BatchNormWeights {
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
}

/**
 * Builds the ONNX model of an InnerEye UNet3D.
 *
 * Per block (ONNX ops): encoder `x1 = Relu(BN(Conv(x, stride s)))`, `out = Relu(BN(Conv(x1))) + x1`;
 * decoder `Relu(BN(ConvTranspose(x, k4 s2 p1)))`; synthesis `h = Relu(BN(Conv(x) + Conv(skip)))`,
 * `out = Relu(BN(Conv(h))) + h`; then a 1×1×1 Conv with bias and `Softmax(axis=1)`.
 *
 * @param sd - A state_dict that matches `arch` (checked by `inferUNet3DArchitecture`).
 * @param arch - The architecture.
 * @param options - See {@link UNet3DOnnxOptions}.
 * @returns The encoded ONNX `ModelProto` bytes.
 * @throws Error when a tensor `arch` needs is missing from `sd` (call `inferUNet3DArchitecture` first).
 * @example
 * ```ts
 * const sd = await readStateDict('last.ckpt');
 * const bytes = buildUNet3DOnnx(sd, inferUNet3DArchitecture(sd));
 * await writeFile('member.onnx', bytes);
 * ```
 */
export function buildUNet3DOnnx(sd: StateDict, arch: UNet3DArchitecture, options: UNet3DOnnxOptions = {}): Uint8Array {
  const fold = (options.batchNorm ?? 'node') === 'fold';
  const p = arch.keyPrefix;
  const g = new OnnxGraphBuilder(options.graphName ?? 'innereye_unet3d');
  const tensor = (key: string): { shape: number[]; data: Float32Array } => {
    const t = sd.tensors.get(`${p}${key}`);
    if (!t?.data) throw new Error(`${sd.file}: state_dict key ${p}${key} is missing or not floating-point`);
    return { shape: t.shape, data: t.data };
  };
  const bnWeights = (module: string): BatchNormWeights => ({
    gamma: tensor(`${module}.weight`).data,
    beta: tensor(`${module}.bias`).data,
    mean: tensor(`${module}.running_mean`).data,
    variance: tensor(`${module}.running_var`).data,
  });
  const init = (key: string): string => {
    const t = tensor(key);
    return g.addInitializer(`${p}${key}`, t.shape, t.data);
  };
  const convAttrs = (kernel: number, stride: number, pad: number) => ({
    kernel_shape: { ints: [kernel, kernel, kernel] },
    strides: { ints: [stride, stride, stride] },
    pads: { ints: [pad, pad, pad, pad, pad, pad] },
    dilations: { ints: [1, 1, 1] },
    group: { int: 1 },
  });
  const batchNormNode = (module: string, x: string): string =>
    g.addNode('BatchNormalization', module, [x, init(`${module}.weight`), init(`${module}.bias`), init(`${module}.running_mean`), init(`${module}.running_var`)],
      { epsilon: { float: INNEREYE_BATCHNORM_EPS } });

  /** Conv (no bias) → BN → Relu, as InnerEye's `BasicLayer`. */
  const basicLayer = (module: string, x: string, stride: number): string => {
    const conv = `${module}.conv1`;
    const attrs = convAttrs(3, stride, 1);
    if (fold) {
      const w = tensor(`${conv}.weight`);
      const folded = foldIntoConv(w.data, w.shape, 0, undefined, bnWeights(`${module}.bn1`));
      const wName = g.addInitializer(`${p}${conv}.weight`, w.shape, folded.weight);
      const bName = g.addInitializer(`${p}${conv}.bias`, [w.shape[0]!], folded.bias);
      return g.addNode('Relu', `${module}.relu`, [g.addNode('Conv', conv, [x, wName, bName], attrs)]);
    }
    const c = g.addNode('Conv', conv, [x, init(`${conv}.weight`)], attrs);
    return g.addNode('Relu', `${module}.relu`, [batchNormNode(`${module}.bn1`, c)]);
  };

  const encoderBlock = (i: number, x: string): string => {
    const m = `_layers.${i}`;
    const x1 = basicLayer(`${m}.block1`, x, i === 0 ? 1 : 2);
    const x2 = basicLayer(`${m}.block2`, x1, 1);
    return g.addNode('Add', `${m}.add`, [x2, x1]);
  };

  const decoderBlock = (i: number, x: string): string => {
    const m = `_layers.${i}.upsample_block`;
    const attrs = { kernel_shape: { ints: [4, 4, 4] }, strides: { ints: [2, 2, 2] }, pads: { ints: [1, 1, 1, 1, 1, 1] }, group: { int: 1 } };
    if (fold) {
      const w = tensor(`${m}.0.weight`);
      const b = tensor(`${m}.0.bias`);
      const folded = foldIntoConv(w.data, w.shape, 1, b.data, bnWeights(`${m}.1`));
      const wName = g.addInitializer(`${p}${m}.0.weight`, w.shape, folded.weight);
      const bName = g.addInitializer(`${p}${m}.0.bias`, b.shape, folded.bias);
      return g.addNode('Relu', `${m}.2`, [g.addNode('ConvTranspose', `${m}.0`, [x, wName, bName], attrs)]);
    }
    const up = g.addNode('ConvTranspose', `${m}.0`, [x, init(`${m}.0.weight`), init(`${m}.0.bias`)], attrs);
    return g.addNode('Relu', `${m}.2`, [batchNormNode(`${m}.1`, up)]);
  };

  const synthesisBlock = (i: number, x: string, skip: string): string => {
    const m = `_layers.${i}`;
    const attrs = convAttrs(3, 1, 1);
    let summed: string;
    if (fold) {
      const bn = bnWeights(`${m}.activation_block.0`);
      const w1 = tensor(`${m}.conv1.conv1.weight`);
      const w2 = tensor(`${m}.conv2.conv1.weight`);
      const f1 = foldIntoConv(w1.data, w1.shape, 0, undefined, bn);
      const f2 = foldIntoConv(w2.data, w2.shape, 0, undefined, { ...bn, beta: new Float32Array(bn.beta.length), mean: new Float32Array(bn.mean.length) });
      const c1 = g.addNode('Conv', `${m}.conv1.conv1`, [x,
        g.addInitializer(`${p}${m}.conv1.conv1.weight`, w1.shape, f1.weight),
        g.addInitializer(`${p}${m}.conv1.conv1.bias`, [w1.shape[0]!], f1.bias)], attrs);
      const c2 = g.addNode('Conv', `${m}.conv2.conv1`, [skip, g.addInitializer(`${p}${m}.conv2.conv1.weight`, w2.shape, f2.weight)], attrs);
      summed = g.addNode('Add', `${m}.add_skip`, [c1, c2]);
    } else {
      const c1 = g.addNode('Conv', `${m}.conv1.conv1`, [x, init(`${m}.conv1.conv1.weight`)], attrs);
      const c2 = g.addNode('Conv', `${m}.conv2.conv1`, [skip, init(`${m}.conv2.conv1.weight`)], attrs);
      summed = batchNormNode(`${m}.activation_block.0`, g.addNode('Add', `${m}.add_skip`, [c1, c2]));
    }
    const h = g.addNode('Relu', `${m}.activation_block.1`, [summed]);
    const h2 = basicLayer(`${m}.block2`, h, 1);
    return g.addNode('Add', `${m}.add`, [h2, h]);
  };

  let x = ONNX_INPUT_NAME;
  const skips: string[] = [];
  const d = arch.downsamplings;
  for (let i = 0; i <= d; i++) {
    x = encoderBlock(i, x);
    if (i < d) skips.push(x);
  }
  for (let j = 0; j < d; j++) {
    x = decoderBlock(d + 1 + 2 * j, x);
    x = synthesisBlock(d + 2 + 2 * j, x, skips.pop()!);
  }
  const logits = g.addNode('Conv', 'output_layer', [x, init('output_layer.weight'), init('output_layer.bias')], convAttrs(1, 1, 0));
  const out = g.addNode('Softmax', ONNX_OUTPUT_NAME, [logits], { axis: { int: 1 } });

  const dims = (channels: number): OnnxDim[] => ['batch', channels, 'z', 'y', 'x'];
  return g.encode(
    { name: ONNX_INPUT_NAME, dims: dims(arch.inputChannels) },
    { name: out, dims: dims(arch.classes) },
    {
      'seahorse.architecture': JSON.stringify({
        kind: arch.kind, inputChannels: arch.inputChannels, initialFeatureChannels: arch.initialFeatureChannels,
        downsamplings: arch.downsamplings, classes: arch.classes,
      }),
      'seahorse.batchNorm': fold ? 'fold' : 'node',
      ...options.metadata,
    },
    'InnerEye UNet3D converted by Seahorse; input [batch, C, z, y, x] float32, output softmax posteriors [batch, classes, z, y, x].',
  );
}

/**
 * Folds an inference-mode BatchNorm into the convolution before it, in float64:
 * `s = γ / √(σ² + ε)`, `w' = w·s` along the output-channel axis, `b' = (b − μ)·s + β`.
 *
 * @param weight - Row-major conv weights.
 * @param shape - Weight shape: `[out, in, k, k, k]` (Conv) or `[in, out, k, k, k]` (ConvTranspose).
 * @param outAxis - 0 for Conv, 1 for ConvTranspose.
 * @param bias - The conv's bias, or `undefined` for none (treated as 0).
 */
export function foldIntoConv(
  weight: Float32Array, shape: readonly number[], outAxis: 0 | 1, bias: Float32Array | undefined, bn: BatchNormWeights,
): { weight: Float32Array; bias: Float32Array } {
  const outChannels = shape[outAxis]!;
  const scale = new Float64Array(outChannels);
  const newBias = new Float32Array(outChannels);
  for (let o = 0; o < outChannels; o++) {
    scale[o] = bn.gamma[o]! / Math.sqrt(bn.variance[o]! + INNEREYE_BATCHNORM_EPS);
    newBias[o] = ((bias?.[o] ?? 0) - bn.mean[o]!) * scale[o]! + bn.beta[o]!;
  }
  const inner = shape.slice(outAxis + 1).reduce((a, b) => a * b, 1); // elements per output channel per outer index
  const out = new Float32Array(weight.length);
  for (let i = 0; i < weight.length; i++) out[i] = weight[i]! * scale[Math.floor(i / inner) % outChannels]!;
  return { weight: out, bias: newBias };
}
