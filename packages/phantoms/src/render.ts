/**
 * Sampling a phantom on a voxel grid: a T1-like scan with partial-volume blur, a smooth
 * multiplicative bias field and Rician noise, and one binary mask per hippocampus.
 */

import type { VolumeXYZ } from '@seahorse/io';
import { TISSUE, TISSUE_INTENSITY, tissueFunction, type PhantomAnatomy } from './anatomy.js';
import type { PhantomGrid } from './grid.js';
import type { Random } from './random.js';

/** Options of {@link renderPhantom}. */
export interface RenderOptions {
  /** Noise standard deviation as a fraction of white-matter intensity. Default 0.03. */
  noise?: number;
  /** Bias field amplitude: the field lies within about 1 ± this. Default 0.15. */
  biasField?: number;
  /** Sub-samples per voxel axis for partial-volume intensities (1 = none). Default 2. */
  subsamples?: number;
}

/** One rendered phantom subject. */
export interface RenderedPhantom {
  /** T1-like scan, int16, white matter around 600–900 (a random scanner gain). */
  readonly mri: VolumeXYZ<Int16Array>;
  /** Binary masks (0/1, uint8), mutually exclusive, on the scan's grid. */
  readonly hippocampusL: VolumeXYZ<Uint8Array>;
  readonly hippocampusR: VolumeXYZ<Uint8Array>;
}

/** A smooth field `1 + amplitude·f(p)`, f a sum of three long-wavelength cosines scaled to [−1, 1]. */
function biasFieldFunction(rng: Random, amplitude: number): (r: number, a: number, s: number) => number {
  const waves = [0, 1, 2].map(() => {
    const dir = [rng.normal(), rng.normal(), rng.normal()];
    const norm = Math.hypot(dir[0]!, dir[1]!, dir[2]!) || 1;
    const k = (2 * Math.PI) / rng.uniform(220, 420);
    return { kx: (k * dir[0]!) / norm, ky: (k * dir[1]!) / norm, kz: (k * dir[2]!) / norm, phase: rng.uniform(0, 2 * Math.PI), w: rng.uniform(0.5, 1) };
  });
  const total = waves.reduce((s, w) => s + w.w, 0);
  return (r, a, s) => {
    let f = 0;
    for (const w of waves) f += w.w * Math.cos(w.kx * r + w.ky * a + w.kz * s + w.phase);
    return 1 + (amplitude * f) / total;
  };
}

/**
 * Renders one phantom on one grid. Masks are the tissue at each voxel centre; the scan's
 * intensity is the mean over `subsamples³` points spread evenly inside the voxel.
 * @param anatomy - From `sampleAnatomy`.
 * @param grid - From `sampleGrid`.
 * @param rng - The subject's random stream (bias field, gain, noise).
 * @param options - See {@link RenderOptions}.
 * @returns A {@link RenderedPhantom}.
 * @example
 * const rng = createRandom(42, 1);
 * const anatomy = sampleAnatomy(rng);
 * const { mri, hippocampusL } = renderPhantom(anatomy, sampleGrid(rng, anatomy), rng);
 */
export function renderPhantom(anatomy: PhantomAnatomy, grid: PhantomGrid, rng: Random, options: RenderOptions = {}): RenderedPhantom {
  const tissueAt = tissueFunction(anatomy);
  const bias = biasFieldFunction(rng, options.biasField ?? 0.15);
  const gain = rng.uniform(600, 900);
  const sigma = (options.noise ?? 0.03) * gain;
  const sub = options.subsamples ?? 2;
  const [X, Y, Z] = grid.shapeXYZ;
  const A = grid.affine;
  const n = X * Y * Z;
  const mri = new Int16Array(n);
  const left = new Uint8Array(n);
  const right = new Uint8Array(n);
  const offsets: number[] = [];
  for (let i = 0; i < sub; i++) offsets.push((i + 0.5) / sub - 0.5);
  const a00 = A[0]!, a01 = A[1]!, a02 = A[2]!, a03 = A[3]!;
  const a10 = A[4]!, a11 = A[5]!, a12 = A[6]!, a13 = A[7]!;
  const a20 = A[8]!, a21 = A[9]!, a22 = A[10]!, a23 = A[11]!;
  const samples = sub * sub * sub;
  let idx = 0;
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++, idx++) {
        const r = a00 * x + a01 * y + a02 * z + a03;
        const a = a10 * x + a11 * y + a12 * z + a13;
        const s = a20 * x + a21 * y + a22 * z + a23;
        const centre = tissueAt(r, a, s);
        if (centre === TISSUE.hippocampusL) left[idx] = 1;
        else if (centre === TISSUE.hippocampusR) right[idx] = 1;
        let sum = 0;
        if (sub === 1) {
          sum = TISSUE_INTENSITY[centre]!;
        } else {
          for (const dz of offsets) for (const dy of offsets) for (const dx of offsets) {
            const xx = x + dx, yy = y + dy, zz = z + dz;
            sum += TISSUE_INTENSITY[tissueAt(
              a00 * xx + a01 * yy + a02 * zz + a03,
              a10 * xx + a11 * yy + a12 * zz + a13,
              a20 * xx + a21 * yy + a22 * zz + a23,
            )]!;
          }
          sum /= samples;
        }
        const clean = gain * sum * bias(r, a, s);
        // Rician magnitude noise, as in magnitude MR images.
        const re = clean + sigma * rng.normal();
        const im = sigma * rng.normal();
        mri[idx] = Math.min(32767, Math.round(Math.sqrt(re * re + im * im)));
      }
    }
  }
  const geometry = { shapeXYZ: [X, Y, Z] as const, affine: Float64Array.from(A) };
  return {
    mri: { ...geometry, data: mri, kind: 'intensity' },
    hippocampusL: { ...geometry, affine: Float64Array.from(A), data: left, kind: 'label' },
    hippocampusR: { ...geometry, affine: Float64Array.from(A), data: right, kind: 'label' },
  };
}
