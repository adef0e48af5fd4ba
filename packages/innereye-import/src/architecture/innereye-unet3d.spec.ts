import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWithSharedData, runPythonReference, sharedPath } from '@seahorse/testkit';
import { SHARED_CHECKPOINTS, TINY_LAST_CHECKPOINT } from '../checkpoint/shared-checkpoints.test-helpers.js';
import { readStateDict, type StateDict } from '../checkpoint/torch-checkpoint.js';
import { ArchitectureMismatchError } from './errors.js';
import { expectedUNet3DShapes, inferUNet3DArchitecture } from './innereye-unet3d.js';

const mismatch = (fn: () => unknown): ArchitectureMismatchError => {
  try { fn(); } catch (err) { expect(err).toBeInstanceOf(ArchitectureMismatchError); return err as ArchitectureMismatchError; }
  throw new Error('no ArchitectureMismatchError thrown');
};

describeWithSharedData('UNet3D architecture from the shared checkpoints (widths 4/8/16, depths 2/3/4)', SHARED_CHECKPOINTS.map((c) => c.relative), () => {
  for (const c of SHARED_CHECKPOINTS) {
    it(`${c.relative} is UNet3D with ${c.arch.initialFeatureChannels} initial channels and ${c.arch.downsamplings} downsamplings, as the shared README states`, async () => {
      const arch = inferUNet3DArchitecture(await readStateDict(sharedPath(c.relative)));
      expect(arch).toEqual({ kind: 'innereye-unet3d', kernelSize: 3, keyPrefix: 'model.', ...c.arch });
    });
  }
});

describe('expectedUNet3DShapes', () => {
  it('gives the Hippocampus network 142 state tensors and 8,084,019 parameters (InnerEye spec section 2)', () => {
    const shapes = expectedUNet3DShapes({ kind: 'innereye-unet3d', inputChannels: 1, initialFeatureChannels: 16, downsamplings: 4, classes: 3, kernelSize: 3, keyPrefix: 'model.' });
    expect(shapes.size).toBe(142);
    let params = 0;
    for (const [k, s] of shapes) if (!/running_|num_batches/.test(k)) params += s.reduce((a, b) => a * b, 1);
    expect(params).toBe(8_084_019);
    expect(shapes.get('model._layers.4.block1.conv1.weight')).toEqual([256, 128, 3, 3, 3]);
    expect(shapes.get('model._layers.5.upsample_block.0.weight')).toEqual([256, 128, 4, 4, 4]);
    expect(shapes.get('model._layers.12.conv2.conv1.weight')).toEqual([16, 16, 3, 3, 3]);
  });
});

describeWithSharedData('state_dicts that are not the UNet3D they look like', [TINY_LAST_CHECKPOINT.relative], () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-arch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bad = runPythonReference<Record<'missing_key' | 'wrong_shape' | 'extra_key' | 'unknown_opcode', string>>(
    'inference_bad_checkpoints.py', [sharedPath(TINY_LAST_CHECKPOINT.relative), dir]);

  it('a missing key is listed with the shape expected', async () => {
    const sd = await readStateDict((await bad).missing_key);
    const err = mismatch(() => inferUNet3DArchitecture(sd));
    expect(err.code).toBe('ARCHITECTURE_MISMATCH');
    expect(err.problems).toEqual([{ kind: 'missing', key: 'model._layers.1.block2.bn1.running_var', expected: '[8]', found: 'absent' }]);
    expect(err.message).toContain('missing model._layers.1.block2.bn1.running_var: expected [8], found absent');
  });

  it('a wrong shape is listed with expected and found shapes', async () => {
    const sd = await readStateDict((await bad).wrong_shape);
    const err = mismatch(() => inferUNet3DArchitecture(sd));
    expect(err.problems).toEqual([{ kind: 'shape', key: 'model._layers.0.block2.conv1.weight', expected: '[4,4,3,3,3]', found: '[4,2,3,3,3]' }]);
  });

  it('an unexpected extra tensor is rejected, as load_state_dict(strict=True) would', async () => {
    const sd = await readStateDict((await bad).extra_key);
    const err = mismatch(() => inferUNet3DArchitecture(sd));
    expect(err.problems).toEqual([{ kind: 'unexpected', key: 'model.extra.weight', expected: 'absent', found: '[3]' }]);
  });
});

describe('state_dicts of other networks', () => {
  const sd = (entries: [string, number[]][]): StateDict => ({
    file: 'other.ckpt',
    nonTensorKeys: [],
    tensors: new Map(entries.map(([k, shape]) => [k, { dtype: 'float32', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) }])),
  });

  it('a network without UNet3D keys is NOT_UNET3D, naming the key looked for and the keys found', () => {
    const err = mismatch(() => inferUNet3DArchitecture(sd([['encoder.conv.weight', [8, 1, 3, 3]], ['fc.bias', [2]]])));
    expect(err.code).toBe('NOT_UNET3D');
    expect(err.message).toMatch(/missing model\._layers\.0\.block1\.conv1\.weight: expected \[F,C,3,3,3\], found absent; first keys are encoder\.conv\.weight, fc\.bias/);
  });

  it('a 2-D first convolution is NOT_UNET3D with its shape', () => {
    const err = mismatch(() => inferUNet3DArchitecture(sd([['model._layers.0.block1.conv1.weight', [8, 1, 3, 3]]])));
    expect(err.code).toBe('NOT_UNET3D');
    expect(err.problems[0]).toMatchObject({ kind: 'shape', found: '[8,1,3,3]' });
  });

  it('a bare UNet3D state_dict (no "model." prefix) is accepted, and every tensor is checked', () => {
    const arch = { kind: 'innereye-unet3d' as const, inputChannels: 2, initialFeatureChannels: 4, downsamplings: 1, classes: 5, kernelSize: 3 as const, keyPrefix: '' };
    const shapes = [...expectedUNet3DShapes(arch)];
    expect(inferUNet3DArchitecture(sd(shapes))).toEqual(arch);
    const err = mismatch(() => inferUNet3DArchitecture(sd(shapes.filter(([k]) => k !== '_layers.2.upsample_block.0.bias'))));
    expect(err.problems).toEqual([{ kind: 'missing', key: '_layers.2.upsample_block.0.bias', expected: '[4]', found: 'absent' }]);
  });
});
