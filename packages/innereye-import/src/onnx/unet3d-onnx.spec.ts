import { describe, expect, it } from 'vitest';
import { expectedUNet3DShapes, type UNet3DArchitecture } from '../architecture/innereye-unet3d.js';
import type { StateDict } from '../checkpoint/torch-checkpoint.js';
import { readOnnxSignature } from '@seahorse/model-package';
import { onnx } from './onnx-graph.js';
import { runOnnxOnVolume } from './onnx-run.test-helpers.js';
import { INNEREYE_BATCHNORM_EPS, buildUNet3DOnnx, foldIntoConv, phaseConvWeights } from './unet3d-onnx.js';

/** A deterministic pseudo-random state_dict for `arch` (running_var kept positive). */
function syntheticStateDict(arch: UNet3DArchitecture): StateDict {
  let seed = 12345;
  const rand = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31 - 0.5; };
  const tensors = new Map<string, { dtype: 'float32' | 'int64'; shape: number[]; data: Float32Array | undefined }>();
  for (const [key, shape] of expectedUNet3DShapes(arch)) {
    if (key.endsWith('num_batches_tracked')) { tensors.set(key, { dtype: 'int64', shape, data: undefined }); continue; }
    const n = shape.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length: n }, () => (key.endsWith('running_var') ? 0.5 + Math.abs(rand()) : rand()));
    tensors.set(key, { dtype: 'float32', shape, data });
  }
  return { file: 'synthetic.ckpt', tensors, nonTensorKeys: [] };
}

const arch: UNet3DArchitecture = { kind: 'innereye-unet3d', inputChannels: 2, initialFeatureChannels: 4, downsamplings: 2, classes: 3, kernelSize: 3, keyPrefix: 'model.' };

const literal = { batchNorm: 'node', upsampling: 'convTranspose' } as const;

