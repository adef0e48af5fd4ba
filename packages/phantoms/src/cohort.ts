/**
 * A whole phantom cohort on disk: one folder per subject with `mri.nii.gz`, `hippocampus_L.nii.gz`
 * and `hippocampus_R.nii.gz`, InnerEye's `dataset.csv`, and `phantoms.json` describing each subject.
 */

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { FileWriteError, writeFileAtomic } from '@seahorse/files';
import { writeNifti } from '@seahorse/io';
import { z } from 'zod';
import { sampleAnatomy } from './anatomy.js';
import { PhantomError } from './errors.js';
import { sampleGrid, type PhantomGrid } from './grid.js';
import { createRandom } from './random.js';
import { renderPhantom } from './render.js';

const range = z.tuple([z.number().positive(), z.number().positive()]).refine(([a, b]) => a <= b, { message: 'must be [min, max] with min <= max' });

/** Options of {@link generatePhantomCohort}, validated with zod. */
export const phantomCohortOptionsSchema = z.object({
  /** Output folder; created if missing. Existing subject files are overwritten. */
  outDir: z.string().min(1),
  /** Number of subjects, 1–1000. */
  subjects: z.int().min(1).max(1000),
  /** Seed (any 32-bit integer): equal seeds give byte-identical cohorts. */
  seed: z.int().min(0).max(0xffffffff),
  /** Number of the first subject (InnerEye subjects are positive integers). Default 1. */
  firstSubject: z.int().min(1).max(999_000).default(1),
  /** `'varied'` (default) or `'fixed'` grids; see `GridOptions`. */
  geometry: z.enum(['varied', 'fixed']).default('varied'),
  /** Spacing range in mm for `'varied'`. Default [2.2, 2.8]. */
  spacingRangeMm: range.default([2.2, 2.8]),
  /** Largest oblique tilt per axis in degrees, 0–45. Default 10. */
  maxObliqueDeg: z.number().min(0).max(45).default(10),
  /** Isotropic spacing (mm) of `'fixed'` grids. Default 2.5. */
  fixedSpacingMm: z.number().positive().default(2.5),
  /** Shape [X, Y, Z] of `'fixed'` grids. Default [64, 80, 64]. */
  fixedShapeXYZ: z.tuple([z.int().min(8), z.int().min(8), z.int().min(8)]).default([64, 80, 64]),
  /** Noise sd as a fraction of white matter, 0–0.5. Default 0.03. */
  noise: z.number().min(0).max(0.5).default(0.03),
  /** Bias field amplitude, 0–0.5. Default 0.15. */
  biasField: z.number().min(0).max(0.5).default(0.15),
  /** Range of the per-side hippocampus size factor. Default [0.85, 1.15]. */
  hippocampusScale: range.default([0.85, 1.15]),
  /** Sub-samples per voxel axis for partial volume, 1–4. Default 2. */
  subsamples: z.int().min(1).max(4).default(2),
}).strict();

/** Options as a caller writes them (defaults may be left out). */
export type PhantomCohortOptions = z.input<typeof phantomCohortOptionsSchema>;

/** One written subject. */
export interface PhantomSubject {
  /** InnerEye subject id (positive integer). */
  readonly subject: number;
  /** Absolute paths of the scan and the two masks. */
  readonly files: { readonly mri: string; readonly hippocampus_L: string; readonly hippocampus_R: string };
  readonly shapeXYZ: readonly [number, number, number];
  readonly spacingXYZ: readonly [number, number, number];
  readonly affine: readonly number[];
  readonly obliqueDeg: number;
  /** Mask voxel counts. */
  readonly voxels: { readonly hippocampus_L: number; readonly hippocampus_R: number };
}

/** What {@link generatePhantomCohort} wrote. */
export interface PhantomCohort {
  /** Absolute path of the output folder. */
  readonly outDir: string;
  /** Absolute path of `dataset.csv`. */
  readonly datasetCsv: string;
  readonly subjects: readonly PhantomSubject[];
}

/** The channel names of the dataset, InnerEye Hippocampus style. */
export const PHANTOM_CHANNELS = Object.freeze(['mri', 'hippocampus_L', 'hippocampus_R'] as const);

function writeTextAtomic(file: string, text: string): void {
  try {
    writeFileAtomic(file, text);
  } catch (err) {
    throw new PhantomError('WRITE_FAILED', file, 'file', err instanceof FileWriteError ? err.reason : (err as Error).message);
  }
}

function countOnes(data: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) n += data[i]!;
  return n;
}

