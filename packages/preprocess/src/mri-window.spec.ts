import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readNifti, type VolumeXYZ } from '@seahorse/io';
import { describeWithSharedData, readNpy, runPythonReference, sharedPath } from '@seahorse/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreprocessError } from './errors.js';
import { maxUlpDistance } from './float32-ulp.test-helpers.js';
import { linearWindowFloat32 } from './linear-window.js';
import { mriWindow, mriWindowVolume } from './mri-window.js';
import { normaliseIntensity } from './normalise.js';
import { otsuThreshold } from './otsu.js';
import { midpointPercentilesInPlace } from './percentiles.js';
import { trimmedNorm } from './trimmed-norm.js';
import { zScore } from './z-score.js';

const identity = () => Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('midpoint percentiles (numpy 1.19 rule)', () => {
  it('gives the documented example', () => {
    expect(midpointPercentilesInPlace(Float32Array.of(4, 1, 3, 2), [0, 25, 50, 100])).toEqual([1, 1.5, 2.5, 4]);
  });

  it('agrees with the rule applied to a full sort, for many lengths and duplicates', () => {
    const rnd = lcg(7);
    for (const n of [1, 2, 3, 5, 17, 100, 1001, 4096]) {
      const v = new Float32Array(n);
      for (let i = 0; i < n; i++) v[i] = Math.floor(rnd() * 50);
      const s = Float32Array.from(v).sort();
      const expected = [0, 1, 25, 50, 75, 99, 100].map((p) => {
        const h = (p / 100) * (n - 1);
        const m = 0.5 * (Math.floor(h) + Math.ceil(h));
        const b = Math.floor(m);
        return Number.isInteger(m) ? s[b]! : 0.5 * s[b]! + 0.5 * s[Math.min(b + 1, n - 1)]!;
      });
      expect(midpointPercentilesInPlace(v, [0, 1, 25, 50, 75, 99, 100])).toEqual(expected);
    }
  });
});

describe('Otsu threshold (scikit-image 0.17.2 rule)', () => {
  it('splits a two-valued image at the centre of the first bin', () => {
    const t = otsuThreshold(Float32Array.of(0, 0, 0, 10, 10, 10), 'toy');
    expect(t).toBe(Math.fround(Math.fround(0 + Math.fround(10 / 256)) / 2));
  });

  it('rejects a constant image, naming the scan and the value', () => {
    expect(() => otsuThreshold(new Float32Array(8).fill(3), 'flat.nii.gz')).toThrow(/flat\.nii\.gz: every voxel has the value 3/);
    try { mriWindow(new Float32Array(8).fill(3), { scan: 'flat.nii.gz' }); expect.unreachable(); }
    catch (e) { expect(e).toBeInstanceOf(PreprocessError); expect((e as PreprocessError).code).toBe('CONSTANT_IMAGE'); }
  });
});