describe('buildUNet3DOnnx, literal graph (BatchNormalization nodes, ConvTranspose)', () => {
  const sd = syntheticStateDict(arch);
  const bytes = buildUNet3DOnnx(sd, arch, literal);
  const model = onnx.ModelProto.decode(bytes);
  const nodes = model.graph!.node!;

  it('declares input [batch, C, z, y, x] and softmax output [batch, classes, z, y, x] with dynamic batch and spatial axes', () => {
    const sig = readOnnxSignature(bytes);
    expect(sig.inputs).toEqual([{ name: 'input', dims: ['batch', 2, 'z', 'y', 'x'] }]);
    expect(sig.outputs).toEqual([{ name: 'posteriors', dims: ['batch', 3, 'z', 'y', 'x'] }]);
    expect(JSON.parse(sig.metadata['seahorse.architecture']!)).toMatchObject({ initialFeatureChannels: 4, downsamplings: 2 });
    expect(Number(model.opsetImport![0]!.version)).toBe(17);
  });

  it('uses only Conv, BatchNormalization, ConvTranspose, Relu, Add and one final Softmax over classes', () => {
    const count = (op: string): number => nodes.filter((n) => n.opType === op).length;
    // per block: encoder 2 conv, decoder 1 convT, synthesis 3 conv; plus the output conv
    expect(count('Conv')).toBe(3 * 2 + 2 * 3 + 1);
    expect(count('ConvTranspose')).toBe(2);
    expect(count('BatchNormalization')).toBe(3 * 2 + 2 * 3);
    expect(count('Add')).toBe(3 + 2 * 2);
    expect(count('Softmax')).toBe(1);
    expect(new Set(nodes.map((n) => n.opType))).toEqual(new Set(['Conv', 'BatchNormalization', 'ConvTranspose', 'Relu', 'Add', 'Softmax']));
    const last = nodes[nodes.length - 1]!;
    expect([last.opType, last.attribute![0]!.name, Number(last.attribute![0]!.i)]).toEqual(['Softmax', 'axis', 1]);
    const bn = nodes.find((n) => n.opType === 'BatchNormalization')!;
    expect(bn.attribute!.find((a) => a.name === 'epsilon')!.f).toBeCloseTo(INNEREYE_BATCHNORM_EPS, 12);
    const up = nodes.find((n) => n.opType === 'ConvTranspose')!;
    const ints = (name: string): number[] => up.attribute!.find((a) => a.name === name)!.ints!.map(Number);
    expect([ints('kernel_shape'), ints('strides'), ints('pads')]).toEqual([[4, 4, 4], [2, 2, 2], [1, 1, 1, 1, 1, 1]]);
    const strided = nodes.filter((n) => n.opType === 'Conv' && n.attribute!.find((a) => a.name === 'strides')!.ints!.map(Number)[0] === 2);
    expect(strided.map((n) => n.name)).toEqual(['_layers.1.block1.conv1', '_layers.2.block1.conv1']);
  });

  it('runs on volumes of different sizes (multiples of 2^downsamplings) and keeps their spatial shape', async () => {
    for (const shape of [[4, 8, 12], [8, 4, 4]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const { data, dims } = await runOnnxOnVolume(bytes, Float32Array.from({ length: 2 * n }, (_, i) => Math.sin(i)), [2, ...shape]);
      expect(dims).toEqual([1, 3, ...shape]);
      for (let i = 0; i < n; i++) expect(data[i]! + data[n + i]! + data[2 * n + i]!).toBeCloseTo(1, 5);
    }
  });

  it('batchNorm "fold" removes every BatchNormalization and gives the same posteriors within 1e-5', async () => {
    const folded = buildUNet3DOnnx(sd, arch, { batchNorm: 'fold', upsampling: 'convTranspose' });
    expect(onnx.ModelProto.decode(folded).graph!.node!.some((n) => n.opType === 'BatchNormalization')).toBe(false);
    const input = Float32Array.from({ length: 2 * 8 * 8 * 8 }, (_, i) => Math.cos(i * 0.37));
    const a = await runOnnxOnVolume(bytes, input, [2, 8, 8, 8]);
    const b = await runOnnxOnVolume(folded, input, [2, 8, 8, 8]);
    let max = 0;
    for (let i = 0; i < a.data.length; i++) max = Math.max(max, Math.abs(a.data[i]! - b.data[i]!));
    expect(max).toBeLessThan(1e-5);
  });
});

describe('buildUNet3DOnnx, default graph (BatchNorm folded, ConvTranspose as its phase decomposition)', () => {
  const sd = syntheticStateDict(arch);
  const bytes = buildUNet3DOnnx(sd, arch);
  const nodes = onnx.ModelProto.decode(bytes).graph!.node!;
  const input = Float32Array.from({ length: 2 * 8 * 12 * 4 }, (_, i) => Math.cos(i * 0.37) + 0.3 * Math.sin(i * 1.7));

  it('has no BatchNormalization and no ConvTranspose; each decoder is one 2×2×2 Conv with 8× the channels, then the interleave', () => {
    const count = (op: string): number => nodes.filter((n) => n.opType === op).length;
    expect(count('BatchNormalization')).toBe(0);
    expect(count('ConvTranspose')).toBe(0);
    expect(count('Conv')).toBe(3 * 2 + 2 * 3 + 1 + 2);
    expect(count('Transpose')).toBe(2);
    const metadata = readOnnxSignature(bytes).metadata;
    expect([metadata['seahorse.batchNorm'], metadata['seahorse.upsampling']]).toEqual(['fold', 'phase']);
    const phases = nodes.filter((n) => n.name!.endsWith('upsample_block.0.phases'));
    expect(phases.map((n) => n.name)).toEqual(['_layers.3.upsample_block.0.phases', '_layers.5.upsample_block.0.phases']);
    const ints = (n: (typeof nodes)[number], name: string): number[] => n.attribute!.find((a) => a.name === name)!.ints!.map(Number);
    expect([ints(phases[0]!, 'kernel_shape'), ints(phases[0]!, 'strides'), ints(phases[0]!, 'pads')]).toEqual([[2, 2, 2], [1, 1, 1], [1, 1, 1, 1, 1, 1]]);
    const init = onnx.ModelProto.decode(bytes).graph!.initializer!.find((t) => t.name === phases[0]!.input![1])!;
    expect(init.dims!.map(Number)).toEqual([8 * 8, 16, 2, 2, 2]); // decoder 16 → 8 channels
  });

  it('gives the literal graph\'s posteriors within 1e-5, on a non-cubic volume', async () => {
    const a = await runOnnxOnVolume(buildUNet3DOnnx(sd, arch, literal), input, [2, 8, 12, 4]);
    const b = await runOnnxOnVolume(bytes, input, [2, 8, 12, 4]);
    expect(b.dims).toEqual(a.dims);
    let max = 0;
    for (let i = 0; i < a.data.length; i++) max = Math.max(max, Math.abs(a.data[i]! - b.data[i]!));
    expect(max).toBeLessThan(1e-5);
  });

  it('upsampling "phase" with batchNorm "node" (BatchNorm after the interleave) gives the same posteriors too', async () => {
    const a = await runOnnxOnVolume(buildUNet3DOnnx(sd, arch, literal), input, [2, 8, 12, 4]);
    const phaseOnly = buildUNet3DOnnx(sd, arch, { batchNorm: 'node', upsampling: 'phase' });
    expect(onnx.ModelProto.decode(phaseOnly).graph!.node!.filter((n) => n.opType === 'BatchNormalization')).toHaveLength(3 * 2 + 2 * 3);
    const b = await runOnnxOnVolume(phaseOnly, input, [2, 8, 12, 4]);
    let max = 0;
    for (let i = 0; i < a.data.length; i++) max = Math.max(max, Math.abs(a.data[i]! - b.data[i]!));
    expect(max).toBeLessThan(1e-5);
  });
});

describe('phaseConvWeights', () => {
  it('maps tap a of phase s to ConvTranspose tap 2 + s − 2a on each axis, using every weight once', () => {
    const w = Float32Array.from({ length: 64 }, (_, i) => i + 1);
    const pw = phaseConvWeights(w, [1, 1, 4, 4, 4]);
    expect(pw).toHaveLength(8 * 8);
    // phase (sz, sy, sx) = (1, 0, 1): taps a → w[2 + s − 2a]
    const at = (sz: number, sy: number, sx: number, az: number, ay: number, ax: number): number => pw[(sz * 4 + sy * 2 + sx) * 8 + az * 4 + ay * 2 + ax]!;
    const wt = (kz: number, ky: number, kx: number): number => w[kz * 16 + ky * 4 + kx]!;
    expect(at(1, 0, 1, 0, 0, 0)).toBe(wt(3, 2, 3));
    expect(at(1, 0, 1, 1, 1, 1)).toBe(wt(1, 0, 1));
    expect(at(0, 1, 0, 1, 0, 1)).toBe(wt(0, 3, 0));
    // every ConvTranspose weight appears exactly once
    expect([...pw].sort((a, b) => a - b)).toEqual([...w]);
    expect(() => phaseConvWeights(new Float32Array(27), [1, 1, 3, 3, 3])).toThrow(/\[ci, co, 4, 4, 4\]/);
  });
});

describe('foldIntoConv', () => {
  it('scales each output channel by γ/√(σ²+ε) and shifts the bias, on the output axis of Conv and ConvTranspose', () => {
    const bn = { gamma: Float32Array.of(2, 0.5), beta: Float32Array.of(1, -1), mean: Float32Array.of(3, -2), variance: Float32Array.of(4, 0.25) };
    const s = [2 / Math.sqrt(4 + 1e-5), 0.5 / Math.sqrt(0.25 + 1e-5)];
    // Conv [out=2, in=1, 1, 1, 2]
    const conv = foldIntoConv(Float32Array.of(1, 2, 3, 4), [2, 1, 1, 1, 2], 0, undefined, bn);
    expect(Array.from(conv.weight)).toEqual([1 * s[0]!, 2 * s[0]!, 3 * s[1]!, 4 * s[1]!].map(Math.fround));
    expect(Array.from(conv.bias)).toEqual([-3 * s[0]! + 1, 2 * s[1]! - 1].map(Math.fround));
    // ConvTranspose [in=2, out=2, 1, 1, 1] with bias
    const convT = foldIntoConv(Float32Array.of(1, 2, 3, 4), [2, 2, 1, 1, 1], 1, Float32Array.of(10, 20), bn);
    expect(Array.from(convT.weight)).toEqual([1 * s[0]!, 2 * s[1]!, 3 * s[0]!, 4 * s[1]!].map(Math.fround));
    expect(Array.from(convT.bias)).toEqual([(10 - 3) * s[0]! + 1, (20 + 2) * s[1]! - 1].map(Math.fround));
  });
});
