import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridOf, orientationCodes, readNifti, type VolumeXYZ } from '@seahorse/io';
import { normaliseIntensity, reorient, resampleToGrid, toModelSpace } from '@seahorse/preprocess';
import { sha256Hex } from '@seahorse/files';
import { loadModelPackage, writeModelManifest, type ModelManifestInput, type ModelPackage } from '@seahorse/model-package';
import { argmaxClasses } from '../ensemble/aggregate.js';
import { planTiling } from '../tiling/plan.js';
import { slidingWindowInference } from '../tiling/sliding-window.js';
import { OnnxSessionHost } from './onnx-session-host.js';
import { openEnsemble, type Ensemble } from './segment-scan.js';
import { writeContextNetwork } from './tiny-onnx.test-helpers.js';

const work = mkdtempSync(path.join(tmpdir(), 'seahorse-segment-synthetic-'));
const onnx = path.join(work, 'context.onnx');

async function makePackage(name: string, overrides: Partial<ModelManifestInput> & { inference?: Partial<ModelManifestInput['inference']> }): Promise<ModelPackage> {
  const folder = path.join(work, name);
  mkdirSync(path.join(folder, 'members'), { recursive: true });
  copyFileSync(onnx, path.join(folder, 'members', 'a.onnx'));
  const { inference, ...rest } = overrides;
  await writeModelManifest(folder, {
    format: 'seahorse-model-package', formatVersion: 1, name, version: '1',
    classes: ['background', 'left', 'right'], inputChannels: 1, arrayOrder: 'zyx',
    members: [{ name: 'a', file: 'members/a.onnx', sha256: sha256Hex(readFileSync(onnx)) }],
    preprocessing: { normalisation: { method: 'zScore' }, targetSpacingXYZ: 'native', targetOrientation: 'native' },
    inference: { patchSizeZYX: [16, 16, 16], padMultiple: 8, padPlacement: 'split', padValue: 0, tiling: 'innereye', gaussianOverlap: 0.5, threads: 1, ...inference },
    aggregation: 'mean', postprocessing: { largestConnectedComponent: [] },
    ...rest,
  });
  return loadModelPackage(folder);
}

/** A 19×23×17 LIA volume (FreeSurfer-like axes) with structure, 1.5 mm voxels and an offset origin. */
function liaVolume(): VolumeXYZ<Float32Array> {
  const shapeXYZ = [19, 23, 17] as const;
  const data = new Float32Array(19 * 23 * 17);
  let i = 0;
  for (let z = 0; z < 17; z++) for (let y = 0; y < 23; y++) for (let x = 0; x < 19; x++) data[i++] = Math.sin(x / 3) + Math.cos(y / 4) * z / 8 + (x * y) % 5;
  // LIA: voxel x → −R (L), voxel y → −S (I), voxel z → +A
  const affine = Float64Array.from([-1.5, 0, 0, 10, 0, 0, 1.5, -20, 0, -1.5, 0, 30, 0, 0, 0, 1]);
  return { data, shapeXYZ, affine, kind: 'intensity' };
}

let host: OnnxSessionHost;
beforeAll(async () => {
  writeContextNetwork(onnx);
  host = await OnnxSessionHost.start([{ name: 'a', path: onnx }], { intraOpThreads: 1 });
});
afterAll(async () => { await host?.close(); });