describe('MriWindow unit behaviour', () => {
  it('maps with the float32 gain and offset and clips', () => {
    expect(Array.from(linearWindowFloat32(Float32Array.of(0, 5, 10, 20), [0, 10], [-1, 1]))).toEqual([-1, 0, 1, 1]);
  });

  it('rejects NaN and Inf voxels, naming the scan, the index and the value', () => {
    const d = Float32Array.of(1, 2, NaN, 4, Infinity);
    expect(() => mriWindow(d, { scan: 'bad.nii.gz' })).toThrow(/bad\.nii\.gz: voxel data holds 2 NaN\/Inf value\(s\); first at flat index 2 \(value NaN\)/);
  });

  it('refuses a label volume', () => {
    const label: VolumeXYZ = { data: Uint8Array.of(0, 1, 2, 1), shapeXYZ: [4, 1, 1], affine: identity(), kind: 'label' };
    expect(() => mriWindowVolume(label, { scan: 'seg.nii.gz' })).toThrow(/seg\.nii\.gz: MriWindow needs kind 'intensity', got kind 'label'/);
  });

  it('rejects invalid options with the field and value', () => {
    expect(() => mriWindow(Float32Array.of(1, 2, 3), { sharpen: -1, scan: 's' })).toThrow(/s: MriWindow option 'sharpen' = -1 is invalid/);
    expect(() => normaliseIntensity({ data: Float32Array.of(1, 2), shapeXYZ: [2, 1, 1], affine: identity(), kind: 'intensity' },
      { method: 'mriWindow', outputRange: [1, -1] }, { scan: 's' })).toThrow(/option 'outputRange' = \[1,-1\]/);
  });

  it('reports a collapsed window on a two-valued image', () => {
    expect(() => mriWindow(Float32Array.of(0, 0, 1, 1), { scan: 'mask' })).toThrow(/mask: MriWindow's window collapsed/);
  });

  it('keeps the input untouched and the geometry of the volume', () => {
    const rnd = lcg(3);
    const data = new Float32Array(4 * 5 * 6).map(() => rnd() * 100);
    const copy = Float32Array.from(data);
    const affine = Float64Array.of(2, 0, 0, 1, 0, 2, 0, 2, 0, 0, 3, 3, 0, 0, 0, 1);
    const r = mriWindowVolume({ data, shapeXYZ: [4, 5, 6], affine, kind: 'intensity' });
    expect(data).toEqual(copy);
    expect(r.volume.shapeXYZ).toEqual([4, 5, 6]);
    expect(r.volume.affine).toEqual(affine);
    expect(r.volume.affine).not.toBe(affine);
    for (const v of r.volume.data) { expect(v).toBeGreaterThanOrEqual(-1); expect(v).toBeLessThanOrEqual(1); }
  });
});

describe('z-score and TrimmedNorm bad input', () => {
  it('name the scan for constant images and refuse labels', () => {
    expect(() => zScore(new Float32Array(10).fill(2), { scan: 'const.nii' })).toThrow(/const\.nii: every voxel has the value 2: z-score needs a non-zero standard deviation/);
    expect(() => trimmedNorm(new Float32Array(10).fill(2), { scan: 'const.nii' })).toThrow(/const\.nii: TrimmedNorm found no voxel strictly between its trim thresholds 2 and 2/);
    const label: VolumeXYZ = { data: Uint8Array.of(0, 1), shapeXYZ: [2, 1, 1], affine: identity(), kind: 'label' };
    expect(() => normaliseIntensity(label, { method: 'zScore' }, { scan: 'seg' })).toThrow(/seg: z-score needs kind 'intensity'/);
    expect(() => normaliseIntensity(label, { method: 'nope' } as never, { scan: 'seg' })).toThrow(/seg: normaliseIntensity option 'method' = "nope" is invalid/);
  });

  it('z-scores a small vector exactly', () => {
    const r = zScore(Float32Array.of(1, 2, 3));
    expect(r.mean).toBe(2);
    expect(Array.from(r.output)).toEqual([Math.fround(-1 / Math.sqrt(2 / 3)), 0, Math.fround(1 / Math.sqrt(2 / 3))]);
  });
});

interface RefImage { path: string; input: string; output?: string; threshold?: number; window?: [number, number];
  installedSkimageThreshold?: number; npHistogramMatchesRule?: boolean; error?: string; shapeZYX: number[] }
interface RefOut {
  skimageVersion: string; numpyVersion: string; images: RefImage[];
  testVector: { input: string; tail2: { output: string; mean: number }; tailList: { output: string; mean: number } };
  trimmed: { path: string; input: string; output: string; window: [number, number] }[];
  zscore: { path: string; input: string; output: string; mean: number; std: number }[];
}

function sharedImages(): string[] {
  const msd = readdirSync(sharedPath('data/msd-hippocampus/imagesTr')).filter((f) => f.endsWith('.nii.gz')).sort()
    .map((f) => sharedPath('data/msd-hippocampus/imagesTr', f));
  const headers = readdirSync(sharedPath('data/headers')).filter((f) => f.endsWith('.nii.gz')).sort()
    .map((f) => sharedPath('data/headers', f));
  return [...msd, sharedPath('data/colin27-aal/ch2.nii.gz'), sharedPath('data/niivue-subject/norm.nii.gz'), ...headers];
}

describeWithSharedData('MriWindow parity with the numpy reference of InnerEye\'s mri_window', [
  'data/msd-hippocampus/imagesTr', 'data/headers', 'data/colin27-aal/ch2.nii.gz', 'data/niivue-subject/norm.nii.gz',
], () => {
  let dir: string;
  let ref: RefOut;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'seahorse-mriwindow-'));
    const images = sharedImages();
    const jobs = path.join(dir, 'jobs.json');
    writeFileSync(jobs, JSON.stringify({
      images, testVector: true,
      trimmed: [images[0], images[57], sharedPath('data/colin27-aal/ch2.nii.gz'), sharedPath('data/headers/oblique-sform-int16-t1.nii.gz')],
      zscore: [images[0], images[1], images[150], sharedPath('data/headers/flair.nii.gz')],
    }));
    ref = await runPythonReference<RefOut>('preprocess_mri_window.py', [dir, jobs]);
  });
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('covers every shared image (200 MSD crops, Colin27, the FreeSurfer subject, 6 header files)', () => {
    expect(ref.images.length).toBe(208);
    expect(ref.images.filter((r) => r.error)).toEqual([]);
  });

  it('reads every image with @seahorse/io and gives the identical threshold and window, and outputs within 1 float32 ulp', () => {
    let worst = 0;
    for (const r of ref.images) {
      // the product path: readNifti, then MriWindow on the float32 cast (InnerEye: SimpleITK -> float32)
      const volume = readNifti(r.path);
      const sitkFloat32 = readNpy(r.input).data as Float32Array;
      expect(maxUlpDistance(Float32Array.from(volume.data), sitkFloat32).ulps, `${r.path}: readNifti vs SimpleITK float32`).toBe(0);
      const expected = readNpy(r.output!).data as Float32Array;
      const ours = mriWindowVolume(volume, { scan: r.path });
      expect(Array.from(ours.volume.affine)).toEqual(Array.from(volume.affine));
      expect({ scan: r.path, threshold: ours.threshold, window: ours.window })
        .toEqual({ scan: r.path, threshold: r.threshold, window: r.window });
      const { ulps } = maxUlpDistance(ours.volume.data, expected);
      expect(ulps, r.path).toBeLessThanOrEqual(1);
      worst = Math.max(worst, ulps);
    }
    console.info(`MriWindow parity: ${ref.images.length} images, worst output difference ${worst} ulp`);
  });

  it('reports how the installed scikit-image and numpy compare with the 0.17.2 rule', () => {
    const differ = ref.images.filter((r) => r.installedSkimageThreshold !== r.threshold);
    const binDiffer = ref.images.filter((r) => !r.npHistogramMatchesRule);
    console.info(`installed skimage ${ref.skimageVersion}/numpy ${ref.numpyVersion}: threshold_otsu differs from the ` +
      `0.17.2 rule on ${differ.length}/${ref.images.length} images` +
      (differ.length ? ` (${differ.slice(0, 5).map((r) => `${path.basename(r.path)}: ${r.installedSkimageThreshold} vs ${r.threshold}`).join('; ')})` : '') +
      `; np.histogram binning differs from the explicit rule on ${binDiffer.length}`);
    expect(binDiffer.length).toBe(0);
  });

  it('passes InnerEye\'s test vector (mean 0.2748852) channel by channel', () => {
    const tv = readNpy(ref.testVector.input);
    const input = tv.data as Float32Array;
    expect(tv.shape).toEqual([3, 4, 4, 4]);
    for (const [name, tails] of [['tail2', [2, 2, 2]], ['tailList', [2, 1.5, 1]]] as const) {
      const expected = readNpy(ref.testVector[name].output).data as Float32Array;
      const out = new Float32Array(input.length);
      for (let c = 0; c < 3; c++) {
        const ch = input.subarray(c * 64, (c + 1) * 64);
        out.set(mriWindow(ch, { sharpen: 2, tail: tails[c]!, outputRange: [0, 1] }).output, c * 64);
      }
      expect(maxUlpDistance(out, expected).ulps).toBeLessThanOrEqual(1);
      const mean = out.reduce((a, b) => a + b, 0) / out.length;
      expect(Math.abs(mean - 0.2748852)).toBeLessThan(5e-8);
      expect(Math.abs(mean - ref.testVector[name].mean)).toBeLessThan(1e-12);
    }
  });

  it('TrimmedNorm (1, 99) matches the reference: identical window, outputs within 1 ulp', () => {
    expect(ref.trimmed.length).toBe(4);
    for (const r of ref.trimmed) {
      const ours = trimmedNorm(readNpy(r.input).data as Float32Array, { sharpen: 1.9, trimPercentiles: [1, 99], scan: r.path });
      expect(ours.window).toEqual(r.window);
      expect(maxUlpDistance(ours.output, readNpy(r.output).data as Float32Array).ulps, r.path).toBeLessThanOrEqual(1);
    }
  });

  it('z-score matches a float64 numpy reference within 1 ulp', () => {
    expect(ref.zscore.length).toBe(4);
    for (const r of ref.zscore) {
      const ours = zScore(readNpy(r.input).data as Float32Array, { scan: r.path });
      expect(Math.abs(ours.mean - r.mean)).toBeLessThanOrEqual(1e-12 * Math.abs(r.mean) + 1e-12);
      expect(Math.abs(ours.std - r.std)).toBeLessThanOrEqual(1e-12 * r.std);
      expect(maxUlpDistance(ours.output, readNpy(r.output).data as Float32Array).ulps, r.path).toBeLessThanOrEqual(1);
    }
  });
});
