import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '@seahorse/files';
import { ModelPackageError } from './errors.js';
import { MODEL_PACKAGE_FORMAT, type ModelManifestInput } from './manifest.js';
import { loadModelPackage, modelFingerprint, writeModelManifest } from './model-package.js';
import { runOnnxOnVolume, tinyOnnx } from './tiny-onnx.test-helpers.js';

const root = mkdtempSync(path.join(tmpdir(), 'seahorse-package-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('model packages', () => {
  let folder: string;
  let manifest: ModelManifestInput;
  let n = 0;
  beforeEach(async () => {
    folder = path.join(root, `pkg-${n++}`);
    mkdirSync(path.join(folder, 'members'), { recursive: true });
    const bytes = tinyOnnx(3);
    writeFileSync(path.join(folder, 'members/a.onnx'), bytes);
    writeFileSync(path.join(folder, 'members/b.onnx'), bytes);
    manifest = {
      format: MODEL_PACKAGE_FORMAT, formatVersion: 1, name: 'tiny', version: '1',
      classes: ['background', 'left', 'right'], inputChannels: 1, arrayOrder: 'zyx',
      members: [{ name: 'a', file: 'members/a.onnx', sha256: sha256Hex(bytes) }, { name: 'b', file: 'members/b.onnx', sha256: sha256Hex(bytes) }],
      preprocessing: { normalisation: { method: 'zScore' } },
      inference: { patchSizeZYX: [16, 16, 16], padMultiple: 16, tiling: 'whole' },
      aggregation: 'mean',
    };
    await writeModelManifest(folder, manifest);
  });

  const failure = async (fn: () => Promise<unknown>): Promise<ModelPackageError> => {
    try { await fn(); } catch (err) { expect(err).toBeInstanceOf(ModelPackageError); return err as ModelPackageError; }
    throw new Error('no ModelPackageError thrown');
  };

  it('loads with defaults filled in, members in order with absolute paths that onnxruntime can run', async () => {
    const pkg = await loadModelPackage(folder);
    expect(pkg.members.map((m) => [m.name, m.path])).toEqual([['a', path.join(folder, 'members/a.onnx')], ['b', path.join(folder, 'members/b.onnx')]]);
    expect(pkg.manifest.preprocessing).toEqual({ normalisation: { method: 'zScore' }, targetSpacingXYZ: 'native', targetOrientation: 'native' });
    expect(pkg.manifest.inference).toEqual({ patchSizeZYX: [16, 16, 16], padMultiple: 16, padPlacement: 'split', padValue: 0, tiling: 'whole', gaussianOverlap: 0.5, threads: 'auto' });
    expect(pkg.manifest.postprocessing).toEqual({ largestConnectedComponent: [] });
    const { data, dims } = await runOnnxOnVolume(pkg.members[0]!.path, new Float32Array([0, 1]), [1, 1, 1, 2]);
    expect(dims).toEqual([1, 3, 1, 1, 2]);
    // softmax of (1, 2, 3)·x over channels: at x = 0 all equal
    expect(Array.from(data.filter((_, i) => i % 2 === 0)).map((v) => v.toFixed(6))).toEqual(['0.333333', '0.333333', '0.333333']);
  });

  it('the manifest is written atomically: no temp file is left next to it', () => {
    expect(JSON.parse(readFileSync(path.join(folder, 'model.json'), 'utf8')).format).toBe(MODEL_PACKAGE_FORMAT);
    expect(readFileSync(path.join(folder, 'model.json'), 'utf8').endsWith('\n')).toBe(true);
  });

  it('a changed ONNX file is HASH_MISMATCH with both hashes', async () => {
    writeFileSync(path.join(folder, 'members/b.onnx'), tinyOnnx(3).subarray(0, 50));
    const err = await failure(() => loadModelPackage(folder));
    expect(err.code).toBe('HASH_MISMATCH');
    expect(err.field).toBe('members.1.sha256');
    expect(err.message).toMatch(/members\/b\.onnx has sha256 [0-9a-f]{64}, the manifest records [0-9a-f]{64}/);
  });

  it('a member file that does not exist is MEMBER_MISSING', async () => {
    rmSync(path.join(folder, 'members/a.onnx'));
    expect((await failure(() => loadModelPackage(folder))).code).toBe('MEMBER_MISSING');
  });

  it('a network with 4 outputs where the manifest lists 3 classes is SIGNATURE_MISMATCH', async () => {
    const four = tinyOnnx(4);
    writeFileSync(path.join(folder, 'members/a.onnx'), four);
    await writeModelManifest(folder, { ...manifest, members: [{ name: 'a', file: 'members/a.onnx', sha256: sha256Hex(four) }] });
    const err = await failure(() => loadModelPackage(folder));
    expect(err.code).toBe('SIGNATURE_MISMATCH');
    expect(err.message).toMatch(/output posteriors: dims are \[batch, 4, z, y, x\], expected \[batch, 3, z, y, x\] \(classes = 3/);
  });

  it('schema violations are MANIFEST_INVALID naming the field and the value', async () => {
    const write = (m: unknown): void => writeFileSync(path.join(folder, 'model.json'), JSON.stringify(m));
    const cases: [unknown, string, RegExp][] = [
      [{ ...manifest, members: [{ ...manifest.members[0]!, sha256: 'ABC' }] }, 'members.0.sha256', /value "ABC" is invalid: must be 64 lower-case hex digits/],
      [{ ...manifest, arrayOrder: 'xyz' }, 'arrayOrder', /value "xyz" is invalid/],
      [{ ...manifest, aggregation: 'vote' }, 'aggregation', /value "vote"/],
      [{ ...manifest, members: [{ ...manifest.members[0]!, file: '../escape.onnx' }] }, 'members.0.file', /must be a relative path inside the package/],
      [{ ...manifest, inference: { ...manifest.inference, tiling: 'sliding' } }, 'inference.tiling', /value "sliding"/],
      [{ ...manifest, preprocessing: { normalisation: { method: 'mriWindow', sharpen: -1 } } }, 'preprocessing.normalisation.sharpen', /value -1/],
      [{ ...manifest, postprocessing: { largestConnectedComponent: ['background'] } }, 'postprocessing.largestConnectedComponent.0', /must name a foreground class \(one of left, right\)/],
      [{ ...manifest, extra: true }, '(root)', /extra/],
      [{ ...manifest, members: [manifest.members[0], manifest.members[0]] }, 'members.1.name', /duplicate member name a/],
    ];
    for (const [m, field, message] of cases) {
      write(m);
      const err = await failure(() => loadModelPackage(folder));
      expect([err.code, err.field], field).toEqual(['MANIFEST_INVALID', field]);
      expect(err.message, field).toMatch(message);
    }
  });

  it('the fingerprint is the sha256 of model.json\'s bytes, from a loaded package or a folder, and follows the manifest', async () => {
    const bytes = readFileSync(path.join(folder, 'model.json'));
    const pkg = await loadModelPackage(folder);
    expect(pkg.fingerprint).toBe(sha256Hex(bytes));
    expect(await modelFingerprint(pkg)).toBe(sha256Hex(bytes));
    expect(await modelFingerprint(folder)).toBe(sha256Hex(bytes));
    await writeModelManifest(folder, { ...manifest, version: '2' });
    const changed = await modelFingerprint(folder);
    expect(changed).toBe(sha256Hex(readFileSync(path.join(folder, 'model.json'))));
    expect(changed).not.toBe(pkg.fingerprint);
    const err = await modelFingerprint(path.join(root, 'no-such-package')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelPackageError);
    expect((err as ModelPackageError).code).toBe('MANIFEST_MISSING');
  });

  it('a missing or non-JSON manifest has its own code', async () => {
    writeFileSync(path.join(folder, 'model.json'), '{ nope');
    expect((await failure(() => loadModelPackage(folder))).code).toBe('MANIFEST_NOT_JSON');
    rmSync(path.join(folder, 'model.json'));
    expect((await failure(() => loadModelPackage(folder))).code).toBe('MANIFEST_MISSING');
  });
});
