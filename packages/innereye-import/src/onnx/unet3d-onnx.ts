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
   * `'fold'` (default): every BatchNorm folded into the convolution(s) before it, in float64, then
   * rounded to float32; the BatchNorm after a synthesis block's addition folds into both
   * convolutions that feed the addition. `'node'`: one ONNX BatchNormalization (inference mode,
   * eps 1e-5) per BatchNorm3d, a literal transcription. Results differ by float rounding only.
   */
  batchNorm?: 'node' | 'fold';
  /**
   * The decoder's ConvTranspose3d (kernel 4, stride 2, padding 1). `'phase'` (default): its phase
   * (sub-pixel) decomposition, eight stride-1 2×2×2 convolutions, one per output parity, written as
   * one Conv with 8× the output channels whose outputs are interleaved by Reshape → Transpose →
   * Reshape → Slice (see {@link phaseConvWeights}); onnxruntime's Conv is much faster than its
   * ConvTranspose and needs no col2im buffer. `'convTranspose'`: the literal ConvTranspose node.
   */
  upsampling?: 'phase' | 'convTranspose';
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
 * decoder `Relu(BN(ConvTranspose(x, k4 s2 p1)))` (by default its phase decomposition, see
 * {@link phaseConvWeights}, with BN folded); synthesis `h = Relu(BN(Conv(x) + Conv(skip)))`,
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
  const fold = (options.batchNorm ?? 'fold') === 'fold';
  const phase = (options.upsampling ?? 'phase') === 'phase';
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
    if (phase) {
      const w = tensor(`${m}.0.weight`);
      const b = tensor(`${m}.0.bias`);
      const folded = fold ? foldIntoConv(w.data, w.shape, 1, b.data, bnWeights(`${m}.1`)) : { weight: w.data, bias: b.data };
      const co = w.shape[1]!;
      const wName = g.addInitializer(`${p}${m}.0.phase_weight`, [8 * co, w.shape[0]!, 2, 2, 2], phaseConvWeights(folded.weight, w.shape));
      const bName = g.addInitializer(`${p}${m}.0.phase_bias`, [8 * co], phaseBias(folded.bias));
      const conv = g.addNode('Conv', `${m}.0.phases`, [x, wName, bName], convAttrs(2, 1, 1));
      // with BN folded, Relu commutes with the interleave: Conv+Relu fuse, and the copies see activations
      const phases = fold ? g.addNode('Relu', `${m}.2`, [conv]) : conv;
      const up = interleavePhases(g, m, phases, co);
      return fold ? up : g.addNode('Relu', `${m}.2`, [batchNormNode(`${m}.1`, up)]);
    }
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
      'seahorse.upsampling': phase ? 'phase' : 'convTranspose',
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

/**
 * The phase (sub-pixel) decomposition of a ConvTranspose with kernel 4, stride 2 and padding 1, as
 * the weights of one stride-1 Conv with kernel 2 and padding 1 on every side.
 *
 * Per axis, the transposed convolution gives `y[2m] = x[m]·w[1] + x[m−1]·w[3]` and
 * `y[2m+1] = x[m+1]·w[0] + x[m]·w[2]`. A 2-tap Conv with padding 1 reads `x[j−1], x[j]` at its output
 * `j ∈ [0, n]`; its tap `a` takes `w[2 + s − 2a]`, where `s = 1` gives the even outputs (`y[2j]`) and
 * `s = 0` the odd ones (`y[2j−1]`). Laid out as `T[j, s]` and flattened, `y[q] = T_flat[q + 1]`:
 * the interleave is a reshape and a slice of one element at each end of each axis.
 *
 * @param weight - ConvTranspose weights, row-major `[ci, co, 4, 4, 4]`.
 * @param shape - `[ci, co, 4, 4, 4]`.
 * @returns Conv weights `[8·co, ci, 2, 2, 2]`; output channel `(sz·4 + sy·2 + sx)·co + o`.
 */
export function phaseConvWeights(weight: Float32Array, shape: readonly number[]): Float32Array {
  const [ci, co, ...k] = shape as [number, number, number, number, number];
  if (k.some((v) => v !== 4) || weight.length !== ci * co * 64) {
    throw new Error(`phase decomposition needs ConvTranspose weights [ci, co, 4, 4, 4], got ${JSON.stringify(shape)}`);
  }
  const out = new Float32Array(8 * co * ci * 8);
  let n = 0;
  for (let sz = 0; sz < 2; sz++) for (let sy = 0; sy < 2; sy++) for (let sx = 0; sx < 2; sx++) {
    for (let o = 0; o < co; o++) for (let i = 0; i < ci; i++) {
      for (let az = 0; az < 2; az++) for (let ay = 0; ay < 2; ay++) for (let ax = 0; ax < 2; ax++) {
        const kz = 2 + sz - 2 * az;
        const ky = 2 + sy - 2 * ay;
        const kx = 2 + sx - 2 * ax;
        out[n++] = weight[(((i * co + o) * 4 + kz) * 4 + ky) * 4 + kx]!;
      }
    }
  }
  return out;
}

/** The bias of {@link phaseConvWeights}' Conv: the ConvTranspose's bias, once per phase. */
export function phaseBias(bias: Float32Array): Float32Array {
  const out = new Float32Array(8 * bias.length);
  for (let g = 0; g < 8; g++) out.set(bias, g * bias.length);
  return out;
}

/**
 * Interleaves the phase Conv's output `[B, 8·co, Z+1, Y+1, X+1]` into `[B, co, 2Z, 2Y, 2X]`:
 * Reshape `[B, sz, sy, sx, co, Z+1, Y+1, X+1]`, Transpose to `[B, co, Z+1, sz, Y+1, sy, X+1, sx]`,
 * Reshape `[B, co, 2Z+2, 2Y+2, 2X+2]`, Slice `1 … −1` on each spatial axis.
 */
function interleavePhases(g: OnnxGraphBuilder, module: string, phases: string, co: number): string {
  const n = `${module}.interleave`;
  const batch = g.addNode('Shape', `${n}.batch`, [phases], { start: { int: 0 }, end: { int: 1 } });
  const spatial = g.addNode('Shape', `${n}.spatial`, [phases], { start: { int: 2 } });
  const split = g.addNode('Concat', `${n}.split_shape`, [batch, g.addInt64Initializer(`${n}.phase_dims`, [2, 2, 2, co]), spatial], { axis: { int: 0 } });
  const doubled = g.addNode('Mul', `${n}.doubled`, [spatial, g.addInt64Initializer(`${n}.two`, [2])]);
  const merged = g.addNode('Concat', `${n}.merged_shape`, [batch, g.addInt64Initializer(`${n}.channels`, [co]), doubled], { axis: { int: 0 } });
  const r8 = g.addNode('Reshape', `${n}.split`, [phases, split]);
  const t = g.addNode('Transpose', `${n}.transpose`, [r8], { perm: { ints: [0, 4, 5, 1, 6, 2, 7, 3] } });
  const r5 = g.addNode('Reshape', `${n}.merge`, [t, merged]);
  return g.addNode('Slice', `${n}.crop`, [r5,
    g.addInt64Initializer(`${n}.starts`, [1, 1, 1]), g.addInt64Initializer(`${n}.ends`, [-1, -1, -1]), g.addInt64Initializer(`${n}.axes`, [2, 3, 4])]);
}