describe('segmentScan on synthetic volumes', () => {
  it('reorients to the manifest orientation, then maps every output back to the scan grid', async () => {
    const pkg = await makePackage('ras', { preprocessing: { normalisation: { method: 'zScore' }, targetSpacingXYZ: 'native', targetOrientation: 'RAS' } });
    const scan = liaVolume();
    expect(orientationCodes(scan.affine)).toBe('LIA');
    const ensemble: Ensemble = await openEnsemble(pkg);
    try {
      const r = await ensemble.segmentScan(scan, path.join(work, 'out-ras'));
      // independent path: reorient + normalise by hand, tile, argmax, reorient the labels back
      const ras = normaliseIntensity(reorient(scan, 'RAS'), { method: 'zScore' });
      const [X, Y, Z] = ras.shapeXYZ;
      expect(r.networkShapeZYX).toEqual([Z, Y, X]);
      const post = await slidingWindowInference(ras.data, 1, 3, planTiling([Z, Y, X], { patchZYX: [16, 16, 16], padMultiple: 8 }), (p, s) => host.run(0, p, 1, s));
      const segRas = argmaxClasses(post, 3, [Z, Y, X]);
      const back = reorient({ data: segRas, shapeXYZ: ras.shapeXYZ, affine: ras.affine, kind: 'label' }, 'LIA');
      expect(Array.from(r.segmentationZYX)).toEqual(Array.from(back.data));
      const written = readNifti(r.files.segmentation, { kind: 'label' });
      expect(written.shapeXYZ).toEqual(scan.shapeXYZ);
      Array.from(written.affine).forEach((v, i) => expect(v).toBeCloseTo(scan.affine[i]!, 5));
      expect(Array.from(written.data)).toEqual(Array.from(r.segmentationZYX));
      // the labels are not all one class, so the comparison above has something to compare
      expect(new Set(r.segmentationZYX).size).toBeGreaterThan(1);
    } finally { await ensemble.close(); }
  });

  it('applies the manifest largest-component post-processing and reports what it removed', async () => {
    const plain = await makePackage('plain', {});
    const lcc = await makePackage('lcc', { postprocessing: { largestConnectedComponent: ['left', 'right'] } });
    const scan = liaVolume();
    const a = await openEnsemble(plain);
    const b = await openEnsemble(lcc);
    try {
      const r0 = await a.segmentScan(scan, path.join(work, 'out-plain'));
      const r1 = await b.segmentScan(scan, path.join(work, 'out-lcc'));
      const removed = Object.values(r1.removedByLargestComponent).reduce((s, v) => s + v, 0);
      let changed = 0;
      for (let i = 0; i < r0.segmentationZYX.length; i++) {
        if (r0.segmentationZYX[i] !== r1.segmentationZYX[i]) {
          changed++;
          expect(r1.segmentationZYX[i]).toBe(0);
        }
      }
      expect(changed).toBe(removed);
      expect(removed).toBeGreaterThan(0);
      expect(Array.from(r1.posteriorsCZYX)).toEqual(Array.from(r0.posteriorsCZYX)); // posteriors untouched
    } finally { await a.close(); await b.close(); }
  });

  it('refuses a wrong channel count with a typed error', async () => {
    const pkg = await makePackage('channels', {});
    const ensemble = await openEnsemble(pkg);
    try {
      await expect(ensemble.segmentScan([liaVolume(), liaVolume()], path.join(work, 'x'))).rejects.toMatchObject({
        code: 'INVALID_OPTIONS', message: expect.stringContaining('takes 1 input channel(s), got 2'),
      });
    } finally { await ensemble.close(); }
  });

  it('a model at another voxel size: resamples into model space, and maps posteriors back linearly, then argmax', async () => {
    const pkg = await makePackage('spacing', { preprocessing: { normalisation: { method: 'zScore' }, targetSpacingXYZ: [1, 1, 1], targetOrientation: 'RAS' } });
    const scan = liaVolume();
    const ensemble = await openEnsemble(pkg);
    try {
      const r = await ensemble.segmentScan(scan, path.join(work, 'out-spacing'));
      // independent path through packages/preprocess: model space, normalise, tile, back, argmax
      const model = toModelSpace(scan, { orientation: 'RAS', spacingXYZ: [1, 1, 1] }, { interpolation: 'linear' });
      expect(model.lossless).toBe(false);
      const input = normaliseIntensity(model.volume, { method: 'zScore' });
      const [X, Y, Z] = input.shapeXYZ;
      expect(r.networkShapeZYX).toEqual([Z, Y, X]);
      expect(X * Y * Z).toBeGreaterThan(scan.data.length * 3); // really resampled to finer voxels
      const post = await slidingWindowInference(input.data, 1, 3, planTiling([Z, Y, X], { patchZYX: [16, 16, 16], padMultiple: 8, padPlacement: 'split' }), (p, sh) => host.run(0, p, 1, sh));
      const n = X * Y * Z;
      const [nx, ny, nz] = scan.shapeXYZ;
      const nn = nx * ny * nz;
      const back = new Float32Array(3 * nn);
      for (let c = 0; c < 3; c++) {
        const channel = { data: post.slice(c * n, (c + 1) * n), shapeXYZ: input.shapeXYZ, affine: input.affine, kind: 'intensity' as const };
        back.set(resampleToGrid(channel, gridOf(scan), { interpolation: 'linear' }).data, c * nn);
      }
      expect(Array.from(r.segmentationZYX)).toEqual(Array.from(argmaxClasses(back, 3, [nz, ny, nx])));
      expect(new Set(r.segmentationZYX).size).toBeGreaterThan(1);
      // every output is on the scan's own grid, with its geometry
      for (const f of [r.files.segmentation, r.files.uncertainty, ...Object.values(r.files.posteriors)]) {
        const written = readNifti(f, { kind: 'label' });
        expect(written.shapeXYZ).toEqual(scan.shapeXYZ);
        Array.from(written.affine).forEach((v, i) => expect(v).toBeCloseTo(scan.affine[i]!, 5));
      }
    } finally { await ensemble.close(); }
  });
});