/** Parses options, turning zod issues into a {@link PhantomError} naming the field and value. */
export function parsePhantomCohortOptions(options: PhantomCohortOptions): z.infer<typeof phantomCohortOptionsSchema> {
  const parsed = phantomCohortOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.') || '(options)';
    const value = issue.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), options);
    throw new PhantomError('BAD_OPTIONS', 'generatePhantomCohort options', field, `${issue.message} (got ${JSON.stringify(value)})`);
  }
  return parsed.data;
}

/**
 * Generates a phantom cohort: `subjects` heads, each from its own random stream seeded by
 * `(seed, subject)` (so subject 3 is the same whether 5 or 50 are generated), written as
 * `<outDir>/<subject:03d>/{mri,hippocampus_L,hippocampus_R}.nii.gz` (int16 scan, uint8 0/1 masks,
 * sform and qform = the affine), plus `dataset.csv` (`subject,filePath,channel`, paths relative to
 * `outDir`) and `phantoms.json` (options and per-subject geometry). Every file is written atomically;
 * `dataset.csv` is written last.
 *
 * @param options - See {@link phantomCohortOptionsSchema}.
 * @returns The {@link PhantomCohort}.
 * @throws PhantomError `BAD_OPTIONS` (names the option and value), `WRITE_FAILED`.
 * @throws NiftiWriteError from `@seahorse/io` when a scan cannot be written.
 * @example
 * const cohort = generatePhantomCohort({ outDir: 'demo-out/phantoms', subjects: 20, seed: 42 });
 * cohort.datasetCsv; // '/…/demo-out/phantoms/dataset.csv'
 */
export function generatePhantomCohort(options: PhantomCohortOptions): PhantomCohort {
  const o = parsePhantomCohortOptions(options);
  const outDir = path.resolve(o.outDir);
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (err) {
    throw new PhantomError('WRITE_FAILED', outDir, 'outDir', (err as Error).message);
  }
  const subjects: PhantomSubject[] = [];
  const rows = ['subject,filePath,channel'];
  for (let i = 0; i < o.subjects; i++) {
    const subject = o.firstSubject + i;
    const rng = createRandom(o.seed, subject);
    const anatomy = sampleAnatomy(rng, { hippocampusScale: o.hippocampusScale });
    const grid: PhantomGrid = sampleGrid(rng, anatomy, {
      geometry: o.geometry, spacingRangeMm: o.spacingRangeMm, maxObliqueDeg: o.maxObliqueDeg,
      fixedSpacingMm: o.fixedSpacingMm, fixedShapeXYZ: o.fixedShapeXYZ,
    });
    const rendered = renderPhantom(anatomy, grid, rng, { noise: o.noise, biasField: o.biasField, subsamples: o.subsamples });
    const folder = String(subject).padStart(3, '0');
    const dir = path.join(outDir, folder);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new PhantomError('WRITE_FAILED', dir, 'subject folder', (err as Error).message);
    }
    const files = {
      mri: path.join(dir, 'mri.nii.gz'),
      hippocampus_L: path.join(dir, 'hippocampus_L.nii.gz'),
      hippocampus_R: path.join(dir, 'hippocampus_R.nii.gz'),
    };
    writeNifti(files.mri, rendered.mri, { datatype: 'int16', description: `Seahorse phantom ${subject} seed ${o.seed}` });
    writeNifti(files.hippocampus_L, rendered.hippocampusL, { datatype: 'uint8', description: 'hippocampus_L' });
    writeNifti(files.hippocampus_R, rendered.hippocampusR, { datatype: 'uint8', description: 'hippocampus_R' });
    for (const channel of PHANTOM_CHANNELS) rows.push(`${subject},${folder}/${channel}.nii.gz,${channel}`);
    subjects.push({
      subject, files,
      shapeXYZ: [...grid.shapeXYZ] as [number, number, number],
      spacingXYZ: grid.spacingXYZ,
      affine: Array.from(grid.affine),
      obliqueDeg: grid.obliqueDeg,
      voxels: { hippocampus_L: countOnes(rendered.hippocampusL.data), hippocampus_R: countOnes(rendered.hippocampusR.data) },
    });
  }
  const { outDir: _out, ...recorded } = o;
  const description = {
    generator: '@seahorse/phantoms',
    options: recorded,
    subjects: subjects.map((s) => ({ ...s, files: Object.fromEntries(Object.entries(s.files).map(([k, f]) => [k, path.relative(outDir, f)])) })),
  };
  writeTextAtomic(path.join(outDir, 'phantoms.json'), `${JSON.stringify(description, null, 2)}\n`);
  const datasetCsv = path.join(outDir, 'dataset.csv');
  writeTextAtomic(datasetCsv, `${rows.join('\n')}\n`);
  return { outDir, datasetCsv, subjects };
}
