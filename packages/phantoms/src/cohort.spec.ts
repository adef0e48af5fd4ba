import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCohort, orientationCodes, readNifti, spacingXYZ } from '@seahorse/io';
import { runPythonReference } from '@seahorse/testkit';
import { generatePhantomCohort, PhantomError, type PhantomCohort } from './index.js';

const temp = mkdtempSync(path.join(tmpdir(), 'seahorse-phantoms-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function filesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('generatePhantomCohort', () => {
  const cohortA = generatePhantomCohort({ outDir: path.join(temp, 'a'), subjects: 4, seed: 7 });

  it('is deterministic: the same seed gives byte-identical files', () => {
    const b = generatePhantomCohort({ outDir: path.join(temp, 'b'), subjects: 4, seed: 7 });
    const files = filesOf(cohortA.outDir);
    expect(files).toEqual(filesOf(b.outDir).map((f) => f));
    expect(files).toHaveLength(4 * 3 + 2);
    for (const f of files) {
      expect(Buffer.compare(readFileSync(path.join(cohortA.outDir, f)), readFileSync(path.join(b.outDir, f))), f).toBe(0);
    }
  });

  it('gives a subject the same head whatever the cohort size, and other seeds other heads', () => {
    const one = generatePhantomCohort({ outDir: path.join(temp, 'one'), subjects: 1, seed: 7, firstSubject: 3 });
    expect(Buffer.compare(readFileSync(one.subjects[0]!.files.mri), readFileSync(cohortA.subjects[2]!.files.mri))).toBe(0);
    const other = generatePhantomCohort({ outDir: path.join(temp, 'other'), subjects: 1, seed: 8, firstSubject: 3 });
    expect(Buffer.compare(readFileSync(other.subjects[0]!.files.mri), readFileSync(cohortA.subjects[2]!.files.mri))).not.toBe(0);
  });

  it('writes binary, disjoint masks on the scan grid, left of the midline for L and right for R', () => {
    for (const s of cohortA.subjects) {
      const mri = readNifti(s.files.mri);
      const left = readNifti(s.files.hippocampus_L);
      const right = readNifti(s.files.hippocampus_R);
      expect([...mri.shapeXYZ]).toEqual([...s.shapeXYZ]);
      expect([...left.shapeXYZ]).toEqual([...s.shapeXYZ]);
      expect(Array.from(left.affine)).toEqual(Array.from(mri.affine));
      expect(Array.from(right.affine)).toEqual(Array.from(mri.affine));
      const [X, Y] = mri.shapeXYZ;
      const centroid = [[0, 0, 0, 0], [0, 0, 0, 0]];
      let nonBinary = 0, overlap = 0;
      for (let i = 0; i < left.data.length; i++) {
        const l = left.data[i]!, r = right.data[i]!;
        if ((l !== 0 && l !== 1) || (r !== 0 && r !== 1)) nonBinary++;
        if (l + r > 1) overlap++;
        if (l + r === 0) continue;
        const c = centroid[l ? 0 : 1]!;
        c[0]! += i % X; c[1]! += Math.floor(i / X) % Y; c[2]! += Math.floor(i / (X * Y)); c[3]! += 1;
      }
      expect(nonBinary).toBe(0);
      expect(overlap).toBe(0);
      const worldX = centroid.map((c) => {
        const [x, y, z] = [c[0]! / c[3]!, c[1]! / c[3]!, c[2]! / c[3]!];
        return mri.affine[0]! * x + mri.affine[1]! * y + mri.affine[2]! * z + mri.affine[3]!;
      });
      expect(centroid[0]![3]).toBe(s.voxels.hippocampus_L);
      expect(s.voxels.hippocampus_L).toBeGreaterThan(100);
      expect(s.voxels.hippocampus_R).toBeGreaterThan(100);
      // RAS+: left is at smaller world x than right, whatever the voxel axis order.
      expect(worldX[0]!).toBeLessThan(worldX[1]! - 30);
      // The scan has a head: white matter near the middle, air in the corner.
      expect(mri.data[0]!).toBeLessThan(100);
    }
  });

  it('varies spacing, orientation and obliquity across subjects within the requested ranges', () => {
    const cohort = generatePhantomCohort({ outDir: path.join(temp, 'varied'), subjects: 8, seed: 11, spacingRangeMm: [2, 3] });
    const codes = new Set<string>();
    let oblique = 0;
    for (const s of cohort.subjects) {
      const v = readNifti(s.files.mri);
      spacingXYZ(v.affine).forEach((sp, i) => {
        expect(sp).toBeGreaterThanOrEqual(2);
        expect(sp).toBeLessThan(3);
        expect(sp).toBeCloseTo(s.spacingXYZ[i]!, 5);
      });
      codes.add(orientationCodes(v.affine));
      if (s.obliqueDeg > 0) oblique++;
    }
    expect(codes.size).toBeGreaterThan(3);
    expect(oblique).toBeGreaterThan(0);
    expect(oblique).toBeLessThan(8);
  });

  it("'fixed' geometry puts every subject on one RAS grid", () => {
    const cohort = generatePhantomCohort({ outDir: path.join(temp, 'fixed'), subjects: 2, seed: 3, geometry: 'fixed', fixedSpacingMm: 2.5 });
    for (const s of cohort.subjects) {
      const v = readNifti(s.files.mri);
      expect([...v.shapeXYZ]).toEqual([64, 80, 64]);
      expect(orientationCodes(v.affine)).toBe('RAS');
      expect(spacingXYZ(v.affine).map((x) => Number(x.toFixed(6)))).toEqual([2.5, 2.5, 2.5]);
      expect(s.obliqueDeg).toBe(0);
    }
  });

  it("writes an InnerEye dataset.csv that Seahorse's manifest loader accepts", () => {
    const text = readFileSync(cohortA.datasetCsv, 'utf8');
    expect(text.split('\n')[0]).toBe('subject,filePath,channel');
    const cohort = loadCohort(cohortA.datasetCsv);
    expect(cohort.subjects.map((s) => s.id)).toEqual(['1', '2', '3', '4']);
  });

  it('is read by nibabel with the same shapes, affines, types and mask values', async () => {
    const seen = await runPythonReference<Array<{
      subject: string; channel: string; shape: number[]; dtype: string; affine: number[][]; sformCode: number; qformCode: number;
      values?: number[]; count?: number; centroidRAS?: number[];
    }>>('phantoms_read.py', [cohortA.outDir]);
    expect(seen).toHaveLength(12);
    for (const e of seen) {
      const s = cohortA.subjects.find((x) => String(x.subject) === e.subject)!;
      expect(e.shape).toEqual([...s.shapeXYZ]);
      expect(e.dtype).toBe(e.channel === 'mri' ? 'int16' : 'uint8');
      expect(e.sformCode).toBeGreaterThan(0);
      e.affine.flat().forEach((v, i) => expect(v).toBeCloseTo(s.affine[i]!, 4));
      if (e.channel !== 'mri') {
        expect(e.values).toEqual([0, 1]);
        expect(e.count).toBe(s.voxels[e.channel as 'hippocampus_L' | 'hippocampus_R']);
        expect(Math.sign(e.centroidRAS![0]! - s.affine[3]!)).not.toBeNaN();
      }
    }
    const xL = seen.filter((e) => e.channel === 'hippocampus_L').map((e) => e.centroidRAS![0]!);
    const xR = seen.filter((e) => e.channel === 'hippocampus_R').map((e) => e.centroidRAS![0]!);
    xL.forEach((x, i) => expect(x).toBeLessThan(xR[i]!));
  });
});

describe('bad options', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['subjects', { subjects: 0 }, 'subjects'],
    ['seed', { seed: -1 }, 'seed'],
    ['spacing range', { spacingRangeMm: [3, 2] }, 'spacingRangeMm'],
    ['geometry', { geometry: 'random' }, 'geometry'],
    ['unknown option', { colour: 'red' }, '(options)'],
  ];
  it.each(cases)('%s → PhantomError BAD_OPTIONS naming the field and value', (_name, over, field) => {
    let error: unknown;
    try {
      generatePhantomCohort({ outDir: path.join(temp, 'bad'), subjects: 1, seed: 1, ...over } as never);
    } catch (err) { error = err; }
    expect(error).toBeInstanceOf(PhantomError);
    expect((error as PhantomError).code).toBe('BAD_OPTIONS');
    expect((error as PhantomError).message).toContain(field);
  });
});

export type { PhantomCohort };
